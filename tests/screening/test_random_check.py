"""The default stopping rule (a random check): its statistics against scipy, its
guarantee by simulation on rankings built to break model-based rules, its replay."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, hypergeom

from litreview.screening.random_check import (
    RandomCheck,
    RandomCheckRun,
    check_alpha,
    check_interval,
    design_check,
    draw_sample,
    first_proposal,
    min_missing_to_fail,
    miss_probability,
    missing_lower,
    missing_upper,
    stop_probabilities,
)
from litreview.screening.stopping import Buscar, CountingProcess


def _most_misses(runs: int, rate: float = 0.05) -> int:
    """Misses we may see in ``runs`` if the true miss rate is ``rate`` (a 1-in-1000 margin)."""
    return int(binom.ppf(0.999, runs, rate))


# --- statistics against scipy ------------------------------------------------------


@pytest.mark.parametrize(
    ("s", "n", "pool", "alpha"),
    [
        (0, 100, 500, 0.05),
        (2, 100, 500, 0.05),
        (5, 300, 1000, 0.01),
        (1, 40, 41, 0.0375),
        (0, 1, 3, 0.2),
    ],
)
def test_bounds_on_what_is_left_match_scipy(s: int, n: int, pool: int, alpha: float) -> None:
    d = np.arange(s, pool - (n - s) + 1)
    assert missing_upper(s, n, pool, alpha) == d[hypergeom.cdf(s, pool, d, n) > alpha].max()
    assert missing_lower(s, n, pool, alpha) == d[hypergeom.sf(s - 1, pool, d, n) > alpha].min()


def test_d_star_is_the_fewest_missing_that_break_the_target() -> None:
    for found in range(0, 200):
        d = min_missing_to_fail(found, 0.95)
        assert found / (found + d) < 0.95 or found + d == 0
        assert d == 1 or found / (found + d - 1) >= 0.95


@pytest.mark.parametrize(("found", "pool"), [(40, 2000), (14, 600), (99, 250), (3, 50)])
def test_first_stage_is_the_classic_none_found_test(found: int, pool: int) -> None:
    design = design_check(1, found, pool)
    d_star = min_missing_to_fail(found, 0.95)
    p0 = hypergeom.pmf(0, pool, d_star, np.arange(pool + 1))
    assert design.sizes[0] == int(np.argmax(p0 <= design.alpha))


def test_staged_law_matches_scipy_chain() -> None:
    pool, sizes = 300, (120, 170, 200)
    d = np.arange(0, 12)
    got = stop_probabilities(10, pool, sizes, d)
    p0 = hypergeom.pmf(0, pool, d, 120)
    p1 = hypergeom.pmf(1, pool, d, 120) * hypergeom.pmf(0, pool - 120, d - 1, 50)
    # stage 2: two found by 200, and not stopped before (1 by 120 and >1 by 170 or 2 by 120)
    p2 = sum(
        hypergeom.pmf(a, pool, d, 120)
        * hypergeom.pmf(b, pool - 120, d - a, 50)
        * hypergeom.pmf(2 - a - b, pool - 170, d - a - b, 30)
        for a in (1, 2)
        for b in (0, 1)
        if a + b == 2 and not (a == 1 and b == 0)
    )
    assert got[:, 0] == pytest.approx(p0, abs=1e-12)
    assert got[:, 1] == pytest.approx(np.nan_to_num(p1), abs=1e-12)
    assert got[:, 2] == pytest.approx(np.nan_to_num(p2), abs=1e-12)


@pytest.mark.parametrize(("found", "pool"), [(40, 1500), (95, 240), (20, 800), (0, 60), (400, 900)])
def test_every_design_keeps_its_exact_miss_probability_in_budget(found: int, pool: int) -> None:
    for number in (1, 2):
        design = design_check(number, found, pool)
        # over every possible count left (the design itself looks at the first ones)
        assert miss_probability(found, pool, design.sizes, 0.95) <= design.alpha
        assert list(design.sizes) == sorted(set(design.sizes))


def test_checks_share_the_error_budget() -> None:
    assert sum(check_alpha(k) for k in range(1, 60)) == pytest.approx(0.05)
    assert check_alpha(1) > check_alpha(2) > check_alpha(3)


def test_the_sample_depends_only_on_the_set_and_the_seed() -> None:
    a = draw_sample([5, 3, 9, 1, 7, 2], 4, (11, 1))
    assert a == draw_sample([1, 2, 3, 5, 7, 9], 4, (11, 1))
    assert len(set(a)) == 4 and set(a) <= {1, 2, 3, 5, 7, 9}
    assert a != draw_sample([1, 2, 3, 5, 7, 9], 4, (11, 2))


def test_interval_brackets_the_point_estimate() -> None:
    design = design_check(1, 40, 1000)
    for s in range(0, 3):
        iv = check_interval(design, s)
        assert 0 < iv.lower <= iv.recall <= iv.upper <= 1


# --- the guarantee, by simulation --------------------------------------------------


def _worst_case_misses(found: int, pool: int, draws: int) -> tuple[int, int]:
    """Force a check when exactly D* relevant records are left (the case the test is
    sized for); count passes with recall < .95 over ``draws`` random samples."""
    d_star = min_missing_to_fail(found, 0.95)
    misses = 0
    for seed in range(draws):
        y = [1] * found + [0] * (pool - d_star) + [1] * d_star  # the rest: ranked last
        run = RandomCheckRun(len(y), [seed], proposal_at=found)
        done = np.zeros(len(y), dtype=bool)
        for i in range(found):
            done[i] = True
            run.observe(y[i], False)
        while run.stopped_after is None and not done.all():
            pick = run.next_check_record(lambda done=done: np.flatnonzero(~done).tolist())
            if pick is None:
                break  # failed: ranked screening would resume, never a miss
            done[pick] = True
            run.observe(y[pick], True)
        if run.stopped_after is not None:
            recall = sum(run.labels) / (found + d_star)
            misses += recall < 0.95
    return misses, d_star


@pytest.mark.parametrize(("found", "pool"), [(40, 400), (14, 300), (100, 250)])
def test_a_check_drawn_at_the_worst_moment_misses_at_most_alpha(found: int, pool: int) -> None:
    draws = 400
    misses, _ = _worst_case_misses(found, pool, draws)
    assert misses <= _most_misses(draws, check_alpha(1))
    assert misses >= 1  # it is sized at its budget, not wildly above it (the test can fail)


def _synthetic(kind: str, n: int, relevant: int, rng: np.random.Generator) -> np.ndarray:
    y = np.zeros(n, dtype=np.int64)
    if kind == "late":  # the ranking puts every relevant record in the last tenth
        y[rng.choice(np.arange(int(0.9 * n), n), relevant, replace=False)] = 1
    elif kind == "burst_then_late":  # an early burst, then a second wave at the end
        first = relevant * 2 // 3
        y[rng.choice(np.arange(0, 40), first, replace=False)] = 1
        y[rng.choice(np.arange(int(0.8 * n), n), relevant - first, replace=False)] = 1
    elif kind == "random":
        y[rng.choice(n, relevant, replace=False)] = 1
    elif kind == "perfect":
        y[:relevant] = 1
    elif kind == "decaying":  # a good ranker: exponentially decaying discovery
        p = np.exp(-np.arange(n) / (0.08 * n))
        y[rng.choice(n, relevant, replace=False, p=p / p.sum())] = 1
    return y


SCENARIOS = [
    ("late", 800, 30),
    ("burst_then_late", 800, 30),
    ("random", 800, 30),
    ("perfect", 800, 30),
    ("decaying", 800, 30),
    ("decaying", 2000, 8),  # very low prevalence
    ("random", 300, 90),
    ("decaying", 300, 90),
]  # very high prevalence


@pytest.mark.parametrize(("kind", "n", "relevant"), SCENARIOS)
def test_default_rule_holds_on_rankings_built_to_break_model_based_rules(
    kind: str, n: int, relevant: int
) -> None:
    draws = 40
    rng = np.random.default_rng(abs(hash(kind)) % 2**32 + n)
    misses, stops = 0, 0
    for seed in range(draws):
        y = _synthetic(kind, n, relevant, rng)
        out = RandomCheck(random_state=seed).stop_point(y, n)
        if out.stopped_after is not None:
            stops += 1
            misses += out.found / relevant < 0.95
    assert misses <= _most_misses(draws)
    if kind in ("perfect", "decaying") and relevant >= 30:
        assert stops == draws  # the check is not just "never stop"


def test_the_late_cluster_breaks_the_model_based_rules_it_is_meant_to_break() -> None:
    rng = np.random.default_rng(3)
    y = _synthetic("burst_then_late", 800, 30, rng)
    for rule in (Buscar(), CountingProcess()):
        out = rule.stop_point(y, 800)
        assert out.stopped_after is not None and out.found / 30 < 0.95
    out = RandomCheck(random_state=1).stop_point(y, 800)
    assert out.stopped_after is None or out.found / 30 >= 0.95


def test_stop_point_counts_the_check_records_as_screened() -> None:
    y = np.zeros(1000, dtype=np.int64)
    y[:30] = 1
    out = RandomCheck(random_state=0).stop_point(y, 1000)
    proposed = first_proposal(y, 1000, 0.95, 0.95)
    assert proposed is not None and out.found == 30
    assert out.stopped_after == proposed + design_check(1, 30, 1000 - proposed).sizes[0]
