"""Checkpoints of API searches, so that an interrupted search resumes without losing or
duplicating a record.

A *search run* is one ``litreview search FILE --source API``: one row in ``search_runs``, and
one row per query of the strategy in ``search_run_queries`` holding the paging state (the
cursor for the next page). Each fetched page is stored in ``search_run_pages`` in the same
transaction that advances the cursor. When a query has every page, its records become one
source (``sources``/``records``) and its pages are deleted, again in one transaction; the
source row is the permanent search log, these tables are only the work in progress.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import sqlite_utils

from litreview.models import ParsedRecord, RecordFields
from litreview.storage._clock import now_iso


@dataclass(frozen=True)
class SearchRun:
    search_run_id: int
    api: str
    strategy_sha256: str
    base_url: str
    max_records: int | None
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class RunQuery:
    search_run_id: int
    query_no: int
    label: str
    request: str
    searched_on: str
    state: str | None  # paging state for the next page; None before the first page
    is_fetched: bool  # every page (or --max records) is stored
    pages_fetched: int
    records_fetched: int
    reported_hits: int | None
    source_id: int | None  # set once the records are imported as a source


_RUN_KEY = "api = ? AND strategy_sha256 = ? AND base_url = ? AND max_records IS ?"


def _runs(db: sqlite_utils.Database, where: str, params: list[Any]) -> list[SearchRun]:
    cur = db.execute(
        "SELECT search_run_id, api, strategy_sha256, base_url, max_records, started_at, "
        f"finished_at FROM search_runs WHERE {where} ORDER BY search_run_id DESC",
        params,
    )
    return [SearchRun(*row) for row in cur.fetchall()]


def find_open_run(
    db: sqlite_utils.Database,
    api: str,
    strategy_sha256: str,
    base_url: str,
    max_records: int | None,
) -> SearchRun | None:
    """The unfinished run of this strategy on this API, if one was interrupted."""
    found = _runs(
        db, f"{_RUN_KEY} AND finished_at IS NULL", [api, strategy_sha256, base_url, max_records]
    )
    return found[0] if found else None


def find_finished_run(
    db: sqlite_utils.Database,
    api: str,
    strategy_sha256: str,
    base_url: str,
    max_records: int | None,
) -> SearchRun | None:
    """The latest finished run of this strategy on this API."""
    found = _runs(
        db, f"{_RUN_KEY} AND finished_at IS NOT NULL", [api, strategy_sha256, base_url, max_records]
    )
    return found[0] if found else None


def insert_run(
    db: sqlite_utils.Database,
    *,
    api: str,
    strategy_sha256: str,
    strategy_title: str,
    base_url: str,
    max_records: int | None,
) -> int:
    cur = db.execute(
        "INSERT INTO search_runs (api, strategy_sha256, strategy_title, base_url, max_records, "
        "started_at) VALUES (?, ?, ?, ?, ?, ?)",
        [api, strategy_sha256, strategy_title, base_url, max_records, now_iso()],
    )
    return int(cur.lastrowid or 0)


def finish_run(db: sqlite_utils.Database, search_run_id: int) -> None:
    db.execute(
        "UPDATE search_runs SET finished_at = ? WHERE search_run_id = ?", [now_iso(), search_run_id]
    )


def list_run_queries(db: sqlite_utils.Database, search_run_id: int) -> dict[int, RunQuery]:
    cur = db.execute(
        "SELECT search_run_id, query_no, label, request, searched_on, state, is_fetched, "
        "pages_fetched, records_fetched, reported_hits, source_id FROM search_run_queries "
        "WHERE search_run_id = ? ORDER BY query_no",
        [search_run_id],
    )
    out = {}
    for row in cur.fetchall():
        values = list(row)
        values[6] = bool(values[6])
        out[int(row[1])] = RunQuery(*values)
    return out


def insert_run_query(
    db: sqlite_utils.Database,
    search_run_id: int,
    query_no: int,
    *,
    label: str,
    request: str,
    searched_on: str,
) -> None:
    db.execute(
        "INSERT INTO search_run_queries (search_run_id, query_no, label, request, searched_on) "
        "VALUES (?, ?, ?, ?, ?)",
        [search_run_id, query_no, label, request, searched_on],
    )


def save_page(
    db: sqlite_utils.Database,
    query: RunQuery,
    records: list[ParsedRecord],
    keys: list[str],
    *,
    state: str | None,
    is_fetched: bool,
    reported_hits: int | None,
) -> None:
    """Store one page and advance the query's cursor; the caller owns the transaction."""
    page_no = query.pages_fetched + 1
    db.execute(
        "INSERT INTO search_run_pages (search_run_id, query_no, page_no, records, keys) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            query.search_run_id,
            query.query_no,
            page_no,
            json.dumps([_dump(r) for r in records], ensure_ascii=False),
            json.dumps(keys),
        ],
    )
    db.execute(
        "UPDATE search_run_queries SET state = ?, is_fetched = ?, pages_fetched = ?, "
        "records_fetched = records_fetched + ?, reported_hits = coalesce(?, reported_hits) "
        "WHERE search_run_id = ? AND query_no = ?",
        [
            state,
            int(is_fetched),
            page_no,
            len(records),
            reported_hits,
            query.search_run_id,
            query.query_no,
        ],
    )


def mark_fetched(db: sqlite_utils.Database, query: RunQuery) -> None:
    db.execute(
        "UPDATE search_run_queries SET is_fetched = 1 WHERE search_run_id = ? AND query_no = ?",
        [query.search_run_id, query.query_no],
    )


def list_page_records(db: sqlite_utils.Database, query: RunQuery) -> list[ParsedRecord]:
    """Every stored record of the query, in page order."""
    cur = db.execute(
        "SELECT records FROM search_run_pages WHERE search_run_id = ? AND query_no = ? "
        "ORDER BY page_no",
        [query.search_run_id, query.query_no],
    )
    return [_load(item) for (text,) in cur.fetchall() for item in json.loads(text)]


def list_page_keys(db: sqlite_utils.Database, query: RunQuery) -> list[str]:
    cur = db.execute(
        "SELECT keys FROM search_run_pages WHERE search_run_id = ? AND query_no = ? "
        "ORDER BY page_no",
        [query.search_run_id, query.query_no],
    )
    return [key for (text,) in cur.fetchall() for key in json.loads(text)]


def complete_query(db: sqlite_utils.Database, query: RunQuery, source_id: int) -> None:
    """Link the query to the source its records became and drop its pages (caller's
    transaction: the same one that imported the source)."""
    db.execute(
        "UPDATE search_run_queries SET source_id = ? WHERE search_run_id = ? AND query_no = ?",
        [source_id, query.search_run_id, query.query_no],
    )
    db.execute(
        "DELETE FROM search_run_pages WHERE search_run_id = ? AND query_no = ?",
        [query.search_run_id, query.query_no],
    )


def _dump(record: ParsedRecord) -> dict[str, Any]:
    return {
        "position": record.position,
        "line": record.line,
        "fields": asdict(record.fields),
        "raw": record.raw,
    }


def _load(item: dict[str, Any]) -> ParsedRecord:
    return ParsedRecord(
        position=item["position"],
        line=item["line"],
        fields=RecordFields(**item["fields"]),
        raw=[(tag, value) for tag, value in item["raw"]],
    )
