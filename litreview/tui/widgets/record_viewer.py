"""The record being screened: bibliographic fields and the abstract, highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from litreview.report.sanitize import one_line
from litreview.tui.highlight import EXCLUDE_STYLE, INCLUDE_STYLE, highlight

if TYPE_CHECKING:
    from litreview.protocol import Highlight
    from litreview.screening.session import RecordView

MAX_AUTHORS = 12
DECISION_CLASSES = ("is-include", "is-exclude", "is-maybe")


def _literal(text: str, style: str = "") -> Content:
    """One line of untrusted text as literal, sanitised ``Content``."""
    return Content.styled(one_line(text), style) if style else Content(one_line(text))


def _authors(authors: Sequence[str]) -> str:
    shown = [one_line(a) for a in authors[:MAX_AUTHORS]]
    if len(authors) > MAX_AUTHORS:
        shown.append(f"… (+{len(authors) - MAX_AUTHORS} more)")
    return "; ".join(shown)


def legend() -> Content:
    """Explains the two highlight styles in words, so colour is never the only cue."""
    return Content.assemble(
        ("include", INCLUDE_STYLE),
        " terms: bold, underlined · ",
        ("exclude", EXCLUDE_STYLE),
        " terms: reversed, italic",
    )


class RecordViewer(VerticalScroll, can_focus=True):
    """Shows one ``RecordView``; scroll with the arrow and page keys."""

    def compose(self) -> ComposeResult:
        yield Static(id="record-title", markup=False)
        yield Static(id="record-authors", markup=False)
        yield Static(id="record-source", markup=False)
        yield Static(id="record-keywords", markup=False)
        yield Static(id="record-ids", markup=False)
        yield Static(id="record-state", markup=False)
        yield Static(id="record-abstract", markup=False)
        yield Static(legend(), id="record-legend", markup=False)

    def show_record(
        self, view: RecordView, terms: Highlight, *, pending_note: str | None = None
    ) -> None:
        include, exclude = terms.include, terms.exclude
        title = view.title or "(no title)"
        self._set("#record-title", highlight(one_line(title), include, exclude))
        self._set("#record-authors", _literal(_authors(view.authors)) if view.authors else None)
        where = " · ".join(
            part for part in (str(view.year) if view.year else "", one_line(view.journal)) if part
        )
        self._set("#record-source", _literal(where) if where else None)
        keywords = "; ".join(one_line(k) for k in view.keywords)
        self._set(
            "#record-keywords",
            Content("Keywords: ") + highlight(keywords, include, exclude) if keywords else None,
        )
        self._set("#record-ids", _literal(self._ids(view), "dim"))
        self._set("#record-state", self._state(view, pending_note))
        abstract = highlight(view.abstract, include, exclude)
        self._set(
            "#record-abstract",
            abstract if abstract.plain.strip() else Content.styled("(no abstract)", "dim italic"),
        )
        self.query_one("#record-legend").display = bool(include or exclude)
        self.set_class(view.decision is not None, "is-decided")
        for name in DECISION_CLASSES:
            self.set_class(view.decision == name[3:], name)
        self.scroll_home(animate=False)

    def show_message(self, message: str) -> None:
        """Show a notice instead of a record (loading, nothing left to screen...)."""
        self._set("#record-title", Content(message))
        for name in ("authors", "source", "keywords", "ids", "state", "abstract"):
            self._set(f"#record-{name}", None)
        self.query_one("#record-legend").display = False
        self.set_class(False, "is-decided", *DECISION_CLASSES)

    def _set(self, selector: str, content: Content | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = content is not None
        widget.update(content if content is not None else Content())

    @staticmethod
    def _ids(view: RecordView) -> str:
        parts = [f"Record {view.record_id}"]
        if view.doi:
            parts.append(f"DOI {view.doi}")
        elif view.urls:
            parts.append(view.urls[0])
        if view.sources:
            parts.append("from " + ", ".join(view.sources))
        return " · ".join(parts)

    @staticmethod
    def _state(view: RecordView, pending_note: str | None) -> Content | None:
        lines: list[Content] = []
        if view.decision:
            text = f"Current decision: {view.decision}"
            if view.reason:
                text += f" ({view.reason})"
            lines.append(_literal(text, "bold"))
        note = pending_note if pending_note is not None else view.note
        if note:
            saved = "" if pending_note is None else " (saved with your decision)"
            lines.append(Content.styled("Note" + saved + ": ", "italic") + _literal(note))
        return Content("\n").join(lines) if lines else None
