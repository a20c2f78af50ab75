"""Home: the review at a glance and the way into every other screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from litreview.review import open_review
from litreview.status import review_status
from litreview.tui.sanitize import one_line
from litreview.tui.widgets.sources_table import SourcesTable
from litreview.tui.widgets.stage_table import StageTable

if TYPE_CHECKING:
    from litreview.tui.app import LitreviewApp


def summary_line(status: dict[str, Any]) -> str:
    records, sources = status.get("records", 0), status.get("sources", 0)
    text = f"{records} records from {sources} source{'s' if sources != 1 else ''}"
    duplicates = status.get("duplicates", 0)
    if duplicates:
        text += f" · {duplicates} duplicates"
    pending = status.get("duplicates_needing_review", 0)
    if pending:
        text += f" · {pending} possible duplicates to review (litreview dedup)"
    ineligible = status.get("ineligible", 0)
    if ineligible:
        text += f" · {ineligible} outside the eligibility limits"
    return text


class HomeScreen(Screen[None]):
    """Sources, records and each stage's screening progress."""

    BINDINGS = [
        Binding("s", "screen_stage", "Screen stage", id="home.screen"),
        Binding("r", "refresh", "Refresh", id="home.refresh"),
    ]

    @dataclass
    class StatusLoaded(Message):
        """``review_status`` as read by a worker."""

        status: dict[str, Any]

    @property
    def litreview(self) -> LitreviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(id="home-title", markup=False)
            yield Static(Content("Loading…"), id="home-summary", markup=False)
            yield Static(Content.styled("Screening", "bold"), classes="home-heading")
            yield StageTable(id="home-stages")
            yield Static(
                Content.styled("Enter or s: screen the highlighted stage · ?: every key", "dim"),
                classes="home-hint",
            )
            yield Static(Content.styled("Sources", "bold"), classes="home-heading")
            yield SourcesTable(id="home-sources")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        review = self.litreview.review
        title = Content.styled(one_line(review.protocol.title), "bold")
        self.query_one("#home-title", Static).update(title + Content(f"  ({review.path.name})"))
        self.query_one(StageTable).focus()

    def on_screen_resume(self) -> None:
        self.load_status()

    @work(thread=True, exclusive=True, group="status", exit_on_error=False)
    def load_status(self) -> None:
        with open_review(self.litreview.review.path) as review:
            status = review_status(review)
        self.post_message(self.StatusLoaded(status))

    @on(StatusLoaded)
    def _show_status(self, message: StatusLoaded) -> None:
        status = message.status
        self.query_one("#home-summary", Static).update(Content(summary_line(status)))
        stages = self.litreview.review.protocol.stages
        self.query_one(StageTable).show_stages(stages, status.get("stages", {}))
        self.query_one(SourcesTable).show_sources(status.get("sources_detail", []))

    def action_refresh(self) -> None:
        self.load_status()

    def action_screen_stage(self) -> None:
        self.litreview.open_screening(self.query_one(StageTable).selected_stage)

    @on(DataTable.RowSelected, "#home-stages")
    def _stage_chosen(self, event: DataTable.RowSelected) -> None:
        self.litreview.open_screening(event.row_key.value)
