"""The full-text screen's lower pane: one report, its retrieval, eligibility decision,
study, notes and quality appraisal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from litreview.report.sanitize import one_line, sanitize

if TYPE_CHECKING:
    from litreview.models import RecordFields
    from litreview.protocol import Protocol, Quality
    from litreview.report.screen_data import ReportRow


def _heading(text: str) -> Content:
    return Content.styled(text, "bold")


def bibliographic(fields: RecordFields) -> Content:
    """Title (bold), authors, year · journal, DOI: every piece literal and sanitised."""
    lines = [Content.styled(one_line(fields.title or "(no title)"), "bold")]
    if fields.authors:
        lines.append(Content(one_line("; ".join(fields.authors[:12]))))
    where = " · ".join(p for p in (str(fields.year or ""), one_line(fields.journal)) if p)
    if where:
        lines.append(Content.styled(where, "dim"))
    if fields.doi:
        lines.append(Content.styled("DOI " + one_line(fields.doi), "dim"))
    return Content("\n").join(lines)


def retrieval_text(row: ReportRow) -> Content:
    if row.status == "retrieved":
        where = one_line(row.location) if row.location else "no location recorded"
        return Content.assemble(("Full text: ", "bold"), "✓ retrieved — ", where)
    if row.status == "requested":
        return Content.assemble(
            ("Full text: ", "bold"), "… requested from ", one_line(row.not_retrieved_reason)
        )
    if row.status == "not_retrieved":
        return Content.assemble(
            ("Full text: ", "bold"), "✗ not retrieved — ", one_line(row.not_retrieved_reason)
        )
    return Content.assemble(
        ("Full text: ", "bold"), ("not recorded yet (r: retrieved, x: not retrieved)", "italic")
    )


def decision_text(row: ReportRow, protocol: Protocol, stage: str, mine: str | None) -> Content:
    """The eligibility decision at the full-text stage, with its reason's label."""
    head = Content.styled("Eligibility: ", "bold")
    if row.decision is None:
        if mine:
            return head + Content(f"you said {mine}; waiting for the second reviewer")
        return head + Content.styled("not assessed (i: include, e: exclude)", "italic")
    text = row.decision
    if row.reason:
        labels = {r.code: r.label for r in protocol.stage(stage).exclusion_reasons}
        text += f" — {labels.get(row.reason, row.reason)}"
    return head + Content(one_line(text))


def study_text(row: ReportRow) -> Content:
    head = Content.styled("Study: ", "bold")
    if row.study_id != row.work_id:
        return head + Content(f"a report of study {row.study_id}")
    others = [str(r) for r in row.study_reports if r != row.work_id]
    if others:
        return head + Content(f"its own study, with reports {', '.join(others)}")
    return head + Content("its own study (l links it to another)")


def notes_text(row: ReportRow, protocol: Protocol) -> Content:
    lines = [_heading("Notes")]
    if not protocol.fulltext_notes:
        lines.append(Content.styled("  (the protocol defines no notes fields)", "dim"))
    for note in protocol.fulltext_notes:
        text = row.notes.get(note.name, "")
        body = Content(sanitize(text)) if text else Content.styled("—", "dim")
        lines.append(Content.styled(f"  {one_line(note.label)}: ", "italic") + body)
    return Content("\n").join(lines)


def appraisal_text(row: ReportRow, quality: Quality) -> Content:
    """The quality criteria with the study's ratings and scale, and the grade."""
    lines = [_heading("Quality appraisal")]
    if not row.included_study:
        lines.append(
            Content.styled(
                "  Appraisal applies to included studies: include the report first (i).", "italic"
            )
        )
        return Content("\n").join(lines)
    ratings = row.appraisal.ratings if row.appraisal else {}
    scores = {s.name: s.score for s in quality.scale}
    for criterion in quality.criteria:
        level = ratings.get(criterion.name)
        rated = f"{level} ({scores.get(level, '?')})" if level else "— not rated"
        lines.append(Content(f"  {one_line(criterion.label)}: {one_line(rated)}"))
    scale = " · ".join(f"{s.name} = {s.score}" for s in quality.scale)
    lines.append(Content.styled(f"  Scale: {one_line(scale)} (a rates)", "dim"))
    lines.append(grade_text(row))
    return Content("\n").join(lines)


def grade_text(row: ReportRow) -> Content:
    head = Content.styled("Grade: ", "bold")
    appraisal = row.appraisal
    if appraisal is None or appraisal.grade is None:
        rated = len(appraisal.ratings) if appraisal else 0
        return head + Content(f"— ({rated} criteria rated; g sets a grade by hand)")
    if appraisal.override:
        computed = appraisal.computed_grade or "none yet"
        return head + Content(
            one_line(
                f"{appraisal.override} — set by hand (computed: {computed}): "
                f"{appraisal.override_reason or ''}"
            )
        )
    return head + Content(one_line(f"{appraisal.grade} (computed; score {appraisal.score:g})"))


class ReportDetail(VerticalScroll, can_focus=True):
    """Everything about one report sought at the full-text stage."""

    def compose(self) -> ComposeResult:
        for name in ("record", "retrieval", "decision", "study", "notes", "appraisal"):
            yield Static(id=f"ft-{name}", classes="ft-section")

    def show_report(
        self, row: ReportRow | None, protocol: Protocol, stage: str, mine: str | None = None
    ) -> None:
        if row is None:
            self.query_one("#ft-record", Static).update(
                Content("No reports sought yet: include records at the stage before full text.")
            )
            for name in ("retrieval", "decision", "study", "notes", "appraisal"):
                self.query_one(f"#ft-{name}", Static).update(Content())
            return
        self.query_one("#ft-record", Static).update(
            Content.styled(f"Report {row.work_id}", "dim")
            + Content("\n")
            + bibliographic(row.fields)
        )
        self.query_one("#ft-retrieval", Static).update(retrieval_text(row))
        self.query_one("#ft-decision", Static).update(decision_text(row, protocol, stage, mine))
        self.query_one("#ft-study", Static).update(study_text(row))
        self.query_one("#ft-notes", Static).update(notes_text(row, protocol))
        appraisal = self.query_one("#ft-appraisal", Static)
        appraisal.display = bool(protocol.quality.criteria)
        appraisal.update(appraisal_text(row, protocol.quality))
