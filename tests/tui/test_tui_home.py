"""The home screen: the review at a glance, and the counts follow the decisions."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import make_test_app, rendered_text, settle

from litreview.storage.review import Review
from litreview.tui.screens.home import HomeScreen
from litreview.tui.screens.screening import ScreeningScreen

SIZE = (100, 32)


def stage_rows(app: object) -> dict[str, list[str]]:
    table = app.screen.query_one("#home-stages", DataTable)  # type: ignore[attr-defined]
    return {
        str(row_key.value): [cell.plain for cell in table.get_row(row_key)]
        for row_key in table.rows
    }


async def test_home_shows_sources_and_stage_counts(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        rows = stage_rows(app)
        assert list(rows) == ["title", "abstract", "fulltext"]
        assert rows["title"] == ["Title screening", "0", "0", "0", "0", "8"]
        summary = rendered_text(app.screen.query_one("#home-summary"))
        assert "8 records from 1 source" in summary
        sources = app.screen.query_one("#home-sources", DataTable)
        assert [c.plain for c in sources.get_row_at(0)] == ["screening", "screening.ris", "", "8"]


async def test_counts_move_after_a_decision(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # screen the highlighted stage
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("e", "2")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        rows = stage_rows(app)
        assert rows["title"] == ["Title screening", "2", "1", "1", "0", "6"]
        assert rows["abstract"][-1] == "1"  # the include moves on to the next stage


async def test_s_opens_the_highlighted_stage(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)
        assert app.screen.stage_name == "title"
