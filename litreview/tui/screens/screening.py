"""Screening one stage: a record at a time, decided from the keyboard.

The next record comes from an in-memory queue, so it appears at once. Every
database call runs in a thread worker with its own connection: decisions and
undos go through a FIFO (``_write``), the retrain-and-rerank runs after each
saved decision (``_rerank``, never two at once), and the queue is refilled
from whatever ranking is stored (``_refill``). The UI thread only renders.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState, get_current_worker

from litreview.errors import LitreviewError
from litreview.screening.ranker_process import rerank_and_fetch
from litreview.screening.session import RecordView, decide, get_view, next_records, undo
from litreview.storage.review import Review, open_review
from litreview.tui.failures import not_saved, run_queued, system_failures
from litreview.tui.screens.modals import NoteEditor, ReasonChoice, ReasonPicker, SearchDialog
from litreview.tui.screens.screening_reads import (
    RECENT,
    recent_labels,
    record_url,
    stage_progress,
)
from litreview.tui.shell import ReviewApp, review_app
from litreview.tui.widgets.criteria_panel import CriteriaPanel
from litreview.tui.widgets.progress_header import ProgressHeader
from litreview.tui.widgets.record_viewer import RecordViewer

QUEUE_SIZE = 40  # records fetched per refill
REFILL_BELOW = 15  # refill when fewer are queued (a refill takes ~0.2 s on 50k records)
PANEL_MIN_WIDTH = 100  # below this the criteria panel starts hidden
COUNT_KEYS = {"include": "included", "exclude": "excluded", "maybe": "maybe"}


@dataclass(frozen=True)
class _Decide:
    generation: int
    view: RecordView
    decision: str
    reason: str | None
    note: str | None
    reviewer: str


@dataclass(frozen=True)
class _Undo:
    generation: int
    reviewer: str


def _described(command: _Decide | _Undo) -> str:
    """A command as the message about it being lost names it."""
    if isinstance(command, _Undo):
        return "The undo"
    return f"The decision {command.decision!r} on record {command.view.record_id}"


class ScreeningScreen(Screen[None]):
    """Title/abstract (or any stage's) screening of one stage."""

    BINDINGS = [
        Binding("i", "decide('include')", "Include", id="screen.include"),
        Binding("e", "exclude", "Exclude", id="screen.exclude"),
        Binding("m", "decide('maybe')", "Maybe", id="screen.maybe"),
        Binding("u", "undo", "Undo", id="screen.undo"),
        Binding("s", "skip", "Skip", id="screen.skip"),
        Binding("n", "note", "Note", id="screen.note"),
        Binding("slash", "search", "Search", key_display="/", id="screen.search"),
        # the app's help key again, so that the footer shows it early even at 80 columns
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("p", "toggle_panel", "Criteria", id="screen.panel"),
        Binding("o", "open_link", "Open DOI/URL", id="screen.open"),
        Binding("escape", "home", "Home", show=False, id="screen.home"),
    ]

    @dataclass
    class QueueRefilled(Message):
        records: list[RecordView]
        counts: dict[str, int] | None
        generation: int
        reranked: bool
        recent: tuple[int, ...] | None = None  # the last RECENT labels (1 include, 0 not)

    @dataclass
    class Saved(Message):
        record_id: int
        generation: int

    @dataclass
    class WriteFailed(Message):
        command: _Decide | _Undo

    @dataclass
    class Undone(Message):
        view: RecordView | None
        counts: dict[str, int]
        generation: int

    @dataclass
    class Jumped(Message):
        view: RecordView

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage_name = stage
        self.current: RecordView | None = None
        self._queue: deque[RecordView] = deque()  # replaced by every refill
        self._front: deque[RecordView] = deque()  # put back by undo/search: shown first
        self._seen: dict[int, RecordView] = {}  # ranked views of records decided this session
        self._done: set[int] = set()
        self._skipped: set[int] = set()
        self._notes: dict[int, str] = {}
        self._counts: dict[str, int] = {}
        self._recent: deque[int] | None = None  # the last RECENT labels, for the header
        self._generation = 0  # bumped by every decision or undo sent
        self._pending = 0  # sent but not yet saved
        self._loading = True
        self._acted = False  # any key that changes the record since the screen opened
        self._refill_busy = False
        self._refill_again = False
        self._ranking_busy = False
        self._ranking_dirty = False
        self._writes: queue.Queue[_Decide | _Undo] = queue.Queue()
        self._write_lock = threading.Lock()
        self._enabled: tuple[bool, bool] | None = None  # (has a record, has a link) shown
        self._picker: ReasonPicker | None = None
        self._excluding: RecordView | None = None

    @property
    def litreview(self) -> ReviewApp:
        return review_app(self)

    @property
    def review(self) -> Review:
        return self.litreview.review

    def compose(self) -> ComposeResult:
        protocol = self.review.protocol
        yield ProgressHeader(id="progress")
        with Horizontal(id="screening-body"):
            yield RecordViewer(id="record")
            yield CriteriaPanel(protocol, protocol.stage(self.stage_name), id="criteria")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        stage = self.review.protocol.stage(self.stage_name)
        self.query_one(ProgressHeader).show_stage(stage.label)
        self.query_one(CriteriaPanel).display = self.app.size.width >= PANEL_MIN_WIDTH
        self.query_one(RecordViewer).show_message("Loading…")
        self.query_one(RecordViewer).focus()
        self._request_refill()

    # ---- showing records -------------------------------------------------------------

    def _show(self, view: RecordView | None) -> None:
        self.current = view
        viewer = self.query_one(RecordViewer)
        if view is not None:
            terms = self.review.protocol.highlight
            viewer.show_record(view, terms, pending_note=self._notes.get(view.record_id))
        elif self._loading:
            viewer.show_message("Loading…")
        else:
            viewer.show_message(
                "Nothing left to screen in this stage. Press Escape for the home screen."
            )
        self.query_one(ProgressHeader).show_record(view, ranking=self._ranking_busy)
        # the footer rebuilds its keys on every refresh: only when one is enabled or disabled
        enabled = (view is not None, view is not None and record_url(view) is not None)
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    def _advance(self) -> None:
        """Show the next queued record that is neither decided nor skipped."""
        self._acted = True
        while self._front or self._queue:
            view = (self._front or self._queue).popleft()
            if view.record_id not in self._done and view.record_id not in self._skipped:
                self._show(view)
                break
        else:
            self._show(None)
        if len(self._queue) < REFILL_BELOW:
            self._request_refill()

    def _put_back(self, view: RecordView) -> None:
        """Show ``view`` now; the record it replaces goes to the front of the queue."""
        self._acted = True
        self._front = deque(v for v in self._front if v.record_id != view.record_id)
        if self.current is not None and self.current.record_id != view.record_id:
            self._front.appendleft(self.current)
        self._show(view)

    def _set_counts(self, counts: dict[str, int]) -> None:
        self._counts = dict(counts)
        shown = dict(counts)
        if self._recent is not None and self._recent:
            shown |= {"recent_screened": len(self._recent), "recent_included": sum(self._recent)}
        self.query_one(ProgressHeader).show_counts(shown)

    def _skip_set(self) -> frozenset[int]:
        current = {self.current.record_id} if self.current else set()
        return frozenset(self._done | self._skipped | current)

    def _snapshot(self) -> tuple[frozenset[int], int, str | None]:
        """What a worker must skip, the generation its counts will be valid for (-1
        while decisions are still being saved: its counts would miss them), and who
        is screening (blinded dual screening gives each reviewer their own queue)."""
        generation = self._generation if self._pending == 0 else -1
        return self._skip_set(), generation, self.litreview.reviewer

    def reviewer_changed(self) -> None:
        """The app learnt who is screening: fetch that reviewer's queue."""
        self._request_refill()

    def _counts_valid(self, generation: int) -> bool:
        return generation == self._generation and self._pending == 0

    # ---- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("decide", "exclude", "note", "skip", "open_link"):
            if self.current is None:
                return None
            if action == "open_link" and record_url(self.current) is None:
                return None
        return True

    def action_decide(self, decision: str, reason: str | None = None) -> None:
        view, reviewer = self.current, self.litreview.reviewer
        if view is None:
            return
        if reviewer is None:
            self.litreview.ask_reviewer(lambda: self.action_decide(decision, reason))
            return
        note = self._notes.pop(view.record_id, None)
        self._seen[view.record_id] = view
        self._done.add(view.record_id)
        self._count_locally(view.decision, decision)
        self._send(_Decide(self._generation + 1, view, decision, reason, note, reviewer))
        self._advance()

    def action_exclude(self) -> None:
        if self.current is None:
            return
        stage = self.review.protocol.stage(self.stage_name)
        if not stage.exclusion_reasons and not stage.reason_required:
            self.action_decide("exclude")
            return
        self._excluding = self.current
        if self._picker is None:  # one picker, kept: no building and tearing down per key
            self._picker = ReasonPicker(stage, on_choice=self._reason_chosen)
            self.app.install_screen(self._picker, f"reasons-{id(self)}")
        self.app.push_screen(self._picker)

    def _reason_chosen(self, choice: ReasonChoice) -> None:
        """Runs before the picker closes, so the next record is there in its first frame."""
        if self.current is not None and self.current is self._excluding:
            self.action_decide("exclude", choice.code)

    def action_undo(self) -> None:
        reviewer = self.litreview.reviewer
        if reviewer is None:
            self.notify("No reviewer yet: nothing to undo.", severity="warning")
            return
        self._send(_Undo(self._generation + 1, reviewer))

    def action_skip(self) -> None:
        if self.current is not None:
            self._skipped.add(self.current.record_id)
            self._advance()

    def action_note(self) -> None:
        view = self.current
        if view is None:
            return

        def saved(note: object) -> None:
            if isinstance(note, str) and self.current is view:
                if note:
                    self._notes[view.record_id] = note
                else:
                    self._notes.pop(view.record_id, None)
                self._show(view)

        self.app.push_screen(NoteEditor(self._notes.get(view.record_id, view.note)), saved)

    def action_open_link(self) -> None:
        url = record_url(self.current) if self.current else None
        if url:
            self.app.open_url(url)
            self.notify(f"Opening {url}", markup=False)

    def action_search(self) -> None:
        def chosen(record_id: object) -> None:
            if isinstance(record_id, int):
                self._jump(record_id, self.litreview.reviewer)

        self.app.push_screen(SearchDialog(), chosen)

    def action_toggle_panel(self) -> None:
        panel = self.query_one(CriteriaPanel)
        panel.display = not panel.display

    def action_home(self) -> None:
        self.app.pop_screen()

    def _count_locally(self, old: str | None, new: str) -> None:
        counts = dict(self._counts)
        if old is None:
            if self._recent is not None and new in ("include", "exclude"):
                self._recent.append(1 if new == "include" else 0)
            counts["screened"] = counts.get("screened", 0) + 1
            counts["remaining"] = max(counts.get("remaining", 0) - 1, 0)
        elif old in COUNT_KEYS:
            counts[COUNT_KEYS[old]] = max(counts.get(COUNT_KEYS[old], 0) - 1, 0)
        counts[COUNT_KEYS[new]] = counts.get(COUNT_KEYS[new], 0) + 1
        self._set_counts(counts)

    # ---- workers: every database call happens in these threads -----------------------

    def _send(self, command: _Decide | _Undo) -> None:
        self._generation = command.generation
        self._pending += 1
        self._writes.put(command)
        # start after the next record is on screen, so its rendering never waits on the GIL
        self.call_after_refresh(self._write)

    def _request_refill(self) -> None:
        """Start a refill unless one is on its way (its result is filtered on arrival)."""
        self._loading = True
        if self._refill_busy:
            self._refill_again = True
        else:
            self._refill_busy = True
            self.call_after_refresh(self._refill)

    @work(thread=True, group="decisions", exit_on_error=False, description="save a decision")
    def _write(self) -> None:
        """Run the oldest pending command; the lock keeps commands in the order sent.

        A failure, the user's or the system's (disk full, locked, read-only), posts
        ``WriteFailed``, which puts the record back on screen, and is shown at once,
        naming the decision: not by raising it to the worker-error handler, which only
        hears from a mounted screen, and the screen may be closing. The next command
        still runs."""
        with self._write_lock:
            try:
                command = self._writes.get_nowait()
            except queue.Empty:
                return  # already saved by on_unmount
            try:
                with system_failures(), open_review(self.review.path) as review:
                    self._run(review, command)
            except LitreviewError as exc:
                self.post_message(self.WriteFailed(command))
                self.litreview.report_error(not_saved(_described(command), exc))

    def on_unmount(self) -> None:
        """Save what no worker has picked up yet: ``i`` then an instant ``q`` (or Escape)
        must not lose the decision. Runs on the UI thread, so it uses the app's review."""
        picker = self._picker
        if picker is not None and picker not in self.app.screen_stack:
            self.app.uninstall_screen(picker)
            if picker.is_attached:
                picker.remove()
        with self._write_lock:
            run_queued(
                self._writes,
                lambda command: self._run(self.review, command),
                _described,
                self.litreview.report_error,
            )

    def _run(self, review: Review, command: _Decide | _Undo) -> None:
        if isinstance(command, _Undo):
            reopened = undo(review, reviewer=command.reviewer, stage=self.stage_name)
            counts = stage_progress(review, self.stage_name, command.reviewer)
            self.post_message(self.Undone(reopened, counts, command.generation))
            return
        view = command.view
        decide(
            review,
            view.record_id,
            command.decision,
            stage=self.stage_name,
            reviewer=command.reviewer,
            reason=command.reason,
            note=command.note,
            rank=view.rank,
            score=view.score,
        )
        self.post_message(self.Saved(view.record_id, command.generation))

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def _refill(self) -> None:
        """Refill the queue from the stored ranking (cheap)."""
        skip, generation, reviewer = self.app.call_from_thread(self._snapshot)
        with open_review(self.review.path) as review:
            records = next_records(
                review, self.stage_name, n=QUEUE_SIZE, skip=skip, reviewer=reviewer
            )
            counts = stage_progress(review, self.stage_name, reviewer)
            recent = recent_labels(review, self.stage_name, reviewer)
        if not get_current_worker().is_cancelled:
            self.post_message(
                self.QueueRefilled(records, counts, generation, reranked=False, recent=recent)
            )

    @work(thread=True, exclusive=True, group="ranking", exit_on_error=False)
    def _rerank(self) -> None:
        """Retrain and rerank (slow: in the app's helper process when it has one), then
        refill the queue in the new order."""
        skip, generation, reviewer = self.app.call_from_thread(self._snapshot)
        path, ranker = self.review.path, self.litreview.ranker
        records: list[RecordView] | None
        if ranker is None:
            records = rerank_and_fetch(str(path), self.stage_name, QUEUE_SIZE, skip, reviewer)
        else:
            records = ranker.rerank(
                path, self.stage_name, n=QUEUE_SIZE, skip=skip, reviewer=reviewer
            )
        if records is not None and not get_current_worker().is_cancelled:
            self.post_message(self.QueueRefilled(records, None, generation, reranked=True))

    @work(thread=True, exclusive=True, group="jump", exit_on_error=False)
    def _jump(self, record_id: int, reviewer: str | None) -> None:
        with open_review(self.review.path) as review:
            view = get_view(review, record_id, self.stage_name, reviewer=reviewer)
        self.post_message(self.Jumped(view))

    def _kick_ranking(self) -> None:
        if self._ranking_busy:
            self._ranking_dirty = True
            return
        self._ranking_busy = True
        self._ranking_dirty = False
        self.query_one(ProgressHeader).show_record(self.current, ranking=True)
        self._rerank()

    # ---- worker results ----------------------------------------------------------------

    @on(QueueRefilled)
    def _queue_refilled(self, message: QueueRefilled) -> None:
        self._loading = False
        if message.counts is not None and self._counts_valid(message.generation):
            if message.recent is not None:
                self._recent = deque(message.recent, maxlen=RECENT)
            self._set_counts(message.counts)
        skip = self._skip_set() | {v.record_id for v in self._front}
        self._queue = deque(v for v in message.records if v.record_id not in skip)
        first_ranking = (
            message.reranked and not self._acted and self.current and self.current.score is None
        )
        if first_ranking:
            self.current = None  # nothing done yet: start at the top of the first ranking
        if self.current is None:
            if self._queue or self._front:
                self._advance()
                self._acted = False
            elif message.records:
                self._request_refill()  # all of them were decided meanwhile: fetch more
            elif self._skipped:
                self._skipped.clear()
                self.notify("Back to the records you skipped.")
                self._request_refill()
            else:
                self._show(None)
        first = message.records[0] if message.records else None
        if not message.reranked and first is not None and first.score is None:
            self._kick_ranking()  # no ranking stored yet: rank by the protocol's topic

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._pending -= 1
        self._kick_ranking()

    @on(WriteFailed)
    def _write_failed(self, message: WriteFailed) -> None:
        self._pending -= 1
        command = message.command
        if isinstance(command, _Decide):
            self._done.discard(command.view.record_id)
            if command.note:
                self._notes[command.view.record_id] = command.note
            self._put_back(command.view)
        self._request_refill()  # also brings the counts back in line

    @on(Undone)
    def _undone(self, message: Undone) -> None:
        self._pending -= 1
        if self._counts_valid(message.generation):
            self._set_counts(message.counts)
        view = message.view
        if view is None:
            self.notify("Nothing to undo in this stage.", severity="warning")
            return
        if view.stage != self.stage_name:
            return
        self._done.discard(view.record_id)
        earlier = self._seen.get(view.record_id)
        if earlier is not None:
            view = replace(view, rank=earlier.rank, score=earlier.score, check=earlier.check)
        self._put_back(view)
        self.notify(f"Undone: record {view.record_id} is open again.")
        self._kick_ranking()

    @on(Jumped)
    def _jumped(self, message: Jumped) -> None:
        self._skipped.discard(message.view.record_id)
        self._put_back(message.view)

    @on(Worker.StateChanged)
    def _worker_finished(self, event: Worker.StateChanged) -> None:
        """Bookkeeping; errors go to the app's handler (the message never bubbles)."""
        worker: Worker[Any] = event.worker
        self.litreview.worker_failed(worker)
        if worker.group == "ranking" and worker.is_finished:
            self._ranking_busy = False
            self.query_one(ProgressHeader).show_record(self.current)
            if self._ranking_dirty:
                self._kick_ranking()
        elif worker.group == "queue" and worker.is_finished:
            self._refill_busy = False
            if worker.state == WorkerState.ERROR:
                self._refill_again = self._loading = False
                if self.current is None:
                    self._show(None)
            elif self._refill_again:
                self._refill_again = False
                self._request_refill()
