"""The reviewer's decision to stop screening a stage (an event of kind ``stop_screening``);
what is left unscreened then counts as excluded by automation (PRISMA)."""

from __future__ import annotations

from typing import Any

from litreview.errors import InvalidTransition
from litreview.storage import events as events_store
from litreview.storage.review import Review

STOP_EVENT = "stop_screening"


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
