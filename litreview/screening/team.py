"""Screening by more than one reviewer: dual screening, blinding, conflicts, agreement.

In ``single`` mode a work's decision at a stage is the latest decision anyone made.
In ``dual`` mode (or ``dual-sample`` for a seeded random share of works) a work
needs two reviewers: when they agree that is the decision; when they disagree it
is a conflict until someone records a resolution. Counts, the next stage and
reports all use these *effective* decisions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from itertools import combinations

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
    settings = review.protocol.screening
    if settings.mode == "single":
        return False
    return not settings.stages or stage in settings.stages


def in_dual_sample(review: Review, stage: str, work_id: int) -> bool:
    """Whether ``work_id`` is screened twice: all works in ``dual`` mode, a stable
    seeded share of them in ``dual-sample`` mode."""
    if not is_dual_stage(review, stage):
        return False
    settings = review.protocol.screening
    if settings.mode != "dual-sample":
        return True
    share = settings.sample_share if settings.sample_share is not None else 0.2
    digest = hashlib.sha256(f"{review.review_id}:{stage}:{work_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _agreeing(decisions: dict[str, CurrentDecision], fulltext: bool) -> CurrentDecision | None:
    values = {d.value for d in decisions.values()}
    if len(values) != 1:
        return None
    if fulltext and values == {"exclude"} and len({d.reason for d in decisions.values()}) > 1:
        return None  # different exclusion reasons at full text are a conflict too
    return max(decisions.values(), key=lambda d: d.event_id)


def effective_decisions(review: Review, stage: str) -> dict[int, CurrentDecision]:
    """work id -> the decision that counts at ``stage`` (conflicts and half-done
    dual screening have none)."""
    if not is_dual_stage(review, stage):
        return decisions_store.current_decisions(review.db, stage)
    fulltext = review.protocol.stage(stage).kind == "fulltext"
    by_reviewer = decisions_store.decisions_by_reviewer(review.db, stage)
    resolutions = decisions_store.current_resolutions(review.db, stage)
    result: dict[int, CurrentDecision] = {}
    for work_id, decisions in by_reviewer.items():
        if work_id in resolutions:
            result[work_id] = resolutions[work_id]
        elif not in_dual_sample(review, stage, work_id):
            result[work_id] = max(decisions.values(), key=lambda d: d.event_id)
        elif len(decisions) >= 2:
            agreed = _agreeing(decisions, fulltext)
            if agreed is not None:
                result[work_id] = agreed
    for work_id, resolution in resolutions.items():
        result.setdefault(work_id, resolution)
    return result


def list_conflicts(review: Review, stage: str, *, include_resolved: bool = False) -> list[Conflict]:
    if not is_dual_stage(review, stage):
        return []
    fulltext = review.protocol.stage(stage).kind == "fulltext"
    resolutions = decisions_store.current_resolutions(review.db, stage)
    found = []
    by_reviewer = decisions_store.decisions_by_reviewer(review.db, stage)
    for work_id, decisions in sorted(by_reviewer.items()):
        if len(decisions) < 2 or _agreeing(decisions, fulltext) is not None:
            continue
        resolution = resolutions.get(work_id)
        if resolution is None or include_resolved:
            found.append(Conflict(work_id, stage, decisions, resolution))
    return found


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
