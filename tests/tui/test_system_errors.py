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
import shutil
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import add_near_duplicates, make_conflicts, make_review
from textual import events
from textual.pilot import Pilot
from tui_helpers import DATA, make_test_app, protocol_text, settle

from litreview.ingest.importer import import_files
from litreview.models import Event
from litreview.screening import session
from litreview.screening.session import RecordView
from litreview.storage import db as storage_db
from litreview.storage.events import iter_events
from litreview.storage.review import Review, create_review, open_review
from litreview.storage.works import work_of
from litreview.tui.app import LitreviewApp, make_app
from litreview.tui.screens.conflicts import ConflictsScreen
from litreview.tui.screens.duplicates import DuplicatesScreen
from litreview.tui.screens.home import HomeScreen
from litreview.tui.screens.modals import ReviewerPrompt
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


def kept_and_said(app: LitreviewApp, screen: ScreeningScreen, first: RecordView) -> str:
    """The app runs on, the record whose decision failed is back on screen with no write
    pending, and exactly one error says so: its text."""
    assert app.is_running
    assert screen.current == first  # back on screen: not advanced past it
    assert screen._pending == 0
    [shown] = errors_shown(app)
    return shown


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
            shown = kept_and_said(app, screen, first)
            assert app.screen is screen
            assert first.record_id not in screen._done
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
            shown = kept_and_said(app, screen, first)
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


async def test_a_decision_lost_as_the_screen_closes_is_named(tui_review: Review) -> None:
    """``i`` then Escape at once: the screen closes while the decision is being saved
    (by its worker, or by ``on_unmount`` if no worker picked it up yet), so the record
    cannot come back on screen: the message names the decision that was lost."""
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_screening(pilot)
        first = screen.current
        assert first is not None
        truncate_wal(tui_review)
        with file_size_limit(4096):
            driver = app._driver
            assert driver is not None
            for key in ("i", "escape"):  # no pause in between
                driver.send_message(events.Key(key, key))
            await quiet(pilot)
            assert app.is_running
            assert isinstance(app.screen, HomeScreen)
            [shown] = errors_shown(app)
            assert shown.startswith(
                f"The decision 'include' on record {first.record_id} was not saved: "
                "a disk input/output error"
            )
            assert "check the disk" in shown
    assert decisions(tui_review.path) == []


async def test_a_failed_merge_brings_the_pair_back(tmp_path: Path) -> None:
    """The review screens' shared write path (``ReviewScreen.write``), here a merge."""
    review = make_review(tmp_path / "r.db")
    add_near_duplicates(review)
    app = make_test_app(review, reviewer="ann")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("d")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DuplicatesScreen)
            assert screen.current is not None and screen.current.key == (2, 9)
            truncate_wal(review)
            with file_size_limit(4096):
                await pilot.press("m")
                await quiet(pilot)
                assert app.is_running
                assert screen.pending_writes == 0
                assert screen.current is not None and screen.current.key == (2, 9)
                [shown] = errors_shown(app)
                assert shown.startswith("The merge of records 2 and 9 was not saved: ")
                assert "disk I/O error" in shown and "check the disk" in shown
            assert work_of(review.db, 9) == 9  # not merged
            await pilot.press("m")
            await settle(pilot)
            assert work_of(review.db, 9) == 2
    finally:
        review.close()


async def test_a_failed_resolution_comes_back_with_its_note(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db", dual=True)
    make_conflicts(review)  # ann and bob disagree on records 1 and 2 at title
    app = make_test_app(review, reviewer="carol")
    try:
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot)
            await pilot.press("k")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ConflictsScreen)
            assert screen.current is not None and screen.current.conflict.work_id == 1
            screen._notes[screen.current.key] = "checked the methods"
            truncate_wal(review)
            with file_size_limit(4096):
                await pilot.press("i")
                await quiet(pilot)
                assert app.is_running
                assert screen.pending_writes == 0
                assert [row.conflict.work_id for row in screen.rows] == [1, 2]
                assert screen.current is not None and screen.current.conflict.work_id == 1
                assert screen._notes[("title", 1)] == "checked the methods"
                [shown] = errors_shown(app)
                assert shown.startswith(
                    "The resolution of record 1 at title (include) was not saved: "
                )
            assert list(iter_events(review.db, kind="resolution")) == []
            await pilot.press("i")
            await settle(pilot)
        [event] = iter_events(review.db, kind="resolution")
        assert (event.record_id, event.value, event.note) == (1, "include", "checked the methods")
    finally:
        review.close()


async def test_a_ranking_that_cannot_be_stored_is_reported(tui_review: Review) -> None:
    """The first ranking (retrained in a worker thread here) fails to store its run:
    the records still come, unranked, and the failure is shown."""
    truncate_wal(tui_review)
    with file_size_limit(4096):
        app = make_test_app(tui_review, reviewer="ann", start="screen")
        async with app.run_test(size=SIZE) as pilot:
            await quiet(pilot)
            assert app.is_running
            screen = screening(app)
            assert screen.current is not None and screen.current.score is None
            shown = errors_shown(app)  # once per attempt: each refill of an unranked queue
            assert shown
            assert all("disk input/output error" in m and "check the disk" in m for m in shown)


async def test_the_ranking_helper_reports_a_disk_failure_too(tui_review: Review) -> None:
    """As above with the helper process the app uses by default: started under the
    limit, the helper inherits it."""
    truncate_wal(tui_review)
    with file_size_limit(4096):
        app = make_app(tui_review, reviewer="ann", start="screen")
        async with app.run_test(size=SIZE) as pilot:
            await quiet(pilot)
            assert app.is_running
            shown = errors_shown(app)
            assert shown
            assert all("disk input/output error" in m and "check the disk" in m for m in shown)


async def test_a_reviewer_name_that_cannot_be_stored_still_screens(tui_review: Review) -> None:
    """The name is saved on the UI thread when the prompt closes: it fails, the app
    says the name was not remembered, and decisions are recorded under it all the same
    once the disk is writable."""
    app = make_test_app(tui_review)  # home screen: reads only until a key
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewerPrompt)
        truncate_wal(tui_review)
        with file_size_limit(4096):
            await pilot.press(*"bob", "enter")
            await quiet(pilot)
            assert app.is_running
            assert isinstance(app.screen, HomeScreen)
            assert app.reviewer == "bob"
            [shown] = errors_shown(app)
            assert shown.startswith(
                "The reviewer name 'bob' was not remembered: a disk input/output error"
            )
    assert session.remembered_reviewer(tui_review) is None


def mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill up: {done.stderr.decode().strip()}")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB file system of its own (mounting needs root or CAP_SYS_ADMIN)."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    folder = tmp_path / "disk"
    mount_tmpfs(folder, "4m")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(folder: Path) -> Path:
    """Write a file until the disk has no byte left; removing it frees the space."""
    filler = folder / "filler"
    try:
        with filler.open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
                out.flush()
    except OSError:  # ENOSPC: full
        pass
    return filler


async def test_a_full_disk_keeps_the_record_and_says_so(small_disk: Path) -> None:
    review = create_review(small_disk / "r.db", protocol_text())
    import_files(review, [DATA / "screening.ris"])
    app = make_test_app(review, reviewer="ann", start="screen")
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await start_screening(pilot)
            first = screen.current
            assert first is not None
            truncate_wal(review)
            filler = fill(small_disk)
            await pilot.press("i")
            await quiet(pilot)
            shown = kept_and_said(app, screen, first)
            assert "the disk is full (database or disk is full)" in shown
            assert "free some space" in shown
            assert decisions(review.path) == []
            filler.unlink()  # space again: the same key saves the decision
            await pilot.press("i")
            await settle(pilot)
            assert screen.current is not None and screen.current.record_id != first.record_id
        [event] = decisions(review.path)
        assert (event.record_id, event.value) == (first.record_id, "include")
    finally:
        review.close()
