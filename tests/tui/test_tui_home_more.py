"""The home screen's newer parts: stopping rules and the stop key, duplicates pending,
studies, team agreement and whose turn it is; keys to every screen; blinded screening."""

from __future__ import annotations

from pathlib import Path

from review_builders import add_near_duplicates, include_studies, make_conflicts, make_review
from textual.widgets import DataTable
from tui_helpers import make_test_app, rendered_text, settle

from litreview.screening import session
from litreview.storage.events import iter_events
from litreview.tui.screens.browse import BrowseScreen
from litreview.tui.screens.coding import CodingScreen
from litreview.tui.screens.conflicts import ConflictsScreen
from litreview.tui.screens.duplicates import DuplicatesScreen
from litreview.tui.screens.fulltext import FulltextScreen
from litreview.tui.screens.help import HelpScreen
from litreview.tui.screens.home import HomeScreen
from litreview.tui.screens.modals import SearchDialog
from litreview.tui.screens.prompts import ConfirmDialog
from litreview.tui.screens.screening import ScreeningScreen
from litreview.tui.widgets.record_viewer import RecordViewer

SIZE = (110, 48)


async def test_home_shows_stopping_duplicates_and_studies(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db")
    add_near_duplicates(review)
    include_studies(review, [1, 3])
    app = make_test_app(review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        summary = rendered_text(app.screen.query_one("#home-summary"))
        assert "2 possible duplicates to review (d)" in summary
        stopping = " ".join(rendered_text(app.screen.query_one("#home-stopping")).split())
        assert "Title screening: recall ≈" in stopping and "2 found in 2/10 screened" in stopping
        assert "Rules: default (random check) says: keep screening" in stopping
        studies = " ".join(rendered_text(app.screen.query_one("#home-studies")).split())
        assert "2 reports in 2 included studies" in studies
        assert "Quality: none yet (0 of 2 studies graded)" in studies
        assert "Coding: 0 of 2 studies fully coded" in studies
    review.close()


async def test_t_stops_and_resumes_screening_after_confirming(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db")
    session.decide(review, 1, "include", stage="title", reviewer="ann")
    app = make_test_app(review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        body = " ".join(rendered_text(dialog).split())
        assert "Stop screening Title screening?" in body
        assert "default rule (random check) says: keep screening" in body
        assert "7 records left unscreened will count as excluded" in body
        await pilot.press("n")  # changed my mind
        await settle(pilot)
        assert list(iter_events(review.db, kind="stop_screening")) == []
        await pilot.press("t", "y")
        await settle(pilot)
        assert "■ Screening stopped by ann" in rendered_text(app.screen.query_one("#home-stopping"))
        table = app.screen.query_one("#home-stages", DataTable)
        assert table.get_row("title")[-1].plain == "0"  # nothing left to screen
        await pilot.press("t")
        assert "Resume screening" in rendered_text(app.screen)
        await pilot.press("enter")
        await settle(pilot)
    [stop] = list(iter_events(review.db, kind="stop_screening"))
    assert (stop.stage, stop.value, stop.reviewer) == ("title", "random_check", "ann")
    [undo] = list(iter_events(review.db, kind="undo"))
    assert undo.reverts_event_id == stop.event_id
    review.close()


async def test_dual_home_shows_agreement_conflicts_and_whose_turn(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db", dual=True)
    make_conflicts(review)
    session.decide(review, 6, "include", stage="title", reviewer="bob")
    app = make_test_app(review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        team = " ".join(rendered_text(app.screen.query_one("#home-team")).split())
        assert "Title screening: ann & bob both decided 4 · agreement 50.0%" in team
        assert "kappa" in team and "PABAK" in team and "conflicts 2 (0 resolved)" in team
        assert "ann (you) 4 left · bob 3 left — your turn" in team
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)
    review.close()


async def test_keys_open_every_screen_and_help_lists_them(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db")
    app = make_test_app(review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screens = {"d": DuplicatesScreen, "f": FulltextScreen, "c": CodingScreen, "b": BrowseScreen}
        for key, kind in screens.items():
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, kind), key
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
        await pilot.press("k")  # single screening: no conflicts screen
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        expected = [
            ["d", "Duplicates", "home.duplicates"],
            ["f", "Full text", "home.fulltext"],
            ["c", "Coding", "home.coding"],
            ["b", "Browse", "home.browse"],
            ["k", "Conflicts", "home.conflicts"],
            ["t", "Stop/resume", "home.stop"],
            ["s", "Screen stage", "home.screen"],
        ]
        for row in expected:
            assert row in rows, rows
    review.close()


async def test_blinded_screening_hides_the_other_reviewers_decision(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db", dual=True)
    session.decide(review, 6, "include", stage="title", reviewer="ann", note="ann's note")
    app = make_test_app(review, reviewer="bob", start="screen", stage="title")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        header = rendered_text(app.screen.query_one("#header-counts"))
        assert "8 left for you · blinded" in header
        await pilot.press("slash", *"Munro", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchDialog)
        assert "include" not in rendered_text(app.screen.query_one("#search-results"))
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        assert screen.current is not None and screen.current.record_id == 6
        assert screen.current.decision is None and screen.current.note is None
        text = rendered_text(screen.query_one(RecordViewer))
        assert "Current decision" not in text and "ann's note" not in text
        await pilot.press("e", "1")
        await settle(pilot)
        assert "7 left for you · blinded" in rendered_text(screen.query_one("#header-counts"))
    [_, bob] = list(iter_events(review.db, kind="decision"))
    assert (bob.record_id, bob.reviewer, bob.value) == (6, "bob", "exclude")
    review.close()
