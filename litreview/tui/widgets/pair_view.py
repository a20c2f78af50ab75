"""Two records side by side, field by field, with the fields that differ marked.

A differing field is marked three ways, so colour is never the only cue: a ``≠``
before its name, the word "differs", and the theme's warning border. Each row also
says which record's value the merged work would take (``merge takes A``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from litreview.models import RecordFields
from litreview.report.sanitize import one_line, sanitize

FIELDS: tuple[tuple[str, str], ...] = (
    ("title", "Title"),
    ("authors", "Authors"),
    ("year", "Year"),
    ("journal", "Journal"),
    ("volume", "Volume, issue, pages"),
    ("doi", "DOI"),
    ("type", "Type"),
    ("language", "Language"),
    ("database", "Source"),
    ("keywords", "Keywords"),
    ("abstract", "Abstract"),
)
_NO_MERGE = {"database"}  # the merged work lists every member's source
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FieldComparison:
    name: str
    label: str
    a: str
    b: str
    differs: bool
    takes: str  # "A" | "B" | "both" (same value) | "combined" | "" (nothing / not merged)


def field_text(fields: RecordFields, name: str) -> str:
    """A field as one piece of text (lists joined with ``; ``)."""
    if name == "authors":
        return "; ".join(fields.authors)
    if name == "keywords":
        return "; ".join(fields.keywords)
    if name == "volume":
        pages = "-".join(p for p in (fields.start_page, fields.end_page) if p)
        issue = f"({fields.issue})" if fields.issue else ""
        volume = f"{fields.volume or ''}{issue}"
        return ": ".join(p for p in (volume, pages) if p)
    value = getattr(fields, name)
    return "" if value is None else str(value)


def _normal(text: str) -> str:
    """What the reviewer sees, compared ignoring case and spacing (control characters and
    escape sequences are never shown, so they do not make two values differ)."""
    return _SPACE.sub(" ", sanitize(text)).strip().casefold()


def compare_pair(
    a: RecordFields, b: RecordFields, merged: RecordFields | None
) -> list[FieldComparison]:
    """Every displayed field of ``a`` and ``b``: whether they differ (ignoring case and
    spacing) and which one the merged work takes."""
    rows = []
    for name, label in FIELDS:
        text_a, text_b = field_text(a, name), field_text(b, name)
        takes = ""
        if merged is not None and name not in _NO_MERGE:
            kept = field_text(merged, name)
            if kept and kept == text_a and kept == text_b:
                takes = "both"
            elif kept and kept == text_a:
                takes = "A"
            elif kept and kept == text_b:
                takes = "B"
            elif kept:
                takes = "combined"
        rows.append(
            FieldComparison(name, label, text_a, text_b, _normal(text_a) != _normal(text_b), takes)
        )
    return rows


def row_label(row: FieldComparison) -> Content:
    """``≠ Title · differs · merge takes B`` (or ``= Year · same``)."""
    mark = "≠" if row.differs else "="
    parts = [Content.styled(f"{mark} {row.label}", "bold" if row.differs else "")]
    parts.append(Content.styled("differs" if row.differs else "same", "italic"))
    if row.takes == "combined":
        parts.append(Content("merge combines both"))
    elif row.takes in ("A", "B") and row.differs:
        parts.append(Content(f"merge takes {row.takes}"))
    return Content(" · ").join(parts)


def _value(text: str, name: str) -> Content:
    if not text:
        return Content.styled("(none)", "dim italic")
    return Content(sanitize(text) if name == "abstract" else one_line(text))


class PairView(VerticalScroll, can_focus=True):
    """The pair: a heading per record, then one labelled row per field."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="pair-row pair-heading"):
            yield Static(id="pair-head-a", classes="pair-cell")
            yield Static(id="pair-head-b", classes="pair-cell")
        for name, _ in FIELDS:
            yield Static(id=f"pair-label-{name}", classes="pair-label")
            with Horizontal(classes="pair-row", id=f"pair-row-{name}"):
                yield Static(id=f"pair-a-{name}", classes="pair-cell")
                yield Static(id=f"pair-b-{name}", classes="pair-cell")

    def show_pair(
        self, a_id: int, b_id: int, a: RecordFields, b: RecordFields, merged: RecordFields | None
    ) -> None:
        self.query_one("#pair-head-a", Static).update(Content.styled(f"A: record {a_id}", "bold"))
        self.query_one("#pair-head-b", Static).update(Content.styled(f"B: record {b_id}", "bold"))
        for row in compare_pair(a, b, merged):
            label = self.query_one(f"#pair-label-{row.name}", Static)
            label.update(row_label(row))
            label.set_class(row.differs, "-differs")
            self.query_one(f"#pair-row-{row.name}").set_class(row.differs, "-differs")
            self.query_one(f"#pair-a-{row.name}", Static).update(_value(row.a, row.name))
            self.query_one(f"#pair-b-{row.name}", Static).update(_value(row.b, row.name))
        self.display = True
        self.scroll_home(animate=False)
