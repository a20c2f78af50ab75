"""The Textual app: a thin shell that owns the open review and the screens.

``make_app`` is the one way to build it (the CLI and the tests share it);
``run_tui`` builds and runs it. Every stage function the screens call comes
from the core (``litreview.screening.session``, ``litreview.report.status``); nothing
here touches SQL.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any, Literal

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from litreview.errors import LitreviewError
from litreview.screening import session
from litreview.screening.ranker_process import RankerProcess
from litreview.storage.review import Review
from litreview.tui.failures import USER_ERRORS, user_error
from litreview.tui.screens.browse import BrowseScreen
from litreview.tui.screens.coding import CodingScreen
from litreview.tui.screens.conflicts import ConflictsScreen
from litreview.tui.screens.duplicates import DuplicatesScreen
from litreview.tui.screens.fulltext import FulltextScreen
from litreview.tui.screens.help import HelpScreen
from litreview.tui.screens.home import HomeScreen
from litreview.tui.screens.modals import ReviewerPrompt
from litreview.tui.screens.screening import ScreeningScreen
from litreview.tui.shell import ReviewApp

__all__ = ["LitreviewApp", "make_app", "run_tui"]

Start = Literal["home", "screen"]

GC_THRESHOLDS = (20_000, 20, 50)  # CPython's default is (700, 10, 10)

#: The screens the home screen opens by name (``open_screen``).
SCREENS: dict[str, Callable[[], Screen[None]]] = {
    "duplicates": DuplicatesScreen,
    "fulltext": FulltextScreen,
    "coding": CodingScreen,
    "browse": BrowseScreen,
    "conflicts": ConflictsScreen,
}


class LitreviewApp(App[None]):
    """The litreview terminal UI over one open review."""

    TITLE = "litreview"
    CSS_PATH = [
        "styles/app.tcss",
        "styles/home.tcss",
        "styles/screening.tcss",
        "styles/modals.tcss",
        "styles/help.tcss",
        "styles/review_screens.tcss",
    ]
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
    ]

    def __init__(
        self,
        review: Review,
        *,
        reviewer: str | None = None,
        start: Start = "home",
        stage: str | None = None,
        rank_in_subprocess: bool = True,
    ) -> None:
        super().__init__()
        self.review = review
        self.ranker = RankerProcess() if rank_in_subprocess else None
        self.reviewer = reviewer
        self.start = start
        self.start_stage = stage
        self._gc_thresholds: tuple[int, int, int] | None = None
        self.sub_title = review.protocol.title

    def get_default_screen(self) -> HomeScreen:
        return HomeScreen()

    def on_mount(self) -> None:
        self._tune_gc()
        if self.start == "screen":
            self.open_screening(self.start_stage)
        if self.reviewer is None:
            try:
                self.reviewer = session.remembered_reviewer(self.review)
            except USER_ERRORS as exc:
                self.report_failure(exc)  # then ask, as for a review never screened
        if self.reviewer is None:
            self.ask_reviewer()

    def on_unmount(self) -> None:
        if self.ranker is not None:
            self.ranker.close()
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            gc.unfreeze()

    def _tune_gc(self) -> None:
        """Full garbage collections of a UI's many small objects stalled the event loop for
        up to 250 ms while screening (bench/tui_bench.py): freeze what exists at start-up
        and collect less often; restored on exit."""
        self._gc_thresholds = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(*GC_THRESHOLDS)

    def ask_reviewer(self, then: Callable[[], None] | None = None) -> None:
        """Ask for the reviewer's name, remember it for this review, then call ``then``."""

        def answered(name: object) -> None:
            if isinstance(name, str) and name:
                self.reviewer = name
                try:
                    session.remember_reviewer(self.review, name)
                except USER_ERRORS as exc:  # recorded as ``name`` all the same: not kept
                    self.report_failure(exc, f"The reviewer name {name!r} was not remembered")
                else:
                    self.notify(
                        f"Decisions are recorded as {name}.", title="Reviewer", markup=False
                    )
                for screen in self.screen_stack:
                    if isinstance(screen, ScreeningScreen):
                        screen.reviewer_changed()
                if then is not None:
                    then()

        self.push_screen(ReviewerPrompt(), answered)

    def open_screening(self, stage: str | None = None) -> None:
        """Push the screening screen for ``stage`` (default: the first with records left)."""
        try:
            stage = stage or session.default_stage(self.review)
            self.review.protocol.stage(stage)
        except USER_ERRORS as exc:
            self.report_failure(exc)
            return
        self.push_screen(ScreeningScreen(stage))

    def open_screen(self, name: str) -> None:
        """Push one of :data:`SCREENS` (duplicates, fulltext, coding, browse, conflicts)."""
        self.push_screen(SCREENS[name]())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def report_error(self, error: LitreviewError) -> None:
        """Show a user-facing error (with its hint) as a notification."""
        message = error.message + (f"\n{error.hint}" if error.hint else "")
        self.notify(message, title="Error", severity="error", timeout=8, markup=False)

    def report_failure(self, exc: BaseException, what: str | None = None) -> None:
        """Show a ``LitreviewError`` or a system failure (``OSError``, SQLite error...:
        see ``litreview.tui.failures``) like :meth:`report_error`; ``what`` prefixes the
        message (e.g. what was not saved). Anything else is a bug and is raised again."""
        error = user_error(exc)
        if error is None:
            raise exc
        if what is not None:
            error = LitreviewError(f"{what}: {error.message}", hint=error.hint)
        self.report_error(error)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """The one place worker errors land: user errors and system failures (disk full,
        read-only, locked) notify, bugs crash loudly. ``Worker.StateChanged`` does not
        bubble: each screen with workers forwards its own here."""
        if worker.state == WorkerState.ERROR and worker.error is not None:
            self.report_failure(worker.error)

    @on(Worker.StateChanged)
    def _worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_failed(event.worker)  # the app's own workers


def _as_review_app(app: LitreviewApp) -> ReviewApp:
    """Never called: mypy checks here that the app gives its screens what they rely on."""
    return app


def make_app(
    review: Review,
    *,
    reviewer: str | None = None,
    start: Start = "home",
    stage: str | None = None,
    keymap: Mapping[str, str] | None = None,
    rank_in_subprocess: bool = True,
) -> LitreviewApp:
    """Build the app over an open review.

    ``keymap`` maps binding ids (``screen.include``...) to keys. With
    ``rank_in_subprocess`` (the default) retraining runs in a helper process, so
    it never slows the UI; tests on tiny reviews may turn it off.
    """
    app = LitreviewApp(
        review,
        reviewer=reviewer,
        start=start,
        stage=stage,
        rank_in_subprocess=rank_in_subprocess,
    )
    if keymap:
        app.set_keymap(dict(keymap))
    return app


def run_tui(
    review: Review,
    *,
    reviewer: str | None = None,
    start: Start = "home",
    stage: str | None = None,
    keymap: Mapping[str, str] | None = None,
) -> None:
    """Run the TUI until the user quits. The caller opens and closes ``review``."""
    app = make_app(review, reviewer=reviewer, start=start, stage=stage, keymap=keymap)
    try:
        app.run()
    finally:
        if app.ranker is not None:
            app.ranker.close()
