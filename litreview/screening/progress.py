"""How far screening of a stage has got: the live recall estimate and what each stopping
rule says. The reviewer's decision to stop lives in :mod:`litreview.screening.stops`, the
screening order in :mod:`litreview.screening.stages`; both are re-exported here."""

from __future__ import annotations

from typing import Any

from litreview.screening.checks import LiveCheck, check_estimate, stage_checks
from litreview.screening.stages import labels_in_screening_order, works_in_screening_order
from litreview.screening.stopping import default_rule, estimate_recall, make_rule
from litreview.screening.stops import STOP_EVENT, find_stop, resume_screening, stop_screening
from litreview.storage.review import Review

__all__ = [
    "LIVE_RULES",
    "STOP_EVENT",
    "find_stop",
    "labels_in_screening_order",
    "resume_screening",
    "stop_screening",
    "stopping_report",
    "works_in_screening_order",
]

LIVE_RULES = ("buscar", "knee", "consecutive", "counting", "buscar_or_counting")
# plus the default, random_check, whose verdict comes from the stage's checks


RANDOM_CHECK_ASSUMES = (
    "assumes only that the random check's records are a simple random "
    "sample of the records unscreened when it was drawn (litreview "
    "draws them)"
)
BEFORE_CHECK_ASSUMES = (
    "no random check yet: the interval treats the last records screened "
    "as a random draw from the unscreened ones (buscar), which a ranking "
    "that works makes conservative but one that fails does not"
)


def _recall_estimate(
    review: Review, stage: str, labels: list[int], n_total: int, checks: list[LiveCheck]
) -> tuple[dict[str, float] | None, str]:
    """Recall now with an interval: from the last complete random check when there is
    one (the statistics the default rule stops on), else the pre-check estimate."""
    found = sum(labels)
    complete = [c for c in checks if c.status == "passed"]
    if complete:
        interval = check_estimate(complete[-1], found)
        return (
            {
                "recall": round(interval.recall, 4),
                "lower": round(interval.lower, 4),
                "upper": round(interval.upper, 4),
            },
            RANDOM_CHECK_ASSUMES,
        )
    estimate = estimate_recall(labels, n_total) if n_total else None
    if estimate is None or estimate.recall is None:
        return None, BEFORE_CHECK_ASSUMES
    lower = estimate.lower or 0.0
    # the point is the counting model's; the interval is not, so keep the point inside it
    return (
        {"recall": round(max(estimate.recall, lower), 4), "lower": round(lower, 4), "upper": 1.0},
        BEFORE_CHECK_ASSUMES,
    )


def stopping_report(review: Review, stage: str, n_total: int) -> dict[str, Any]:
    """Recall estimate and every live rule's verdict for ``stage``."""
    target = review.protocol.screening.recall_target
    labels = labels_in_screening_order(review, stage)
    checks = stage_checks(review, stage, members=n_total)
    rules: dict[str, Any] = {}
    for name in LIVE_RULES:
        verdict = make_rule(name, recall_target=target).check(labels, n_total) if n_total else None
        rules[name] = {
            "stop": bool(verdict.stop) if verdict else False,
            "estimate": verdict.estimate if verdict else None,
            "recall": verdict.recall if verdict else None,
        }
    last = checks[-1] if checks else None
    rules[default_rule().name] = {
        "stop": bool(n_total) and last is not None and last.status == "passed",
        "estimate": None,
        "recall": None,
        "check": None
        if last is None
        else {
            "number": last.design.number,
            "status": last.status,
            "screened": last.screened,
            "needed": last.target,
            "found": last.found,
            "alpha": last.design.alpha,
        },
    }
    chosen = review.protocol.screening.stopping_rule or default_rule(target).name
    estimate, assumes = _recall_estimate(review, stage, labels, n_total, checks)
    return {
        "screened": len(labels),
        "total": n_total,
        "found": sum(labels),
        "recall_estimate": estimate,
        "recall_assumes": assumes,
        "recall_target": target,
        "default_rule": chosen,
        "rules": rules,
        "stopped": find_stop(review, stage),
    }
