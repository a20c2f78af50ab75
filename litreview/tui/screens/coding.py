"""Coding: the included studies, and the codebook's dimensions for the highlighted one.

Each dimension shows the study's code and, for choice dimensions, the suggestions
(from the protocol's keywords and, once enough studies are coded, a classifier)
with their confidence, marked ``?``. A suggestion is only ever applied when the
reviewer accepts it (``a``) or picks it in the editor (Enter).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets.option_list import Option

from litreview.coding.codes import CodeValue, set_codes, undo_coding
from litreview.coding.suggest import Suggestion, suggest_codes
from litreview.protocol import Dimension
from litreview.report.sanitize import one_line
from litreview.report.screen_data import StudyRow, load_studies
from litreview.storage.review import open_review
from litreview.tui.screens._base import ReviewScreen
from litreview.tui.screens.coding_dialogs import KINDS, CodeChoice, CodeEditor, suggestion_text
from litreview.tui.widgets.report_detail import bibliographic


def code_text(dimension: Dimension, code: CodeValue | None) -> str:
    """A code in words: value labels (and the coder's detail), or the free text."""
    if code is None:
        return "—"
    if code.text is not None:
        return code.text
    labels = {v.name: v.label for v in dimension.values}
    text = "; ".join(labels.get(v, v) for v in code.values)
    return f"{text} ({code.detail})" if code.detail else text


def dimension_prompt(
    dimension: Dimension, code: CodeValue | None, suggestions: list[Suggestion] | None
) -> Content:
    """A dimension's block: name and kind, the code, then its suggestions marked ``?``."""
    lines = [
        Content.assemble(
            (one_line(dimension.label), "bold"),
            (f" · {KINDS.get(dimension.kind, dimension.kind)}", "dim"),
        ),
        Content.assemble(
            "  coded: ", (one_line(code_text(dimension, code)), "bold" if code else "dim")
        ),
    ]
    if dimension.is_choice:
        if suggestions is None:
            hints = Content.styled("  suggestions: working…", "dim italic")
        else:
            mine = [s for s in suggestions if s.dimension == dimension.name]
            shown = " · ".join(one_line(suggestion_text(s)) for s in mine[:3])
            hints = Content.styled(f"  suggested: {shown or 'none'}", "italic")
        lines.append(hints)
    return Content("\n").join(lines)


def accepted_code(dimension: Dimension, code: CodeValue | None, value: str) -> CodeValue:
    """The code after accepting suggested ``value``: single replaces, multi adds."""
    if dimension.kind == "multi" and code is not None:
        values = code.values if value in code.values else (*code.values, value)
        return CodeValue(values, code.detail)
    return CodeValue((value,))


class CodingScreen(ReviewScreen):
    """Code the included studies against the protocol's codebook."""

    BINDINGS = [
        Binding("enter", "edit", "Edit code", id="coding.edit"),
        Binding("a", "accept", "Accept suggestion", id="coding.accept"),
        Binding("delete", "clear", "Clear code", id="coding.clear"),
        Binding("n", "move(1)", "Next study", id="coding.next"),
        Binding("p", "move(-1)", "Previous study", id="coding.previous"),
        Binding("u", "undo", "Undo", id="coding.undo"),
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "home", "Home", id="coding.home"),
    ]

    @dataclass
    class StudiesLoaded(Message):
        rows: list[StudyRow]

    @dataclass
    class SuggestionsLoaded(Message):
        study_id: int
        suggestions: list[Suggestion]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, StudyRow] = {}
        self.suggestions: dict[int, list[Suggestion]] = {}

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Coding", "bold"), classes="screen-title")
        yield Static(Content("Loading…"), id="coding-summary", classes="screen-summary")
        yield DataTable(id="coding-studies", cursor_type="row", zebra_stripes=True)
        yield Static(id="coding-study")
        yield OptionList(id="coding-dims")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#coding-studies", DataTable)
        for label, key in (
            ("Id", "id"),
            ("Coded", "coded"),
            ("Grade", "grade"),
            ("Title", "title"),
        ):
            table.add_column(Text(label), key=key)
        self.query_one("#coding-dims", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="coding-load", exit_on_error=False)
    def load(self) -> None:
        with open_review(self.review.path) as review:
            rows = load_studies(review)
        self.post_message(self.StudiesLoaded(rows))

    @work(thread=True, exclusive=True, group="coding-suggest", exit_on_error=False)
    def load_suggestions(self, study_id: int) -> None:
        with open_review(self.review.path) as review:
            found = suggest_codes(review, study_id)
        self.post_message(self.SuggestionsLoaded(study_id, found))

    @on(StudiesLoaded)
    def _loaded(self, message: StudiesLoaded) -> None:
        table: DataTable[Text] = self.query_one("#coding-studies", DataTable)
        selected = self.current.study_id if self.current else None
        self.rows = {row.study_id: row for row in message.rows}
        dims = len(self.review.protocol.codebook)
        table.clear()
        for row in message.rows:
            table.add_row(
                Text(str(row.study_id), justify="right"),
                Text(f"{len(row.codes)}/{dims}"),
                Text(one_line(row.grade or "")),
                Text(one_line(row.fields.title or "(no title)"), no_wrap=True, overflow="ellipsis"),
                key=str(row.study_id),
            )
        if selected in self.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        done = sum(1 for r in message.rows if len(r.codes) == dims)
        summary = f"{len(message.rows)} included studies · {done} fully coded"
        if not message.rows:
            summary += " · include studies at the full-text stage first (f on the home screen)"
        self.query_one("#coding-summary", Static).update(Content(summary))
        self._show_current()

    @on(SuggestionsLoaded)
    def _suggested(self, message: SuggestionsLoaded) -> None:
        self.suggestions[message.study_id] = message.suggestions
        if self.current and self.current.study_id == message.study_id:
            self._show_current()

    @property
    def current(self) -> StudyRow | None:
        table: DataTable[Text] = self.query_one("#coding-studies", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(int(key)) if key is not None else None

    @property
    def dimension(self) -> Dimension | None:
        index = self.query_one("#coding-dims", OptionList).highlighted
        codebook = self.review.protocol.codebook
        return codebook[index] if index is not None and index < len(codebook) else None

    def _show_current(self) -> None:
        row = self.current
        dims = self.query_one("#coding-dims", OptionList)
        highlighted = dims.highlighted
        dims.clear_options()
        study = self.query_one("#coding-study", Static)
        if row is None:
            study.update(Content.styled("No included studies to code yet.", "italic"))
        else:
            study.update(
                Content.styled(f"Study {row.study_id}", "dim")
                + Content("\n")
                + bibliographic(row.fields)
            )
            found = self.suggestions.get(row.study_id)
            if found is None:
                self.load_suggestions(row.study_id)
            dims.add_options(
                Option(dimension_prompt(d, row.codes.get(d.name), found), id=d.name)
                for d in self.review.protocol.codebook
            )
            dims.highlighted = highlighted if highlighted is not None else 0
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#coding-studies")
    def _study_highlighted(self) -> None:
        self._show_current()

    @on(OptionList.OptionHighlighted, "#coding-dims")
    def _dimension_highlighted(self) -> None:
        self.refresh_bindings()

    @on(OptionList.OptionSelected, "#coding-dims")
    def _dimension_selected(self) -> None:
        self.action_edit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "accept", "clear") and (
            self.current is None or self.dimension is None
        ):
            return None
        if action == "accept":
            return True if self._top_suggestion() is not None else None
        return True

    def _top_suggestion(self) -> Suggestion | None:
        row, dim = self.current, self.dimension
        if row is None or dim is None or not dim.is_choice:
            return None
        code = row.codes.get(dim.name)
        found = [
            s
            for s in self.suggestions.get(row.study_id, [])
            if s.dimension == dim.name and (code is None or s.value not in code.values)
        ]
        return max(found, key=lambda s: s.confidence) if found else None

    def _store(self, study_id: int, name: str, code: CodeValue | None, origin: str) -> None:
        def run(reviewer: str) -> None:
            self.write(
                lambda review: set_codes(
                    review, study_id, {name: code}, reviewer=reviewer, origin=origin
                )
            )

        self.with_reviewer(run)

    def action_edit(self) -> None:
        row, dim = self.current, self.dimension
        if row is None or dim is None:
            return

        def chosen(choice: object) -> None:
            if isinstance(choice, CodeChoice):
                self._store(row.study_id, dim.name, choice.code, "tui")

        found = self.suggestions.get(row.study_id, [])
        self.app.push_screen(CodeEditor(dim, row.codes.get(dim.name), found), chosen)

    def action_accept(self) -> None:
        row, dim, top = self.current, self.dimension, self._top_suggestion()
        if row is None or dim is None or top is None:
            return
        code = accepted_code(dim, row.codes.get(dim.name), top.value)
        self._store(row.study_id, dim.name, code, f"suggestion:{top.source}")
        self.notify(f"Coded {dim.label}: {top.label} (accepted suggestion).", markup=False)

    def action_clear(self) -> None:
        row, dim = self.current, self.dimension
        if row is not None and dim is not None and dim.name in row.codes:
            self._store(row.study_id, dim.name, None, "tui")

    def action_move(self, step: int) -> None:
        table: DataTable[Text] = self.query_one("#coding-studies", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def action_undo(self) -> None:
        def done(event: object) -> None:
            self.notify("Undone: the last code." if event is not None else "Nothing to undo.")

        def run(reviewer: str) -> None:
            self.write(lambda review: undo_coding(review, reviewer=reviewer), done)

        self.with_reviewer(run)

    def action_home(self) -> None:
        self.app.pop_screen()

    def write_done(self, *, failed: bool) -> None:
        self.suggestions.clear()  # the classifier learns from the codes just changed
        if self.pending_writes == 0:
            self.load()
