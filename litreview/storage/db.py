"""Opening a review file: pragmas, migrations, schema version checks."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from litreview.errors import (
    ReviewBusy,
    ReviewExists,
    ReviewNotFound,
    ReviewReadOnly,
    SchemaTooNew,
)
from litreview.storage.migrations import MIGRATIONS
from litreview.storage.output_files import atomic_target

BUSY_TIMEOUT_MS = 30_000
WRITE_WAIT_SECONDS = 900.0  # how long a writer waits for another (e.g. a 1 GB import)


class ReviewDatabase(sqlite_utils.Database):
    """sqlite-utils' Database whose write transactions take the write lock up front.

    ``BEGIN IMMEDIATE`` waits (busy timeout) for other writers instead of failing
    with "database is locked" when a read transaction later needs to write.
    """

    @contextlib.contextmanager
    def atomic(self) -> Generator[sqlite_utils.Database, None, None]:
        if self.conn.in_transaction:
            with super().atomic() as db:
                yield db
            return
        _begin_immediate(self.conn)
        try:
            yield self
        except BaseException:
            if self.conn.in_transaction:
                self.conn.rollback()
            raise
        else:
            self.conn.commit()


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """Take the write lock, waiting as long as another writer (a long import) holds it.

    Each attempt waits the busy timeout; after ``WRITE_WAIT_SECONDS`` in all the user
    gets a clear error instead of SQLite's "database is locked"."""
    deadline = time.monotonic() + WRITE_WAIT_SECONDS
    waited = False
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise ReviewBusy(
                    "the review is busy: another process has been writing to it for "
                    f"{WRITE_WAIT_SECONDS:.0f} s",
                    hint="wait for the other litreview command (e.g. a large import) to "
                    "finish, then run this again; nothing was changed",
                ) from exc
            if not waited:
                logging.getLogger(__name__).warning(
                    "waiting for another process writing to the review ..."
                )
                waited = True


def _connect(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    db = ReviewDatabase(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return db


def _check_not_newer(db: sqlite_utils.Database, path: Path) -> None:
    known = {m.name for m in MIGRATIONS._migrations}
    unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
    if unknown:
        raise SchemaTooNew(
            f"{path} was written by a newer litreview (schema step {unknown[-1]!r})",
            hint="upgrade litreview (pip install -U litreview); the file was not changed",
        )


def _is_review(db: sqlite_utils.Database) -> bool:
    return "_sqlite_migrations" in db.table_names() and bool(MIGRATIONS.applied(db))


def open_db(
    path: str | Path, *, create: bool = False, force: bool = False
) -> sqlite_utils.Database:
    """Open (and migrate) the review at ``path``.

    ``create`` makes a new review; an existing review is an error unless
    ``force``, which replaces it. Without ``create`` a missing file is an error.
    """
    path = Path(path)
    if create:
        if path.exists() and path.stat().st_size > 0:
            if not force:
                raise ReviewExists(
                    f"a review already exists at {path}",
                    hint="use --force to replace it, or --db to choose another file",
                )
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.exists():
        raise ReviewNotFound(
            f"no review at {path}",
            hint="run 'litreview init' to create one, or pass --db / set LITREVIEW_DB",
        )
    try:
        db = _connect(path)
        if not create and not _is_review(db):
            db.close()
            raise ReviewNotFound(
                f"{path} is not a litreview review",
                hint="pass --db with the review file, or run 'litreview init'",
            )
        _check_not_newer(db, path)
        pending = MIGRATIONS.pending(db)
        if pending and not create and MIGRATIONS.applied(db):
            backup_review(db, backup_path(path, f"before-{pending[0].name}"))
        MIGRATIONS.apply(db)
    except sqlite3.DatabaseError as exc:
        if "file is not a database" in str(exc) or "malformed" in str(exc):
            raise ReviewNotFound(f"{path} is not a SQLite review file ({exc})") from exc
        if isinstance(exc, sqlite3.OperationalError) and _read_only(path):
            raise read_only_error(path) from exc
        raise
    return db


def _read_only(path: Path) -> bool:
    """Whether the review file, its folder or the disk they are on refuses writes."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        flags = os.statvfs(folder).f_flag
    except OSError:
        flags = 0
    return (
        bool(flags & os.ST_RDONLY)
        or not os.access(folder, os.W_OK)
        or (path.exists() and not os.access(path, os.W_OK))
    )


def read_only_error(path: Path) -> ReviewReadOnly:
    return ReviewReadOnly(
        f"the review {path} is read-only (the file, its folder or its disk)",
        hint="SQLite writes next to the review even to read it (its WAL journal): make the "
        "file and its folder writable, or copy the review to a writable folder and use "
        "--db with the copy; nothing was changed",
    )


def integrity_ok(db: sqlite_utils.Database) -> bool:
    row = db.execute("PRAGMA integrity_check").fetchone()
    return bool(row and row[0] == "ok")


def backup_path(path: Path, label: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return path.with_name(f"{path.stem}.{stamp}.{label}{path.suffix or '.db'}")


def backup_review(
    db: sqlite_utils.Database,
    target: Path,
    *,
    progress: Callable[[int, int, int], object] | None = None,
) -> Path:
    """Copy the open review to ``target`` with SQLite's online backup API.

    The copy is made under a temporary name in ``target``'s folder, checked with
    ``PRAGMA integrity_check``, flushed to disk and only then renamed to ``target``:
    a backup killed part-way leaves no file under the final name (and an existing
    ``target`` is never half-overwritten). The folder must exist. ``progress(status,
    remaining, total)`` (SQLite's backup callback) is called after each step of 256 pages.
    """

    with atomic_target(target) as temp:
        dest = sqlite3.connect(str(temp))
        try:
            if progress is None:
                db.conn.backup(dest)
            else:
                db.conn.backup(dest, pages=256, progress=progress)
            row = dest.execute("PRAGMA integrity_check").fetchone()
            if not row or row[0] != "ok":
                raise sqlite3.DatabaseError(f"the backup copy failed its integrity check: {row}")
            dest.execute("PRAGMA journal_mode = DELETE")
        finally:
            dest.close()
    return target
