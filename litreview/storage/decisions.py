"""Current screening decisions, derived from the event log (never stored as state)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from litreview.storage.events import NOT_REVERTED
from litreview.storage.works import group_map

_LIVE_SQL = f"""
    SELECT event_id, record_id, value, reason, note, reviewer
    FROM events
    WHERE kind = ? AND stage = ? AND {NOT_REVERTED}
    ORDER BY event_id
"""


@dataclass(frozen=True)
class CurrentDecision:
    event_id: int
    record_id: int  # the record the decision was made on
    value: str
    reason: str | None
    note: str | None
    reviewer: str | None


def current_decisions(
    db: sqlite_utils.Database, stage: str, *, reviewer: str | None = None
) -> dict[int, CurrentDecision]:
    """work id -> the latest live decision on any of its records at ``stage``."""
    groups = group_map(db)
    latest: dict[int, CurrentDecision] = {}
    for row in db.execute(_LIVE_SQL, ["decision", stage]):
        if reviewer is not None and row[5] != reviewer:
            continue
        latest[groups.get(row[1], row[1])] = CurrentDecision(*row)
    return latest


def decisions_by_reviewer(
    db: sqlite_utils.Database, stage: str
) -> dict[int, dict[str, CurrentDecision]]:
    """work id -> reviewer -> that reviewer's latest live decision at ``stage``."""
    groups = group_map(db)
    found: dict[int, dict[str, CurrentDecision]] = {}
    for row in db.execute(_LIVE_SQL, ["decision", stage]):
        found.setdefault(groups.get(row[1], row[1]), {})[row[5] or ""] = CurrentDecision(*row)
    return found


def current_resolutions(db: sqlite_utils.Database, stage: str) -> dict[int, CurrentDecision]:
    """work id -> the latest live resolution of a conflict at ``stage``."""
    groups = group_map(db)
    return {
        groups.get(row[1], row[1]): CurrentDecision(*row)
        for row in db.execute(_LIVE_SQL, ["resolution", stage])
    }


def conflicting_works(db: sqlite_utils.Database, stage: str) -> dict[int, set[str]]:
    """Works whose records carry different live decisions at ``stage`` (after a merge)."""
    groups = group_map(db)
    per_record: dict[int, str] = {}
    for _, record_id, value, *_ in db.execute(_LIVE_SQL, ["decision", stage]):
        per_record[record_id] = value
    values: dict[int, set[str]] = {}
    for record_id, value in per_record.items():
        values.setdefault(groups.get(record_id, record_id), set()).add(value)
    return {work: v for work, v in values.items() if len(v) > 1}


def last_live_decision(
    db: sqlite_utils.Database, *, reviewer: str | None, stage: str | None
) -> int | None:
    """The event id of the newest live decision by ``reviewer`` (at ``stage`` if given)."""
    sql = f"SELECT event_id FROM events WHERE kind IN ('decision', 'resolution') AND {NOT_REVERTED}"
    params: list[object] = []
    if reviewer is not None:
        sql += " AND reviewer = ?"
        params.append(reviewer)
    if stage is not None:
        sql += " AND stage = ?"
        params.append(stage)
    row = db.execute(sql + " ORDER BY event_id DESC LIMIT 1", params).fetchone()
    return None if row is None else int(row[0])


def find_last_decision_change(db: sqlite_utils.Database, stage: str) -> str | None:
    """When a decision, resolution or undo was last recorded at ``stage`` (ISO time)."""
    row = db.execute(
        "SELECT max(created_at) FROM events WHERE kind IN ('decision', 'resolution', 'undo') "
        "AND stage = ?",
        [stage],
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])
