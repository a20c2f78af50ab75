"""What the screening screen reads besides its queue: the header's counts and recent
inclusion rate (both hidden where blinded dual screening needs it) and a record's link.
No textual here: the screen calls these from its workers."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from litreview.screening.progress import labels_in_screening_order
from litreview.screening.session import RecordView, stage_counts
from litreview.screening.session import queue as stage_queue
from litreview.screening.team import is_dual_stage
from litreview.storage.review import Review

__all__ = ["RECENT", "recent_labels", "record_url", "stage_progress"]


def stage_progress(review: Review, stage: str, reviewer: str | None) -> dict[str, int]:
    """The stage's counts. In blinded dual screening only what is left for ``reviewer``:
    the stage's counts would tell, decision by decision, whether the other agreed."""
    if is_dual_stage(review, stage) and review.protocol.screening.blinded:
        return {"remaining": len(stage_queue(review, stage, reviewer=reviewer)), "blinded": 1}
    return stage_counts(review, stage)


RECENT = 100  # the header shows the inclusion rate of the last RECENT records screened


def recent_labels(review: Review, stage: str, reviewer: str | None) -> tuple[int, ...] | None:
    """1/0 for the last ``RECENT`` records screened at ``stage``; None in blinded dual
    screening, where the stage's decisions would tell what the other reviewer said."""
    if is_dual_stage(review, stage) and review.protocol.screening.blinded:
        return None
    return tuple(labels_in_screening_order(review, stage)[-RECENT:])


def record_url(view: RecordView) -> str | None:
    """The DOI resolver link, else the first http(s) URL; never another scheme."""
    if view.doi:
        return "https://doi.org/" + quote(view.doi.strip(), safe="/:;()._-<>")
    for url in view.urls:
        if urlsplit(url.strip()).scheme.lower() in ("http", "https"):
            return url.strip()
    return None
