"""The duplicates screen: merge, not a duplicate, skip and undo by key, checked in the log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import add_near_duplicates, make_review
from textual.widgets import DataTable
from tui_helpers import make_test_app, rendered_text, settle

from litreview.models import Event
from litreview.storage.events import iter_events
from litreview.storage.review import Review
from litreview.storage.works import list_pairs, work_of
from litreview.tui.screens.duplicates import DuplicatesScreen
from litreview.tui.screens.help import HelpScreen
from litreview.tui.widgets.pair_view import PairView

SIZE = (100, 32)
LITERAL = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.fixture
def dup_review(tmp_path: Path) -> Iterator[Review]:
    """Pairs (2, 9) (the hostile record twice) and (3, 10) wait for review."""
    review = make_review(tmp_path / "r.db")
    add_near_duplicates(review)
    yield review
    review.close()


def dedup_events(review: Review) -> list[Event]:
    return list(iter_events(review.db, kind="dedup"))


def screen(app: object) -> DuplicatesScreen:
    found = app.screen  # type: ignore[attr-defined]
    assert isinstance(found, DuplicatesScreen)
    return found


def current_key(app: object) -> tuple[int, int] | None:
    current = screen(app).current
    return None if current is None else current.key


async def test_merge_then_not_duplicate(dup_review: Review) -> None:
    app = make_test_app(dup_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert current_key(app) == (2, 9)
        await pilot.press("m")
        assert current_key(app) == (3, 10)  # the next pair at once
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert current_key(app) is None
        assert "No possible duplicates left" in rendered_text(app.screen)
    merge, different = dedup_events(dup_review)
    assert (merge.value, merge.record_id, merge.other_record_id, merge.reviewer) == (
        "merge",
        2,
        9,
        "ann",
    )
    assert (different.value, different.record_id, different.other_record_id) == (
        "not_duplicate",
        3,
        10,
    )
    assert work_of(dup_review.db, 9) == 2
    assert list_pairs(dup_review.db, "needs_review") == []


async def test_skip_and_undo(dup_review: Review) -> None:
    app = make_test_app(dup_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("s")
        assert current_key(app) == (3, 10)
        await pilot.press("n")
        await settle(pilot)
        assert current_key(app) == (2, 9)  # the skipped pair, nothing else left
        await pilot.press("u")
        await settle(pilot)
        assert current_key(app) == (3, 10)  # undone: the pair is back, shown first
    [different] = dedup_events(dup_review)
    [undo] = list(iter_events(dup_review.db, kind="undo"))
    assert undo.reverts_event_id == different.event_id and undo.reviewer == "ann"
    assert len(list_pairs(dup_review.db, "needs_review")) == 2


async def test_pair_side_by_side_literal_and_differences_marked(dup_review: Review) -> None:
    app = make_test_app(dup_review, reviewer="ann")
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        view = app.screen.query_one(PairView)
        title_a = rendered_text(view.query_one("#pair-a-title"))
        title_b = rendered_text(view.query_one("#pair-b-title"))
        assert LITERAL in title_a and LITERAL in title_b
        text = rendered_text(view)
        assert "\x1b" not in text and "Mallory, [i]Eve[/i]" in text
        year = rendered_text(view.query_one("#pair-label-year"))
        assert "≠ Year" in year and "differs" in year and "merge takes A" in year
        assert "= Title" in rendered_text(view.query_one("#pair-label-title"))
        # the journal differs only by an escape sequence nobody sees: not a difference
        assert "same" in rendered_text(view.query_one("#pair-label-journal"))
        assert view.query_one("#pair-label-year").has_class("-differs")
        summary = rendered_text(app.screen.query_one("#dups-summary"))
        assert "Pair 1 of 2" in summary and "records 2 and 9" in summary


async def test_help_lists_the_duplicates_keys(dup_review: Review) -> None:
    app = make_test_app(dup_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        for row in (
            ["m", "Merge", "dups.merge"],
            ["n", "Not a duplicate", "dups.different"],
            ["s", "Skip", "dups.skip"],
            ["u", "Undo", "dups.undo"],
            ["esc", "Home", "dups.home"],
        ):
            assert row in rows, rows
