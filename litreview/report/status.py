"""The review at a glance, for `litreview status` and the TUI home screen, read from the
review's snapshot (``state.read.read_state``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from litreview.models import Source
from litreview.report.flow_counts import FulltextCounts, fulltext_counts
from litreview.screening.progress import stopping_report
from litreview.screening.published_labels import compare_with_published
from litreview.screening.team import stage_agreement
from litreview.state.read import read_state
from litreview.state.snapshot import ReviewState, StageCounts
from litreview.storage import works as works_store
from litreview.storage.review import Review


@dataclass(frozen=True)
class SourceStatus:
    source: Source
    records: int

    def to_json(self) -> dict[str, object]:
        s = self.source
        return {
            "source_id": s.source_id,
            "database": s.database,
            "platform": s.platform,
            "arm": s.arm,
            "method": s.method,
            "format": s.format,
            "file_name": s.file_name,
            "records": self.records,
            "reported_hits": s.reported_hits,
            "searched_on": s.searched_on,
        }


@dataclass(frozen=True)
class CodingProgress:
    studies: int
    coded_per_dimension: dict[str, int]
    fully_coded: int


@dataclass(frozen=True)
class StudiesStatus:
    """Full text, grades and coding progress of the included studies."""

    fulltext: FulltextCounts
    studies: int
    grades: dict[str, int]  # grade -> studies, in the protocol's order
    coding: CodingProgress


@dataclass(frozen=True)
class ReviewStatus:
    """What `litreview status --json` prints (CLI.md)."""

    records: int
    sources: int
    duplicates: int
    stages: dict[str, StageCounts]
    stopping: dict[str, dict[str, Any]]  # stage -> screening.progress.stopping_report
    works: int
    ineligible: int
    duplicates_needing_review: int
    decision_conflicts: dict[str, int]  # stage -> works whose records disagree
    path: str
    title: str
    sources_detail: tuple[SourceStatus, ...]
    events: int
    screening_mode: str
    studies: StudiesStatus | None  # None without a full-text stage
    agreement: list[dict[str, object]]  # screening.team.stage_agreement per dual stage
    published_labels: dict[str, Any] | None  # a shipped example's published labels

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "records": self.records,
            "sources": self.sources,
            "duplicates": self.duplicates,
            "stages": {name: c.to_json() for name, c in self.stages.items()},
            "stopping": self.stopping,
            "works": self.works,
            "ineligible": self.ineligible,
            "duplicates_needing_review": self.duplicates_needing_review,
            "decision_conflicts": self.decision_conflicts,
            "review": {"path": self.path, "title": self.title},
            "sources_detail": [s.to_json() for s in self.sources_detail],
            "events": self.events,
            "screening_mode": self.screening_mode,
        }
        if self.studies is not None:
            found |= {
                "fulltext": self.studies.fulltext.to_json(),
                "studies": self.studies.studies,
                "grades": self.studies.grades,
                "coding": asdict(self.studies.coding),
            }
        found["agreement"] = self.agreement
        if self.published_labels is not None:
            found["published_labels"] = self.published_labels
        return found


def read_status(review: Review, state: ReviewState | None = None) -> ReviewStatus:
    """The review's status (``state``: its snapshot, when the caller has read it)."""

    state = state if state is not None else read_state(review)
    stages = {s.name: s.counts() for s in state.stages}
    stopping = {}
    for s in state.screening_stages:
        c = stages[s.name]
        total = c.screened + c.remaining + (c.excluded_by_stopping_rule or 0)
        stopping[s.name] = stopping_report(review, s.name, total)
    return ReviewStatus(
        records=state.records,
        sources=len(state.sources),
        duplicates=state.duplicates,
        stages=stages,
        stopping=stopping,
        works=len(state.work_ids),
        ineligible=len(state.ineligible),
        duplicates_needing_review=works_store.count_pairs(review.db, "needs_review"),
        decision_conflicts={s.name: s.merge_conflicts for s in state.stages},
        path=str(review.path),
        title=state.title,
        sources_detail=tuple(
            SourceStatus(s, state.records_by_source.get(s.source_id, 0)) for s in state.sources
        ),
        events=state.events,
        screening_mode=state.protocol.screening.mode,
        studies=_studies(review, state),
        agreement=_agreement(review, state),
        published_labels=_published(review),
    )


def review_status(review: Review) -> dict[str, Any]:
    """Counts that `litreview status --json` prints (CLI.md keys first)."""
    return read_status(review).to_json()


def _published(review: Review) -> dict[str, Any] | None:
    """A shipped example's comparison with its published labels (None otherwise)."""

    comparison = compare_with_published(review)
    return None if comparison is None else asdict(comparison)


def _agreement(review: Review, state: ReviewState) -> list[dict[str, object]]:

    return [stage_agreement(review, s.name) for s in state.stages if s.dual]


def _studies(review: Review, state: ReviewState) -> StudiesStatus | None:
    """Full text, grades and coding progress of the included studies."""
    from litreview.coding.codes import current_codes  # heavy: loads bibtexparser, pylatexenc, rispy

    if state.fulltext is None:
        return None
    studies = state.studies
    codes = current_codes(review) if studies else {}
    dimensions = [d.name for d in state.protocol.codebook]
    coded = {
        d: sum(1 for s in studies if codes.get(s.study_id, {}).get(d) is not None)
        for d in dimensions
    }
    grades = list(state.grades.values())
    names = [g.name for g in state.protocol.quality.grades]
    return StudiesStatus(
        fulltext=fulltext_counts(state),
        studies=len(studies),
        grades={name: grades.count(name) for name in names if name in grades},
        coding=CodingProgress(
            studies=len(studies),
            coded_per_dimension=coded,
            fully_coded=sum(
                1
                for s in studies
                if all(codes.get(s.study_id, {}).get(d) is not None for d in dimensions)
            ),
        ),
    )
