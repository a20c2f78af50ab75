"""Snapshots of two review screens at 80x24 (fixed data; regenerate with
--snapshot-update only after looking at the report)."""

from __future__ import annotations

from pathlib import Path

from review_builders import add_near_duplicates, include_studies, make_review, pass_screening
from textual.pilot import Pilot
from tui_helpers import make_test_app, settle

from litreview.appraisal import ratings as appraisal
from litreview.fulltext import reports as fulltext


async def _open(pilot: Pilot[None], *keys: str) -> None:
    await settle(pilot)
    await pilot.press(*keys)
    await settle(pilot)


def test_duplicates_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    review = make_review(tmp_path / "r.db")
    add_near_duplicates(review)
    app = make_test_app(review, reviewer="ann")

    async def run_before(pilot: Pilot[None]) -> None:
        await _open(pilot, "d", "s")  # the second pair: several fields differ

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_fulltext_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    review = make_review(tmp_path / "r.db")
    include_studies(review, [1, 3])
    pass_screening(review, [5, 6])
    fulltext.mark_retrieved(review, 1, location="papers/abbott2005.pdf", reviewer="ann")
    fulltext.mark_not_retrieved(review, 5, reason="not held by the library", reviewer="ann")
    fulltext.set_notes(review, 1, {"aims": "How teams work with families."}, reviewer="ann")
    ratings = {
        "aims": "yes",
        "design": "yes",
        "sample": "partly",
        "data": "yes",
        "analysis": "partly",
        "findings": "yes",
    }
    appraisal.rate_study(review, 1, ratings, reviewer="ann")
    app = make_test_app(review, reviewer="ann")

    async def run_before(pilot: Pilot[None]) -> None:
        await _open(pilot, "f")

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
