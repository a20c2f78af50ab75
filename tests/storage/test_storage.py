"""The review file: backups, migrations from every earlier schema, no lost writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from litreview.cli import cli
from litreview.ingest.importer import import_files
from litreview.screening import session
from litreview.storage.db import integrity_ok, open_db
from litreview.storage.migrations import MIGRATIONS
from litreview.storage.review import open_review

DATA = Path(__file__).resolve().parents[1] / "data"


def test_backup_command_copies_a_consistent_review(review, tmp_path: Path) -> None:
    import_files(review, [DATA / "three.ris"])
    session.decide(review, 1, "include", stage=review.protocol.stages[0].name, reviewer="a")
    target = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["--db", str(review.path), "backup", str(target)])
    assert result.exit_code == 0
    with open_review(target) as copy:
        assert integrity_ok(copy.db)
        assert copy.db.execute("SELECT count(*) FROM records").fetchone()[0] == 3
        assert copy.db.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    again = CliRunner().invoke(cli, ["--db", str(review.path), "backup", str(review.path)])
    assert again.exit_code == 1


def test_every_earlier_schema_migrates_with_its_data(tmp_path: Path) -> None:
    names = [m.name for m in MIGRATIONS._migrations]
    for stop in names[1:]:
        path = tmp_path / f"{stop}.db"
        db = sqlite3.connect(path)
        db.close()
        from litreview.storage.db import _connect

        old = _connect(path)
        MIGRATIONS.apply(old, stop_before=stop)
        old.execute(
            "INSERT INTO sources (kind, database, format, records_parsed, imported_at) "
            "VALUES ('file', 'X', 'ris', 1, '2026-01-01')"
        )
        old.execute(
            "INSERT INTO records (source_id, position, title, raw) VALUES (1, 1, 'kept', '[]')"
        )
        old.execute(
            "INSERT INTO events (kind, record_id, stage, value, created_at) "
            "VALUES ('decision', 1, 'title', 'include', '2026-01-01')"
        )
        old.close()
        db = open_db(path)  # migrates, after a backup
        assert [m.name for m in MIGRATIONS.applied(db)] == names
        assert db.execute("SELECT title FROM records").fetchone()[0] == "kept"
        assert db.execute("SELECT value FROM events").fetchone()[0] == "include"
        db.close()
        backups = list(tmp_path.glob(f"{stop}.*.before-{stop}.db"))
        assert len(backups) == 1
        check = sqlite3.connect(backups[0])
        assert check.execute("SELECT count(*) FROM records").fetchone()[0] == 1
        check.close()


def test_a_writer_waits_for_a_long_writer_then_gives_a_clear_error(review, monkeypatch) -> None:
    import threading

    import pytest

    from litreview.errors import ReviewBusy
    from litreview.storage import db as db_module
    from litreview.storage.events import append_event

    review.db.execute("PRAGMA busy_timeout = 50")
    monkeypatch.setattr(db_module, "WRITE_WAIT_SECONDS", 0.5)
    other = sqlite3.connect(review.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # e.g. a long import holding the write lock
    with pytest.raises(ReviewBusy, match="busy"), review.db.atomic():
        append_event(review.db, "decision", stage="title", value="include")
    # released while the writer waits: the write goes through
    monkeypatch.setattr(db_module, "WRITE_WAIT_SECONDS", 10.0)
    threading.Timer(0.3, other.rollback).start()
    with review.db.atomic():
        append_event(review.db, "decision", stage="title", value="include")
    other.close()
    assert review.db.execute("SELECT count(*) FROM events").fetchone()[0] == 1
