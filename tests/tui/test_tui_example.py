"""The second shipped example, screened by keyboard: a newcomer's first decisions on real
abstracts, with highlighting, and `status` comparing them with the published labels."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tui_helpers import make_test_app, settle

from litreview.demo.examples import build_example
from litreview.screening.published_labels import compare_with_published, load_published_labels
from litreview.storage import works
from litreview.tui.highlight import find_terms
from litreview.tui.screens.modals import ReasonPicker
from litreview.tui.screens.screening import ScreeningScreen

SIZE = (120, 40)


async def test_a_newcomer_screens_the_example_by_keyboard(tmp_path: Path) -> None:
    review = build_example(tmp_path / "example", "kitchenham_2010")
    labels = load_published_labels(review)
    assert labels is not None
    published = {works.work_of(review.db, r) for r in labels.included}
    decided: list[tuple[int, bool]] = []
    cues = 0
    app = make_test_app(review, reviewer="newcomer", start="screen")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ScreeningScreen)
            for _ in range(6):
                current = screen.current
                assert current is not None and current.abstract  # real abstracts
                terms = review.protocol.highlight
                cues += len(find_terms(current.abstract, list(terms.include), list(terms.exclude)))
                work = works.work_of(review.db, current.record_id)
                if work in published:  # the newcomer follows the published review
                    await pilot.press("i")
                else:
                    await pilot.press("e")
                    assert isinstance(app.screen, ReasonPicker)
                    await pilot.press("1")
                decided.append((work, work in published))
                await settle(pilot)
            await pilot.press("escape")  # home: the comparison with the published labels
            await settle(pilot)
            panel = str(app.screen.query_one("#home-stopping", Static).render())
            assert "published labels of Kitchenham et al. (2010)" in panel
            assert "after screening 6 of 1,704 records" in panel
    finally:
        comparison = compare_with_published(review)
        review.close()
    assert cues > 0  # the protocol's highlight terms mark the abstracts shown
    assert comparison is not None and comparison.screened == 6
    assert comparison.found == sum(1 for _, hit in decided if hit)
    assert comparison.other_includes == 0 and comparison.excluded == 0
    assert comparison.not_yet_screened == 45 - comparison.found
