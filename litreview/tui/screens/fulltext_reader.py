"""The text of a report's attached PDF: scrollable, with page markers and the protocol's
include/exclude terms highlighted; ``h``/``H`` jump to the next/previous hit, ``o``
opens the PDF in the system viewer, and ``i``/``e``/``n`` decide and take notes
exactly as on the full-text list (the list screen does the writing).

The text is read and highlighted in a worker thread, so a 300-page PDF does not block
the UI. Lines are not wrapped (a PDF's text lines are short), so a hit's line is its
row on screen and a jump scrolls straight to it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.content import Content, Span
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker

from litreview.fulltext.files import get_attachment, get_pages, stored_location
from litreview.report.sanitize import one_line, sanitize
from litreview.storage.review import Review, open_review
from litreview.tui.failures import USER_ERRORS
from litreview.tui.highlight import EXCLUDE_STYLE, INCLUDE_STYLE, find_terms
from litreview.tui.shell import review_app


class ReaderOwner(Protocol):
    """The list screen the reader was opened from: its review, and it does the writing."""

    @property
    def review(self) -> Review: ...

    def action_include(self) -> None: ...

    def action_exclude(self) -> None: ...

    def action_notes(self) -> None: ...


PAGE_STYLE = "bold $text-muted"


@dataclass(frozen=True)
class Hit:
    line: int  # 0-based line in the shown text
    page: int
    term: str


@dataclass(frozen=True)
class ShownText:
    content: Content
    hits: tuple[Hit, ...]
    pages: int


def build_text(pages: list[str], include: tuple[str, ...], exclude: tuple[str, ...]) -> ShownText:
    """The pages as one text with ``--- page N ---`` markers, terms styled, and the hits."""
    parts: list[str] = []
    markers: list[tuple[int, int, int]] = []  # (start, end, page)
    offset = 0
    for number, page in enumerate(pages, 1):
        marker = f"─── page {number} ───"
        markers.append((offset, offset + len(marker), number))
        body = sanitize(page).rstrip("\n")
        chunk = f"{marker}\n{body}\n\n"
        parts.append(chunk)
        offset += len(chunk)
    text = "".join(parts)
    spans = [Span(start, end, PAGE_STYLE) for start, end, _ in markers]
    hits: list[Hit] = []
    starts = [start for start, _, _ in markers]
    line, counted = 0, 0
    for match in find_terms(text, include, exclude):
        style = INCLUDE_STYLE if match.kind == "include" else EXCLUDE_STYLE
        spans.append(Span(match.start, match.end, style))
        line += text.count("\n", counted, match.start)
        counted = match.start
        hits.append(Hit(line, bisect.bisect_right(starts, match.start), match.term))
    return ShownText(Content(text, spans, strip_control_codes=False), tuple(hits), len(pages))


class FulltextReader(Screen[None]):
    """Read one report's full text; decide from here."""

    BINDINGS = [
        Binding("h", "next_hit", "Next hit", id="ftr.next_hit"),
        Binding("H", "previous_hit", "Previous hit", key_display="H", id="ftr.previous_hit"),
        Binding("i", "include", "Include", id="ftr.include"),
        Binding("e", "exclude", "Exclude", id="ftr.exclude"),
        Binding("n", "notes", "Notes", id="ftr.notes"),
        Binding("o", "open_pdf", "Open PDF", id="ftr.open"),
        Binding("escape", "close", "Back", id="ftr.back"),
    ]
    DEFAULT_CSS = """
    FulltextReader #ftr-scroll { height: 1fr; }
    FulltextReader #ftr-text { width: auto; }
    """

    @dataclass
    class Loaded(Message):
        shown: ShownText

    def __init__(self, owner: ReaderOwner, work_id: int, title: str) -> None:
        super().__init__()
        self.owner = owner
        self.work_id = work_id
        self.title_text = title
        self.hits: tuple[Hit, ...] = ()
        self.hit_index = -1

    def compose(self) -> ComposeResult:
        yield Static(
            Content.styled(one_line(f"[{self.work_id}] {self.title_text}"), "bold"),
            classes="screen-title",
        )
        yield Static(Content("Loading the text…"), id="ftr-status", classes="screen-summary")
        with ScrollableContainer(id="ftr-scroll"):
            yield Static(Content(""), id="ftr-text")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#ftr-scroll").focus()
        self.load()

    @work(thread=True, exclusive=True, group="ftr-load", exit_on_error=False)
    def load(self) -> None:
        path = self.owner.review.path
        highlight = self.owner.review.protocol.highlight
        with open_review(path) as review:
            pages = get_pages(review, self.work_id)
        self.post_message(
            self.Loaded(build_text(pages, tuple(highlight.include), tuple(highlight.exclude)))
        )

    @on(Worker.StateChanged)
    def _report_worker_error(self, event: Worker.StateChanged) -> None:
        review_app(self).worker_failed(event.worker)  # the message never bubbles to the app

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        shown = message.shown
        self.hits = shown.hits
        self.query_one("#ftr-text", Static).update(shown.content)
        self._status()

    def _status(self, extra: str = "") -> None:
        if not self.hits:
            hits = "no highlight terms found"
        elif self.hit_index < 0:
            hits = f"{len(self.hits)} hits (h: next, H: previous)"
        else:
            hit = self.hits[self.hit_index]
            hits = f"hit {self.hit_index + 1} of {len(self.hits)}: {hit.term} on page {hit.page}"
        status = self.query_one("#ftr-status", Static)
        status.update(Content(f"{hits}{extra}"))

    def _jump(self, step: int) -> None:
        if not self.hits:
            self.notify("No highlight terms in this text.", severity="warning")
            return
        self.hit_index = (self.hit_index + step) % len(self.hits)
        hit = self.hits[self.hit_index]
        self.query_one("#ftr-scroll", ScrollableContainer).scroll_to(
            y=max(0, hit.line - 3), animate=False
        )
        self._status()

    def action_next_hit(self) -> None:
        self._jump(1)

    def action_previous_hit(self) -> None:
        self._jump(-1 if self.hit_index >= 0 else 0)

    def action_include(self) -> None:
        self.app.pop_screen()
        self.owner.action_include()

    def action_exclude(self) -> None:
        self.app.pop_screen()
        self.owner.action_exclude()

    def action_notes(self) -> None:
        self.owner.action_notes()

    def action_open_pdf(self) -> None:
        try:  # on the UI thread: a read of the review and a look at the disk
            found = get_attachment(self.owner.review, self.work_id)
            if found is None:
                return
            path = stored_location(self.owner.review, found.path)
            if not Path(path).is_file():
                self.notify(f"The file is missing: {path}", severity="error", markup=False)
                return
            uri = Path(path).resolve().as_uri()
        except USER_ERRORS as exc:
            review_app(self).report_failure(exc, "The PDF cannot be opened")
            return
        self.app.open_url(uri)
        self.notify(f"Opening {path}", markup=False)

    def action_close(self) -> None:
        self.app.pop_screen()
