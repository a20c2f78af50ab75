"""The TUI survives the system refusing a write (disk full, file too large, locked).

Each failure is provoked for real on the review file, never mocked:

* ``RLIMIT_FSIZE`` (the process may not grow a file past N bytes) makes SQLite's next
  write to its WAL fail with EFBIG: ``sqlite3.OperationalError: disk I/O error``;
* a tiny tmpfs filled to the last byte makes it fail with ENOSPC: ``database or disk is
  full`` (needs the right to mount, e.g. root; skipped otherwise);
* a second connection holding the write lock (``BEGIN EXCLUSIVE``) makes the write wait
  and then fail as ``ReviewBusy`` (the waits are shortened for the test).

Each test checks that the app keeps running, says what failed and what to do, records
nothing, keeps the record on screen, and that the same key press works once the
problem is gone.
"""

from __future__ import annotations

import contextlib
import resource
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import make_test_app, settle

from litreview.models import Event
from litreview.storage import db as storage_db
from litreview.storage.events import iter_events
from litreview.storage.review import Review, open_review
from litreview.tui.app import LitreviewApp
from litreview.tui.screens.screening import ScreeningScreen

SIZE = (100, 32)


def decisions(path: Path) -> list[Event]:
    """The decisions stored, read through a connection of the test's own."""
    with open_review(path) as review:
        return list(iter_events(review.db, kind="decision"))


def screening(app: LitreviewApp) -> ScreeningScreen:
    screen = app.screen
    assert isinstance(screen, ScreeningScreen)
    return screen


def errors_shown(app: LitreviewApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


def truncate_wal(review: Review) -> None:
    """Move everything into the main file and empty the WAL, so that the next write has
    to grow the WAL (and so hits the limit set on file sizes or on the disk)."""
    busy, _, _ = review.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0, "a reader kept the WAL from being checkpointed"


@contextlib.contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """No file of this process may grow past ``limit`` bytes (writes fail with EFBIG
    instead of a SIGXFSZ signal ending the process)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


async def quiet(pilot: Pilot[None], rounds: int = 300) -> None:
    """Like ``settle``, for workers that fail: ``wait_for_complete`` would raise their
    error here instead of letting it reach the app's handler, as in real use."""
    calm = 0
    for _ in range(rounds):
        await pilot.pause(0.02)
        calm = 0 if any(not w.is_finished for w in pilot.app.workers) else calm + 1
        if calm == 3:
            return
    raise AssertionError("workers kept running")


async def start_screening(pilot: Pilot[None]) -> ScreeningScreen:
    await settle(pilot)  # the first ranking is stored: nothing else writes until a key
    screen = screening(pilot.app)  # type: ignore[arg-type]
    assert screen.current is not None
    return screen


async def test_a_failed_write_keeps_the_record_and_the_app_and_says_what_to_do(
    tui_review: Review,
) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_screening(pilot)
        first = screen.current
        assert first is not None
        truncate_wal(tui_review)
        with file_size_limit(4096):  # a WAL frame is 4 KiB + 24 bytes: the write fails
            await pilot.press("i")
            await quiet(pilot)
            assert app.is_running
            assert app.screen is screen
            assert screen.current == first  # back on screen: not advanced past it
            assert screen._pending == 0
            assert first.record_id not in screen._done
            [shown] = errors_shown(app)
            assert "disk input/output error" in shown
            assert "disk I/O error" in shown  # SQLite's own words
            assert "check the disk" in shown  # the hint: what to do
        assert decisions(tui_review.path) == []
        await pilot.press("i")  # the limit is gone: the same key saves it
        await settle(pilot)
        assert screen.current is not None and screen.current.record_id != first.record_id
        assert len(errors_shown(app)) == 1
    [event] = decisions(tui_review.path)
    assert (event.record_id, event.value, event.reviewer) == (first.record_id, "include", "ann")


async def test_the_lock_held_by_another_process_fails_as_busy_and_the_key_works_after(
    tui_review: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 50)  # each attempt waits 50 ms
    monkeypatch.setattr(storage_db, "WRITE_WAIT_SECONDS", 0.3)  # then ReviewBusy
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_screening(pilot)
        first = screen.current
        assert first is not None
        other = sqlite3.connect(tui_review.path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another process writing (e.g. an import)
        try:
            await pilot.press("i")
            await quiet(pilot)
            assert app.is_running
            assert screen.current == first
            assert screen._pending == 0
            [shown] = errors_shown(app)
            assert "the review is busy" in shown
            assert "wait for the other litreview command" in shown
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert decisions(tui_review.path) == []
        await pilot.press("i")
        await settle(pilot)
        assert screen.current is not None and screen.current.record_id != first.record_id
    [event] = decisions(tui_review.path)
    assert (event.record_id, event.value) == (first.record_id, "include")
