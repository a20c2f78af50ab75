"""The published stopping rules, what every rule answers, and a live recall estimate.

Every rule looks at the labels in screening order (1 relevant, 0 not) and the
number ``n_total`` of records in the pool, and answers with a
:class:`StopVerdict`. For simulations each rule also has ``stop_point(labels,
n_total)`` that scans a complete screening order and returns where the rule
would have said stop the first time (checking after every record).

Rules (see docs/stopping.md for the benchmark and the choice of default):

* :class:`Buscar` -- the hypergeometric test of Callaghan & Muller-Hansen (2020):
  treat the last records screened as a random draw from themselves plus the
  unscreened ones and reject "recall < target" at a confidence level.
* :class:`Knee` -- Cormack & Grossman (2016): stop once the gain curve has a knee
  whose slope ratio is at least ``156 - min(relevant found, 150)`` (the published
  adjustment for topics with few relevant records) after ``min_screened`` records.
* :class:`TargetMethod` -- Cormack & Grossman (2016): a random sample is screened
  until ``targets`` relevant records are in it; stop once the ranked screening
  has found all of them (the sample counts as work).
* :class:`ConsecutiveIrrelevant` -- stop after ``run`` irrelevant records in a row.
* :class:`CountingProcess` -- Sneyd & Stevenson (2021): model the discovery of
  relevant records along the screening order as a Poisson process with an
  exponentially decaying rate, extrapolate to the end and stop when ``found``
  reaches the target share of an upper confidence bound of the total.
* :class:`BuscarOrCounting` -- stop when buscar or the counting process rejects
  "recall < target", each at half the error rate (Bonferroni). Safe only while
  the counting model holds (the default before issue 14).

The default rule, :class:`~litreview.screening.random_check.RandomCheck`, builds on
buscar and the counting process (they propose a stop, a random sample verifies it);
:mod:`litreview.screening.stopping` names every rule.

:func:`estimate_recall` gives the live recall estimate and a lower bound.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = [
    "Buscar",
    "BuscarOrCounting",
    "ConsecutiveIrrelevant",
    "CountingProcess",
    "Knee",
    "RecallEstimate",
    "StopOutcome",
    "StopVerdict",
    "StoppingRule",
    "TargetMethod",
    "buscar_p_value",
    "estimate_recall",
    "hypergeom_cdf",
    "knee_slope_ratio",
    "poisson_quantile",
]


@dataclass(frozen=True)
class StopVerdict:
    """A rule's answer after the records screened so far.

    ``estimate`` is the rule's own figure (a p-value for buscar, the slope ratio
    for the knee, the estimated total of relevant records, ...), ``recall`` its
    estimate of the recall reached, where it has one.
    """

    stop: bool
    estimate: float | None = None
    recall: float | None = None


@dataclass(frozen=True)
class StopOutcome:
    """Where a rule stopped in a complete screening order.

    ``stopped_after`` counts records screened (including any random sample the
    rule itself needed), None when the rule never said stop; ``found`` the
    relevant records among them.
    """

    stopped_after: int | None
    found: int


def _as_labels(labels: Sequence[int] | np.ndarray) -> np.ndarray:
    return (np.asarray(labels, dtype=np.int64).ravel() > 0).astype(np.int64)


def _outcome_at(labels: np.ndarray, position: int | None) -> StopOutcome:
    if position is None:
        return StopOutcome(None, int(labels.sum()))
    return StopOutcome(position, int(labels[:position].sum()))


# --- buscar ------------------------------------------------------------------


def hypergeom_cdf(k: np.ndarray, pop: np.ndarray, red: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """P(X <= k) for X ~ Hypergeometric(pop, red, draws), vectorised, summed in log space.

    Same values as ``scipy.stats.hypergeom.cdf(k, pop, red, draws)`` (to ~1e-12),
    several times faster for the many small ``k`` a buscar scan needs.
    """
    from scipy.special import gammaln  # heavy: scipy (~170 ms), loaded only when a rule is computed

    k, pop, red, draws = (np.asarray(a, dtype=np.float64) for a in (k, pop, red, draws))
    lo = np.maximum(0.0, draws - (pop - red))  # fewest red balls a draw can hold
    hi = np.minimum(k, np.minimum(red, draws))

    def log_choose(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.asarray(gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1), dtype=np.float64)

    log_pmf = log_choose(red, lo) + log_choose(pop - red, draws - lo) - log_choose(pop, draws)
    total = np.where(hi >= lo, log_pmf, -np.inf)
    x = lo.copy()
    for _ in range(int(np.max(hi - lo, initial=0))):
        more = x < hi
        with np.errstate(divide="ignore", invalid="ignore"):
            step = np.log((red - x) * (draws - x)) - np.log((x + 1) * (pop - red - draws + x + 1))
        log_pmf = np.where(more, log_pmf + step, log_pmf)
        x = np.where(more, x + 1, x)
        total = np.where(more, np.logaddexp(total, log_pmf), total)
    return np.asarray(np.minimum(np.exp(total), 1.0), dtype=np.float64)


def _buscar_candidates(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Urn sizes and relevant counts worth testing for one prefix.

    For a fixed number k of relevant records in the urn the p-value falls as the
    urn grows (a larger share of the unseen pool is sampled with the same
    count), so only the largest urn for each k matters: the records after the
    (k+1)-th most recent relevant one (all records for k = r).
    """
    n = len(labels)
    rel_pos = np.flatnonzero(labels)  # 0-based positions of relevant records
    r = len(rel_pos)
    ks = np.arange(r + 1)
    # urn for k relevant starts after the relevant record at rel_pos[r - k - 1]
    starts = np.concatenate([rel_pos[::-1] + 1, [0]])  # k = 0..r
    sizes = n - starts
    keep = sizes > 0
    return sizes[keep], ks[keep]


def buscar_p_value(
    labels: Sequence[int] | np.ndarray,
    n_total: int,
    recall_target: float = 0.95,
    total_relevant: int | None = None,
) -> float:
    """p-value of H0 "recall < recall_target" after screening ``labels`` of ``n_total``.

    The minimum over urns (the last j records screened) of the hypergeometric
    probability of seeing at most the urn's relevant count, if the urn were a
    random draw from itself plus the unscreened records and the total of
    relevant records were the smallest compatible with H0
    (``floor(r / target) + 1``), as in Callaghan & Muller-Hansen (2020).
    ``total_relevant`` overrides that total (used to invert the test).
    """
    y = _as_labels(labels)
    n_seen, r = len(y), int(y.sum())
    if n_seen == 0:
        return 1.0
    unseen = n_total - n_seen
    k_tar = math.floor(r / recall_target) + 1 if total_relevant is None else total_relevant
    sizes, ks = _buscar_candidates(y)
    red = k_tar - (r - ks)  # relevant records in urn + unseen under H0
    p = hypergeom_cdf(ks, unseen + sizes, np.minimum(red, unseen + sizes), sizes)
    return float(np.min(p)) if len(p) else 1.0


@dataclass(frozen=True)
class Buscar:
    """Callaghan & Muller-Hansen (2020): stop when "recall < target" is rejected."""

    recall_target: float = 0.95
    confidence: float = 0.95
    name: str = "buscar"

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict:
        p = buscar_p_value(labels, n_total, self.recall_target)
        return StopVerdict(stop=p < 1 - self.confidence, estimate=p)

    def p_values(
        self, labels: Sequence[int] | np.ndarray, n_total: int, upto: int | None = None
    ) -> np.ndarray:
        """The p-value after each of the first ``upto`` prefixes of a screening order.

        Values below 0.5 are exact. Urns whose relevant count exceeds the
        count expected under H0 by more than one are skipped (their
        probability is at least a half, as a hypergeometric median lies within
        one of its mean), so a prefix whose p-value is at least 0.5 may show a
        larger value than the exact one; no stopping decision depends on it.
        """
        y = _as_labels(labels)
        n = len(y) if upto is None else min(upto, len(y))
        cum = np.cumsum(y)
        rel_pos = np.flatnonzero(y)
        pref, size, kk, red, pop = [], [], [], [], []
        for m in range(1, n + 1):
            r = int(cum[m - 1])
            sizes = m - np.concatenate([rel_pos[:r][::-1] + 1, [0]])  # urn for k = 0..r
            ks = np.arange(r + 1)
            reds = math.floor(r / self.recall_target) + 1 - (r - ks)
            pops = n_total - m + sizes
            keep = (sizes > 0) & (ks <= sizes * np.minimum(reds, pops) / np.maximum(pops, 1) + 1)
            pref.append(np.full(int(keep.sum()), m - 1))
            size.append(sizes[keep])
            kk.append(ks[keep])
            red.append(reds[keep])
            pop.append(pops[keep])
        out = np.ones(n)
        if n == 0:
            return out
        sizes_a, ks_a, pop_a = np.concatenate(size), np.concatenate(kk), np.concatenate(pop)
        p = hypergeom_cdf(ks_a, pop_a, np.minimum(np.concatenate(red), pop_a), sizes_a)
        np.minimum.at(out, np.concatenate(pref), p)
        return out

    def stop_point(
        self, labels: Sequence[int] | np.ndarray, n_total: int, upto: int | None = None
    ) -> StopOutcome:
        """First stop within the first ``upto`` records (all by default)."""
        y = _as_labels(labels)
        hits = np.flatnonzero(self.p_values(y, n_total, upto) < 1 - self.confidence)
        return _outcome_at(y, int(hits[0]) + 1 if len(hits) else None)


# --- knee --------------------------------------------------------------------


def knee_slope_ratio(labels: Sequence[int] | np.ndarray) -> tuple[int, float]:
    """The knee of the gain curve and the slope ratio there.

    The knee is the point of the cumulative-relevant curve farthest above the
    diagonal from the origin to the current point (Kneedle on a concave
    curve); the ratio is ``(rel(k)/k) / ((rel(s) - rel(k) + 1) / (s - k))``.
    """
    y = _as_labels(labels)
    s = len(y)
    cum = np.cumsum(y)
    rel = int(cum[-1]) if s else 0
    if s < 2 or rel == 0:
        return 0, 0.0
    i = np.arange(1, s + 1)
    knee = int(np.argmax(cum / rel - i / s)) + 1
    if knee >= s:
        return knee, 0.0
    rel_k = int(cum[knee - 1])
    ratio = (rel_k / knee) / ((rel - rel_k + 1) / (s - knee))
    return knee, float(ratio)


@dataclass(frozen=True)
class Knee:
    """Cormack & Grossman (2016) knee method with the low-prevalence adjustment."""

    min_screened: int = 150
    ratio: float | None = None  # None: 156 - min(found, 150), as published
    name: str = "knee"

    def _threshold(self, found: int) -> float:
        return self.ratio if self.ratio is not None else 156.0 - min(found, 150)

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict:
        y = _as_labels(labels)
        _, ratio = knee_slope_ratio(y)
        stop = len(y) >= self.min_screened and ratio >= self._threshold(int(y.sum()))
        return StopVerdict(stop=stop, estimate=ratio)

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome:
        y = _as_labels(labels)
        for s in range(max(self.min_screened, 2), len(y) + 1):
            if self.check(y[:s], n_total).stop:
                return _outcome_at(y, s)
        return _outcome_at(y, None)


# --- target method -------------------------------------------------------------


@dataclass(frozen=True)
class TargetMethod:
    """Cormack & Grossman (2016) target method.

    Needs a simple random sample of the pool, screened until it holds
    ``targets`` relevant records; screening in ranked order stops once all of
    them have been met. The sample's records count as screened. ``check``
    takes the number of targets not yet met in ranked order.
    """

    targets: int = 10
    random_state: int | None = 0
    name: str = "target"

    def check(
        self, labels: Sequence[int] | np.ndarray, n_total: int, targets_missing: int | None = None
    ) -> StopVerdict:
        return StopVerdict(stop=targets_missing == 0, estimate=targets_missing)

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome:
        y = _as_labels(labels)
        rng = np.random.RandomState(self.random_state)
        draw = rng.permutation(len(y))  # sample positions, in drawing order
        hits = np.flatnonzero(y[draw])
        if len(hits) < self.targets:  # the whole pool was sampled
            return StopOutcome(len(y), int(y.sum()))
        sample = draw[: hits[self.targets - 1] + 1]
        last_target = int(sample[y[sample] == 1].max()) + 1
        in_sample = np.zeros(len(y), dtype=bool)
        in_sample[sample] = True
        in_sample[:last_target] = True
        return StopOutcome(int(in_sample.sum()), int(y[in_sample].sum()))


# --- consecutive irrelevant ----------------------------------------------------


@dataclass(frozen=True)
class ConsecutiveIrrelevant:
    """Stop after ``run`` irrelevant records in a row (ASReview's heuristic)."""

    run: int = 100
    name: str = "consecutive"

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict:
        y = _as_labels(labels)
        ones = np.flatnonzero(y)
        streak = len(y) - (int(ones[-1]) + 1 if len(ones) else 0)
        return StopVerdict(stop=streak >= self.run, estimate=float(streak))

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome:
        y = _as_labels(labels)
        last_one = np.maximum.accumulate(np.where(y == 1, np.arange(len(y)), -1))
        streak = np.arange(len(y)) - last_one
        hits = np.flatnonzero(streak >= self.run)
        return _outcome_at(y, int(hits[0]) + 1 if len(hits) else None)


# --- counting process ------------------------------------------------------------

_DECAY_GRID = np.geomspace(1e-3, 200.0, 600)  # decay rate x records screened


def _decay_fit(positions: np.ndarray, n_seen: int, confidence: float) -> float:
    """Smallest decay rate inside the profile-likelihood interval of the exponential rate.

    Relevant records at ``positions`` (0-based) are events of a Poisson process
    with rate ``a * exp(-b * x)`` on ``[0, n_seen]``. For each ``b`` the best
    ``a`` is closed-form; ``b`` values whose profile log-likelihood is within
    ``chi2(1).ppf(confidence) / 2`` of the best form the interval, and its
    lower end (the heaviest tail the data allow) is returned.
    """
    from scipy.special import ndtri  # heavy: scipy (~170 ms), loaded only when a rule is computed

    r = len(positions)
    b = _DECAY_GRID / n_seen
    integral = -np.expm1(-_DECAY_GRID) / b
    loglik = r * np.log(r / integral) - b * float(np.sum(positions + 0.5)) - r
    half_chi2 = float(ndtri((1 + confidence) / 2)) ** 2 / 2  # chi2(1).ppf(confidence) / 2
    inside = loglik >= loglik.max() - half_chi2
    return float(b[inside].min())


def poisson_quantile(q: float, mean: float) -> int:
    """The smallest k with P(Poisson(mean) <= k) >= q (``scipy.stats.poisson.ppf``)."""
    from scipy.special import pdtr  # heavy: scipy (~170 ms), loaded only when a rule is computed

    if mean <= 0:
        return 0
    spread = 10 * math.sqrt(mean) + 10
    ks = np.arange(max(0, math.floor(mean - spread)), math.ceil(mean + spread) + 1)
    return int(ks[np.argmax(pdtr(ks, mean) >= q)])


@dataclass(frozen=True)
class CountingProcess:
    """Sneyd & Stevenson (2021): extrapolate the discovery rate to the end of the pool.

    The relevant records found so far are modelled as a Poisson process along
    the screening order with an exponentially decaying rate (what a ranker
    that works produces). The decay is taken at the lower end of its
    profile-likelihood interval at ``confidence`` (the heaviest tail the data
    allow), the expected number of relevant records in the unscreened part
    follows, and its Poisson ``confidence`` quantile is the upper bound on what
    is missing. Stop when ``found >= recall_target * (found + bound)``.
    """

    recall_target: float = 0.95
    confidence: float = 0.95
    min_found: int = 1
    name: str = "counting"

    def missing_bound(self, labels: Sequence[int] | np.ndarray, n_total: int) -> float | None:
        y = _as_labels(labels)
        positions = np.flatnonzero(y).astype(np.float64)
        n_seen, r = len(y), len(positions)
        if r < max(self.min_found, 1) or n_seen >= n_total:
            return None if r < max(self.min_found, 1) else 0.0
        b = _decay_fit(positions, n_seen, self.confidence)
        expected = r * (np.exp(-b * n_seen) - np.exp(-b * n_total)) / -np.expm1(-b * n_seen)
        return float(poisson_quantile(self.confidence, float(expected)))

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict:
        y = _as_labels(labels)
        r = int(y.sum())
        bound = self.missing_bound(y, n_total)
        if bound is None:
            return StopVerdict(stop=False)
        recall = r / (r + bound)
        return StopVerdict(stop=recall >= self.recall_target, estimate=r + bound, recall=recall)

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome:
        y = _as_labels(labels)
        for s in range(1, len(y) + 1):
            if y[:s].sum() >= self.min_found and self.check(y[:s], n_total).stop:
                return _outcome_at(y, s)
        return _outcome_at(y, None)


# --- the default: buscar or the counting process, Bonferroni-split --------------------


@dataclass(frozen=True)
class BuscarOrCounting:
    """Stop when buscar or the counting process stops, each at 1 - alpha/2 (the default
    until the random check replaced it: a union is only as safe as its least safe member,
    and the counting process's error is not controlled when its model is wrong).

    Why this rule. Buscar's guarantee needs no model of the ranking (only that
    the last records screened were no richer in relevant ones than the rest),
    but for that reason it must read most of the pool when few records are
    relevant: ~78% on every development set. Saving more than buscar needs an
    assumption about the ranking. The counting process states one, openly: the
    discovery rate decays exponentially along the ranking, with the decay
    taken at the heavy-tailed end of its confidence interval. Stopping when
    *either* test rejects "recall < target" is a union of two tests, so by the
    Bonferroni inequality each runs at half the error rate (confidence
    ``1 - (1 - confidence) / 2``) to keep the family's error at ``1 - confidence``
    whenever the counting model holds, and the rule never reads more than
    buscar at that confidence when it does not. No threshold was tuned: the
    target and confidence are the user's and the split is Bonferroni's. (Of
    Sneyd & Stevenson's rate models the exponential one is used; a power-law
    rate was tried and read more than buscar. docs/stopping.md has the runs.)
    """

    recall_target: float = 0.95
    confidence: float = 0.95
    name: str = "buscar_or_counting"

    def parts(self) -> tuple[Buscar, CountingProcess]:
        each = 1 - (1 - self.confidence) / 2
        return (Buscar(self.recall_target, each), CountingProcess(self.recall_target, each))

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict:
        buscar, counting = self.parts()
        first, second = buscar.check(labels, n_total), counting.check(labels, n_total)
        return StopVerdict(first.stop or second.stop, first.estimate, second.recall)

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome:
        y = _as_labels(labels)
        buscar, counting = self.parts()
        first = counting.stop_point(y, n_total).stopped_after
        # buscar only matters where it would stop before the counting process
        upto = None if first is None else first - 1
        second = buscar.stop_point(y, n_total, upto).stopped_after
        stops = [p for p in (first, second) if p is not None]
        return _outcome_at(y, min(stops) if stops else None)


# --- live recall estimate -------------------------------------------------------


@dataclass(frozen=True)
class RecallEstimate:
    """Recall reached so far: a point estimate and a lower confidence bound."""

    found: int
    recall: float | None
    lower: float | None


def _buscar_lower(y: np.ndarray, n_total: int, alpha: float) -> float:
    """Invert buscar: the recall we can claim with confidence 1 - alpha."""
    r, unseen = int(y.sum()), n_total - len(y)
    lo, hi = r + 1, r + unseen + 1  # p(lo) is largest; p(hi) = 0 (more than fits)
    if buscar_p_value(y, n_total, total_relevant=lo) < alpha:
        return 1.0
    while hi - lo > 1:  # invariant: p(lo) >= alpha > p(hi)
        mid = (lo + hi) // 2
        if buscar_p_value(y, n_total, total_relevant=mid) < alpha:
            hi = mid
        else:
            lo = mid
    return r / (hi - 1)


def estimate_recall(
    labels: Sequence[int] | np.ndarray, n_total: int, confidence: float = 0.95
) -> RecallEstimate:
    """The live recall estimate shown while screening.

    ``recall`` is the counting process's central estimate (expected relevant
    records left at the most likely decay rate); ``lower`` the better of the
    buscar and counting-process bounds, each at ``1 - (1 - confidence) / 2``
    as in :class:`BuscarOrCounting`. None before the first relevant record.
    """
    y = _as_labels(labels)
    r, n_seen = int(y.sum()), len(y)
    if r == 0:
        return RecallEstimate(0, None, None)
    if n_seen >= n_total:
        return RecallEstimate(r, 1.0, 1.0)
    each = 1 - (1 - confidence) / 2
    positions = np.flatnonzero(y).astype(np.float64)
    b = _decay_fit(positions, n_seen, 1e-9)  # the interval shrinks to the MLE
    expected = r * (np.exp(-b * n_seen) - np.exp(-b * n_total)) / -np.expm1(-b * n_seen)
    counting = CountingProcess(confidence=each).missing_bound(y, n_total) or 0.0
    lower = max(_buscar_lower(y, n_total, 1 - each), r / (r + counting))
    return RecallEstimate(r, float(r / (r + expected)), float(lower))


# --- what every rule offers -------------------------------------------------------


class StoppingRule(Protocol):
    """What every rule offers (each is a frozen dataclass of its settings)."""

    @property
    def name(self) -> str: ...

    def check(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopVerdict: ...

    def stop_point(self, labels: Sequence[int] | np.ndarray, n_total: int) -> StopOutcome: ...
