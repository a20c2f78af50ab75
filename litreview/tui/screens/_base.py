"""What the review screens beyond screening share: the app's review and reviewer, and
writes that run in order in a thread worker with their own connection.

A write is a function of an open ``Review``. ``write`` queues it and starts a
worker; the worker runs the oldest queued write under a lock, so writes happen in
the order the keys were pressed. When it is done the screen's ``write_done`` runs
on the UI thread (subclasses reload there). Errors the user caused
(``LitreviewError``) and system failures (disk full, read-only, locked: turned into an
``EnvironmentFailure``) are shown as "... was not saved: <what failed>" with the hint;
the write then finishes as failed, so the screen reloads what is really stored. Other
workers' errors go to the app's one worker-error handler (bugs crash there).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from litreview.errors import LitreviewError
from litreview.storage.review import Review, open_review
from litreview.tui.failures import not_saved, run_queued, system_failures
from litreview.tui.shell import ReviewApp, review_app

WriteAction = Callable[[Review], Any]
WriteDoneCallback = Callable[[Any], None]
WriteFailedCallback = Callable[[], None]


@dataclass(frozen=True)
class _Write:
    action: WriteAction
    done: WriteDoneCallback | None
    failed: WriteFailedCallback | None
    what: str  # names it in the message if it fails: "The merge of records 2 and 9"


class ReviewScreen(Screen[None]):
    """A screen over the app's review whose writes are queued and run in order."""

    @dataclass
    class WriteFinished(Message):
        result: Any
        done: WriteDoneCallback | None
        failed: bool
        on_failure: WriteFailedCallback | None = None  # the write's ``failed`` callback

    def __init__(self) -> None:
        super().__init__()
        self._writes: queue.Queue[_Write] = queue.Queue()
        self._write_lock = threading.Lock()
        self.pending_writes = 0

    @property
    def litreview(self) -> ReviewApp:
        return review_app(self)

    @property
    def review(self) -> Review:
        return self.litreview.review

    def with_reviewer(self, then: Callable[[str], None]) -> None:
        """Call ``then(reviewer)``, asking for the reviewer's name first if unknown."""
        reviewer = self.litreview.reviewer
        if reviewer is not None:
            then(reviewer)
        else:
            self.litreview.ask_reviewer(lambda: self.with_reviewer(then))

    def write(
        self,
        action: WriteAction,
        done: WriteDoneCallback | None = None,
        *,
        failed: WriteFailedCallback | None = None,
        what: str = "A change",
    ) -> None:
        """Run ``action(review)`` in a worker, after every write queued before it; then
        ``done(result)``, or ``failed()`` if it was not saved (both on the UI thread,
        before ``write_done``). ``what`` names the write in the error message."""
        self.pending_writes += 1
        self._writes.put(_Write(action, done, failed, what))
        self._run_write()

    @work(thread=True, group="writes", exit_on_error=False, description="save")
    def _run_write(self) -> None:
        with self._write_lock:
            try:
                write = self._writes.get_nowait()
            except queue.Empty:
                return  # already run by on_unmount
            try:
                with system_failures(), open_review(self.review.path) as review:
                    result = write.action(review)
            except LitreviewError as exc:
                self.post_message(
                    self.WriteFinished(None, None, failed=True, on_failure=write.failed)
                )
                # shown from here (notify is thread-safe): a worker's error reaches the
                # app only through a mounted screen, and this one may be closing
                self.litreview.report_error(not_saved(write.what, exc))
                return
            self.post_message(self.WriteFinished(result, write.done, failed=False))

    @on(Worker.StateChanged)
    def _report_worker_error(self, event: Worker.StateChanged) -> None:
        review_app(self).worker_failed(event.worker)  # the message never bubbles to the app

    def on_review_screen_write_finished(self, message: WriteFinished) -> None:
        self.pending_writes -= 1
        if message.done is not None and not message.failed:
            message.done(message.result)
        if message.on_failure is not None and message.failed:
            message.on_failure()
        self.write_done(failed=message.failed)

    def write_done(self, *, failed: bool) -> None:
        """A queued write finished (or failed and was reported): reload what it changed."""

    def on_unmount(self) -> None:
        """Run what no worker has picked up yet, so a key pressed right before leaving
        the screen is never lost. Runs on the UI thread with the app's connection; what
        happens on a failure: ``failures.run_queued``."""
        with self._write_lock:
            run_queued(
                self._writes,
                lambda write: write.action(self.review),
                lambda write: write.what,
                self.litreview.report_error,
            )
