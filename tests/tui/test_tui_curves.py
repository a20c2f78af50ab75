"""The includes-found curve on the home screen and the last-100 inclusion rate in the
screening header: the same numbers as `status --json` and `plot recall`."""

from __future__ import annotations

from textual.widgets import Sparkline
from tui_helpers import make_test_app, rendered_text, settle

from litreview.report.plot_data import live_recall
from litreview.report.status import review_status
from litreview.screening import session
from litreview.storage.review import Review
from litreview.tui.screens.home import CURVE_POINTS, HomeScreen, includes_curve
from litreview.tui.screens.screening import ScreeningScreen

SIZE = (100, 32)


async def test_home_curve_is_the_includes_found_so_far(tui_review: Review) -> None:
    said = ["include", "exclude", "include", "exclude", "exclude"]
    for decision, view in zip(said, session.next_records(tui_review, "title", n=5), strict=True):
        session.decide(
            tui_review,
            view.record_id,
            decision,
            stage="title",
            reviewer="ann",
            reason=None if decision == "include" else "2",
        )
    app = make_test_app(tui_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        title_curve = app.screen.query_one("#home-curve-0", Sparkline)
        abstract_curve = app.screen.query_one("#home-curve-1", Sparkline)
        assert list(title_curve.data or []) == [1, 1, 2, 2, 2]
        assert list(abstract_curve.data or []) == []
        status = review_status(tui_review)
        assert title_curve.data[-1] == status["stopping"]["title"]["found"] == 2  # type: ignore[index]
        assert list(live_recall(tui_review, "title").found) == [1, 1, 2, 2, 2]
        assert title_curve.region.width > 0
        assert "Title screening: includes found" in rendered_text(app.screen.query_one("#home"))


def test_long_curves_are_thinned_keeping_the_last_point(tui_review: Review) -> None:
    views = session.next_records(tui_review, "title", n=8)
    for i, view in enumerate(views):
        session.decide(
            tui_review,
            view.record_id,
            "include" if i % 3 == 0 else "exclude",
            stage="title",
            reviewer="ann",
            reason=None if i % 3 == 0 else "2",
        )
    full = includes_curve(tui_review, "title", points=CURVE_POINTS)
    thinned = includes_curve(tui_review, "title", points=3)
    assert full == [1, 1, 1, 2, 2, 2, 3, 3]
    assert len(thinned) == 3 and thinned[-1] == full[-1]
    assert thinned == sorted(thinned)


async def test_screening_header_shows_the_last_100_inclusion_rate(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)
        header = app.screen.query_one("#header-counts")
        assert "last" not in rendered_text(header)  # nothing screened yet
        await pilot.press("i")
        await pilot.press("e", "2")
        await pilot.press("e", "2")
        await pilot.press("i")
        await settle(pilot)
        assert "last 4: 50% in" in rendered_text(header)
