"""Drive the screening screen by key presses and check the review's database afterwards."""

from __future__ import annotations

from textual.widgets import DataTable
from tui_helpers import HOSTILE_TITLE, make_test_app, rendered_text, settle

from litreview.models import Event
from litreview.screening import session
from litreview.storage.events import iter_events
from litreview.storage.review import Review
from litreview.tui.screens.help import HelpScreen
from litreview.tui.screens.modals import ReasonPicker, ReviewerPrompt, SearchDialog
from litreview.tui.screens.screening import ScreeningScreen
from litreview.tui.widgets.record_viewer import RecordViewer

SIZE = (100, 32)


def decisions(review: Review) -> list[Event]:
    return list(iter_events(review.db, kind="decision"))


def screening(app: object) -> ScreeningScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ScreeningScreen)
    return screen


async def test_include_records_an_event_for_record_stage_and_reviewer(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current
        assert first is not None
        await pilot.press("i")
        assert screening(app).current is not None
        assert screening(app).current.record_id != first.record_id  # next record at once
        await settle(pilot)
    [event] = decisions(tui_review)
    assert (event.record_id, event.stage, event.value, event.reviewer) == (
        first.record_id,
        "title",
        "include",
        "ann",
    )


async def test_exclude_then_number_gives_the_reason(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current
        await pilot.press("e")
        assert isinstance(app.screen, ReasonPicker)
        await pilot.press("1")
        await settle(pilot)
    [event] = decisions(tui_review)
    assert event.record_id == first.record_id
    assert (event.value, event.reason) == ("exclude", "wrong-population")


async def test_escape_cancels_the_exclusion(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current
        await pilot.press("e", "escape")
        await settle(pilot)
        assert screening(app).current == first
    assert decisions(tui_review) == []


async def test_enter_excludes_without_reason_when_the_stage_allows_it(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e", "enter")
        await settle(pilot)
    [event] = decisions(tui_review)
    assert (event.value, event.reason) == ("exclude", None)


async def test_reason_required_stage_needs_a_number(tui_review: Review) -> None:
    for record_id in (1, 3):
        session.decide(tui_review, record_id, "include", stage="title", reviewer="ann")
    app = make_test_app(tui_review, reviewer="ann", start="screen", stage="abstract")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current.record_id
        assert first in (1, 3)
        await pilot.press("e", "enter")
        assert isinstance(app.screen, ReasonPicker)  # Enter does not skip a required reason
        await pilot.press("4")
        await settle(pilot)
        assert screening(app).current.record_id == 4 - first
    event = decisions(tui_review)[-1]
    assert (event.record_id, event.stage, event.value, event.reason) == (
        first,
        "abstract",
        "exclude",
        "wrong-design",
    )


async def test_undo_reopens_the_record(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current
        await pilot.press("m")
        await settle(pilot)
        assert screening(app).current.record_id != first.record_id
        await pilot.press("u")
        await settle(pilot)
        assert screening(app).current.record_id == first.record_id
        assert screening(app)._counts["screened"] == 0
    [undo] = list(iter_events(tui_review.db, kind="undo"))
    assert undo.reverts_event_id == decisions(tui_review)[0].event_id


async def test_maybe_note_and_skip(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current
        await pilot.press("s")  # skip for now
        second = screening(app).current
        assert second.record_id != first.record_id
        await pilot.press("n")
        await pilot.press(*"[b]see methods[/b]", "enter")
        await pilot.pause()
        assert "[b]see methods[/b]" in rendered_text(app.screen.query_one(RecordViewer))
        await pilot.press("m")
        await settle(pilot)
    [event] = decisions(tui_review)
    assert (event.record_id, event.value) == (second.record_id, "maybe")
    assert event.note == "[b]see methods[/b]"


async def test_skipped_records_come_back_at_the_end(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current.record_id
        await pilot.press("s")
        for _ in range(7):
            await pilot.press("i")
            await settle(pilot)
        assert screening(app).current.record_id == first
        await pilot.press("i")
        await settle(pilot)
        assert screening(app).current is None
        assert "Nothing left" in rendered_text(app.screen.query_one(RecordViewer))
    assert len(decisions(tui_review)) == 8


async def test_hostile_title_renders_literally(tui_review: Review) -> None:
    literal = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"bold", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SearchDialog)
        results = rendered_text(dialog.query_one("#search-results"))
        assert literal in results and "\x1b" not in results
        await pilot.press("enter")
        await settle(pilot)
        view = screening(app).current
        assert view.title == HOSTILE_TITLE
        viewer = app.screen.query_one(RecordViewer)
        title = rendered_text(viewer.query_one("#record-title"))
        assert literal in title
        text = rendered_text(viewer)
        assert "Mallory, [i]Eve[/i]" in text
        assert "[b]markup[/b]" in text
        assert "Journal of Testing" in text
        assert "\x1b" not in text and "\u202e" not in text


async def test_search_jumps_to_a_record(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = screening(app).current.record_id
        await pilot.press("slash", *"Munro", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screening(app).current.title == "Effective child protection"
        await pilot.press("i")
        await settle(pilot)
        assert screening(app).current.record_id == before  # back to where we were
    [event] = decisions(tui_review)
    assert event.record_id == 6


async def test_open_link_uses_the_doi(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Abbott", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
    assert opened == ["https://doi.org/10.1111/j.1365-2524.2005.00555.x"]


async def test_help_lists_every_screening_key(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-keys", DataTable)
        rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
        for row in [
            ["i", "Include", "screen.include"],
            ["e", "Exclude", "screen.exclude"],
            ["m", "Maybe", "screen.maybe"],
            ["u", "Undo", "screen.undo"],
            ["n", "Note", "screen.note"],
            ["s", "Skip", "screen.skip"],
            ["o", "Open DOI/URL", "screen.open"],
            ["/", "Search", "screen.search"],
            ["p", "Criteria", "screen.panel"],
            ["?", "Help", "app.help"],
            ["esc", "Home", "screen.home"],
            ["q ^q", "Quit", "app.quit"],
        ]:
            assert row in rows, rows
        assert rows[0] == ["i", "Include", "screen.include"]
        await pilot.press("escape")
        assert isinstance(app.screen, ScreeningScreen)


async def test_keys_can_be_remapped_by_binding_id(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen", keymap={"screen.include": "y"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert decisions(tui_review) == []
        await pilot.press("y")
        await settle(pilot)
    assert [e.value for e in decisions(tui_review)] == ["include"]


async def test_reviewer_is_asked_once_and_remembered(tui_review: Review) -> None:
    app = make_test_app(tui_review, start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewerPrompt)
        await pilot.press(*"bob", "enter")
        await pilot.press("i")
        await settle(pilot)
    assert session.remembered_reviewer(tui_review) == "bob"
    assert [e.reviewer for e in decisions(tui_review)] == ["bob"]
    app = make_test_app(tui_review, start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)
        assert app.reviewer == "bob"


async def test_ranking_helper_process(tui_review: Review) -> None:
    """The default app retrains in a helper process; its order arrives and it stops on exit."""
    from litreview.tui.app import make_app

    app = make_app(tui_review, reviewer="ann", start="screen")
    reranked: list[ScreeningScreen.QueueRefilled] = []

    def seen(message: object) -> None:
        if isinstance(message, ScreeningScreen.QueueRefilled) and message.reranked:
            reranked.append(message)

    async with app.run_test(size=SIZE, message_hook=seen) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert len(reranked) >= 1 and reranked[-1].records
        assert all(v.score is not None for v in reranked[-1].records)
        process = app.ranker._process  # type: ignore[union-attr]
        assert process is not None and process.poll() is None
    assert process.poll() is not None  # stopped with the app
    assert [e.value for e in decisions(tui_review)] == ["include"]


async def test_typing_in_a_dialog_does_not_trigger_keys(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"q?iemu/", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)
        assert screening(app)._notes[screening(app).current.record_id] == "q?iemu/"
    assert decisions(tui_review) == []


async def test_an_empty_stage_says_so_and_keys_do_nothing(tui_review: Review) -> None:
    app = make_test_app(tui_review, reviewer="ann", start="screen", stage="abstract")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert screening(app).current is None
        assert "Nothing left to screen" in rendered_text(app.screen.query_one(RecordViewer))
        await pilot.press("i", "e", "m", "s")
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)
    assert decisions(tui_review) == []


async def test_a_decision_right_before_quitting_is_saved(tui_review: Review) -> None:
    from textual import events

    app = make_test_app(tui_review, reviewer="ann", start="screen")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = screening(app).current
        driver = app._driver
        assert driver is not None
        driver.send_message(events.Key("i", "i"))  # no pause: q follows at once
        driver.send_message(events.Key("q", "q"))
        await pilot.pause()
    [event] = decisions(tui_review)
    assert (event.record_id, event.value) == (first.record_id, "include")
