"""The browse screen: filter by stage, decision, reason, source, grade and code; sort;
search; open a record. Browsing writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import add_near_duplicates, include_studies, make_review
from textual.widgets import DataTable, OptionList
from tui_helpers import make_test_app, rendered_text, settle

from litreview.appraisal.ratings import override_grade
from litreview.coding.codes import CodeValue, set_codes
from litreview.screening import session
from litreview.storage.events import count_events
from litreview.storage.review import Review
from litreview.tui.screens.browse import BrowseScreen, FilterDialog
from litreview.tui.screens.record_detail import RecordDetail

SIZE = (110, 36)
LITERAL = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.fixture
def browse_review(tmp_path: Path) -> Iterator[Review]:
    """Ten records; 1-3 included studies (1 graded low, 3 coded RCT); 4 and 7 excluded at
    title (7 as wrong population); records 9 and 10 from a second source."""
    review = make_review(tmp_path / "r.db")
    add_near_duplicates(review)
    include_studies(review, [1, 2, 3])
    session.decide(review, 4, "exclude", stage="title", reviewer="ann", reason="wrong-design")
    session.decide(review, 7, "exclude", stage="title", reviewer="ann", reason="1")
    override_grade(review, 1, "low", reason="tiny sample", reviewer="ann")
    set_codes(review, 3, {"study_design": CodeValue(("rct",))}, reviewer="ann")
    yield review
    review.close()


def shown_ids(app: object) -> list[int]:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, BrowseScreen)
    return [row.work_id for row in screen.shown]


async def pick_filter(pilot: object, words: str, label: str) -> None:
    """f, type ``words`` to narrow the filters, then pick the one labelled ``label``."""
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press("f", *words)  # type: ignore[attr-defined]
    dialog = app.screen
    assert isinstance(dialog, FilterDialog)
    options = dialog.query_one("#filter-options", OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    await pilot.press(*["down"] * labels.index(label), "enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def open_browse(pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("b")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_filters_by_every_facet(browse_review: Review) -> None:
    events_before = count_events(browse_review.db)
    app = make_test_app(browse_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_browse(pilot)
        assert shown_ids(app) == list(range(1, 11))
        await pick_filter(pilot, "exc", "Decision: exclude")
        assert shown_ids(app) == [4, 7]
        await pick_filter(pilot, "pop", "Reason: Title screening — Wrong population")
        assert shown_ids(app) == [7]
        await pilot.press("x")
        await pick_filter(pilot, "ful", "Stage: Full-text assessment")
        assert shown_ids(app) == [1, 2, 3]
        await pick_filter(pilot, "inc", "Decision: include")
        assert shown_ids(app) == [1, 2, 3]
        await pick_filter(pilot, "low", "Grade: low")
        assert shown_ids(app) == [1]
        await pilot.press("x")
        await pick_filter(pilot, "rand", "Code: Study design = Randomised controlled trial")
        assert shown_ids(app) == [3]
        await pilot.press("x")
        await pick_filter(pilot, "oth", "Source: Other DB")
        assert shown_ids(app) == [9, 10]
        await pick_filter(pilot, "und", "Decision: undecided")
        assert shown_ids(app) == [9, 10]
        summary = rendered_text(app.screen.query_one("#browse-summary"))
        assert "2 of 10 works" in summary and "Source: Other DB" in summary
    assert count_events(browse_review.db) == events_before


async def test_sort_search_and_open_a_record(browse_review: Review) -> None:
    app = make_test_app(browse_review, reviewer="ann")
    async with app.run_test(size=(130, 40)) as pilot:
        await open_browse(pilot)
        await pilot.press("o", "o")  # sort by year, newest first
        years = [row.work.fields.year for row in app.screen.shown]  # type: ignore[attr-defined]
        assert years == sorted(years, reverse=True)
        await pilot.press("slash", *"bold", "enter", "o", "o")  # back to record id order
        await settle(pilot)
        assert shown_ids(app) == [2, 9]
        table = rendered_text(app.screen.query_one("#browse-table", DataTable))
        assert LITERAL in table and "\x1b" not in table
        await pilot.press("enter")
        detail = app.screen
        assert isinstance(detail, RecordDetail)
        text = rendered_text(detail.query_one("#detail-text"))
        assert LITERAL in text and "Mallory, [i]Eve[/i]" in text and "[b]markup[/b]" in text
        assert "\x1b" not in text and "\u202e" not in text
        assert "Full-text assessment: include (by ann)" in text
        await pilot.press("escape")
        assert isinstance(app.screen, BrowseScreen)
