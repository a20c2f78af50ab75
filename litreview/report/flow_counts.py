"""The numbers of each part of the PRISMA flow, counted on the review's snapshot
(``state.snapshot.ReviewState``): identification per source, screening per arm, the
full-text stage per arm. Pure functions; ``report.counts`` puts them together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from litreview.state.snapshot import ReviewState

NO_REASON = "no reason given"
ARMS = ("database", "other")  # databases and registers | other methods (PRISMA 2020)


@dataclass(frozen=True)
class Identification:
    database_results_by_source: dict[str, int]
    register_results_by_source: dict[str, int]
    other_results: dict[str, int]  # by method


def identification(state: ReviewState) -> Identification:
    def by(arm: str, method: bool = False) -> dict[str, int]:
        totals: dict[str, int] = {}
        for s in state.sources:
            if s.arm == arm:
                name = (s.method if method else s.database) or s.database
                totals[name] = totals.get(name, 0) + state.records_by_source.get(s.source_id, 0)
        return totals

    return Identification(by("database"), by("register"), by("other", method=True))


@dataclass(frozen=True)
class ArmScreening:
    """Screening-stage numbers of one arm's works."""

    screened: int  # works at the first stage
    excluded_by_stage: dict[str, int]
    automation: int  # unscreened when a stopping rule stopped their stage
    pending: dict[str, int]  # undecided (unless stopped) or maybe, per stage
    undecided: dict[str, int]
    maybe: dict[str, int]


def arm_screening(state: ReviewState, arm_works: frozenset[int]) -> ArmScreening:
    stopped = state.stopped_stages
    excluded: dict[str, int] = {}
    pending: dict[str, int] = {}
    undecided_by: dict[str, int] = {}
    maybe: dict[str, int] = {}
    automation = first = 0
    for index, stage in enumerate(state.screening_stages):
        values = stage.values(arm_works)
        first = len(values) if index == 0 else first
        excluded[stage.name] = values.count("exclude")
        undecided = values.count(None)
        if stage.name in stopped:
            automation += undecided
            undecided = 0
        pending[stage.name] = undecided + values.count("maybe")
        undecided_by[stage.name] = undecided
        maybe[stage.name] = values.count("maybe")
    return ArmScreening(first, excluded, automation, pending, undecided_by, maybe)


@dataclass(frozen=True)
class FulltextCounts:
    """PRISMA counts of the full-text stage (``litreview status``: ``fulltext``)."""

    sought: int
    not_retrieved: int
    assessed: int
    excluded: dict[str, int]  # reason label -> reports
    included_reports: int
    included_studies: int
    retrieved: int
    awaiting: int  # sought, neither assessed nor not retrieved

    def to_json(self) -> dict[str, object]:
        return {
            "sought": self.sought,
            "not_retrieved": self.not_retrieved,
            "assessed": self.assessed,
            "excluded": dict(self.excluded),
            "included_reports": self.included_reports,
            "included_studies": self.included_studies,
            "retrieved": self.retrieved,
            "awaiting": self.awaiting,
        }


NO_FULLTEXT = FulltextCounts(0, 0, 0, {}, 0, 0, 0, 0)


def arm_works(state: ReviewState, arm: str | None) -> frozenset[int] | None:
    """The works of ``arm`` ("database": databases and registers, "other": found only
    by other methods; None: all)."""
    if arm is None:
        return None
    if arm == "other":
        return state.other_only
    return frozenset(w for w in state.work_ids if w not in state.other_only)


def fulltext_counts(state: ReviewState, works: frozenset[int] | None = None) -> FulltextCounts:
    """The full-text stage's numbers (of ``works`` only, if given)."""
    fulltext = state.fulltext
    if fulltext is None:
        return NO_FULLTEXT
    stage = state.stage(fulltext.stage)
    sought = [w for w in stage.members if works is None or w in works]
    current = stage.decisions
    status = {w: fulltext.retrieval_status(w) for w in sought}
    assessed = [w for w in sought if w in current and current[w].value in ("include", "exclude")]
    done = set(assessed)
    not_retrieved = [w for w in sought if w not in done and status[w] == "not_retrieved"]
    labels = {r.code: r.label for r in state.protocol.stage(stage.name).exclusion_reasons}
    excluded = Counter(
        labels.get(current[w].reason or "", current[w].reason or NO_REASON)
        for w in assessed
        if current[w].value == "exclude"
    )
    included = {w for w in assessed if current[w].value == "include"}
    return FulltextCounts(
        sought=len(sought),
        not_retrieved=len(not_retrieved),
        assessed=len(assessed),
        excluded=dict(excluded),
        included_reports=len(included),
        included_studies=sum(1 for s in state.studies if included & set(s.report_ids)),
        retrieved=sum(1 for w in sought if status[w] == "retrieved"),
        awaiting=len(sought) - len(assessed) - len(not_retrieved),
    )


def grade_counts(state: ReviewState, study_ids: list[int]) -> dict[str, int]:
    """grade -> studies among ``study_ids``: every protocol grade in its order, then any
    other grade found (an amended protocol), sorted."""
    counted = Counter(state.grades[s] for s in study_ids if s in state.grades)
    order = [g.name for g in state.protocol.quality.grades]
    return {g: counted.get(g, 0) for g in order} | {
        g: n for g, n in sorted(counted.items()) if g not in order
    }
