"""The append-only event log: every decision any stage makes."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

import sqlite_utils

from litreview.models import Event
from litreview.storage._clock import now_iso

_COLUMNS = (
    "kind",
    "record_id",
    "other_record_id",
    "stage",
    "value",
    "reason",
    "note",
    "reviewer",
    "payload",
    "reverts_event_id",
    "created_at",
)


def append_event(db: sqlite_utils.Database, kind: str, **values: Any) -> int:
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise TypeError(f"unknown event columns: {sorted(unknown)}")
    row = {"kind": kind, **values}
    if row.get("payload") is not None:
        row["payload"] = json.dumps(row["payload"], ensure_ascii=False, sort_keys=True)
    row.setdefault("created_at", now_iso())
    cols = [c for c in _COLUMNS if c in row]
    sql = f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    return int(db.execute(sql, [row[c] for c in cols]).lastrowid or 0)


def _to_event(row: dict[str, Any]) -> Event:
    payload = row.pop("payload")
    return Event(payload=json.loads(payload) if payload else None, **row)


def iter_events(
    db: sqlite_utils.Database,
    *,
    kind: str | None = None,
    kinds: Collection[str] = (),
    stage: str | None = None,
    record_id: int | None = None,
) -> Iterator[Event]:
    """Events (undone ones too), oldest first, of ``kind`` or any of ``kinds``."""
    clauses: list[str] = []
    params: list[str | int] = []
    wanted = [kind] if kind is not None else list(kinds)
    if wanted:
        clauses.append(f"kind IN ({', '.join('?' for _ in wanted)})")
        params += wanted
    for column, value in (("stage", stage), ("record_id", record_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    cur = db.execute(f"SELECT * FROM events {where} ORDER BY event_id", params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield _to_event(dict(zip(names, row, strict=True)))


def count_events(db: sqlite_utils.Database, kind: str | None = None) -> int:
    if kind is None:
        return int(db.execute("SELECT count(*) FROM events").fetchone()[0])
    return int(db.execute("SELECT count(*) FROM events WHERE kind = ?", [kind]).fetchone()[0])


def get_event(db: sqlite_utils.Database, event_id: int) -> Event:
    cur = db.execute("SELECT * FROM events WHERE event_id = ?", [event_id])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    if row is None:
        raise KeyError(event_id)
    return _to_event(dict(zip(names, row, strict=True)))


NOT_REVERTED = (
    "event_id NOT IN (SELECT reverts_event_id FROM events"
    " WHERE kind = 'undo' AND reverts_event_id IS NOT NULL)"
)


def iter_live_events(
    db: sqlite_utils.Database, kinds: Collection[str], *, stage: str | None = None
) -> Iterator[Event]:
    """Events of ``kinds`` that no undo reverts, oldest first."""
    marks = ", ".join("?" for _ in kinds)
    sql = f"SELECT * FROM events WHERE kind IN ({marks}) AND {NOT_REVERTED}"
    params: list[Any] = list(kinds)
    if stage is not None:
        sql += " AND stage = ?"
        params.append(stage)
    cur = db.execute(sql + " ORDER BY event_id", params)
    names = [d[0] for d in cur.description]
    for row in cur:
        yield _to_event(dict(zip(names, row, strict=True)))


LiveRow = tuple[
    int,
    str,
    int | None,
    int | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str | None,
    str,
]


def list_live_rows(db: sqlite_utils.Database, kinds: Collection[str]) -> list[LiveRow]:
    """Live events of ``kinds`` as plain rows, oldest first, payload still JSON text:
    (event_id, kind, record_id, other_record_id, stage, value, reason, note, reviewer,
    payload, created_at). One query for a reader that wants several kinds at once."""
    marks = ", ".join("?" for _ in kinds)
    sql = (
        "SELECT event_id, kind, record_id, other_record_id, stage, value, reason, note, "
        f"reviewer, payload, created_at FROM events WHERE kind IN ({marks}) AND {NOT_REVERTED} "
        "ORDER BY event_id"
    )
    return [tuple(row) for row in db.execute(sql, list(kinds))]
