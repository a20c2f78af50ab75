"""Snapshot tests of the key screens (fixed data; regenerate with --snapshot-update
only after looking at the report)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from tui_helpers import DATA, make_test_app, protocol_text, settle

from litreview.storage.review import Review, create_review


@pytest.fixture
def snap_review(tmp_path: Path) -> Review:
    from litreview.ingest.importer import import_files

    review = create_review(tmp_path / "r.db", protocol_text())
    import_files(review, [DATA / "screening.ris"])
    return review


async def _settle(pilot: Pilot[None]) -> None:
    await settle(pilot)


def test_home_80x24(snap_compare, snap_review: Review) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(snap_review, reviewer="ann")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_screening_80x24(snap_compare, snap_review: Review) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(snap_review, reviewer="ann", start="screen")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_settle)


def test_screening_with_criteria_panel(snap_compare, snap_review: Review) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(snap_review, reviewer="ann", start="screen")
    assert snap_compare(app, terminal_size=(110, 32), run_before=_settle)
