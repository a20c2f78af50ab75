"""A review's decisions beside a published set of labels (the shipped examples).

The labels of the shipped examples are the published review's FINAL inclusions, made
after reading full texts. A reviewer screening titles and abstracts includes many
records the published review later excluded, so "disagreement" at that stage is
expected and no kappa is computed: what matters is how many of the published includes
the reviewer kept (recall) and how many records it took to find them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from litreview.screening.team import effective_decisions
from litreview.storage import meta, works
from litreview.storage.review import Review

META_KEY = "published_labels"
NOTE = (
    "The published labels are final (full-text) inclusions, so title-and-abstract "
    "includes outside them are expected at this stage; recall of the published includes "
    "is the figure to watch, not agreement."
)


@dataclass(frozen=True)
class PublishedLabels:
    source: str  # the published review the labels come from
    included: tuple[int, ...]  # record ids the published review included
    records: int  # records in the labelled set


@dataclass(frozen=True)
class PublishedComparison:
    source: str
    stage: str  # the first screening stage, where the comparison is made
    published_includes: int  # works holding a published include
    records: int
    screened: int  # works decided at the stage
    found: int  # published includes the reviewer included (or marked maybe)
    excluded: int  # published includes the reviewer excluded
    not_yet_screened: int
    other_includes: int  # the reviewer's includes that are not published includes
    screened_to_last_found: int | None  # decisions made up to the last include found
    recall: float | None  # found / published includes
    note: str = NOTE


def store_published_labels(review: Review, labels: PublishedLabels) -> None:
    """Keep the labels in the review (call inside a transaction)."""
    meta.set_meta(
        review.db,
        META_KEY,
        json.dumps(
            {"source": labels.source, "included": list(labels.included), "records": labels.records}
        ),
    )


def load_published_labels(review: Review) -> PublishedLabels | None:
    text = meta.get_meta(review.db, META_KEY)
    if text is None:
        return None
    data = json.loads(text)
    return PublishedLabels(
        str(data["source"]), tuple(int(r) for r in data["included"]), int(data["records"])
    )


def compare_with_published(review: Review) -> PublishedComparison | None:
    """The reviewer's decisions at the first screening stage against the labels, or
    None for a review without published labels."""
    labels = load_published_labels(review)
    stages = [s for s in review.protocol.stages if s.kind == "screening"]
    if labels is None or not stages:
        return None
    stage = stages[0].name
    wanted = {works.work_of(review.db, r) for r in labels.included}
    decided = effective_decisions(review, stage)
    order = sorted(decided, key=lambda w: decided[w].event_id)
    kept = {w for w in order if decided[w].value in ("include", "maybe")}
    found = wanted & kept
    last = max((order.index(w) + 1 for w in found), default=None)
    return PublishedComparison(
        source=labels.source,
        stage=stage,
        published_includes=len(wanted),
        records=labels.records,
        screened=len(decided),
        found=len(found),
        excluded=len([w for w in wanted if w in decided and w not in kept]),
        not_yet_screened=len(wanted - set(decided)),
        other_includes=len(kept - wanted),
        screened_to_last_found=last,
        recall=len(found) / len(wanted) if wanted else None,
    )


def describe(c: PublishedComparison) -> list[str]:
    """Plain lines for ``litreview status``."""
    recall = "" if c.recall is None else f" (recall {c.recall:.2f})"
    took = (
        f"; the last of them came at decision {c.screened_to_last_found:,}"
        if c.screened_to_last_found
        else ""
    )
    return [
        f"published labels of {c.source}:",
        f"  at the {c.stage} stage you kept {c.found} of its {c.published_includes} final "
        f"includes{recall} after screening {c.screened:,} of {c.records:,} records{took}",
        f"  {c.excluded} of them excluded by you, {c.not_yet_screened} not screened yet; "
        f"{c.other_includes:,} of your includes are not final includes",
        f"  {c.note}",
    ]
