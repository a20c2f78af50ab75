"""Quality appraisal state derived from the event log.

Event kinds written by ``litreview.appraisal.ratings``:

- ``appraisal``: ``record_id`` = the study, ``value`` = the criteria rated
  (comma-separated, for reading the log), ``payload`` = ``{"ratings": {criterion: level}}``.
  Later ratings of a criterion replace earlier ones.
- ``grade_override``: ``record_id`` = the study, ``value`` = the grade (NULL clears
  the override), ``reason`` = why (required when setting one).

Events are attributed to the study their record belongs to *now* (``links``:
report -> study), so linking a report to a study carries its appraisal along.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import sqlite_utils

from litreview.models import Event
from litreview.storage.events import append_event, iter_live_events
from litreview.storage.fulltext import to_work
from litreview.storage.works import group_map

APPRAISAL_KINDS = ("appraisal", "grade_override")


@dataclass(frozen=True)
class GradeOverride:
    event_id: int
    grade: str
    reason: str | None
    reviewer: str | None


def append_ratings(
    db: sqlite_utils.Database,
    study_id: int,
    ratings: Mapping[str, str],
    *,
    reviewer: str | None,
) -> int:
    return append_event(
        db,
        "appraisal",
        record_id=study_id,
        value=",".join(ratings),
        reviewer=reviewer,
        payload={"ratings": dict(ratings)},
    )


def append_grade_override(
    db: sqlite_utils.Database,
    study_id: int,
    grade: str | None,
    *,
    reason: str | None,
    reviewer: str | None,
) -> int:
    return append_event(
        db, "grade_override", record_id=study_id, value=grade, reason=reason, reviewer=reviewer
    )


def _study_events(
    db: sqlite_utils.Database, kind: str, links: Mapping[int, int], reviewer: str | None
) -> list[tuple[int, Event]]:
    groups = group_map(db)
    found = []
    for event in iter_live_events(db, (kind,)):
        if reviewer is not None and event.reviewer != reviewer:
            continue
        work = to_work(groups, event.record_id)
        found.append((links.get(work, work), event))
    return found


def current_ratings(
    db: sqlite_utils.Database, links: Mapping[int, int], *, reviewer: str | None = None
) -> dict[int, dict[str, str]]:
    """study id -> criterion -> the latest live rating (by ``reviewer`` if given)."""
    ratings: dict[int, dict[str, str]] = {}
    for study, event in _study_events(db, "appraisal", links, reviewer):
        given = (event.payload or {}).get("ratings", {})
        assert isinstance(given, dict)
        ratings.setdefault(study, {}).update({str(k): str(v) for k, v in given.items()})
    return ratings


def current_overrides(
    db: sqlite_utils.Database, links: Mapping[int, int], *, reviewer: str | None = None
) -> dict[int, GradeOverride]:
    """study id -> its live grade override (a cleared override is left out)."""
    overrides: dict[int, GradeOverride | None] = {}
    for study, event in _study_events(db, "grade_override", links, reviewer):
        overrides[study] = (
            None
            if event.value is None
            else GradeOverride(event.event_id, event.value, event.reason, event.reviewer)
        )
    return {study: o for study, o in overrides.items() if o is not None}


def find_last_appraisal_event(
    db: sqlite_utils.Database,
    links: Mapping[int, int],
    *,
    reviewer: str | None,
    study_ids: Collection[int] | None = None,
) -> Event | None:
    """The newest live appraisal or override event (by ``reviewer``, on ``study_ids``)."""
    groups = group_map(db)
    last = None
    for event in iter_live_events(db, APPRAISAL_KINDS):
        if reviewer is not None and event.reviewer != reviewer:
            continue
        work = to_work(groups, event.record_id)
        if study_ids is None or links.get(work, work) in study_ids:
            last = event
    return last
