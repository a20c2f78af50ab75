"""Screening by more than one reviewer: dual screening, blinding, conflicts, agreement.

Which decision counts (single, dual, dual-sample screening, resolutions) is
``state.decisions``; this module applies it to one stage of an open review and keeps
what only teams need: the conflicts to resolve and the agreement between reviewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from litreview.state import decisions as decisions_rule
from litreview.storage import decisions as decisions_store
from litreview.storage.decisions import CurrentDecision
from litreview.storage.review import Review


@dataclass(frozen=True)
class Conflict:
    work_id: int
    stage: str
    decisions: dict[str, CurrentDecision]  # reviewer -> decision
    resolution: CurrentDecision | None


def is_dual_stage(review: Review, stage: str) -> bool:
    return decisions_rule.is_dual_stage(review.protocol, stage)


def in_dual_sample(review: Review, stage: str, work_id: int) -> bool:
    """Whether ``work_id`` is screened twice: all works in ``dual`` mode, a stable
    seeded share of them in ``dual-sample`` mode."""
    return decisions_rule.in_dual_sample(review.protocol, review.review_id, stage, work_id)


def effective_decisions(review: Review, stage: str) -> dict[int, CurrentDecision]:
    """work id -> the decision that counts at ``stage`` (conflicts and half-done
    dual screening have none): ``state.decisions.effective`` over the stage's log."""
    if not is_dual_stage(review, stage):
        return decisions_store.current_decisions(review.db, stage)
    return decisions_rule.effective(
        review.protocol,
        review.review_id,
        stage,
        {},
        decisions_store.decisions_by_reviewer(review.db, stage),
        decisions_store.current_resolutions(review.db, stage),
    )


def list_conflicts(review: Review, stage: str, *, include_resolved: bool = False) -> list[Conflict]:
    if not is_dual_stage(review, stage):
        return []
    resolutions = decisions_store.current_resolutions(review.db, stage)
    by_reviewer = decisions_store.decisions_by_reviewer(review.db, stage)
    return [
        Conflict(work_id, stage, by_reviewer[work_id], resolutions.get(work_id))
        for work_id in decisions_rule.open_conflicts(
            review.protocol, stage, by_reviewer, resolutions, include_resolved=include_resolved
        )
    ]


def _kappa(pairs: list[tuple[str, str]], categories: list[str]) -> tuple[float, float, float]:
    """Percent agreement, Cohen's kappa and PABAK for paired labels."""
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    expected = sum(
        (sum(a == c for a, _ in pairs) / n) * (sum(b == c for _, b in pairs) / n)
        for c in categories
    )
    kappa = 1.0 if expected == 1 else (observed - expected) / (1 - expected)
    k = max(len(categories), 2)
    pabak = (k * observed - 1) / (k - 1)
    return observed, kappa, pabak


def stage_agreement(review: Review, stage: str) -> dict[str, object]:
    """Agreement between the two reviewers who decided the most works in common."""
    by_reviewer = decisions_store.decisions_by_reviewer(review.db, stage)
    reviewers = sorted({r for d in by_reviewer.values() for r in d})
    best: tuple[str, str] | None = None
    best_n = 0
    for a, b in combinations(reviewers, 2):
        n = sum(1 for d in by_reviewer.values() if a in d and b in d)
        if n > best_n:
            best, best_n = (a, b), n
    conflicts = list_conflicts(review, stage, include_resolved=True)
    result: dict[str, object] = {
        "stage": stage,
        "reviewers": list(best) if best else reviewers,
        "both_decided": best_n,
        "percent_agreement": None,
        "cohen_kappa": None,
        "pabak": None,
        "conflicts": len(conflicts),
        "resolved": sum(1 for c in conflicts if c.resolution is not None),
    }
    if best is None:
        return result
    a, b = best
    pairs = [(d[a].value, d[b].value) for d in by_reviewer.values() if a in d and b in d]
    categories = sorted({v for pair in pairs for v in pair} | {"include", "exclude"})
    observed, kappa, pabak = _kappa(pairs, categories)
    result.update(
        percent_agreement=round(100 * observed, 2),
        cohen_kappa=round(kappa, 4),
        pabak=round(pabak, 4),
    )
    return result
