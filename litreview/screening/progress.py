"""How far screening of a stage has got: the live recall estimate, what each stopping
rule says, and the reviewer's decision to stop (an event of kind ``stop_screening``)."""

from __future__ import annotations

from typing import Any

from litreview.errors import InvalidTransition
from litreview.storage import events as events_store
from litreview.storage.review import Review

STOP_EVENT = "stop_screening"
LIVE_RULES = ("buscar", "knee", "consecutive", "counting", "buscar_or_counting")
# plus the default, random_check, whose verdict comes from the stage's checks


def works_in_screening_order(review: Review, stage: str) -> list[tuple[int, int]]:
    """(work id, 1/0) per work in the order its live include/exclude was recorded."""
    from litreview.screening.team import effective_decisions

    current = effective_decisions(review, stage)
    order = sorted((d.event_id, w) for w, d in current.items() if d.value in ("include", "exclude"))
    return [(w, 1 if current[w].value == "include" else 0) for _, w in order]


def labels_in_screening_order(review: Review, stage: str) -> list[int]:
    """1/0 per work in the order its first live include/exclude was recorded."""
    return [label for _, label in works_in_screening_order(review, stage)]


def find_stop(review: Review, stage: str) -> dict[str, Any] | None:
    """The live stop_screening event of ``stage``, if screening was stopped."""
    stops = list(events_store.iter_live_events(review.db, (STOP_EVENT,), stage=stage))
    if not stops:
        return None
    last = stops[-1]
    return {
        "event_id": last.event_id,
        "rule": last.value,
        "reviewer": last.reviewer,
        "at": last.created_at,
        "note": last.note,
    }


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
    review: Review, stage: str, labels: list[int], n_total: int, checks: list[Any]
) -> tuple[dict[str, float] | None, str]:
    """Recall now with an interval: from the last complete random check when there is
    one (the statistics the default rule stops on), else the pre-check estimate."""
    from litreview.screening.checks import check_estimate
    from litreview.screening.stopping import estimate_recall

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
    from litreview.screening.checks import stage_checks
    from litreview.screening.stopping import default_rule, make_rule

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


def stop_screening(
    review: Review, stage: str, *, reviewer: str | None, rule: str | None, note: str | None = None
) -> int:
    """Record that screening of ``stage`` stops here; what is left counts as excluded by
    automation (PRISMA). ``resume_screening`` reverts it."""
    review.protocol.stage(stage)
    if find_stop(review, stage) is not None:
        raise InvalidTransition(
            f"screening of {stage!r} is already stopped",
            hint="'litreview stop --resume' reverts the stop",
        )
    with review.db.atomic():
        return events_store.append_event(
            review.db, STOP_EVENT, stage=stage, value=rule, reviewer=reviewer, note=note
        )


def resume_screening(review: Review, stage: str, *, reviewer: str | None) -> None:
    """Revert the stop of ``stage``: its unscreened records are open again."""
    stop = find_stop(review, stage)
    if stop is None:
        raise InvalidTransition(f"screening of {stage!r} is not stopped")
    with review.db.atomic():
        events_store.append_event(
            review.db, "undo", stage=stage, reviewer=reviewer, reverts_event_id=stop["event_id"]
        )
