"""The full-text reader: an attached PDF's text with highlighted terms, hit jumps, page
markers, and decisions that land at the full-text stage."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import make_review, pass_screening
from textual.containers import ScrollableContainer
from tui_helpers import make_test_app, rendered_text, settle

from litreview.fulltext.files import attach_paths
from litreview.storage.events import iter_events
from litreview.storage.review import Review
from litreview.tui.highlight import EXCLUDE_STYLE, INCLUDE_STYLE
from litreview.tui.screens.fulltext import FulltextScreen
from litreview.tui.screens.fulltext_reader import FulltextReader, build_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from pdf_helpers import write_pdf  # noqa: E402

SIZE = (100, 30)
FILLER = [f"line {n} of ordinary methods text" for n in range(45)]


@pytest.fixture
def reader_review(tmp_path: Path) -> Iterator[Review]:
    """Reports 1 and 3 sought at full text; 1 has a PDF whose terms sit on pages 2 and 4."""
    review = make_review(tmp_path / "r.db")
    pass_screening(review, [1, 3])
    pages = [
        "\n".join(["Background", *FILLER]),
        "\n".join([*FILLER[:30], "Families were randomised by cluster.", *FILLER[30:]]),
        "\n".join(FILLER),
        "\n".join([*FILLER[:40], "No adults were studied; child protection staff only."]),
    ]
    pdf = write_pdf(tmp_path / "study.pdf", pages)
    (outcome,) = attach_paths(review, [pdf], record_id=1)
    assert outcome.status == "attached"
    yield review
    review.close()


def test_build_text_marks_pages_terms_and_hit_lines() -> None:
    shown = build_text(["a\nrandomised", "b", "adults \x1b[31m here"], ("randomi*",), ("adult*",))
    text = shown.content.plain
    assert text.startswith("─── page 1 ───\na\nrandomised")
    assert "─── page 3 ───\nadults" in text and "\x1b" not in text
    assert [(h.line, h.page, h.term) for h in shown.hits] == [(2, 1, "randomi*"), (8, 3, "adult*")]
    styles = {span.style for span in shown.content.spans}
    assert INCLUDE_STYLE in styles and EXCLUDE_STYLE in styles


async def test_reader_highlights_jumps_and_decides(reader_review: Review) -> None:
    app = make_test_app(reader_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FulltextScreen) and app.screen.current is not None
        assert app.screen.current.work_id == 1 and app.screen.current.has_file
        await pilot.press("t")
        await settle(pilot)
        reader = app.screen
        assert isinstance(reader, FulltextReader)
        assert "─── page 1 ───" in rendered_text(reader.query_one("#ftr-scroll"))
        status = rendered_text(reader.query_one("#ftr-status"))
        assert "3 hits" in status
        scroll = reader.query_one("#ftr-scroll", ScrollableContainer)
        assert scroll.scroll_y == 0
        await pilot.press("h")
        await settle(pilot)
        assert "hit 1 of 3: randomi* on page 2" in rendered_text(reader.query_one("#ftr-status"))
        first = scroll.scroll_y
        assert first > 30  # page 2's line 31 is below the first screen
        await pilot.press("h")
        await settle(pilot)
        assert "hit 2 of 3: adult* on page 4" in rendered_text(reader.query_one("#ftr-status"))
        assert scroll.scroll_y > first
        assert "adults" in rendered_text(scroll)  # the hit is on screen
        await pilot.press("H")
        await settle(pilot)
        assert "hit 1 of 3" in rendered_text(reader.query_one("#ftr-status"))
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, FulltextScreen)
    decisions = [e for e in iter_events(reader_review.db, kind="decision") if e.stage == "fulltext"]
    assert [(e.record_id, e.value, e.reviewer) for e in decisions] == [(1, "include", "ann")]


async def test_no_reader_without_a_file(reader_review: Review) -> None:
    app = make_test_app(reader_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("down")  # report 3 has no PDF
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, FulltextScreen)
