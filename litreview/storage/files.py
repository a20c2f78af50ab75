"""Attached full-text files: the ``files`` table, their text in the ``file_pages`` FTS5
index, and the ``attach`` events that say which work a file belongs to.

An ``attach`` event: ``record_id`` = the work, ``value`` = the file's sha256,
``payload`` = ``{"path": stored path relative to ``<review>.files``, "origin": where it
came from (a path or URL), "matched_by": how the work was found}``. A work's file is
its latest live ``attach`` event.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlite_utils

from litreview.storage._clock import now_iso
from litreview.storage.events import append_event, iter_live_events
from litreview.storage.works import group_map


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    path: str  # relative to <review>.files
    size_bytes: int
    pages: int
    has_text: bool


@dataclass(frozen=True)
class Attachment:
    event_id: int
    work_id: int
    sha256: str
    path: str
    origin: str
    matched_by: str
    created_at: str


@dataclass(frozen=True)
class PageHit:
    sha256: str
    page: int
    snippet: str


def find_file(db: sqlite_utils.Database, sha256: str) -> StoredFile | None:
    row = db.execute(
        "SELECT sha256, path, size_bytes, pages, has_text FROM files WHERE sha256 = ?", [sha256]
    ).fetchone()
    if row is None:
        return None
    return StoredFile(str(row[0]), str(row[1]), int(row[2]), int(row[3]), bool(row[4]))


def add_file(db: sqlite_utils.Database, file: StoredFile, pages: Sequence[str]) -> None:
    """Store a file's row and its text, one FTS row per page (numbered from 1)."""
    db.execute(
        "INSERT INTO files (sha256, path, size_bytes, pages, has_text, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [file.sha256, file.path, file.size_bytes, file.pages, int(file.has_text), now_iso()],
    )
    db.conn.executemany(
        "INSERT INTO file_pages (text, sha256, page) VALUES (?, ?, ?)",
        [(text, file.sha256, number) for number, text in enumerate(pages, 1)],
    )


def list_pages(db: sqlite_utils.Database, sha256: str) -> list[str]:
    """The file's text, page by page."""
    rows = db.execute(
        "SELECT text FROM file_pages WHERE sha256 = ? ORDER BY page", [sha256]
    ).fetchall()
    return [str(r[0]) for r in rows]


def record_attachment(
    db: sqlite_utils.Database,
    work_id: int,
    sha256: str,
    *,
    path: str,
    origin: str,
    matched_by: str,
    reviewer: str | None,
) -> int:
    return append_event(
        db,
        "attach",
        record_id=work_id,
        value=sha256,
        reviewer=reviewer,
        payload={"path": path, "origin": origin, "matched_by": matched_by},
    )


def current_attachments(db: sqlite_utils.Database) -> dict[int, Attachment]:
    """work id -> its file (the latest live ``attach`` event)."""
    groups = group_map(db)
    found: dict[int, Attachment] = {}
    for event in iter_live_events(db, ("attach",)):
        assert event.record_id is not None
        work = groups.get(event.record_id, event.record_id)
        payload = event.payload or {}
        found[work] = Attachment(
            event.event_id,
            work,
            str(event.value),
            str(payload.get("path", "")),
            str(payload.get("origin", "")),
            str(payload.get("matched_by", "")),
            event.created_at,
        )
    return found


def iter_doi_titles(db: sqlite_utils.Database) -> Iterator[tuple[int, str | None, str | None]]:
    """(work id, doi, title) of every record (several rows per work when it has duplicates)."""
    groups = group_map(db)
    for record_id, doi, title in db.execute("SELECT record_id, doi, title FROM records"):
        yield groups.get(record_id, record_id), doi, title


def search_pages(db: sqlite_utils.Database, match: str, *, limit: int) -> list[PageHit]:
    """Pages whose text matches the FTS5 query ``match``, best first, with a snippet
    (hits between « and »)."""
    rows = db.execute(
        "SELECT sha256, page, snippet(file_pages, 0, '«', '»', '…', 16) FROM file_pages "
        "WHERE file_pages MATCH ? ORDER BY rank LIMIT ?",
        [match, limit],
    ).fetchall()
    return [PageHit(str(r[0]), int(r[1]), str(r[2])) for r in rows]
