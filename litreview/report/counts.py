"""PRISMA 2020 flow numbers, computed from the event log and checked before use.

Keys are the PRISMA2020 R package's (CLI.md). Two arms, as in PRISMA 2020:

- **databases and registers**: works with at least one record from a source of arm
  ``database`` or ``register``. ``database_results``/``register_results`` count their
  records; ``duplicates`` = those records minus those works; ``excluded_automatic`` =
  such works outside the protocol's eligibility limits (``storage.works.ineligible``);
  ``records_screened`` = such works at the first stage; ``records_excluded`` = excluded at
  any screening stage, plus works still unscreened at a stage where screening was stopped
  by a stopping rule (an event of kind ``stop_screening`` for that stage), which are
  also ``records_excluded_by_automation``; then the full-text stage
  (``fulltext.fulltext_counts(arm="database")``).
- **other methods**: works found *only* through sources of arm ``other``;
  ``other_results`` counts their sources' records by method, then the full-text stage.

``new_studies``/``new_reports`` are the included studies and their reports
(``fulltext.list_included_studies``); ``quality_grades`` the grades of included studies.
:func:`find_violations` lists every PRISMA identity the numbers break, and
:func:`get_prisma_counts` refuses to return numbers that do not add up;
:func:`check_prisma` returns the numbers of a review in progress with what is
outstanding (:func:`list_outstanding`) and whether they are final.

Other methods have no screening boxes in PRISMA 2020 (identified -> sought -> not
retrieved -> assessed -> excluded): a work found only by other methods and excluded at
a screening stage was identified but never sought, so it is in ``other_results`` and in
no later box; ``trace.other_records_excluded_by_stage`` counts those (docs/prisma.md).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from litreview.errors import PrismaInconsistent
from litreview.report.flow_counts import (
    arm_screening,
    fulltext_counts,
    grade_counts,
    identification,
)
from litreview.state.read import STOP_EVENT as STOP_EVENT  # the event kind tests write
from litreview.state.read import read_state
from litreview.state.snapshot import ReviewState
from litreview.storage.review import Review

PRISMA_KEYS = (
    "database_results",
    "database_results_by_source",
    "register_results",
    "duplicates",
    "excluded_automatic",
    "excluded_other",
    "records_screened",
    "records_excluded",
    "records_excluded_by_automation",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "dbr_assessed",
    "dbr_excluded",
    "other_results",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
    "other_excluded",
    "new_studies",
    "new_reports",
    "quality_grades",
)


@dataclass(frozen=True)
class Pending:
    """What keeps the numbers from being final."""

    screening: dict[str, int]  # stage -> undecided (unless stopped) or maybe
    fulltext: int  # reports awaiting retrieval or a decision
    undecided: dict[str, int]
    maybe: dict[str, int]


@dataclass(frozen=True)
class Trace:
    """Numbers to trace each PRISMA number to the log."""

    records: int
    works: int
    duplicates_all_arms: int
    other_records: int
    other_works: int
    other_ineligible: int
    other_records_screened: int
    other_records_excluded_by_stage: dict[str, int]
    other_records_excluded_by_automation: int


@dataclass(frozen=True)
class PrismaCounts:
    """Every PRISMA number: the R package's keys (CLI.md), then the details."""

    database_results: int
    database_results_by_source: dict[str, int]
    register_results: int
    duplicates: int
    excluded_automatic: int
    excluded_other: int
    records_screened: int
    records_excluded: int
    records_excluded_by_automation: int
    dbr_sought_reports: int
    dbr_notretrieved_reports: int
    dbr_assessed: int
    dbr_excluded: dict[str, int]
    other_results: dict[str, int]
    other_sought_reports: int
    other_notretrieved_reports: int
    other_assessed: int
    other_excluded: dict[str, int]
    new_studies: int
    new_reports: int
    quality_grades: dict[str, int]
    register_results_by_source: dict[str, int]
    records_excluded_by_stage: dict[str, int]
    dbr_included_reports: int
    other_included_reports: int
    reports_of_included_studies: int
    stopped_stages: dict[str, str]
    pending: Pending
    trace: Trace

    def to_json(self) -> dict[str, Any]:
        """CLI.md's keys first, then the details (``prisma --json``)."""
        found = asdict(self)
        return {f.name: found[f.name] for f in fields(self)}


def prisma_counts(state: ReviewState) -> PrismaCounts:
    """Every PRISMA number of the review's snapshot, unchecked."""
    ident = identification(state)
    other = state.other_only
    dbr = frozenset(w for w in state.work_ids if w not in other)
    ineligible = state.ineligible.keys()
    screen, screen_other = arm_screening(state, dbr), arm_screening(state, other)
    full, full_other = fulltext_counts(state, dbr), fulltext_counts(state, other)
    by_database, by_register = ident.database_results_by_source, ident.register_results_by_source
    identified = sum(by_database.values()) + sum(by_register.values())
    return PrismaCounts(
        database_results=sum(by_database.values()),
        database_results_by_source=by_database,
        register_results=sum(by_register.values()),
        duplicates=identified - len(dbr),
        excluded_automatic=sum(1 for w in ineligible if w in dbr),
        excluded_other=0,
        records_screened=screen.screened,
        records_excluded=sum(screen.excluded_by_stage.values()) + screen.automation,
        records_excluded_by_automation=screen.automation,
        dbr_sought_reports=full.sought,
        dbr_notretrieved_reports=full.not_retrieved,
        dbr_assessed=full.assessed,
        dbr_excluded=dict(full.excluded),
        other_results=ident.other_results,
        other_sought_reports=full_other.sought,
        other_notretrieved_reports=full_other.not_retrieved,
        other_assessed=full_other.assessed,
        other_excluded=dict(full_other.excluded),
        new_studies=len(state.studies),
        new_reports=full.included_reports + full_other.included_reports,
        quality_grades=grade_counts(state, [s.study_id for s in state.studies]),
        register_results_by_source=by_register,
        records_excluded_by_stage=screen.excluded_by_stage,
        dbr_included_reports=full.included_reports,
        other_included_reports=full_other.included_reports,
        reports_of_included_studies=sum(len(s.report_ids) for s in state.studies),
        stopped_stages=state.stopped_stages,
        pending=Pending(
            screening={k: v + screen_other.pending[k] for k, v in screen.pending.items()},
            fulltext=full.awaiting + full_other.awaiting,
            undecided={k: v + screen_other.undecided[k] for k, v in screen.undecided.items()},
            maybe={k: v + screen_other.maybe[k] for k, v in screen.maybe.items()},
        ),
        trace=Trace(
            records=state.records,
            works=len(state.work_ids),
            duplicates_all_arms=state.records - len(state.work_ids),
            other_records=sum(ident.other_results.values()),
            other_works=len(other),
            other_ineligible=sum(1 for w in ineligible if w in other),
            other_records_screened=screen_other.screened,
            other_records_excluded_by_stage=screen_other.excluded_by_stage,
            other_records_excluded_by_automation=screen_other.automation,
        ),
    )


def list_stopped_stages(review: Review) -> dict[str, str]:
    """stage -> stopping rule, for stages where screening was stopped (live events)."""
    return read_state(review).stopped_stages


def compute_prisma_counts(review: Review) -> dict[str, Any]:
    """Every PRISMA number (CLI.md keys first, then details), unchecked, as JSON."""
    return prisma_counts(read_state(review)).to_json()


def _sum(value: Any) -> int:
    return sum(value.values()) if isinstance(value, dict) else int(value)


def _identities(c: dict[str, Any]) -> list[tuple[str, int, int, str]]:
    """(identity, left side, right side, what usually causes a difference)."""
    pending = c.get("pending", {})
    undecided = (
        ", ".join(f"{n} at stage '{s}'" for s, n in pending.get("screening", {}).items() if n)
        or "none"
    )
    awaiting = f"{pending.get('fulltext', 0)} reports await retrieval or a decision"
    undecided_ft = "full-text decisions other than include/exclude"
    removed = c["duplicates"] + c["excluded_automatic"] + c["excluded_other"]
    # fmt: off
    return [
        ("database_results = sum(database_results_by_source)", c["database_results"],
         _sum(c["database_results_by_source"]), "per-database counts disagree"),
        ("database_results + register_results - duplicates - excluded_automatic - "
         "excluded_other = records_screened",
         c["database_results"] + c["register_results"] - removed, c["records_screened"],
         "works left the flow before screening without a reason"),
        ("records_screened - records_excluded = dbr_sought_reports",
         c["records_screened"] - c["records_excluded"], c["dbr_sought_reports"],
         f"records undecided or maybe: {undecided}"),
        ("dbr_sought_reports - dbr_notretrieved_reports = dbr_assessed",
         c["dbr_sought_reports"] - c["dbr_notretrieved_reports"], c["dbr_assessed"], awaiting),
        ("dbr_assessed - sum(dbr_excluded) = dbr_included_reports",
         c["dbr_assessed"] - _sum(c["dbr_excluded"]), c.get("dbr_included_reports", 0),
         undecided_ft),
        ("other-methods works - outside the limits - excluded at screening = "
         "other_sought_reports",
         _other_not_screened_out(c), c["other_sought_reports"],
         f"records undecided or maybe: {undecided}"),
        ("other_sought_reports - other_notretrieved_reports = other_assessed",
         c["other_sought_reports"] - c["other_notretrieved_reports"], c["other_assessed"],
         awaiting),
        ("other_assessed - sum(other_excluded) = other_included_reports",
         c["other_assessed"] - _sum(c["other_excluded"]), c.get("other_included_reports", 0),
         undecided_ft),
        ("new_reports = dbr_included_reports + other_included_reports", c["new_reports"],
         c.get("dbr_included_reports", 0) + c.get("other_included_reports", 0),
         "included reports counted twice or lost"),
        ("new_reports = reports of the included studies", c["new_reports"],
         c.get("reports_of_included_studies", c["new_reports"]),
         "an included report belongs to no included study"),
    ]
    # fmt: on


def _other_not_screened_out(c: dict[str, Any]) -> int:
    """Works found only by other methods that no limit or screening decision removed:
    PRISMA 2020 has no screening boxes there, so these are the reports sought."""
    trace = c.get("trace")
    if not trace:  # counts from elsewhere (an R package CSV) carry no trace
        return int(c["other_sought_reports"])
    return int(
        trace["other_works"]
        - trace["other_ineligible"]
        - _sum(trace["other_records_excluded_by_stage"])
        - trace["other_records_excluded_by_automation"]
    )


def _bounds(c: dict[str, Any]) -> list[tuple[str, bool]]:
    negative = [k for k in PRISMA_KEYS if isinstance(c.get(k), int) and c[k] < 0]
    negative += [
        f"{k}[{n!r}]"
        for k in PRISMA_KEYS
        if isinstance(c.get(k), dict)
        for n, v in c[k].items()
        if v < 0
    ]
    return [
        (
            "records_excluded_by_automation <= records_excluded",
            c["records_excluded_by_automation"] <= c["records_excluded"],
        ),
        (
            "other_sought_reports <= sum(other_results)",
            c["other_sought_reports"] <= _sum(c["other_results"]),
        ),
        ("new_studies <= new_reports", c["new_studies"] <= c["new_reports"]),
        ("sum(quality_grades) <= new_studies", _sum(c["quality_grades"]) <= c["new_studies"]),
        ("no count is negative" + (f" ({', '.join(negative)})" if negative else ""), not negative),
    ]


def find_violations(counts: dict[str, Any]) -> list[str]:
    """Every PRISMA identity or bound the numbers break, each with its figures."""
    found = [
        f"{name}: {left} != {right} ({cause})"
        for name, left, right, cause in _identities(counts)
        if left != right
    ]
    found += [name for name, holds in _bounds(counts) if not holds]
    return found


def get_prisma_counts(review: Review, *, partial: bool = False) -> dict[str, Any]:
    """The PRISMA numbers; raises PrismaInconsistent unless they add up (or ``partial``,
    which adds the violations under the key ``violations`` instead)."""
    counts = compute_prisma_counts(review)
    violations = find_violations(counts)
    if violations and not partial:
        raise PrismaInconsistent(violations)
    if partial:
        counts["violations"] = violations
    return counts


def list_outstanding(counts: dict[str, Any]) -> list[str]:
    """What is left to do before the flow is final, one plain sentence each, in the
    order of the stages: works undecided or marked maybe at each screening stage, then
    reports awaiting retrieval or a full-text decision."""
    pending = counts.get("pending", {})
    items = []
    undecided, maybe = pending.get("undecided", {}), pending.get("maybe", {})
    for stage in dict.fromkeys([*undecided, *maybe]):
        if undecided.get(stage):
            items.append(f"{_works(undecided[stage])} undecided at the {stage} stage")
        if maybe.get(stage):
            items.append(f"{_works(maybe[stage])} marked maybe at the {stage} stage")
    awaiting = pending.get("fulltext", 0)
    if awaiting:
        reports = "1 report awaits" if awaiting == 1 else f"{awaiting:,} reports await"
        items.append(f"{reports} retrieval or a full-text decision")
    return items


def _works(n: int) -> str:
    return "1 work" if n == 1 else f"{n:,} works"


@dataclass(frozen=True)
class PrismaCheck:
    """The PRISMA numbers so far, whether they are final, and why not."""

    prisma: PrismaCounts
    violations: tuple[str, ...]  # identities the numbers break (find_violations)
    outstanding: tuple[str, ...]  # what is left to decide (list_outstanding)

    @property
    def counts(self) -> dict[str, Any]:
        """The numbers as JSON (``PrismaCounts.to_json``)."""
        return self.prisma.to_json()

    @property
    def complete(self) -> bool:
        return not self.violations and not self.outstanding

    @property
    def banner(self) -> str | None:
        """One line for the top of any output of an unfinished review (None when final)."""
        if self.complete:
            return None
        what = "; ".join(self.outstanding) or "the numbers do not add up (see below)"
        return f"In progress: {what}. These are the numbers so far."

    def as_json(self) -> dict[str, Any]:
        """The counts with ``complete``, ``outstanding`` and ``violations`` (CLI.md)."""
        return self.counts | {
            "complete": self.complete,
            "outstanding": list(self.outstanding),
            "violations": list(self.violations),
        }


def check_prisma(review: Review, state: ReviewState | None = None) -> PrismaCheck:
    """The numbers of a review at any point, never refused: see ``complete``."""
    prisma = prisma_counts(state if state is not None else read_state(review))
    counts = prisma.to_json()
    return PrismaCheck(prisma, tuple(find_violations(counts)), tuple(list_outstanding(counts)))
