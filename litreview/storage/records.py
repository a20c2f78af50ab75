"""Stored records: one row per record occurrence in a source, never updated."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields as dc_fields
from typing import Any

import sqlite_utils

from litreview.errors import RecordNotFound
from litreview.models import ParsedRecord, Record, RecordFields
from litreview.storage.dual_sample import extend_dual_sample

_FIELD_NAMES = tuple(f.name for f in dc_fields(RecordFields))
_LIST_FIELDS = frozenset(
    name for name, value in RecordFields().__dict__.items() if isinstance(value, list)
)
_COLUMNS = ("source_id", "position", "line", *_FIELD_NAMES, "raw")
_INSERT_SQL = (
    f"INSERT INTO records ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"
)


def _row_values(source_id: int, record: ParsedRecord) -> list[Any]:
    values: list[Any] = [source_id, record.position, record.line]
    data = record.fields.__dict__
    for name in _FIELD_NAMES:
        value = data[name]
        values.append(json.dumps(value, ensure_ascii=False) if name in _LIST_FIELDS else value)
    values.append(json.dumps(record.raw, ensure_ascii=False))
    return values


def insert_records(
    db: sqlite_utils.Database, source_id: int, records: Iterable[ParsedRecord]
) -> int:
    """Insert records of one source; the caller owns the transaction."""
    before = int(db.execute("SELECT COALESCE(max(record_id), 0) FROM records").fetchone()[0])
    cur = db.conn.executemany(_INSERT_SQL, (_row_values(source_id, r) for r in records))
    extend_dual_sample(db, before)  # the SQL views' dual sample covers every record
    return int(cur.rowcount)


def _to_record(row: dict[str, Any]) -> Record:
    values = {
        name: (json.loads(row[name]) if name in _LIST_FIELDS else row[name])
        for name in _FIELD_NAMES
    }
    return Record(
        record_id=row["record_id"],
        source_id=row["source_id"],
        position=row["position"],
        line=row["line"],
        fields=RecordFields(**values),
        raw=[(tag, value) for tag, value in json.loads(row["raw"])],
    )


def _select(db: sqlite_utils.Database, where: str, params: Sequence[Any]) -> Iterator[Record]:
    cur = db.execute(f"SELECT * FROM records {where}", list(params))
    names = [d[0] for d in cur.description]
    for row in cur:
        yield _to_record(dict(zip(names, row, strict=True)))


def get_record(db: sqlite_utils.Database, record_id: int) -> Record:
    for record in _select(db, "WHERE record_id = ?", [record_id]):
        return record
    raise RecordNotFound(
        f"no record {record_id} in this review",
        hint="'litreview export --format csv' lists record ids",
    )


def iter_records(db: sqlite_utils.Database, source_id: int | None = None) -> Iterator[Record]:
    if source_id is None:
        yield from _select(db, "ORDER BY record_id", [])
    else:
        yield from _select(db, "WHERE source_id = ? ORDER BY record_id", [source_id])


def iter_record_fields(db: sqlite_utils.Database) -> Iterator[tuple[int, RecordFields]]:
    """``(record_id, fields)`` of every record in id order, without the raw tags (which
    hold the record a second time): what deduplication reads, at half the memory."""
    cur = db.execute(f"SELECT record_id, {', '.join(_FIELD_NAMES)} FROM records ORDER BY record_id")
    for row in cur:
        values = {
            name: (json.loads(value) if name in _LIST_FIELDS else value)
            for name, value in zip(_FIELD_NAMES, row[1:], strict=True)
        }
        yield int(row[0]), RecordFields(**values)


def count_records(db: sqlite_utils.Database, source_id: int | None = None) -> int:
    if source_id is None:
        return int(db.execute("SELECT count(*) FROM records").fetchone()[0])
    sql = "SELECT count(*) FROM records WHERE source_id = ?"
    return int(db.execute(sql, [source_id]).fetchone()[0])


def count_records_by_source(db: sqlite_utils.Database) -> dict[int, int]:
    cur = db.execute("SELECT source_id, count(*) FROM records GROUP BY source_id")
    return {int(sid): int(n) for sid, n in cur.fetchall()}


def record_provenance(db: sqlite_utils.Database) -> dict[int, tuple[str, int]]:
    """record_id -> (sha256 of its source file or search id, position): stable across copies."""
    cur = db.execute(
        "SELECT r.record_id, coalesce(s.sha256, 'source:' || s.source_id), r.position "
        "FROM records r JOIN sources s ON s.source_id = r.source_id"
    )
    return {int(rid): (str(key), int(pos)) for rid, key, pos in cur.fetchall()}
