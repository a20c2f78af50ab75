"""The default stopping rule: propose a stop from the ranking, verify it with a random check.

Why. A stop can be trusted only as far as its assumptions hold. Rules that
read the ranking (counting process, knee, "N irrelevant in a row") assume the
ranking behaves, and misses then come a whole data set at a time. This rule
rests on one assumption the ranking cannot break: the check's records are a
simple random sample, drawn by litreview with a recorded seed, from the records
not yet screened.

How.

1. Screen in ranked order until a *proposer* says "probably done": the
   counting process or buscar at ``confidence`` (model-based; it only decides
   when to spend effort on a check, never whether the target is met).
2. A random check: with ``r`` relevant records found and ``pool`` records
   unscreened, draw ``size`` of the unscreened records at random, the fewest
   for which finding no relevant record among them proves (hypergeometric
   test, error ``alpha_k``) that fewer than ``D* = floor(r / target) - r + 1``
   relevant records were left, i.e. that recall >= target. The reviewer
   screens them (they count as work).
3. With ``s`` relevant records in the sample, ``D_up`` is the hypergeometric
   upper confidence bound (level ``1 - alpha_k``) on the relevant records that
   were in the pool. The check passes when ``(r + s) >= target * (r + D_up)``:
   stop. It fails as soon as the sample holds more relevant records than a pass
   allows; ranked screening then resumes (the sample's labels teach the ranker)
   and a later check is proposed once at least as many ranked records as the
   failed check screened have been screened.
4. Check k spends ``alpha_k = alpha * (1 - SPLIT) * SPLIT ** (k - 1)`` of the
   error budget ``alpha = 1 - confidence``; the budgets sum to ``alpha``, so by
   the union bound P(stop with recall < target) <= alpha whatever the ranking
   and the proposer do.

Everything here is pure computation on labels; where the randomness comes from
(a simulation's seed, a review's recorded seed) is the caller's business.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from litreview.errors import InvalidValue
from litreview.screening.rules import (
    Buscar,
    CountingProcess,
    StopOutcome,
    StopVerdict,
    hypergeom_cdf,
)

__all__ = [
    "SPLIT",
    "CheckDesign",
    "CheckInterval",
    "RandomCheck",
    "RandomCheckRun",
    "check_alpha",
    "check_interval",
    "check_passes",
    "design_check",
    "draw_sample",
    "miss_probability",
    "stop_probabilities",
    "missing_lower",
    "missing_upper",
    "min_missing_to_fail",
]

# Check k gets alpha * (1 - SPLIT) * SPLIT ** (k - 1): three quarters of what is left
# goes to the next check, because a check is proposed only once a model already says
# "done", so most reviews need one. Fixed before any benchmark run.
SPLIT = 0.25


def check_alpha(number: int, confidence: float = 0.95) -> float:
    """The error budget of the ``number``-th check (1-based)."""
    if number < 1:
        raise InvalidValue("checks are numbered from 1")
    return (1 - confidence) * (1 - SPLIT) * SPLIT ** (number - 1)


def min_missing_to_fail(found: int, recall_target: float) -> int:
    """D*: the fewest relevant records left unfound for which recall < target."""
    return math.floor(found / recall_target + 1e-9) - found + 1


def _p_at_most(s: int, size: int, pool: int, missing: np.ndarray) -> np.ndarray:
    """P(X <= s), X ~ Hypergeometric(pool, missing, size), for each value of ``missing``."""
    d = np.asarray(missing, dtype=np.float64)
    return hypergeom_cdf(np.full_like(d, s), np.full_like(d, pool), d, np.full_like(d, size))


def missing_upper(s: int, size: int, pool: int, alpha: float) -> int:
    """Upper confidence bound (level 1 - alpha) on the relevant records in a pool of
    ``pool`` when a simple random sample of ``size`` of them held ``s``."""
    if size >= pool:
        return s
    candidates = np.arange(s, pool - (size - s) + 1)
    keep = candidates[_p_at_most(s, size, pool, candidates) > alpha]
    return int(keep.max()) if len(keep) else s


def missing_lower(s: int, size: int, pool: int, alpha: float) -> int:
    """Lower confidence bound (level 1 - alpha) on the relevant records in the pool."""
    if size >= pool or s == 0:
        return s
    candidates = np.arange(s, pool - (size - s) + 1)
    # P(X >= s | D) = 1 - P(X <= s - 1 | D), increasing in D
    p_at_least = 1.0 - _p_at_most(s - 1, size, pool, candidates)
    keep = candidates[p_at_least > alpha]
    return int(keep.min()) if len(keep) else s


def check_passes(
    found_before: int, s: int, size: int, pool: int, recall_target: float, alpha: float
) -> bool:
    """Whether a complete check proves recall >= target at error ``alpha``."""
    total_upper = found_before + missing_upper(s, size, pool, alpha)
    return found_before + s >= recall_target * total_upper - 1e-9


# A check that finds more relevant records than this sends the reviewer back to ranked
# screening: the ranking missed a cluster, and ranked screening finds it faster than
# random sampling. Fixed before the benchmark run that uses it.
MAX_FOUND = 2


@dataclass(frozen=True)
class CheckDesign:
    """One random check: its number, error budget, the state it was drawn in, and its
    stages.

    ``found_before`` relevant records had been found and ``pool`` records were
    unscreened. The sample is screened in drawing order; the check passes when the
    records screened from it reach ``sizes[c]`` with exactly ``c`` relevant among them,
    and fails as soon as more than ``len(sizes) - 1`` are relevant. ``size`` (the last
    stage) is the most it can take.
    """

    number: int
    alpha: float
    found_before: int
    pool: int
    sizes: tuple[int, ...]

    @property
    def size(self) -> int:
        return self.sizes[-1]

    @property
    def max_found(self) -> int:
        return len(self.sizes) - 1


def _hg_pmf(k: np.ndarray, pool: int, missing: np.ndarray, draws: int) -> np.ndarray:
    from scipy.stats import hypergeom  # heavy: scipy (~170 ms), loaded only when a rule is computed

    return np.asarray(hypergeom.pmf(k, pool, missing, draws), dtype=np.float64)


def stop_probabilities(
    found_before: int, pool: int, sizes: Sequence[int], missing: np.ndarray
) -> np.ndarray:
    """P(the check passes at stage c | ``missing`` relevant records in the pool), shape
    (len(missing), len(sizes)): the exact law of the staged design (no union bound)."""
    d = np.asarray(missing, dtype=np.int64)
    stages = len(sizes)
    out = np.zeros((len(d), stages))
    # state[:, a]: P(a relevant found so far and still going), a = 0..stages-1
    state = np.zeros((len(d), stages))
    state[:, 0] = 1.0
    drawn = 0
    for c, n_c in enumerate(sizes):
        step = n_c - drawn
        new = np.zeros_like(state)
        for a in range(stages):
            if not state[:, a].any():
                continue
            left = np.maximum(d - a, 0)
            for extra in range(stages - a):
                pmf = _hg_pmf(np.full(len(d), extra), pool - drawn, left, step)
                # states with no mass may have impossible parameters (nan): skip them
                new[:, a + extra] += (
                    np.where(state[:, a] > 0, np.nan_to_num(pmf), 0.0) * state[:, a]
                )
        out[:, c] = new[:, c]
        new[:, : c + 1] = 0.0  # stopped at c, or impossible (fewer than c+1 found)
        state, drawn = new, n_c
    return out


def miss_probability(
    found_before: int,
    pool: int,
    sizes: Sequence[int],
    recall_target: float,
    upto: int | None = None,
) -> float:
    """The largest P(pass with recall < target) over every possible count of relevant
    records left in the pool (up to ``upto`` of them: passing needs at most a few
    relevant records in the sample, so the probability only falls as the count grows
    beyond the first counts that break the target; the tests check the cut)."""
    d = np.arange(0, pool + 1 if upto is None else min(pool, upto) + 1)
    stops = stop_probabilities(found_before, pool, sizes, d)
    c = np.arange(len(sizes))
    miss = (found_before + c)[None, :] < recall_target * (found_before + d)[:, None] - 1e-9
    return float((stops * miss).sum(axis=1).max())


def _smallest_size(ok: Callable[[int], bool], lo: int, hi: int) -> int | None:
    """Smallest n in [lo, hi] with ok(n), assuming ok is monotone there."""
    if lo > hi or not ok(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if ok(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


@lru_cache(maxsize=256)
def design_check(
    number: int, found_before: int, pool: int, recall_target: float = 0.95, confidence: float = 0.95
) -> CheckDesign:
    """Stage c's size is the smallest for which the staged check's exact probability of
    passing with recall < target stays within the check's error budget, for every count
    of relevant records the pool might hold. Stage 0 is the classic "none in the sample"
    test. A stage that would need the whole pool is left out (the check fails there)."""
    alpha = check_alpha(number, confidence)
    d_star = min_missing_to_fail(found_before, recall_target)
    if d_star > pool:
        return CheckDesign(number, alpha, found_before, pool, (0,))  # cannot miss
    upto = 3 * d_star + 3 * MAX_FOUND + 60
    sizes: list[int] = []
    for _ in range(MAX_FOUND + 1):
        lo = sizes[-1] + 1 if sizes else 1
        size = _smallest_size(
            lambda n: (
                miss_probability(found_before, pool, [*sizes, n], recall_target, upto) <= alpha
            ),
            lo,
            pool,
        )
        if size is None or (sizes and size >= pool):
            break
        sizes.append(size)
    return CheckDesign(number, alpha, found_before, pool, tuple(sizes))


def draw_sample(candidates: Sequence[int], size: int, seed: Sequence[int]) -> list[int]:
    """``size`` of ``candidates`` (sorted first, so the draw depends only on the set), in
    the order they are to be screened; reproducible from ``seed``."""
    pool = np.sort(np.asarray(list(candidates), dtype=np.int64))
    rng = np.random.default_rng(list(seed))
    return [int(i) for i in rng.choice(pool, size=min(size, len(pool)), replace=False)]


@dataclass(frozen=True)
class CheckInterval:
    """Recall with a two-sided interval (each side at ``1 - alpha/2``) from a random check."""

    recall: float
    lower: float
    upper: float


def check_interval(design: CheckDesign, s: int, found_now: int | None = None) -> CheckInterval:
    """Recall estimate after a complete check holding ``s`` relevant records.

    ``found_now`` (default: found before the check plus ``s``) is the count of relevant
    records found by now; every one found since the check started came from the pool.
    """
    r, n, pool = design.found_before, design.size, design.pool
    found = r + s if found_now is None else found_now
    alpha = design.alpha
    if n >= pool or n == 0:
        if n == 0:
            low = found / (r + pool) if r + pool else 1.0
            return CheckInterval(1.0 if found == r else found / max(found, 1), low, 1.0)
        return CheckInterval(1.0, 1.0, 1.0)
    total_hat = r + s * pool / n
    total_up = r + missing_upper(s, n, pool, alpha / 2)
    total_low = r + missing_lower(s, n, pool, alpha / 2)
    return CheckInterval(
        min(1.0, found / max(total_hat, found)),
        min(1.0, found / max(total_up, found)),
        min(1.0, found / max(total_low, found)),
    )


# --- the rule, run record by record -------------------------------------------------


def proposes_stop(
    labels: Sequence[int] | np.ndarray, n_total: int, recall_target: float, confidence: float
) -> bool:
    """The proposer: the counting process or buscar says stop (model-based; it only
    decides when a check is worth drawing)."""
    return bool(
        CountingProcess(recall_target, confidence).check(labels, n_total).stop
        or Buscar(recall_target, confidence).check(labels, n_total).stop
    )


def first_proposal(
    labels: Sequence[int] | np.ndarray, n_total: int, recall_target: float, confidence: float
) -> int | None:
    """Records screened when :func:`proposes_stop` first says yes along ``labels`` (the
    same answer as asking after every record, computed with the rules' fast scans)."""
    counting = CountingProcess(recall_target, confidence).stop_point(labels, n_total)
    upto = None if counting.stopped_after is None else counting.stopped_after - 1
    buscar = Buscar(recall_target, confidence).stop_point(labels, n_total, upto)
    stops = [p for p in (counting.stopped_after, buscar.stopped_after) if p is not None]
    return min(stops) if stops else None


@dataclass
class RandomCheckRun:
    """The rule's state along one screening: feed every screened record to
    :meth:`observe`; :meth:`next_check_record` says which record the check wants next.

    Samples are drawn from the records not screened yet (the ``unscreened`` callable of
    :meth:`next_check_record`) with ``seed + [check number]``. ``proposal_at``
    (optional) is where the proposer first fires along the ranked order, when the
    caller knows it (:func:`first_proposal`); it saves asking the proposer after every
    record until the first check. -1: not known, ask.
    """

    n_total: int
    seed: Sequence[int]
    recall_target: float = 0.95
    confidence: float = 0.95
    proposal_at: int | None = -1
    stopped_after: int | None = None
    checks: list[tuple[CheckDesign, list[int]]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    _served: int = field(default=0, init=False)
    _found_in_check: int = field(default=0, init=False)
    _ranked_since: int = field(default=0, init=False)
    _cool_down: int = field(default=0, init=False)
    _active: bool = field(default=False, init=False)

    @property
    def in_check(self) -> bool:
        return self._active

    def next_check_record(self, unscreened: Callable[[], Sequence[int]]) -> int | None:
        """The record the rule wants screened next (a check's), or None for ranked order."""
        if self.stopped_after is not None:
            return None
        if (
            not self._active
            and self._ranked_since >= self._cool_down
            and self.labels
            and self._proposes()
        ):
            self._start(unscreened())
        if not self._active:
            return None
        design, sample = self.checks[-1]
        return sample[self._served]

    def _proposes(self) -> bool:
        if not self.checks and (self.proposal_at is None or self.proposal_at >= 0):
            return self.proposal_at is not None and len(self.labels) >= self.proposal_at
        return proposes_stop(self.labels, self.n_total, self.recall_target, self.confidence)

    def _start(self, unscreened: Sequence[int]) -> None:
        design = design_check(
            len(self.checks) + 1,
            sum(self.labels),
            len(unscreened),
            self.recall_target,
            self.confidence,
        )
        sample = draw_sample(unscreened, design.size, [*self.seed, design.number])
        self.checks.append((design, sample))
        self._served, self._found_in_check = 0, 0
        self._active = True
        if design.size == 0:
            self._finish(passed=True)

    def _finish(self, passed: bool) -> None:
        self._active = False
        if passed:
            self.stopped_after = len(self.labels)
        else:
            self._cool_down, self._ranked_since = max(self._served, 1), 0

    def observe(self, label: int, from_check: bool) -> None:
        """Record the label of the record just screened."""
        self.labels.append(1 if label else 0)
        if not from_check:
            self._ranked_since += 1
            return
        design, _ = self.checks[-1]
        self._served += 1
        self._found_in_check += 1 if label else 0
        if self._found_in_check > design.max_found:
            self._finish(passed=False)
        elif self._served == design.sizes[self._found_in_check]:
            self._finish(passed=True)

    def interval(self) -> CheckInterval | None:
        """Recall estimate from the last complete check, if any."""
        if not self.checks or self._active:
            return None
        design, _ = self.checks[-1]
        if self.stopped_after is None:
            return None
        return check_interval(design, self._found_in_check, sum(self.labels))


@dataclass(frozen=True)
class RandomCheck:
    """The default rule (see the module docstring). ``stop_point`` runs it along a fixed
    order, the ranking not reacting to the check's labels (the simulation replays the
    ranker too; see :func:`litreview.screening.simulate.simulate`)."""

    recall_target: float = 0.95
    confidence: float = 0.95
    random_state: int | None = 0
    name: str = "random_check"

    def run(self, n_total: int, seed: Sequence[int] | None = None) -> RandomCheckRun:
        base = [self.random_state or 0] if seed is None else list(seed)
        return RandomCheckRun(n_total, base, self.recall_target, self.confidence)

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict:
        # without its check records a screening order cannot show a passed check; the
        # live review reads its checks from the event log (screening/progress.py)
        return StopVerdict(stop=False)

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome:
        """Run the rule along ``labels`` (a ranked order of all ``n_total`` records)."""
        y = [1 if v else 0 for v in np.asarray(labels).ravel().tolist()]
        run = self.run(len(y))
        run.proposal_at = first_proposal(y, len(y), self.recall_target, self.confidence)
        done = np.zeros(len(y), dtype=bool)
        head = 0
        while not done.all() and run.stopped_after is None:
            pick = run.next_check_record(lambda: np.flatnonzero(~done).tolist())
            from_check = pick is not None
            if pick is None:
                while done[head]:
                    head += 1
                pick = head
            done[pick] = True
            run.observe(y[pick], from_check)
        if run.stopped_after is None:
            return StopOutcome(None, sum(y))
        return StopOutcome(run.stopped_after, sum(run.labels))
