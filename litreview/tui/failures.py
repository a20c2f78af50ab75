"""System failures in the TUI: the CLI's error boundary, for screens and their workers.

The CLI turns an ``OSError``, a SQLite error, an integer overflow or ``MemoryError`` into
an ``EnvironmentFailure`` (``describe_environment_error``: what failed, what to do) in
``litreview.cli.main``. The TUI runs review code in many places (thread workers, writes
flushed when a screen closes, the reviewer's name saved from a dialog), so each of them
uses :func:`system_failures` or :func:`user_error`, and the app shows the result like any
``LitreviewError``. Any other exception is a bug and still crashes the app loudly.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Callable, Iterator
from typing import TypeVar

from litreview.errors import (
    SYSTEM_ERRORS,
    EnvironmentFailure,
    LitreviewError,
    ReviewBusy,
    ReviewReadOnly,
    describe_environment_error,
)

__all__ = [
    "SYSTEM_ERRORS",
    "USER_ERRORS",
    "is_system_failure",
    "not_saved",
    "run_queued",
    "system_failures",
    "user_error",
]

#: Every error the user is shown rather than a traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (LitreviewError, *SYSTEM_ERRORS)


def user_error(exc: BaseException) -> LitreviewError | None:
    """``exc`` as the user sees it: a ``LitreviewError`` as it is, a system failure as an
    ``EnvironmentFailure`` with its hint; ``None`` for a bug."""
    if isinstance(exc, LitreviewError):
        return exc
    if isinstance(exc, SYSTEM_ERRORS):
        return describe_environment_error(exc)
    return None


@contextlib.contextmanager
def system_failures() -> Iterator[None]:
    """Raise a system failure inside the block as its ``EnvironmentFailure`` (the original
    stays its ``__cause__``), so that ``except LitreviewError`` catches it too."""
    try:
        yield
    except SYSTEM_ERRORS as exc:
        raise describe_environment_error(exc) from exc


def is_system_failure(error: LitreviewError) -> bool:
    """Whether the system refused (disk full, read-only, locked, busy) rather than the
    input: the next write would most likely fail the same way."""
    return isinstance(error, (EnvironmentFailure, ReviewBusy, ReviewReadOnly))


def not_saved(what: str, error: LitreviewError, *, dropped: int = 0) -> LitreviewError:
    """``error`` said about the write ``what`` ("The decision 'include' on record 3"):
    the message names what was not saved, since the screen that would show it may be
    closing; ``dropped`` counts later writes given up with it."""
    also = f" (nor {dropped} later change{'s' if dropped != 1 else ''})" if dropped else ""
    return LitreviewError(f"{what} was not saved{also}: {error.message}", hint=error.hint)


T = TypeVar("T")


def run_queued(
    pending: queue.Queue[T],
    run: Callable[[T], object],
    describe: Callable[[T], str],
    report: Callable[[LitreviewError], None],
) -> None:
    """Run every write still queued, oldest first, on this thread (a screen is closing,
    so nothing else will). A failure is reported naming what was lost, since the screen
    that would show it is going. After a system failure the writes still queued are
    dropped, not tried: they would fail the same way, each after the busy timeout, and
    an undo among them would revert an older change than the one meant."""
    while not pending.empty():
        write = pending.get_nowait()
        try:
            with system_failures():
                run(write)
        except LitreviewError as exc:
            dropped = pending.qsize() if is_system_failure(exc) else 0
            report(not_saved(describe(write), exc, dropped=dropped))
            for _ in range(dropped):
                pending.get_nowait()
