"""Fields of works for display and ranking: merged fields for groups, else the record's."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlite_utils

from litreview.models import RecordFields
from litreview.storage.records import get_record
from litreview.storage.works import members_of, merged_fields


def work_fields(db: sqlite_utils.Database, work_id: int) -> RecordFields:
    """The merged fields of a duplicate group, else the record's own."""
    row = db.execute("SELECT fields FROM dedup_merged WHERE group_id = ?", [work_id]).fetchone()
    if row:
        return RecordFields(**json.loads(row[0]))
    return get_record(db, work_id).fields


def work_texts(
    db: sqlite_utils.Database, work_ids: Sequence[int]
) -> list[tuple[str | None, str | None]]:
    """(title, abstract) per work, in the order given; one query for plain records."""
    merged = merged_fields(db)
    wanted = set(work_ids)
    texts: dict[int, tuple[str | None, str | None]] = {}
    for record_id, title, abstract in db.execute("SELECT record_id, title, abstract FROM records"):
        if record_id in wanted:
            texts[record_id] = (title, abstract)
    for work_id, fields in merged.items():
        if work_id in wanted:
            texts[work_id] = (fields.title, fields.abstract)
    return [texts.get(w, (None, None)) for w in work_ids]


def work_sources(db: sqlite_utils.Database, work_id: int) -> list[str]:
    members = members_of(db, work_id)
    marks = ",".join("?" for _ in members)
    rows = db.execute(
        f"SELECT DISTINCT s.database FROM records r JOIN sources s ON s.source_id = r.source_id "
        f"WHERE r.record_id IN ({marks}) ORDER BY s.database",
        members,
    ).fetchall()
    return [str(r[0]) for r in rows]


def search_work_ids(db: sqlite_utils.Database, text: str, limit: int) -> list[int]:
    """Works whose title, authors, DOI or id match ``text`` (case-insensitive)."""
    pattern = f"%{text}%"
    rows = db.execute(
        "SELECT DISTINCT coalesce(g.group_id, r.record_id) FROM records r "
        "LEFT JOIN dedup_groups g ON g.record_id = r.record_id "
        "WHERE r.title LIKE ? OR r.authors LIKE ? OR r.doi LIKE ? OR CAST(r.record_id AS TEXT) = ? "
        "ORDER BY 1 LIMIT ?",
        [pattern, pattern, pattern, text.strip(), limit],
    ).fetchall()
    return [int(r[0]) for r in rows]


def list_work_briefs(db: sqlite_utils.Database) -> dict[int, RecordFields]:
    """work id -> the fields a list of works shows, sorts and searches on (title, authors,
    year, journal, DOI; the rest left empty), for every work in one query: merged fields
    for duplicate groups, else the record's own. ``work_fields`` reads one work in full."""
    merged = {
        int(g): json.loads(f) for g, f in db.execute("SELECT group_id, fields FROM dedup_merged")
    }
    group_of = {
        int(r): int(g) for r, g in db.execute("SELECT record_id, group_id FROM dedup_groups")
    }
    found: dict[int, RecordFields] = {}
    sql = "SELECT record_id, title, authors, year, journal, doi FROM records"
    rows = [r for r in db.execute(sql) if group_of.get(r[0], r[0]) == r[0]]
    # one parse of every author list at once: 50k json.loads calls cost ten times more
    authors = json.loads("[" + ",".join(r[2] for r in rows) + "]") if rows else []
    for (record_id, title, _, year, journal, doi), names in zip(rows, authors, strict=True):
        data = merged.get(record_id)
        if data is not None:
            found[record_id] = RecordFields(
                title=data.get("title"),
                authors=list(data.get("authors") or []),
                year=data.get("year"),
                journal=data.get("journal"),
                doi=data.get("doi"),
            )
        else:
            found[record_id] = RecordFields(
                title=title, authors=names, year=year, journal=journal, doi=doi
            )
    return found


def list_record_sources(db: sqlite_utils.Database) -> list[tuple[int, int]]:
    """(record id, source id) of every record."""
    return [(int(r), int(s)) for r, s in db.execute("SELECT record_id, source_id FROM records")]
