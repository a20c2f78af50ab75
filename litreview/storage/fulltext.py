"""Full-text stage state derived from the event log: retrieval, notes, report-study links.

Event kinds written by ``litreview.fulltext.reports`` (and read here):

- ``fulltext``: ``record_id`` = the report (a work id), ``stage``, ``value`` =
  ``retrieved`` | ``not_retrieved`` | ``requested``, ``reason`` (why not retrieved;
  for ``requested``, where from),
  ``payload`` = ``{"location": path or URL}``.
- ``note``: ``record_id`` = the report, ``stage``, ``value`` = the note field,
  ``note`` = its text (empty text clears the field).
- ``link_report``: ``record_id`` = the report, ``other_record_id`` = the study
  it belongs to (the report itself = its own study again).
- ``eligibility``: ``record_id`` = a work kept by the reviewer despite the
  protocol's automatic limits, ``value`` = ``override``, ``reason`` = why.

The live events of a kind are those no ``undo`` event reverts. Record ids are
mapped to their current work, so a later merge of duplicates keeps every state.
This module also holds the helpers the appraisal and coding stores share.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlite_utils

from litreview.models import Event
from litreview.storage.events import append_event, iter_events, iter_live_events
from litreview.storage.works import group_map


def revert_event(db: sqlite_utils.Database, event: Event, *, reviewer: str | None) -> int:
    """Append the ``undo`` event reverting ``event``; the caller owns the transaction."""
    return append_event(
        db,
        "undo",
        record_id=event.record_id,
        stage=event.stage,
        reviewer=reviewer,
        reverts_event_id=event.event_id,
    )


def to_work(groups: dict[int, int], record_id: int | None) -> int:
    assert record_id is not None
    return groups.get(record_id, record_id)


@dataclass(frozen=True)
class Retrieval:
    event_id: int
    work_id: int
    status: str  # "retrieved" | "not_retrieved" | "requested" (awaited)
    location: str | None
    reason: str | None
    reviewer: str | None
    created_at: str


def current_retrievals(db: sqlite_utils.Database, stage: str) -> dict[int, Retrieval]:
    """work id -> its latest live retrieval status at ``stage``."""
    groups = group_map(db)
    found: dict[int, Retrieval] = {}
    for event in iter_live_events(db, ("fulltext",), stage=stage):
        work = to_work(groups, event.record_id)
        location = (event.payload or {}).get("location")
        found[work] = Retrieval(
            event.event_id,
            work,
            str(event.value),
            None if location is None else str(location),
            event.reason,
            event.reviewer,
            event.created_at,
        )
    return found


def current_report_notes(db: sqlite_utils.Database, stage: str) -> dict[int, dict[str, str]]:
    """work id (report) -> note field -> text; cleared fields are left out."""
    groups = group_map(db)
    notes: dict[int, dict[str, str]] = {}
    for event in iter_live_events(db, ("note",), stage=stage):
        fields = notes.setdefault(to_work(groups, event.record_id), {})
        field = str(event.value)
        if event.note:
            fields[field] = event.note
        else:
            fields.pop(field, None)
    return {work: fields for work, fields in notes.items() if fields}


def current_links(db: sqlite_utils.Database) -> dict[int, int]:
    """report work id -> study id, for reports linked to a study other than their own."""
    groups = group_map(db)
    links: dict[int, int] = {}
    for event in iter_live_events(db, ("link_report",)):
        report = to_work(groups, event.record_id)
        links[report] = to_work(groups, event.other_record_id)
    return {report: study for report, study in links.items() if report != study}


def link_event_order(db: sqlite_utils.Database) -> dict[int, int]:
    """report work id -> the id of the live event that last linked it."""
    groups = group_map(db)
    return {
        to_work(groups, e.record_id): e.event_id for e in iter_live_events(db, ("link_report",))
    }


def first_includes(db: sqlite_utils.Database, stage: str) -> dict[int, int]:
    """work id -> id of the first live ``include`` decision or resolution at ``stage``."""
    groups = group_map(db)
    first: dict[int, int] = {}
    for event in iter_live_events(db, ("decision", "resolution"), stage=stage):
        if event.value == "include":
            first.setdefault(to_work(groups, event.record_id), event.event_id)
    return first


def list_eligibility_overrides(db: sqlite_utils.Database) -> set[int]:
    """Record ids a reviewer kept despite the protocol's automatic eligibility limits."""
    return {
        int(e.record_id)
        for e in iter_live_events(db, ("eligibility",))
        if e.record_id is not None and e.value == "override"
    }


def work_arms(db: sqlite_utils.Database) -> dict[int, set[str]]:
    """work id -> the PRISMA arms (database, register, other) its records came from."""
    groups = group_map(db)
    arms: dict[int, set[str]] = {}
    sql = "SELECT r.record_id, s.arm FROM records r JOIN sources s ON s.source_id = r.source_id"
    for record_id, arm in db.execute(sql):
        arms.setdefault(groups.get(record_id, record_id), set()).add(str(arm))
    return arms


def list_event_history(
    db: sqlite_utils.Database, kinds: Collection[str], work_ids: Collection[int]
) -> list[tuple[Event, int | None]]:
    """Every event of ``kinds`` on ``work_ids`` (undone ones too), oldest first, each
    with the id of the undo event that reverted it (None while it is live)."""
    groups = group_map(db)
    wanted = set(work_ids)
    undone = {
        e.reverts_event_id: e.event_id
        for e in iter_events(db, kind="undo")
        if e.reverts_event_id is not None
    }
    return [
        (event, undone.get(event.event_id))
        for event in iter_events(db, kinds=kinds)
        if event.record_id is not None and to_work(groups, event.record_id) in wanted
    ]


def works_only_from(db: sqlite_utils.Database, arm: str, groups: dict[int, int]) -> set[int]:
    """Works all of whose records came from sources of ``arm`` (``groups`` = group_map):
    reads only the records of that arm's sources and the other records of their groups."""
    sql = (
        "SELECT r.record_id FROM records r JOIN sources s ON s.source_id = r.source_id "
        "WHERE s.arm = ?"
    )
    if not db.execute("SELECT 1 FROM sources WHERE arm = ? LIMIT 1", [arm]).fetchone():
        return set()
    in_arm = {int(r[0]) for r in db.execute(sql, [arm])}
    candidates = {groups.get(r, r) for r in in_arm}
    members: dict[int, list[int]] = {}
    for record, work in groups.items():
        if work in candidates:
            members.setdefault(work, []).append(record)
    return {w for w in candidates if all(r in in_arm for r in members.get(w, [w]))}
