"""Browse: every work of the review, filtered by stage, decision, reason, source, grade
or code, sorted, searched, and opened in full."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from litreview.report.browse_filters import (
    SORTS,
    Filter,
    last_decision,
    list_filter_choices,
    matches,
    matches_text,
    sort_rows,
)
from litreview.report.sanitize import one_line
from litreview.report.screen_data import BrowseRow, load_browse_rows
from litreview.storage.review import open_review
from litreview.storage.views import work_fields
from litreview.tui.failures import USER_ERRORS
from litreview.tui.screens._base import ReviewScreen
from litreview.tui.screens.modals import CANCEL
from litreview.tui.screens.prompts import Dialog, TextPrompt
from litreview.tui.screens.record_detail import RecordDetail

MAX_ROWS = 1000  # rows shown at once; narrow the filters to see others


class FilterDialog(Dialog):
    """Pick one filter (it replaces any other of its facet), or clear them all. Typing
    narrows the list; ↑↓ move; Enter picks."""

    BINDINGS = [
        CANCEL,
        Binding("down", "move(1)", "Next", show=False, id="filter.next"),
        Binding("up", "move(-1)", "Previous", show=False, id="filter.previous"),
    ]

    def __init__(self, choices: list[Filter]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="filter-dialog"):
            yield Static(Content.styled("Filter by", "bold"), classes="dialog-title")
            yield Input(placeholder="type to narrow: stage, exclude, a source…", id="filter-text")
            yield OptionList(id="filter-options")
            hint = "Type to narrow · ↑↓ move · Enter picks · Escape cancels"
            yield Static(Content.styled(hint, "dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self._narrow("")
        self.query_one("#filter-text", Input).focus()

    @on(Input.Changed, "#filter-text")
    def _typed(self, event: Input.Changed) -> None:
        self._narrow(event.value)

    def _narrow(self, text: str) -> None:
        words = text.casefold().split()
        options = self.query_one("#filter-options", OptionList)
        options.clear_options()
        if not words:
            options.add_option(Option(Content.styled("Clear all filters", "italic"), id="clear"))
        options.add_options(
            Option(Content(one_line(c.label)), id=str(i))
            for i, c in enumerate(self.choices)
            if all(w in c.label.casefold() for w in words)
        )
        options.highlighted = 0 if options.option_count else None

    def action_move(self, step: int) -> None:
        options = self.query_one("#filter-options", OptionList)
        if options.option_count:
            now = options.highlighted or 0
            options.highlighted = max(0, min(now + step, options.option_count - 1))

    @on(Input.Submitted, "#filter-text")
    def _submitted(self) -> None:
        options = self.query_one("#filter-options", OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id or "")

    @on(OptionList.OptionSelected, "#filter-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id or "")

    def _pick(self, option: str) -> None:
        self.dismiss("clear" if option == "clear" else self.choices[int(option)])


class BrowseScreen(ReviewScreen):
    """All works in a table; Enter opens one."""

    BINDINGS = [
        Binding("f", "filter", "Filter", id="browse.filter"),
        Binding("x", "clear", "Clear filters", id="browse.clear"),
        Binding("o", "sort", "Sort", id="browse.sort"),
        Binding("slash", "search", "Search", key_display="/", id="browse.search"),
        Binding("enter", "open", "Open record", id="browse.open"),
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "home", "Home", id="browse.home"),
    ]

    @dataclass
    class RowsLoaded(Message):
        rows: list[BrowseRow]

    def __init__(self) -> None:
        super().__init__()
        self.all_rows: list[BrowseRow] = []
        self.shown: list[BrowseRow] = []
        self.filters: dict[str, Filter] = {}
        self.text = ""
        self.sort = SORTS[0][0]

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Browse records", "bold"), classes="screen-title")
        yield Static(Content("Loading…"), id="browse-summary", classes="screen-summary")
        yield DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#browse-table", DataTable)
        for label, key in (
            ("Id", "id"),
            ("Year", "year"),
            ("Last decision", "decision"),
            ("Grade", "grade"),
            ("Title", "title"),
        ):
            table.add_column(Text(label), key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="browse-load", exit_on_error=False)
    def load(self) -> None:
        with open_review(self.review.path) as review:
            rows = load_browse_rows(review)
        self.post_message(self.RowsLoaded(rows))

    @on(RowsLoaded)
    def _loaded(self, message: RowsLoaded) -> None:
        self.all_rows = message.rows
        self.apply()

    def apply(self) -> None:
        """Filter, search and sort the works, and show the first ``MAX_ROWS``."""
        protocol = self.review.protocol
        found = [
            r
            for r in self.all_rows
            if matches(r, self.filters, protocol) and matches_text(r, self.text)
        ]
        self.shown = sort_rows(found, self.sort)
        table: DataTable[Text] = self.query_one("#browse-table", DataTable)
        table.clear()
        table.add_rows(
            [self._cells(row) for row in self.shown[:MAX_ROWS]],
        )
        self.query_one("#browse-summary", Static).update(self._summary(len(found)))
        self.refresh_bindings()

    def _cells(self, row: BrowseRow) -> list[Text]:
        last = last_decision(row, self.review.protocol)
        state = f"{last[0]}: {last[1]}" if last else ""
        fields = row.work.fields
        return [
            Text(str(row.work_id), justify="right"),
            Text(str(fields.year or "")),
            Text(one_line(state)),
            Text(one_line(row.grade or "")),
            Text(one_line(fields.title or "(no title)"), no_wrap=True, overflow="ellipsis"),
        ]

    def _summary(self, found: int) -> Content:
        parts = [f"{found} of {len(self.all_rows)} works"]
        if found > MAX_ROWS:
            parts.append(f"first {MAX_ROWS} shown")
        active = [f.label for f in self.filters.values()]
        if self.text:
            active.append(f"text contains {self.text!r}")
        parts.append("filters: " + ("; ".join(active) if active else "none (f adds one)"))
        parts.append("sorted by " + dict(SORTS)[self.sort])
        return Content(one_line(" · ".join(parts)))

    @property
    def current(self) -> BrowseRow | None:
        table: DataTable[Text] = self.query_one("#browse-table", DataTable)
        if not table.row_count:
            return None
        return self.shown[table.cursor_row]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open" and self.current is None:
            return None
        if action == "clear" and not (self.filters or self.text):
            return None
        return True

    def action_filter(self) -> None:
        def chosen(choice: object) -> None:
            if choice == "clear":
                self.action_clear()
            elif isinstance(choice, Filter):
                self.filters[choice.facet] = choice
                self.apply()

        self.app.push_screen(
            FilterDialog(list_filter_choices(self.all_rows, self.review.protocol)), chosen
        )

    def action_clear(self) -> None:
        self.filters.clear()
        self.text = ""
        self.apply()

    def action_sort(self) -> None:
        keys = [key for key, _ in SORTS]
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self.apply()

    def action_search(self) -> None:
        def answered(text: object) -> None:
            if isinstance(text, str):
                self.text = text
                self.apply()

        self.app.push_screen(
            TextPrompt(
                "Find records",
                "Title words, an author, a DOI or a record id; empty shows all.",
                value=self.text,
            ),
            answered,
        )

    @on(DataTable.RowSelected, "#browse-table")
    def _selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        row = self.current
        if row is not None:  # the list holds the listed fields only: read the work in full
            try:
                fields = work_fields(self.review.db, row.work_id)
            except USER_ERRORS as exc:
                self.litreview.report_failure(exc, f"Record {row.work_id} cannot be read")
                return
            full = replace(row, work=replace(row.work, fields=fields))
            self.app.push_screen(RecordDetail(full, self.review.protocol))

    def action_home(self) -> None:
        self.app.pop_screen()
