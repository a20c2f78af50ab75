"""Duplicates review: the pairs the engine could not decide, one at a time.

``m`` merges the pair, ``n`` says they are different works, ``s`` skips it for now
and ``u`` undoes the last merge or not-duplicate call. The next pair appears at
once; the decision is saved (and deduplication re-run) in a worker, then the list
of pairs is reloaded, since a merge can settle or change other pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer, Static

from litreview.dedup.apply import (
    PairToReview,
    get_record_fields,
    list_review_pairs,
    mark_not_duplicate,
    merge_records,
    preview_merge,
    undo_dedup,
)
from litreview.models import RecordFields
from litreview.report.sanitize import one_line
from litreview.storage.review import Review, open_review
from litreview.tui.screens._base import ReviewScreen
from litreview.tui.widgets.pair_view import PairView

PairKey = tuple[int, int]


@dataclass(frozen=True)
class LoadedPair:
    pair: PairToReview
    a: RecordFields
    b: RecordFields
    merged: RecordFields

    @property
    def key(self) -> PairKey:
        return (self.pair.a, self.pair.b)


def load_pairs(review: Review) -> list[LoadedPair]:
    """Every pair waiting for review, with both records' fields and the merge preview."""
    return [
        LoadedPair(
            pair,
            get_record_fields(review, pair.a),
            get_record_fields(review, pair.b),
            preview_merge(review, pair.a, pair.b),
        )
        for pair in list_review_pairs(review)
    ]


class DuplicatesScreen(ReviewScreen):
    """Possible duplicates, side by side."""

    BINDINGS = [
        Binding("m", "merge", "Merge", id="dups.merge"),
        Binding("n", "different", "Not a duplicate", id="dups.different"),
        Binding("s", "skip", "Skip", id="dups.skip"),
        Binding("u", "undo", "Undo", id="dups.undo"),
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "home", "Home", id="dups.home"),
    ]

    @dataclass
    class PairsLoaded(Message):
        pairs: list[LoadedPair]

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[LoadedPair] = []
        self.current: LoadedPair | None = None
        self._done: set[PairKey] = set()
        self._skipped: set[PairKey] = set()
        self._decided: list[PairKey] = []  # this session's calls, newest last (for undo)
        self._front: PairKey | None = None  # an undone pair: shown first once reloaded
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Static(
            Content.styled("Possible duplicates", "bold"), id="dups-title", classes="screen-title"
        )
        yield Static(id="dups-summary", classes="screen-summary")
        yield Static(Content("Loading…"), id="dups-message", classes="screen-message")
        yield PairView(id="dups-pair")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one(PairView).display = False
        self.load()

    @work(thread=True, exclusive=True, group="dups-load", exit_on_error=False)
    def load(self) -> None:
        with open_review(self.review.path) as review:
            pairs = load_pairs(review)
        self.post_message(self.PairsLoaded(pairs))

    @on(PairsLoaded)
    def _pairs_loaded(self, message: PairsLoaded) -> None:
        self._loaded = True
        self.pairs = [p for p in message.pairs if p.key not in self._done]
        keys = [p.key for p in self.pairs]
        if self._front in keys:
            self._show(self.pairs[keys.index(self._front)])
        elif self.current is None or self.current.key not in keys:
            self._show(self._next_pair())
        else:
            self._show(self.pairs[keys.index(self.current.key)])
        self._front = None

    def _next_pair(self) -> LoadedPair | None:
        """The first pending pair after the current one (wrapping), not skipped."""
        open_pairs = [p for p in self.pairs if p.key not in self._done]
        if not open_pairs:
            return None
        start = 0
        if self.current is not None:
            keys = [p.key for p in open_pairs]
            later = [i for i, k in enumerate(keys) if k > self.current.key]
            start = later[0] if later else 0
        ordered = open_pairs[start:] + open_pairs[:start]
        fresh = [p for p in ordered if p.key not in self._skipped]
        if not fresh and self._skipped:
            self._skipped.clear()
            self.notify("Back to the pairs you skipped.")
            fresh = ordered
        return fresh[0] if fresh else None

    def _show(self, loaded: LoadedPair | None) -> None:
        self.current = loaded
        view, message = self.query_one(PairView), self.query_one("#dups-message", Static)
        summary = self.query_one("#dups-summary", Static)
        if loaded is None:
            view.display = False
            message.display = True
            summary.update(Content())
            text = "No possible duplicates left to review." if self._loaded else "Loading…"
            message.update(
                Content(text + (" Press Escape for the home screen." if self._loaded else ""))
            )
        else:
            message.display = False
            pair = loaded.pair
            pending = [p for p in self.pairs if p.key not in self._done]
            position = next((i for i, p in enumerate(pending) if p.key == loaded.key), 0) + 1
            summary.update(
                Content.assemble(
                    (f"Pair {position} of {len(pending)}", "bold"),
                    f" · records {pair.a} and {pair.b} · score {pair.score:.2f} · ",
                    one_line("; ".join(pair.reasons)),
                )
            )
            view.show_pair(pair.a, pair.b, loaded.a, loaded.b, loaded.merged)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("merge", "different", "skip") and self.current is None:
            return None
        return True

    def _decide(self, verb: str) -> None:
        loaded = self.current
        if loaded is None:
            return

        def save(reviewer: str) -> None:
            a, b = loaded.key
            self._done.add(loaded.key)
            self._decided.append(loaded.key)
            failed = partial(self._not_saved, loaded.key)
            if verb == "merge":
                self.write(
                    lambda review: merge_records(review, a, b, reviewer=reviewer),
                    failed=failed,
                    what=f"The merge of records {a} and {b}",
                )
            else:
                self.write(
                    lambda review: mark_not_duplicate(review, a, b, reviewer=reviewer),
                    failed=failed,
                    what=f"'Not a duplicate' for records {a} and {b}",
                )
            self._show(self._next_pair())

        self.with_reviewer(save)

    def action_merge(self) -> None:
        self._decide("merge")

    def action_different(self) -> None:
        self._decide("different")

    def action_skip(self) -> None:
        if self.current is not None:
            self._skipped.add(self.current.key)
            self._show(self._next_pair())

    def action_undo(self) -> None:
        def undone(summary: object) -> None:
            if summary is None:
                self.notify("Nothing to undo.", severity="warning")
                return
            if self._decided:
                key = self._decided.pop()
                self._done.discard(key)
                self._skipped.discard(key)
                self._front = key
            self.notify("Undone: the last duplicates decision.")

        def run(reviewer: str) -> None:
            self.write(
                lambda review: undo_dedup(review, reviewer=reviewer), undone, what="The undo"
            )

        self.with_reviewer(run)

    def action_home(self) -> None:
        self.app.pop_screen()

    def _not_saved(self, key: tuple[int, int]) -> None:
        """The decision on pair ``key`` failed: open again, shown when the reload arrives."""
        if key in self._decided:
            self._decided.remove(key)
        self._done.discard(key)
        self._front = key

    def write_done(self, *, failed: bool) -> None:
        if self.pending_writes == 0:
            self.load()
