"""The conflicts screen of dual screening: resolve by key, as a third reviewer or both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from review_builders import make_conflicts, make_review
from tui_helpers import make_test_app, rendered_text, settle

from litreview.models import Event
from litreview.screening.team import list_conflicts
from litreview.storage.events import iter_events
from litreview.storage.review import Review
from litreview.tui.screens.conflicts import ConflictsScreen
from litreview.tui.screens.modals import ReasonPicker
from litreview.tui.widgets.record_viewer import RecordViewer

SIZE = (110, 40)
LITERAL = "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.fixture
def dual_review(tmp_path: Path) -> Iterator[Review]:
    """Blinded dual screening; ann and bob disagree on records 1 and 2 at title."""
    review = make_review(tmp_path / "r.db", dual=True)
    make_conflicts(review)
    yield review
    review.close()


def resolutions(review: Review) -> list[Event]:
    return list(iter_events(review.db, kind="resolution"))


def current_id(app: object) -> int | None:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ConflictsScreen)
    return None if screen.current is None else screen.current.conflict.work_id


async def open_conflicts(pilot: object) -> None:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("k")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_a_third_reviewer_resolves_with_i_and_e(dual_review: Review) -> None:
    app = make_test_app(dual_review, reviewer="carol")
    async with app.run_test(size=SIZE) as pilot:
        await open_conflicts(pilot)
        assert current_id(app) == 1
        decisions = rendered_text(app.screen.query_one("#conflicts-decisions"))
        assert "ann: include" in decisions and "bob: exclude" in decisions
        await pilot.press("i")
        assert current_id(app) == 2  # the next conflict at once
        await pilot.press("e")
        assert isinstance(app.screen, ReasonPicker)
        await pilot.press("1")
        await settle(pilot)
        assert current_id(app) is None
        assert "No conflicts to resolve" in rendered_text(app.screen.query_one(RecordViewer))
    first, second = resolutions(dual_review)
    assert (first.record_id, first.stage, first.value, first.reviewer) == (
        1,
        "title",
        "include",
        "carol",
    )
    assert (second.record_id, second.value, second.reason) == (2, "exclude", "wrong-population")
    assert list_conflicts(dual_review, "title") == []


async def test_both_together_with_a_note_and_undo(dual_review: Review) -> None:
    app = make_test_app(dual_review, reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_conflicts(pilot)
        await pilot.press("r", *["backspace"] * 3, *"ann+bob", "enter")
        assert "resolving as ann+bob" in rendered_text(app.screen.query_one("#conflicts-summary"))
        await pilot.press("n", *"agreed", "enter", "i")
        await settle(pilot)
        assert current_id(app) == 2
        await pilot.press("u")
        await settle(pilot)
        assert current_id(app) == 2 and len(app.screen.rows) == 2  # type: ignore[attr-defined]
    [resolution] = resolutions(dual_review)
    assert (resolution.record_id, resolution.reviewer, resolution.note) == (1, "ann+bob", "agreed")
    [undo] = list(iter_events(dual_review.db, kind="undo"))
    assert undo.reverts_event_id == resolution.event_id
    assert len(list_conflicts(dual_review, "title")) == 2


async def test_hostile_title_renders_literally(dual_review: Review) -> None:
    app = make_test_app(dual_review, reviewer="carol")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_conflicts(pilot)
        await pilot.press("down")
        assert current_id(app) == 2
        table = rendered_text(app.screen.query_one("#conflicts-table"))
        record = rendered_text(app.screen.query_one(RecordViewer))
        for text in (table, record):
            assert LITERAL in text and "\x1b" not in text
        assert "Mallory, [i]Eve[/i]" in record
