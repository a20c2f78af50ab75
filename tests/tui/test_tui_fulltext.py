"""The full-text screen: retrieval, eligibility, notes, links and appraisal by key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import include_studies, make_review, pass_screening
from textual.widgets import DataTable
from tui_helpers import make_test_app, rendered_text, settle

from litreview.models import Event
from litreview.storage.events import iter_events
from litreview.storage.review import Review
from litreview.tui.screens.appraisal_dialogs import AppraisalDialog, GradeDialog
from litreview.tui.screens.fulltext import FulltextScreen
from litreview.tui.screens.prompts import NotesEditor, TextPrompt
from litreview.tui.widgets.report_detail import ReportDetail

SIZE = (100, 40)
LITERAL = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.fixture
def ft_review(tmp_path: Path) -> Iterator[Review]:
    """Reports 1, 2 (hostile) and 3 included at full text; 5 and 6 sought, not assessed."""
    review = make_review(tmp_path / "r.db")
    include_studies(review, [1, 2, 3])
    pass_screening(review, [5, 6])
    yield review
    review.close()


def events(review: Review, kind: str) -> list[Event]:
    return list(iter_events(review.db, kind=kind))


def current_id(app: object) -> int | None:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, FulltextScreen)
    return None if screen.current is None else screen.current.work_id


async def open_fulltext(pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("f")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_retrieved_with_location_and_not_retrieved_with_reason(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_fulltext(pilot)
        assert current_id(app) == 1
        await pilot.press("r")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"a.pdf", "enter")
        await settle(pilot)
        detail = rendered_text(app.screen.query_one("#ft-retrieval"))
        assert "retrieved" in detail and "a.pdf" in detail
        await pilot.press("down", "down", "down")  # report 5: not assessed yet
        assert current_id(app) == 5
        await pilot.press("x", "enter")
        assert isinstance(app.screen, TextPrompt)  # a reason is required
        await pilot.press(*"lost", "enter")
        await settle(pilot)
    got, missing = events(ft_review, "fulltext")
    assert (got.record_id, got.value, got.payload, got.reviewer) == (
        1,
        "retrieved",
        {"location": "a.pdf"},
        "ann",
    )
    assert (missing.record_id, missing.value, missing.reason) == (
        5,
        "not_retrieved",
        "lost",
    )


async def test_include_and_exclude_with_a_reason(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_fulltext(pilot)
        await pilot.press("down", "down", "down")
        assert current_id(app) == 5
        await pilot.press("i")
        assert current_id(app) == 6  # moves on at once
        await pilot.press("e", "3")  # the full-text stage's third reason
        await settle(pilot)
        table = app.screen.query_one("#ft-reports", DataTable)
        assert table.get_cell("6", "decision").plain == "exclude"
        assert "Wrong outcome" in rendered_text(app.screen.query_one("#ft-decision"))
    decided = [e for e in events(ft_review, "decision") if e.stage == "fulltext"]
    assert [(e.record_id, e.value, e.reason) for e in decided[-2:]] == [
        (5, "include", None),
        (6, "exclude", "wrong-outcome"),
    ]


async def test_notes_fields_are_edited(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_fulltext(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NotesEditor)
        await pilot.press(*"[b]w[/b]", "enter")  # aims, then on to methods
        await pilot.press("enter")  # methods left empty
        await pilot.press(*"few", "enter")  # findings: the last field saves
        await settle(pilot)
        notes = rendered_text(app.screen.query_one("#ft-notes"))
        assert "[b]w[/b]" in notes and "few" in notes
    assert [(e.record_id, e.value, e.note) for e in events(ft_review, "note")] == [
        (1, "aims", "[b]w[/b]"),
        (1, "findings", "few"),
    ]


async def test_appraisal_by_number_keys_and_grade_override(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_fulltext(pilot)
        await pilot.press("a")
        dialog = app.screen
        assert isinstance(dialog, AppraisalDialog)
        await pilot.press("1", "1", "1", "1", "1")
        assert "Grade: —" in rendered_text(dialog.query_one("#appraise-grade"))
        await pilot.press("2")  # the sixth criterion: partly
        assert "Grade: high" in rendered_text(dialog.query_one("#appraise-grade"))
        await pilot.press("enter")
        await settle(pilot)
        assert "high (computed; score 11)" in rendered_text(app.screen.query_one("#ft-appraisal"))
        await pilot.press("g")
        assert isinstance(app.screen, GradeDialog)
        await pilot.press("3", *"n=5", "enter")
        await settle(pilot)
        table = app.screen.query_one("#ft-reports", DataTable)
        assert table.get_cell("1", "grade").plain == "low"
    [rating] = events(ft_review, "appraisal")
    assert rating.record_id == 1 and rating.payload == {
        "ratings": {
            "aims": "yes",
            "design": "yes",
            "sample": "yes",
            "data": "yes",
            "analysis": "yes",
            "findings": "partly",
        }
    }
    [override] = events(ft_review, "grade_override")
    assert (override.value, override.reason, override.reviewer) == ("low", "n=5", "ann")


async def test_appraisal_needs_an_included_study(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_fulltext(pilot)
        await pilot.press("down", "down", "down", "a", "g")
        await settle(pilot)
        assert isinstance(app.screen, FulltextScreen)
        assert "include the report first" in rendered_text(app.screen.query_one("#ft-appraisal"))
    assert events(ft_review, "appraisal") == []


async def test_link_report_to_study_and_undo(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_fulltext(pilot)
        await pilot.press("down", "down")
        assert current_id(app) == 3
        await pilot.press("l", "end", "backspace", "1", "enter")
        await settle(pilot)
        assert "a report of study 1" in rendered_text(app.screen.query_one("#ft-study"))
        await pilot.press("u")
        await settle(pilot)
        assert "its own study" in rendered_text(app.screen.query_one("#ft-study"))
    [link] = events(ft_review, "link_report")
    assert (link.record_id, link.other_record_id) == (3, 1)
    [undo] = events(ft_review, "undo")
    assert undo.reverts_event_id == link.event_id


async def test_hostile_title_renders_literally(ft_review: Review) -> None:
    app = make_test_app(ft_review, reviewer="ann")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_fulltext(pilot)
        await pilot.press("down")
        assert current_id(app) == 2
        table = rendered_text(app.screen.query_one("#ft-reports"))
        detail = rendered_text(app.screen.query_one(ReportDetail))
        for text in (table, detail):
            assert LITERAL in text and "\x1b" not in text
        assert "Mallory, [i]Eve[/i]" in detail
