"""What the screens need from the app that holds them.

The screens depend on this protocol, not on :class:`~litreview.tui.app.LitreviewApp`, so the
app can import its screens without the screens importing the app back. ``review_app(screen)``
gives a screen its app as a :class:`ReviewApp`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, cast

from textual.dom import DOMNode
from textual.worker import Worker

from litreview.errors import LitreviewError
from litreview.screening.ranker_process import RankerProcess
from litreview.storage.review import Review

__all__ = ["ReviewApp", "review_app"]


class ReviewApp(Protocol):
    """The open review, who is screening, and the app's navigation and error reporting."""

    review: Review
    reviewer: str | None
    ranker: RankerProcess | None  # None: rank in the UI process (tests on tiny reviews)

    def ask_reviewer(self, then: Callable[[], None] | None = None) -> None: ...

    def open_screening(self, stage: str | None = None) -> None: ...

    def open_screen(self, name: str) -> None: ...

    def report_error(self, error: LitreviewError) -> None: ...

    def report_failure(self, exc: BaseException, what: str | None = None) -> None: ...

    def worker_failed(self, worker: Worker[Any]) -> None: ...


def review_app(node: DOMNode) -> ReviewApp:
    """The app a screen or widget runs in (always a LitreviewApp; app.py has mypy check that
    it is a ReviewApp)."""
    return cast(ReviewApp, node.app)
