"""Conflicts: records two reviewers decided differently, waiting for a resolution.

A third reviewer, or both together, resolves each with ``i`` or ``e`` (then a
reason); the resolution is an event of its own, recorded under the resolver's name
(``r`` changes it for this screen, e.g. ``ann+bob``) and with the note ``n``
wrote. The conflict leaves the queue at once; the save runs in a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from litreview.report.sanitize import one_line
from litreview.report.screen_data import ConflictRow, load_conflicts
from litreview.screening.session import resolve, undo
from litreview.storage.review import open_review
from litreview.tui.screens._base import ReviewScreen
from litreview.tui.screens.modals import NoteEditor, ReasonChoice, ReasonPicker
from litreview.tui.screens.prompts import TextPrompt
from litreview.tui.widgets.record_viewer import RecordViewer


def said(row: ConflictRow) -> str:
    """``ann: include · bob: exclude (wrong-population)``."""
    return " · ".join(
        f"{name or '?'}: {d.value}" + (f" ({d.reason})" if d.reason else "")
        for name, d in sorted(row.conflict.decisions.items())
    )


def decisions_text(row: ConflictRow) -> Content:
    lines = [Content.styled("The reviewers said", "bold")]
    for name, d in sorted(row.conflict.decisions.items()):
        text = f"  {name or '?'}: {d.value}" + (f" — {d.reason}" if d.reason else "")
        if d.note:
            text += f"; note: {d.note}"
        lines.append(Content(one_line(text)))
    return Content("\n").join(lines)


class ConflictsScreen(ReviewScreen):
    """Resolve the disagreements of dual screening."""

    BINDINGS = [
        Binding("i", "resolve('include')", "Include", id="conflicts.include"),
        Binding("e", "exclude", "Exclude", id="conflicts.exclude"),
        Binding("n", "note", "Note", id="conflicts.note"),
        Binding("r", "resolver", "Resolver", id="conflicts.resolver"),
        Binding("u", "undo", "Undo", id="conflicts.undo"),
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "home", "Home", id="conflicts.home"),
    ]

    @dataclass
    class ConflictsLoaded(Message):
        rows: list[ConflictRow]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ConflictRow] = []
        self.resolver: str | None = None
        self._done: set[tuple[str, int]] = set()
        self._resolved: list[tuple[str, int]] = []  # this session's, newest last
        self._notes: dict[tuple[str, int], str] = {}
        self._reselect: tuple[str, int] | None = None  # a failed resolution: shown again
        self._has_loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Conflicts between reviewers", "bold"), classes="screen-title")
        yield Static(Content("Loading…"), id="conflicts-summary", classes="screen-summary")
        yield DataTable(id="conflicts-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="conflicts-decisions")
        yield RecordViewer(id="conflicts-record")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.resolver = self.litreview.reviewer
        table: DataTable[Text] = self.query_one("#conflicts-table", DataTable)
        for label, key in (
            ("Id", "id"),
            ("Stage", "stage"),
            ("Decisions", "said"),
            ("Title", "title"),
        ):
            table.add_column(Text(label), key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="conflicts-load", exit_on_error=False)
    def load(self) -> None:
        with open_review(self.review.path) as review:
            rows = load_conflicts(review)
        self.post_message(self.ConflictsLoaded(rows))

    @on(ConflictsLoaded)
    def _loaded(self, message: ConflictsLoaded) -> None:
        self._has_loaded = True
        self._done &= {row.key for row in message.rows}
        self._fill([row for row in message.rows if row.key not in self._done])

    def _fill(self, rows: list[ConflictRow]) -> None:
        table: DataTable[Text] = self.query_one("#conflicts-table", DataTable)
        selected = self._reselect or (self.current.key if self.current else None)
        self._reselect = None
        row_index = table.cursor_row
        self.rows = rows
        table.clear()
        for row in rows:
            table.add_row(
                Text(str(row.conflict.work_id), justify="right"),
                Text(row.conflict.stage),
                Text(one_line(said(row)), no_wrap=True, overflow="ellipsis"),
                Text(one_line(row.view.title or "(no title)"), no_wrap=True, overflow="ellipsis"),
            )
        keys = [row.key for row in rows]
        if rows:
            at = keys.index(selected) if selected in keys else min(row_index, len(rows) - 1)
            table.move_cursor(row=at)
        self._show_current()

    @property
    def current(self) -> ConflictRow | None:
        table: DataTable[Text] = self.query_one("#conflicts-table", DataTable)
        if not table.row_count or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def _show_current(self) -> None:
        row = self.current
        viewer = self.query_one(RecordViewer)
        who = self.resolver or "(asked at the first resolution)"
        summary = f"{len(self.rows)} conflicts open · resolving as {who} (r changes)"
        self.query_one("#conflicts-summary", Static).update(Content(one_line(summary)))
        decisions = self.query_one("#conflicts-decisions", Static)
        if row is None:
            decisions.update(Content())
            viewer.show_message("No conflicts to resolve." if self._has_loaded else "Loading…")
        else:
            decisions.update(decisions_text(row))
            viewer.show_record(
                row.view, self.review.protocol.highlight, pending_note=self._notes.get(row.key)
            )
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#conflicts-table")
    def _highlighted(self) -> None:
        self._show_current()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("resolve", "exclude", "note") and self.current is None:
            return None
        return True

    def _with_resolver(self, then: Callable[[str], None]) -> None:
        """Call ``then(resolver)``; the app's reviewer resolves unless ``r`` named another."""
        if self.resolver is not None:
            then(self.resolver)
            return

        def named(name: str) -> None:
            self.resolver = name
            then(name)

        self.with_reviewer(named)

    def action_resolve(self, decision: str, reason: str | None = None) -> None:
        row = self.current
        if row is None:
            return

        def save(resolver: str) -> None:
            stage, work_id = row.key
            note = self._notes.pop(row.key, None)
            self._done.add(row.key)
            self._resolved.append(row.key)
            self.write(
                lambda review: resolve(
                    review,
                    work_id,
                    decision,
                    stage=stage,
                    reviewer=resolver,
                    reason=reason,
                    note=note,
                ),
                failed=partial(self._not_saved, row.key, note),
                what=f"The resolution of record {work_id} at {stage} ({decision})",
            )
            self._fill([r for r in self.rows if r.key != row.key])
            self.notify(
                f"Record {work_id} at {stage}: {decision} (resolved by {resolver}).", markup=False
            )

        self._with_resolver(save)

    def action_exclude(self) -> None:
        row = self.current
        if row is None:
            return

        def chosen(choice: object) -> None:
            if isinstance(choice, ReasonChoice) and self.current is row:
                self.action_resolve("exclude", choice.code)

        self.app.push_screen(ReasonPicker(self.review.protocol.stage(row.conflict.stage)), chosen)

    def action_note(self) -> None:
        row = self.current
        if row is None:
            return

        def saved(note: object) -> None:
            if isinstance(note, str) and self.current is row:
                if note:
                    self._notes[row.key] = note
                else:
                    self._notes.pop(row.key, None)
                self._show_current()

        self.app.push_screen(NoteEditor(self._notes.get(row.key)), saved)

    def action_resolver(self) -> None:
        def answered(name: object) -> None:
            if isinstance(name, str) and name:
                self.resolver = name
                self._show_current()

        self.app.push_screen(
            TextPrompt(
                "Who resolves?",
                "A third reviewer, or both together (e.g. ann+bob). Stored with "
                "each resolution made here.",
                value=self.resolver or "",
                required=True,
            ),
            answered,
        )

    def action_undo(self) -> None:
        if not self._resolved or self.resolver is None:
            self.notify("No resolution to undo in this session.", severity="warning")
            return
        key = self._resolved.pop()
        self._done.discard(key)
        stage, resolver = key[0], self.resolver

        def done(view: object) -> None:
            self.notify("Undone: the conflict is open again." if view else "Nothing to undo.")

        self.write(
            lambda review: undo(review, reviewer=resolver, stage=stage), done, what="The undo"
        )

    def action_home(self) -> None:
        self.app.pop_screen()

    def _not_saved(self, key: tuple[str, int], note: str | None) -> None:
        """The resolution of ``key`` failed: the conflict is open again (with its note)."""
        if key in self._resolved:
            self._resolved.remove(key)
        self._done.discard(key)
        self._reselect = key
        if note:
            self._notes.setdefault(key, note)

    def write_done(self, *, failed: bool) -> None:
        if self.pending_writes == 0:
            self.load()
