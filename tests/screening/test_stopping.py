"""Stopping rules on synthetic label sequences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom, poisson

from litreview.errors import InvalidValue
from litreview.screening.stopping import (
    Buscar,
    BuscarOrCounting,
    ConsecutiveIrrelevant,
    CountingProcess,
    Knee,
    TargetMethod,
    buscar_p_value,
    default_rule,
    estimate_recall,
    hypergeom_cdf,
    knee_slope_ratio,
    make_rule,
    make_rules,
    poisson_quantile,
)


@settings(max_examples=100, deadline=None)
@given(pop=st.integers(1, 3000), data=st.data())
def test_hypergeom_cdf_matches_scipy(pop: int, data: st.DataObject) -> None:
    red = data.draw(st.integers(0, pop))
    draws = data.draw(st.integers(0, pop))
    k = data.draw(st.integers(0, draws))
    expected = float(hypergeom.cdf(k, pop, red, draws))
    assert float(hypergeom_cdf(k, pop, red, draws)) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("mean", [0.0, 1e-3, 0.7, 3.2, 40.0, 900.5])
def test_poisson_quantile_matches_scipy(mean: float) -> None:
    for q in (0.5, 0.95, 0.975):
        assert poisson_quantile(q, mean) == int(poisson.ppf(q, mean))


def brute_buscar(labels: list[int], n_total: int, target: float = 0.95) -> float:
    """Every urn (last j records), straight from the paper's formula."""
    y = np.asarray(labels)
    r = int(y.sum())
    k_tar = math.floor(r / target) + 1
    best = 1.0
    for j in range(1, len(y) + 1):
        k = int(y[len(y) - j :].sum())
        pop = n_total - len(y) + j
        best = min(best, float(hypergeom.cdf(k, pop, min(k_tar - (r - k), pop), j)))
    return best


sequences = st.lists(st.integers(0, 1), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(labels=sequences, extra=st.integers(0, 200))
def test_buscar_equals_the_formula_over_every_urn(labels: list[int], extra: int) -> None:
    n_total = len(labels) + extra
    expected = brute_buscar(labels, n_total)
    assert buscar_p_value(labels, n_total) == pytest.approx(expected, abs=1e-12)
    scanned = Buscar().p_values(labels, n_total)[-1]
    if expected < 0.5:  # the scan is exact where a decision could depend on it
        assert scanned == pytest.approx(expected, abs=1e-12)
    else:
        assert scanned >= expected - 1e-12


@settings(max_examples=30, deadline=None)
@given(labels=sequences, extra=st.integers(0, 100))
def test_buscar_never_stops_before_the_bound_says_so(labels: list[int], extra: int) -> None:
    n_total = len(labels) + extra
    outcome = Buscar().stop_point(labels, n_total)
    first = next(
        (m for m in range(1, len(labels) + 1) if brute_buscar(labels[:m], n_total) < 0.05), None
    )
    assert outcome.stopped_after == first


def test_buscar_hand_example() -> None:
    # 19 relevant found, then only irrelevant records; N = 1000. H0 needs >= 21 relevant,
    # so >= 2 are hiding among the last m screened plus the 981 - m unseen:
    # p = C(981 - 2, m) / C(981, m) = (981 - m)(980 - m) / (981 * 980).
    n_total, pop = 1000, 981
    first = next(m for m in range(1, pop) if (pop - m) * (pop - m - 1) / (pop * (pop - 1)) < 0.05)
    labels = [1] * 19 + [0] * 900
    assert Buscar().stop_point(labels, n_total).stopped_after == 19 + first
    assert not Buscar().check(labels[: 19 + first - 1], n_total).stop
    assert Buscar().check(labels[: 19 + first], n_total).stop


def test_knee_stops_where_the_published_ratio_is_reached() -> None:
    labels = [0, 1] * 50 + [0] * 400  # 50 relevant in the first 100, then none
    knee, ratio = knee_slope_ratio(labels[:312])
    assert knee == 100 and ratio == pytest.approx(0.5 * 212)
    # threshold 156 - 50 = 106: (50/100) / (1/(s - 100)) >= 106 first at s = 312
    assert Knee().stop_point(labels, 1000).stopped_after == 312
    assert Knee(ratio=6).stop_point(labels, 1000).stopped_after == 150  # min_screened


def test_consecutive_irrelevant() -> None:
    labels = [1, 0, 0, 1, 0, 0, 0, 0]
    assert ConsecutiveIrrelevant(run=3).stop_point(labels, 8).stopped_after == 7
    assert ConsecutiveIrrelevant(run=3).check(labels[:6], 8).stop is False
    assert ConsecutiveIrrelevant(run=5).stop_point(labels, 8).stopped_after is None


def test_target_method_counts_its_sample_and_finds_every_target() -> None:
    rng = np.random.default_rng(0)
    labels = (rng.random(2000) < np.linspace(0.3, 0.0, 2000)).astype(int)
    outcome = TargetMethod(targets=10, random_state=5).stop_point(labels, 2000)
    assert outcome.stopped_after is not None and outcome.found >= 10
    assert outcome.stopped_after >= int(np.flatnonzero(labels)[9]) + 1
    assert TargetMethod(targets=10, random_state=5).stop_point(labels, 2000) == outcome


def test_counting_process_stops_on_a_decaying_rate_not_on_a_flat_one() -> None:
    front = np.zeros(3000, dtype=int)
    front[[0, 1, 2, 4, 6, 9, 13, 18, 25, 33, 45, 60, 80, 110, 150]] = 1
    outcome = CountingProcess().stop_point(front, 3000)
    assert outcome.stopped_after is not None and outcome.stopped_after < 1000
    flat = np.zeros(3000, dtype=int)
    flat[::50] = 1  # one in 50 all the way: nothing says the rate falls
    assert not CountingProcess().check(flat[:1500], 3000).stop


def test_buscar_or_counting_never_reads_more_than_buscar_at_its_share_of_alpha() -> None:
    rng = np.random.default_rng(1)
    labels = (rng.random(1500) < np.exp(-np.arange(1500) / 150) * 0.4).astype(int)
    combined = BuscarOrCounting().stop_point(labels, 1500).stopped_after
    buscar = Buscar(confidence=0.975).stop_point(labels, 1500).stopped_after
    counting = CountingProcess(confidence=0.975).stop_point(labels, 1500).stopped_after
    assert combined == min(p for p in (buscar, counting) if p is not None)
    assert default_rule().name in make_rules()
    assert default_rule().name == "random_check"  # the model-based rules are options only


def test_recall_estimate() -> None:
    labels = [1] * 10 + [0] * 490
    early = estimate_recall(labels[:10], 500)
    late = estimate_recall(labels, 500)
    assert early.found == 10 and early.lower is not None and early.lower < 0.5
    assert late.lower is not None and late.recall is not None
    assert late.lower > early.lower and 0 < late.lower <= late.recall <= 1
    assert estimate_recall([0, 0], 10).recall is None
    assert estimate_recall([1, 0], 2) == estimate_recall([1, 0], 2)
    assert estimate_recall([1, 0], 2).lower == 1.0


def test_rules_by_name_follow_the_protocol_target() -> None:
    rule = make_rule("buscar", recall_target=0.9, confidence=0.99)
    assert rule == Buscar(0.9, 0.99)
    assert default_rule(0.9).recall_target == 0.9
    with pytest.raises(InvalidValue) as info:
        make_rule("nope")
    assert info.value.hint and "buscar_or_counting" in info.value.hint
