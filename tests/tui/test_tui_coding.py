"""The coding screen: single, multi and free-text dimensions by key; suggestions are
shown as suggestions and stored only when accepted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import include_studies, make_review
from textual.widgets import OptionList
from tui_helpers import make_test_app, rendered_text, settle

from litreview.coding.codes import CodeValue, set_codes
from litreview.models import Event
from litreview.storage.events import iter_events
from litreview.storage.review import Review
from litreview.tui.screens.coding import CodingScreen
from litreview.tui.screens.coding_dialogs import CodeEditor

SIZE = (110, 40)
LITERAL = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.fixture
def coding_review(tmp_path: Path) -> Iterator[Review]:
    """Studies 1 (a qualitative interview study), 2 (hostile) and 3 are included."""
    review = make_review(tmp_path / "r.db")
    include_studies(review, [1, 2, 3])
    yield review
    review.close()


def codes(review: Review) -> list[Event]:
    return list(iter_events(review.db, kind="code"))


def coding(app: object) -> CodingScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, CodingScreen)
    return screen


async def open_coding(pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("c")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_suggestions_are_shown_not_applied_until_accepted(coding_review: Review) -> None:
    app = make_test_app(coding_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        assert coding(app).current.study_id == 1
        dims = rendered_text(app.screen.query_one("#coding-dims", OptionList))
        assert "suggested: ? Qualitative study" in dims and "keywords" in dims
        assert "coded: —" in dims
        assert codes(coding_review) == []  # shown, never applied
        await pilot.press("a")  # accept the top suggestion
        await settle(pilot)
        dims = rendered_text(app.screen.query_one("#coding-dims", OptionList))
        assert "coded: Qualitative study" in dims
    [event] = codes(coding_review)
    assert event.record_id == 1 and event.reviewer == "ann"
    assert event.payload == {
        "codes": {"study_design": {"values": ["qualitative"], "detail": None, "text": None}},
        "origin": "suggestion:keywords",
    }


async def test_single_value_by_number_then_free_text(coding_review: Review) -> None:
    app = make_test_app(coding_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await pilot.press("n")  # the next study
        assert coding(app).current.study_id == 2
        await pilot.press("enter")
        editor = app.screen
        assert isinstance(editor, CodeEditor)
        assert "? suggested" not in rendered_text(editor)  # nothing to suggest for study 2
        await pilot.press("2")  # non-randomised comparison
        await settle(pilot)
        await pilot.press("down", "enter")  # country: free text
        assert isinstance(app.screen, CodeEditor)
        await pilot.press(*"UK", "enter")
        await settle(pilot)
        assert coding(app).current.study_id == 2
    design, country = codes(coding_review)
    assert design.record_id == 2 and design.payload["codes"] == {  # type: ignore[index]
        "study_design": {"values": ["non_randomised"], "detail": None, "text": None}
    }
    assert country.payload["codes"] == {  # type: ignore[index]
        "country": {"values": [], "detail": None, "text": "UK"}
    }


async def test_clear_and_undo(coding_review: Review) -> None:
    set_codes(coding_review, 3, {"study_design": CodeValue(("rct",))}, reviewer="ann")
    app = make_test_app(coding_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await pilot.press("n", "n")
        assert coding(app).current.study_id == 3
        assert "Randomised controlled trial" in rendered_text(app.screen.query_one("#coding-dims"))
        await pilot.press("delete")
        await settle(pilot)
        assert "coded: —" in rendered_text(app.screen.query_one("#coding-dims"))
        await pilot.press("u")
        await settle(pilot)
        assert "Randomised controlled trial" in rendered_text(app.screen.query_one("#coding-dims"))
    _, cleared = codes(coding_review)
    assert cleared.payload["codes"] == {"study_design": None}  # type: ignore[index]
    [undo] = list(iter_events(coding_review.db, kind="undo"))
    assert undo.reverts_event_id == cleared.event_id


async def test_multi_dimension_ticks_values(tmp_path: Path) -> None:
    review = make_review(tmp_path / "multi.db", multi=True)
    include_studies(review, [1])
    assert review.protocol.codebook[0].kind == "multi"
    app = make_test_app(review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_coding(pilot)
        await pilot.press("enter", "1", "6", "enter")
        await settle(pilot)
    [event] = codes(review)
    assert event.payload["codes"]["study_design"]["values"] == ["rct", "qualitative"]  # type: ignore[index]
    review.close()


async def test_hostile_title_renders_literally(coding_review: Review) -> None:
    app = make_test_app(coding_review, reviewer="ann")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_coding(pilot)
        await pilot.press("n")
        table = rendered_text(app.screen.query_one("#coding-studies"))
        study = rendered_text(app.screen.query_one("#coding-study"))
        for text in (table, study):
            assert LITERAL in text and "\x1b" not in text
