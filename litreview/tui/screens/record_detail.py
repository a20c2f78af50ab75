"""A record in full: every bibliographic field, where it came from, its duplicates,
the decision at each stage, and its study's grade and codes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from litreview.protocol import Protocol
from litreview.report.sanitize import one_line, sanitize
from litreview.report.screen_data import BrowseRow
from litreview.tui.screens.modals import CANCEL
from litreview.tui.screens.prompts import Dialog
from litreview.tui.widgets.pair_view import field_text

FIELD_LINES = (
    ("authors", "Authors"),
    ("year", "Year"),
    ("journal", "Journal"),
    ("volume", "Volume, issue, pages"),
    ("doi", "DOI"),
    ("type", "Type"),
    ("language", "Language"),
    ("keywords", "Keywords"),
)


def _line(label: str, text: str) -> Content:
    return Content.styled(f"{label}: ", "bold") + Content(one_line(text))


def decision_lines(row: BrowseRow, protocol: Protocol) -> list[Content]:
    lines = []
    for stage in protocol.stages:
        found = row.work.decisions.get(stage.name)
        if found is None:
            state = "not decided yet" if stage.name in row.stages else "—"
        else:
            labels = {r.code: r.label for r in stage.exclusion_reasons}
            state = found.value
            if found.reason:
                state += f" — {labels.get(found.reason, found.reason)}"
            if found.reviewer:
                state += f" (by {found.reviewer})"
            if found.note:
                state += f"; note: {found.note}"
        lines.append(_line(stage.label, state))
    return lines


def study_lines(row: BrowseRow, protocol: Protocol) -> list[Content]:
    if row.study_id is None:
        return []
    lines = [_line("Study", f"included study {row.study_id}")]
    if row.grade:
        lines.append(_line("Grade", row.grade))
    for dim in protocol.codebook:
        code = row.codes.get(dim.name)
        if code is None:
            continue
        labels = {v.name: v.label for v in dim.values}
        text = code.text or "; ".join(labels.get(v, v) for v in code.values)
        lines.append(_line(dim.label, text + (f" ({code.detail})" if code.detail else "")))
    return lines


def describe(row: BrowseRow, protocol: Protocol) -> Content:
    """The whole record as literal text, sanitised."""
    fields = row.work.fields
    lines = [Content.styled(one_line(fields.title or "(no title)"), "bold")]
    lines += [
        _line(label, field_text(fields, name))
        for name, label in FIELD_LINES
        if field_text(fields, name)
    ]
    if fields.urls:
        lines.append(_line("URLs", " ".join(fields.urls)))
    lines.append(_line("Sources", ", ".join(row.sources) or "—"))
    if len(row.members) > 1:
        lines.append(_line("Duplicate records", ", ".join(map(str, row.members))))
    lines += decision_lines(row, protocol) + study_lines(row, protocol)
    abstract = sanitize(fields.abstract) or "(no abstract)"
    lines += [Content.styled("Abstract", "bold"), Content(abstract)]
    return Content("\n").join(lines)


class RecordDetail(Dialog):
    """One work of the browse list, in full; Escape closes it."""

    BINDINGS = [CANCEL, Binding("enter", "cancel", "Close", show=False, id="detail.close")]

    def __init__(self, row: BrowseRow, protocol: Protocol) -> None:
        super().__init__()
        self.row = row
        self.protocol = protocol

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="detail-dialog"):
            yield Static(
                Content.styled(f"Record {self.row.work_id}", "bold"), classes="dialog-title"
            )
            with VerticalScroll(id="detail-body"):
                yield Static(describe(self.row, self.protocol), id="detail-text")
            yield Static(Content.styled("↑↓ scroll · Escape closes", "dim"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
