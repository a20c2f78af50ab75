"""Which works a stage holds and the order they were screened in.

A work (a record or a duplicate group, named by its canonical record id) belongs to the
first stage when it is eligible, and to a later stage when the previous stage included it.
"""

from __future__ import annotations

from litreview.errors import InvalidValue
from litreview.screening.team import effective_decisions
from litreview.storage import works
from litreview.storage.review import Review


def stage_names(review: Review) -> list[str]:
    """The protocol's stages, in order."""
    return [s.name for s in review.protocol.stages]


def check_stage(review: Review, stage: str) -> None:
    """An unknown stage is a user error that lists the known ones."""
    names = stage_names(review)
    if stage not in names:
        raise InvalidValue(f"unknown stage {stage!r}", hint=f"stages: {', '.join(names)}")


def stage_works(review: Review, stage: str) -> list[int]:
    """Works that belong to ``stage``: all eligible works at the first stage, else
    those included at the previous stage."""
    check_stage(review, stage)
    names = stage_names(review)
    index = names.index(stage)
    eligible = works.list_work_ids(review.db)
    if index == 0:
        return eligible
    previous = effective_decisions(review, names[index - 1])
    eligible_set = set(eligible)
    return sorted(w for w, d in previous.items() if d.value == "include" and w in eligible_set)


def works_in_screening_order(review: Review, stage: str) -> list[tuple[int, int]]:
    """(work id, 1/0) per work in the order its live include/exclude was recorded."""
    current = effective_decisions(review, stage)
    order = sorted((d.event_id, w) for w, d in current.items() if d.value in ("include", "exclude"))
    return [(w, 1 if current[w].value == "include" else 0) for _, w in order]


def labels_in_screening_order(review: Review, stage: str) -> list[int]:
    """1/0 per work in the order its first live include/exclude was recorded."""
    return [label for _, label in works_in_screening_order(review, stage)]
