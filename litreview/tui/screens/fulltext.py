"""Full text and appraisal: the reports sought, one row each, and the highlighted one
in detail.

Keys record whether the full text was retrieved (and where) or not (and why), the
eligibility decision with a reason from the full-text stage, the protocol's notes
fields, which study a report belongs to, and for included studies the quality
ratings (a number key per criterion) and a grade set by hand with its reason.
Every key is an event written by the core (``litreview.fulltext.reports``,
``litreview.appraisal.ratings``, ``litreview.screening.session``); ``u`` undoes this
session's last one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

from litreview.appraisal import ratings as appraisal
from litreview.fulltext import reports as fulltext
from litreview.report.sanitize import one_line
from litreview.report.screen_data import ReportRow, load_reports
from litreview.screening import session
from litreview.storage.review import Review, open_review
from litreview.tui.screens._base import ReviewScreen
from litreview.tui.screens.appraisal_dialogs import AppraisalDialog, GradeChoice, GradeDialog
from litreview.tui.screens.fulltext_reader import FulltextReader
from litreview.tui.screens.modals import ReasonChoice, ReasonPicker
from litreview.tui.screens.prompts import NotesEditor, TextPrompt
from litreview.tui.widgets.report_detail import ReportDetail

Save = Callable[["Review", str], object]  # a write, given the review and the reviewer
STATUS_CELLS = {"retrieved": "✓ got", "not_retrieved": "✗ not", "requested": "… asked", None: "· ?"}


def fulltext_link(row: ReportRow) -> str | None:
    """Where to open the full text: its http(s) location, an existing local file, else
    the DOI resolver or the record's first http(s) URL."""
    location = (row.location or "").strip()
    if urlsplit(location).scheme.lower() in ("http", "https"):
        return location
    if location and Path(location).expanduser().is_file():
        return Path(location).expanduser().resolve().as_uri()
    if row.fields.doi:
        return "https://doi.org/" + quote(row.fields.doi.strip(), safe="/:;()._-<>")
    for url in row.fields.urls:
        if urlsplit(url.strip()).scheme.lower() in ("http", "https"):
            return url.strip()
    return None


def summary_text(rows: list[ReportRow]) -> str:
    got = sum(r.status == "retrieved" for r in rows)
    missing = sum(r.status == "not_retrieved" for r in rows)
    included = sum(r.decision == "include" for r in rows)
    excluded = sum(r.decision == "exclude" for r in rows)
    return (
        f"{len(rows)} reports sought · {got} retrieved · {missing} not retrieved · "
        f"{included} included · {excluded} excluded"
    )


class FulltextScreen(ReviewScreen):
    """Reports sought at the full-text stage, with retrieval, eligibility and appraisal."""

    BINDINGS = [
        Binding("r", "retrieved", "Retrieved", id="ft.retrieved"),
        Binding("x", "not_retrieved", "Not retrieved", id="ft.not_retrieved"),
        Binding("i", "include", "Include", id="ft.include"),
        Binding("e", "exclude", "Exclude", id="ft.exclude"),
        Binding("n", "notes", "Notes", id="ft.notes"),
        Binding("a", "appraise", "Appraise", id="ft.appraise"),
        Binding("g", "grade", "Grade", id="ft.grade"),
        Binding("l", "link", "Link to study", id="ft.link"),
        Binding("u", "undo", "Undo", id="ft.undo"),
        Binding("o", "open_link", "Open", id="ft.open"),
        Binding("t", "read", "Read text", id="ft.read"),
        Binding("question_mark", "app.help", "Help", key_display="?", id="app.help"),
        Binding("escape", "home", "Home", id="ft.home"),
    ]

    @dataclass
    class ReportsLoaded(Message):
        rows: list[ReportRow]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[int, ReportRow] = {}
        self._mine: dict[int, str] = {}  # decisions made here that do not count yet (dual)
        self._history: list[str] = []  # kinds of this session's writes, newest last
        self.stage = ""

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("Full text and appraisal", "bold"), classes="screen-title")
        yield Static(Content("Loading…"), id="ft-summary", classes="screen-summary")
        yield DataTable(id="ft-reports", cursor_type="row", zebra_stripes=True)
        yield ReportDetail(id="ft-detail")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.stage = fulltext.get_fulltext_stage(self.review).name
        table: DataTable[Text] = self.query_one("#ft-reports", DataTable)
        for label, key in (
            ("Id", "id"),
            ("Full text", "status"),
            ("Decision", "decision"),
            ("Grade", "grade"),
            ("Title", "title"),
        ):
            table.add_column(Text(label), key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="ft-load", exit_on_error=False)
    def load(self) -> None:
        reviewer = self.litreview.reviewer
        with open_review(self.review.path) as review:
            rows = load_reports(review, reviewer)
        self.post_message(self.ReportsLoaded(rows))

    @on(ReportsLoaded)
    def _loaded(self, message: ReportsLoaded) -> None:
        table: DataTable[Text] = self.query_one("#ft-reports", DataTable)
        selected = self.current.work_id if self.current else None
        self.rows = {row.work_id: row for row in message.rows}
        self._mine = {
            w: v for w, v in self._mine.items() if w in self.rows and self.rows[w].decision is None
        }
        table.clear()
        for row in message.rows:
            grade = row.appraisal.grade if row.appraisal and row.appraisal.grade else ""
            decision = row.decision or self._mine.get(row.work_id, "")
            table.add_row(
                Text(str(row.work_id), justify="right"),
                Text(STATUS_CELLS[row.status]),
                Text(decision),
                Text(one_line(grade)),
                Text(one_line(row.fields.title or "(no title)"), no_wrap=True, overflow="ellipsis"),
                key=str(row.work_id),
            )
        if selected in self.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self.query_one("#ft-summary", Static).update(Content(summary_text(message.rows)))
        self._show_current()

    @property
    def current(self) -> ReportRow | None:
        table: DataTable[Text] = self.query_one("#ft-reports", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(int(key)) if key is not None else None

    def _show_current(self) -> None:
        row = self.current
        mine = self._mine.get(row.work_id) if row else None
        self.query_one(ReportDetail).show_report(row, self.review.protocol, self.stage, mine)
        self.refresh_bindings()

    @on(DataTable.RowHighlighted, "#ft-reports")
    def _highlighted(self) -> None:
        self._show_current()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current
        if (
            action
            in (
                "retrieved",
                "not_retrieved",
                "include",
                "exclude",
                "notes",
                "link",
                "appraise",
                "grade",
                "open_link",
            )
            and row is None
        ):
            return None
        assert row is not None or action not in ("appraise", "grade", "open_link")
        if action in ("appraise", "grade"):
            ok = (
                row is not None
                and row.included_study
                and bool(self.review.protocol.quality.criteria)
            )
            return True if ok else None
        if action == "not_retrieved" and row is not None and row.decision in ("include", "exclude"):
            return None
        if action == "open_link" and row is not None and fulltext_link(row) is None:
            return None
        if action == "read" and (row is None or not row.has_file):
            return None
        if action == "notes" and not self.review.protocol.fulltext_notes:
            return None
        return True

    # ---- actions -------------------------------------------------------------------------

    def _save(self, kind: str, action: Save) -> None:
        """Queue ``action(review, reviewer)`` as this session's newest write of ``kind``."""

        def run(reviewer: str) -> None:
            self._history.append(kind)
            self.write(lambda review: action(review, reviewer))

        self.with_reviewer(run)

    def action_retrieved(self) -> None:
        row = self.current
        if row is None:
            return

        def answered(location: object) -> None:
            if isinstance(location, str):
                self._save(
                    "fulltext",
                    lambda review, who: fulltext.mark_retrieved(
                        review, row.work_id, location=location or None, reviewer=who
                    ),
                )

        self.app.push_screen(
            TextPrompt(
                f"Full text of report {row.work_id} retrieved",
                "Where is it? A path or URL.",
                value=row.location or "",
                placeholder="papers/smith2010.pdf or https://…",
            ),
            answered,
        )

    def action_not_retrieved(self) -> None:
        row = self.current
        if row is None:
            return

        def answered(reason: object) -> None:
            if isinstance(reason, str) and reason:
                self._save(
                    "fulltext",
                    lambda review, who: fulltext.mark_not_retrieved(
                        review, row.work_id, reason=reason, reviewer=who
                    ),
                )

        self.app.push_screen(
            TextPrompt(
                f"Full text of report {row.work_id} not retrieved",
                "Why not?",
                placeholder="e.g. not held by the library; author did not reply",
                required=True,
            ),
            answered,
        )

    def _decide(self, decision: str, reason: str | None = None) -> None:
        row = self.current
        if row is None:
            return
        self._mine[row.work_id] = decision
        stage = self.stage
        self._save(
            "decision",
            lambda review, who: session.decide(
                review, row.work_id, decision, stage=stage, reviewer=who, reason=reason
            ),
        )
        table: DataTable[Text] = self.query_one("#ft-reports", DataTable)
        table.update_cell(str(row.work_id), "decision", Text(decision))
        table.move_cursor(row=min(table.cursor_row + 1, table.row_count - 1))

    def action_include(self) -> None:
        self._decide("include")

    def action_exclude(self) -> None:
        row = self.current
        if row is None:
            return
        stage = self.review.protocol.stage(self.stage)

        def chosen(choice: object) -> None:
            if isinstance(choice, ReasonChoice) and self.current is row:
                self._decide("exclude", choice.code)

        self.app.push_screen(ReasonPicker(stage), chosen)

    def action_notes(self) -> None:
        row = self.current
        if row is None:
            return
        if row.own_notes:
            notes, heading = row.notes, f"Notes on report {row.work_id}"
        else:
            notes = {}
            heading = (
                f"Notes on report {row.work_id} (its study's reports' notes are "
                "combined on screen; fill in what this report adds)"
            )

        def saved(changed: object) -> None:
            if isinstance(changed, dict) and changed:
                self._save(
                    "fulltext",
                    lambda review, who: fulltext.set_notes(
                        review, row.work_id, changed, reviewer=who
                    ),
                )

        fields = self.review.protocol.fulltext_notes
        self.app.push_screen(NotesEditor(fields, notes, heading), saved)

    def action_link(self) -> None:
        row = self.current
        if row is None:
            return

        def answered(study: object) -> None:
            if isinstance(study, str) and study.isdigit():
                self._save(
                    "fulltext",
                    lambda review, who: fulltext.link_report(
                        review, row.work_id, int(study), reviewer=who
                    ),
                )

        self.app.push_screen(
            TextPrompt(
                f"Link report {row.work_id} to a study",
                "The id of the study's main report (this report's own id makes it its own study "
                "again).",
                value=str(row.study_id),
                required=True,
                digits=True,
            ),
            answered,
        )

    def action_appraise(self) -> None:
        row = self.current
        if row is None or not row.included_study:
            return
        quality = self.review.protocol.quality
        ratings = dict(row.appraisal.ratings) if row.appraisal else {}

        def rated(changed: object) -> None:
            if isinstance(changed, dict) and changed:
                self._save(
                    "appraisal",
                    lambda review, who: appraisal.rate_study(
                        review, row.work_id, changed, reviewer=who
                    ),
                )

        title = row.fields.title or "(no title)"
        self.app.push_screen(AppraisalDialog(quality, row.study_id, ratings, title), rated)

    def action_grade(self) -> None:
        row = self.current
        if row is None or not row.included_study:
            return

        def chosen(choice: object) -> None:
            if isinstance(choice, GradeChoice):
                self._save(
                    "appraisal",
                    lambda review, who: appraisal.override_grade(
                        review, row.work_id, choice.grade, reason=choice.reason, reviewer=who
                    ),
                )

        self.app.push_screen(GradeDialog(self.review.protocol.quality, row.appraisal), chosen)

    def action_undo(self) -> None:
        if not self._history:
            self.notify("Nothing to undo here in this session.", severity="warning")
            return
        kind = self._history.pop()
        stage = self.stage

        def undo(review: Review, who: str) -> object:
            if kind == "decision":
                return session.undo(review, reviewer=who, stage=stage)
            if kind == "appraisal":
                return appraisal.undo_appraisal(review, reviewer=who)
            return fulltext.undo_fulltext(review, reviewer=who)

        def run(reviewer: str) -> None:
            self.write(lambda review: undo(review, reviewer), self._undone)

        self.with_reviewer(run)

    def _undone(self, result: object) -> None:
        if isinstance(result, session.RecordView):
            self._mine.pop(result.record_id, None)
        self.notify("Undone." if result is not None else "Nothing to undo.")

    def action_open_link(self) -> None:
        row = self.current
        url = fulltext_link(row) if row else None
        if url:
            self.app.open_url(url)
            self.notify(f"Opening {url}", markup=False)

    def action_read(self) -> None:
        """The attached PDF's text, with the protocol's terms highlighted."""
        row = self.current
        if row is not None and row.has_file:
            self.app.push_screen(FulltextReader(self, row.work_id, row.fields.title or ""))

    def action_home(self) -> None:
        self.app.pop_screen()

    def write_done(self, *, failed: bool) -> None:
        if self.pending_writes == 0:
            self.load()
