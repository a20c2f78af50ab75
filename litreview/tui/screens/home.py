"""Home: the review at a glance and the way into every other screen.

Sources and records, duplicates waiting for review, each stage's progress, the
recall estimate and what every stopping rule says (``t`` stops or resumes
screening of the highlighted stage), agreement between reviewers and whose turn
it is in dual screening, and the studies' full texts, grades and coding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Sparkline, Static

from litreview.report.plot_data import cumulative_includes
from litreview.report.sanitize import one_line
from litreview.report.status import review_status
from litreview.screening.progress import resume_screening, stop_screening
from litreview.screening.published_labels import PublishedComparison, describe
from litreview.screening.session import queue
from litreview.screening.team import is_dual_stage
from litreview.storage.review import Review, open_review
from litreview.tui.screens._base import ReviewScreen
from litreview.tui.screens.prompts import ConfirmDialog
from litreview.tui.widgets.sources_table import SourcesTable
from litreview.tui.widgets.stage_table import StageTable
from litreview.tui.widgets.status_panels import (
    default_verdict,
    recall_text,
    rule_name,
    stopping_lines,
    studies_lines,
    team_lines,
)

KEYS_HINT = (
    "Enter or s: screen the highlighted stage · d: duplicates · f: full text and appraisal · "
    "c: coding · b: browse · k: conflicts · t: stop/resume screening · ?: every key"
)


def summary_line(status: dict[str, Any]) -> str:
    records, sources = status.get("records", 0), status.get("sources", 0)
    text = f"{records} records from {sources} source{'s' if sources != 1 else ''}"
    duplicates = status.get("duplicates", 0)
    if duplicates:
        text += f" · {duplicates} duplicates"
    pending = status.get("duplicates_needing_review", 0)
    if pending:
        text += f" · {pending} possible duplicates to review (d)"
    ineligible = status.get("ineligible", 0)
    if ineligible:
        text += f" · {ineligible} outside the eligibility limits"
    return text


CURVE_POINTS = 120  # the sparkline bins these into its width


def includes_curve(review: Review, stage: str, points: int = CURVE_POINTS) -> list[int]:
    """Includes found after each record screened at ``stage`` (the figure ``plot recall``
    draws), thinned to at most ``points`` values, the last one always kept."""

    found = cumulative_includes(review, stage)
    if len(found) <= points:
        return list(found)
    step = len(found) / points
    return [found[min(len(found) - 1, round((i + 1) * step) - 1)] for i in range(points)]


def count_turns(
    review: Review, status: dict[str, Any], reviewer: str | None
) -> dict[str, dict[str, int]]:
    """stage -> reviewer -> records left for them, for every dual-screening stage."""
    turns: dict[str, dict[str, int]] = {}
    for item in status.get("agreement", []):
        stage = str(item["stage"])
        names = set(item.get("reviewers", [])) | ({reviewer} if reviewer else set())
        turns[stage] = {name: len(queue(review, stage, reviewer=name)) for name in sorted(names)}
    return turns


class HomeScreen(ReviewScreen):
    """Sources, records, each stage's progress, stopping, team and studies."""

    BINDINGS = [
        Binding("s", "screen_stage", "Screen stage", id="home.screen"),
        Binding("d", "open('duplicates')", "Duplicates", id="home.duplicates"),
        Binding("f", "open('fulltext')", "Full text", id="home.fulltext"),
        Binding("c", "open('coding')", "Coding", id="home.coding"),
        Binding("b", "open('browse')", "Browse", id="home.browse"),
        Binding("k", "open('conflicts')", "Conflicts", id="home.conflicts"),
        Binding("t", "stop_screening", "Stop/resume", id="home.stop"),
        Binding("r", "refresh", "Refresh", id="home.refresh"),
    ]

    @dataclass
    class StatusLoaded(Message):
        """``review_status`` (plus whose turn it is) as read by a worker."""

        status: dict[str, Any]

    def __init__(self) -> None:
        super().__init__()
        self.status: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        protocol = self.review.protocol
        yield Header()
        with VerticalScroll(id="home"):
            yield Static(id="home-title", markup=False)
            yield Static(Content("Loading…"), id="home-summary", markup=False)
            yield Static(Content.styled("Screening", "bold"), classes="home-heading")
            yield StageTable(id="home-stages")
            yield Static(id="home-stopping", classes="home-panel")
            for index, stage in enumerate(s for s in protocol.stages if s.kind == "screening"):
                with Horizontal(classes="home-curve"):
                    yield Static(
                        Content(f"{one_line(stage.label)}: includes found"),
                        classes="home-curve-label",
                        markup=False,
                    )
                    yield Sparkline([], id=f"home-curve-{index}", summary_function=max)
            if any(is_dual_stage(self.review, s.name) for s in protocol.stages):
                yield Static(Content.styled("Team", "bold"), classes="home-heading")
                yield Static(id="home-team", classes="home-panel")
            if any(s.kind == "fulltext" for s in protocol.stages):
                yield Static(Content.styled("Studies", "bold"), classes="home-heading")
                yield Static(id="home-studies", classes="home-panel")
            yield Static(Content.styled(KEYS_HINT, "dim"), classes="home-hint")
            yield Static(Content.styled("Sources", "bold"), classes="home-heading")
            yield SourcesTable(id="home-sources")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        review = self.review
        title = Content.styled(one_line(review.protocol.title), "bold")
        self.query_one("#home-title", Static).update(title + Content(f"  ({review.path.name})"))
        self.query_one(StageTable).focus()

    def on_screen_resume(self) -> None:
        self.load_status()

    @work(thread=True, exclusive=True, group="status", exit_on_error=False)
    def load_status(self) -> None:
        reviewer = self.litreview.reviewer
        with open_review(self.review.path) as review:
            status = review_status(review)
            status["turns"] = count_turns(review, status, reviewer)
            status["curves"] = {
                stage: includes_curve(review, stage) for stage in status.get("stopping", {})
            }
        self.post_message(self.StatusLoaded(status))

    @on(StatusLoaded)
    def _show_status(self, message: StatusLoaded) -> None:
        self.status = status = message.status
        protocol = self.review.protocol
        self.query_one("#home-summary", Static).update(Content(summary_line(status)))
        self.query_one(StageTable).show_stages(protocol.stages, status.get("stages", {}))
        stopping = stopping_lines(protocol, status.get("stopping", {}))
        if status.get("published_labels"):  # a shipped example: compare with its labels
            lines = describe(PublishedComparison(**status["published_labels"]))
            stopping += Content("\n" + "\n".join(lines))
        self.query_one("#home-stopping", Static).update(stopping)
        self._show_curves(status.get("curves", {}))
        for team in self.query("#home-team").results(Static):
            team.update(
                team_lines(
                    protocol,
                    status.get("agreement", []),
                    status.get("turns", {}),
                    self.litreview.reviewer,
                )
            )
        for studies in self.query("#home-studies").results(Static):
            studies.update(studies_lines(protocol, status))
        self.query_one(SourcesTable).show_sources(status.get("sources_detail", []))
        self.refresh_bindings()

    def _show_curves(self, curves: dict[str, list[int]]) -> None:
        stages = [s.name for s in self.review.protocol.stages if s.kind == "screening"]
        for index, stage in enumerate(stages):
            for sparkline in self.query(f"#home-curve-{index}").results(Sparkline):
                sparkline.data = curves.get(stage, [])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        protocol = self.review.protocol
        if action == "open" and parameters and parameters[0] in ("fulltext", "coding"):
            return True if any(s.kind == "fulltext" for s in protocol.stages) else None
        if action == "open" and parameters and parameters[0] == "conflicts":
            dual = any(is_dual_stage(self.review, s.name) for s in protocol.stages)
            return True if dual else None
        if action == "stop_screening":
            tables = self.query(StageTable)
            stage = tables.first().selected_stage if tables else None
            return True if stage in self.status.get("stopping", {}) else None
        return True

    def action_refresh(self) -> None:
        self.load_status()

    def action_screen_stage(self) -> None:
        self.litreview.open_screening(self.query_one(StageTable).selected_stage)

    def action_open(self, name: str) -> None:
        self.litreview.open_screen(name)

    @on(DataTable.RowSelected, "#home-stages")
    def _stage_chosen(self, event: DataTable.RowSelected) -> None:
        self.litreview.open_screening(event.row_key.value)

    @on(DataTable.RowHighlighted, "#home-stages")
    def _stage_highlighted(self) -> None:
        self.refresh_bindings()

    def action_stop_screening(self) -> None:
        stage = self.query_one(StageTable).selected_stage
        report = self.status.get("stopping", {}).get(stage or "")
        if stage is None or report is None:
            return
        label = one_line(self.review.protocol.stage(stage).label)
        if report.get("stopped"):
            body = Content(
                f"Screening of {label} was stopped. Resuming opens its unscreened records "
                f"again; {default_verdict(report)}.\n{recall_text(report)}"
            )
            dialog = ConfirmDialog(f"Resume screening {label}?", body, yes="resume")
        else:
            left = self.status.get("stages", {}).get(stage, {}).get("remaining", 0)
            body = Content(
                f"Now {default_verdict(report)}.\n{recall_text(report)}.\n"
                f"The {left} records left unscreened will count as excluded by the "
                f"stopping rule ({rule_name(report.get('default_rule'))}); PRISMA reports "
                "them as excluded by automation. Press t again to resume later."
            )
            dialog = ConfirmDialog(f"Stop screening {label}?", body, yes="stop")

        def answered(yes: object) -> None:
            if yes is True:
                self.with_reviewer(lambda reviewer: self._toggle_stop(stage, report, reviewer))

        self.app.push_screen(dialog, answered)

    def _toggle_stop(self, stage: str, report: dict[str, Any], reviewer: str) -> None:
        if report.get("stopped"):
            self.write(lambda review: resume_screening(review, stage, reviewer=reviewer))
        else:
            rule = report.get("default_rule")
            self.write(lambda review: stop_screening(review, stage, reviewer=reviewer, rule=rule))

    def write_done(self, *, failed: bool) -> None:
        self.load_status()
