"""Sources: one row per imported file or API search (PRISMA-S)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import sqlite_utils

from litreview.models import ImportIssue, Source
from litreview.storage._clock import now_iso

_COLUMNS = (
    "kind",
    "arm",
    "method",
    "database",
    "platform",
    "searched_on",
    "query",
    "limits",
    "reported_hits",
    "file_name",
    "sha256",
    "size_bytes",
    "format",
    "encoding",
    "records_parsed",
    "problems",
    "imported_at",
)


def _to_source(row: dict[str, Any]) -> Source:
    data = dict(row)
    problems = tuple(ImportIssue(**p) for p in json.loads(data.pop("problems") or "[]"))
    return Source(problems=problems, **data)


def insert_source(db: sqlite_utils.Database, **values: Any) -> int:
    """Insert a source; ``problems`` is a list of ImportIssue."""
    values = dict(values)
    values["problems"] = json.dumps([asdict(p) for p in values.get("problems", ())])
    values.setdefault("imported_at", now_iso())
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise TypeError(f"unknown source columns: {sorted(unknown)}")
    cols = [c for c in _COLUMNS if c in values]
    sql = f"INSERT INTO sources ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
    cur = db.execute(sql, [values[c] for c in cols])
    return int(cur.lastrowid or 0)


def _query(db: sqlite_utils.Database, where: str, params: list[Any]) -> list[Source]:
    cur = db.execute(f"SELECT * FROM sources {where} ORDER BY source_id", params)
    names = [d[0] for d in cur.description]
    return [_to_source(dict(zip(names, row, strict=True))) for row in cur.fetchall()]


def find_source_by_sha256(db: sqlite_utils.Database, sha256: str) -> Source | None:
    found = _query(db, "WHERE sha256 = ?", [sha256])
    return found[0] if found else None


def list_sources(db: sqlite_utils.Database) -> list[Source]:
    return _query(db, "", [])


def count_sources(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM sources").fetchone()[0])


def update_source(db: sqlite_utils.Database, source_id: int, **values: Any) -> None:
    """Set columns of a source being imported (counts known once its records are stored)."""
    if "problems" in values:
        values["problems"] = json.dumps([asdict(p) for p in values["problems"]])
    unknown = set(values) - set(_COLUMNS)
    if unknown:
        raise TypeError(f"unknown source columns: {sorted(unknown)}")
    cols = [c for c in _COLUMNS if c in values]
    sql = f"UPDATE sources SET {', '.join(f'{c} = ?' for c in cols)} WHERE source_id = ?"
    db.execute(sql, [*(values[c] for c in cols), source_id])
