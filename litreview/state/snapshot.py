"""The review at one moment: a typed, immutable snapshot read from the log in one pass.

What it holds, and the contract every reader relies on:

- **works**: every work id (a record, or a duplicate group through its canonical record),
  which are outside the protocol's eligibility limits (and why), which were found only
  by other methods (PRISMA's second arm), and the per-source record counts.
- **stages**, in protocol order: the works in each stage's pool (every eligible work at
  the first stage, else those whose effective decision at the previous stage is
  ``include``), the effective decision of each work (``state.decisions``: dual
  screening and resolutions applied), open conflicts, and the live stop, if any.
- **full text**: the recorded retrieval of each report and its attached file (the
  newer wins; a file means retrieved), report -> study links, and the included
  studies (reports included at the full-text stage, grouped by study, studies in the
  order they were first included, the study's own report first).
- **grades** of the included studies (an override wins over the computed grade).

Nothing here reads the database: ``state.read.read_state`` builds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from litreview.models import Source
from litreview.protocol import Protocol
from litreview.storage.decisions import CurrentDecision
from litreview.storage.files import Attachment
from litreview.storage.fulltext import Retrieval

DECIDED = ("include", "exclude", "maybe")


@dataclass(frozen=True)
class Stop:
    """Screening of a stage was stopped (a live ``stop_screening`` event)."""

    event_id: int
    rule: str | None
    reviewer: str | None
    at: str
    note: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "event_id": self.event_id,
            "rule": self.rule,
            "reviewer": self.reviewer,
            "at": self.at,
            "note": self.note,
        }


@dataclass(frozen=True)
class StageCounts:
    """How far a stage has got (``litreview status``: ``stages``)."""

    screened: int
    included: int
    excluded: int
    maybe: int
    remaining: int
    excluded_by_stopping_rule: int | None  # set when screening was stopped
    conflicts: int | None  # set at dual-screening stages

    def to_json(self) -> dict[str, int]:
        found = {
            "screened": self.screened,
            "included": self.included,
            "excluded": self.excluded,
            "maybe": self.maybe,
            "remaining": self.remaining,
        }
        if self.excluded_by_stopping_rule is not None:
            found["excluded_by_stopping_rule"] = self.excluded_by_stopping_rule
        if self.conflicts is not None:
            found["conflicts"] = self.conflicts
        return found


@dataclass(frozen=True)
class StageState:
    name: str
    kind: str  # "screening" | "fulltext"
    dual: bool  # decided by two reviewers (dual or dual-sample screening)
    members: tuple[int, ...]  # the works in the stage's pool, ascending
    decisions: Mapping[int, CurrentDecision]  # work id -> the decision that counts
    conflicts: tuple[int, ...]  # works whose reviewers disagree, unresolved, ascending
    merge_conflicts: int  # works whose records carry different live decisions
    stop: Stop | None

    def values(self, works: frozenset[int] | None = None) -> list[str | None]:
        """The effective decision value of each member (of ``works`` only, if given)."""
        decisions = self.decisions
        return [
            decisions[w].value if w in decisions else None
            for w in self.members
            if works is None or w in works
        ]

    def counts(self) -> StageCounts:
        values = [v for v in self.values() if v is not None]
        remaining = len(self.members) - len(values)
        return StageCounts(
            screened=len(values),
            included=values.count("include"),
            excluded=values.count("exclude"),
            maybe=values.count("maybe"),
            remaining=0 if self.stop is not None else remaining,
            excluded_by_stopping_rule=remaining if self.stop is not None else None,
            conflicts=len(self.conflicts) if self.dual else None,
        )


@dataclass(frozen=True)
class FulltextState:
    stage: str
    recorded: Mapping[int, Retrieval]  # report -> its latest live retrieval event
    attachments: Mapping[int, Attachment]  # report -> its latest live attached file
    links: Mapping[int, int]  # report -> study, for reports of another report's study
    link_order: Mapping[int, int]  # report -> id of the live event that last linked it
    first_includes: Mapping[int, int]  # report -> first live include at the stage

    def retrieval_status(self, work: int) -> str | None:
        """ "retrieved" | "not_retrieved" | "requested" | None: the newer of the recorded
        status and an attached file (a file means retrieved)."""
        recorded = self.recorded.get(work)
        attached = self.attachments.get(work)
        if attached is not None and (recorded is None or recorded.event_id < attached.event_id):
            return "retrieved"
        return None if recorded is None else recorded.status

    def study_of(self, work: int) -> int:
        return self.links.get(work, work)


@dataclass(frozen=True)
class Study:
    """An included study: its id and its included reports (own report first)."""

    study_id: int
    report_ids: tuple[int, ...]


@dataclass(frozen=True)
class ReviewState:
    path: Path
    title: str
    review_id: str
    protocol: Protocol
    records: int
    events: int
    sources: tuple[Source, ...]
    records_by_source: Mapping[int, int]  # source id -> records
    work_ids: tuple[int, ...]  # every work, eligible or not, ascending
    groups: Mapping[int, int]  # record id -> work id, for records in a group of 2+
    ineligible: Mapping[int, str]  # work id -> why outside the eligibility limits
    other_only: frozenset[int]  # works found only through sources of arm "other"
    stages: tuple[StageState, ...]
    fulltext: FulltextState | None  # None when the protocol has no full-text stage
    studies: tuple[Study, ...]  # included studies, in the order first included
    grades: Mapping[int, str]  # included study -> grade, where graded
    stops: Mapping[str, Stop]  # stage -> its live stop, in the order stages were stopped

    def stage(self, name: str) -> StageState:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise KeyError(name)

    @property
    def screening_stages(self) -> tuple[StageState, ...]:
        return tuple(s for s in self.stages if s.kind == "screening")

    @property
    def duplicates(self) -> int:
        """Records that are not the canonical record of their work."""
        return self.records - len(self.work_ids)

    @property
    def stopped_stages(self) -> dict[str, str]:
        """stage -> stopping rule, for stages where screening was stopped."""
        return {stage: stop.rule or "stopping rule" for stage, stop in self.stops.items()}
