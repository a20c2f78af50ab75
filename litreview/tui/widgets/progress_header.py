"""One line above the record: stage, rank and score, and the stage's progress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import ProgressBar, Static

from litreview.report.sanitize import one_line

if TYPE_CHECKING:
    from litreview.screening.session import RecordView


def progress_text(counts: Mapping[str, int]) -> str:
    """``12 screened: 3 in, 8 out, 1 maybe · 388 left · last 11: 27% in`` for a stage's
    counts (the last part: the inclusion rate of the last 100 records screened, the rate
    a reviewer watches fall); in blinded dual screening only what is left for them."""
    if counts.get("blinded"):
        return f"{counts.get('remaining', 0)} left for you · blinded: others' decisions hidden"
    text = (
        f"{counts.get('screened', 0)} screened: {counts.get('included', 0)} in, "
        f"{counts.get('excluded', 0)} out, {counts.get('maybe', 0)} maybe · "
        f"{counts.get('remaining', 0)} left"
    )
    recent = counts.get("recent_screened", 0)
    if recent:
        rate = counts.get("recent_included", 0) / recent
        text += f" · last {recent}: {rate:.0%} in"
    return text


class ProgressHeader(Horizontal):
    """Stage label, the current record's rank and score, counts and a progress bar."""

    def compose(self) -> ComposeResult:
        yield Static(id="header-stage", markup=False)
        yield Static(id="header-record", markup=False)
        yield Static(id="header-counts", markup=False)
        yield ProgressBar(total=None, show_eta=False, show_percentage=True, id="header-bar")

    def show_stage(self, label: str) -> None:
        self.query_one("#header-stage", Static).update(Content.styled(one_line(label), "bold"))

    def show_record(self, view: RecordView | None, *, ranking: bool = False) -> None:
        parts: list[str] = []
        if view is not None:
            if view.check is not None:  # the stopping rule's random sample, not the ranking
                parts.append(view.check)
            if view.rank is not None:
                parts.append(f"rank {view.rank}")
            if view.score is not None:
                parts.append(f"score {view.score:.2f}")
        if ranking:
            parts.append("reranking…")
        self.query_one("#header-record", Static).update(Content(" · ".join(parts)))

    def show_counts(self, counts: Mapping[str, int]) -> None:
        self.query_one("#header-counts", Static).update(Content(progress_text(counts)))
        total = counts.get("screened", 0) + counts.get("remaining", 0)
        bar = self.query_one("#header-bar", ProgressBar)
        bar.display = not counts.get("blinded")
        bar.update(total=max(total, 1), progress=counts.get("screened", 0))
