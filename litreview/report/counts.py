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

from collections import Counter
from dataclasses import dataclass
from typing import Any

from litreview.errors import PrismaInconsistent
from litreview.screening.progress import STOP_EVENT
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


def _by_name(pairs: list[tuple[str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for name, n in pairs:
        totals[name] = totals.get(name, 0) + n
    return totals


def _identification(review: Review) -> dict[str, Any]:
    from litreview.storage import records as records_store
    from litreview.storage import sources as sources_store

    per_source = records_store.count_records_by_source(review.db)
    sources = sources_store.list_sources(review.db)

    def by(arm: str, key: str = "database") -> dict[str, int]:
        return _by_name(
            [
                (getattr(s, key) or s.database, per_source.get(s.source_id, 0))
                for s in sources
                if s.arm == arm
            ]
        )

    return {
        "database_results_by_source": by("database"),
        "register_results_by_source": by("register"),
        "other_results": by("other", "method"),
    }


def list_stopped_stages(review: Review) -> dict[str, str]:
    """stage -> stopping rule, for stages where screening was stopped (live events)."""
    from litreview.storage.events import iter_live_events

    return {
        str(e.stage): str(e.value or "stopping rule")
        for e in iter_live_events(review.db, (STOP_EVENT,))
        if e.stage
    }


def _screening(review: Review, arm_works: set[int]) -> dict[str, Any]:
    """Screening-stage numbers for one arm's works."""
    from litreview.screening.session import stage_works
    from litreview.screening.team import effective_decisions

    stopped = list_stopped_stages(review)
    stages = [s for s in review.protocol.stages if s.kind == "screening"]
    excluded: dict[str, int] = {}
    automation = 0
    pending: dict[str, int] = {}
    open_: dict[str, int] = {}
    maybe: dict[str, int] = {}
    first = 0
    for index, stage in enumerate(stages):
        members = [w for w in stage_works(review, stage.name) if w in arm_works]
        first = len(members) if index == 0 else first
        current = effective_decisions(review, stage.name)
        values = [current[w].value if w in current else None for w in members]
        excluded[stage.name] = values.count("exclude")
        undecided = values.count(None)
        if stage.name in stopped:
            automation += undecided
            undecided = 0
        pending[stage.name] = undecided + values.count("maybe")
        open_[stage.name] = undecided
        maybe[stage.name] = values.count("maybe")
    return {
        "screened": first,
        "excluded_by_stage": excluded,
        "automation": automation,
        "pending": pending,
        "undecided": open_,
        "maybe": maybe,
    }


def _fulltext(review: Review, arm: str) -> dict[str, Any]:
    from litreview.fulltext.reports import fulltext_counts

    if not any(s.kind == "fulltext" for s in review.protocol.stages):
        return {
            "sought": 0,
            "not_retrieved": 0,
            "assessed": 0,
            "excluded": {},
            "included_reports": 0,
            "awaiting": 0,
        }
    return fulltext_counts(review, arm=arm)


def _arms(review: Review) -> tuple[set[int], set[int]]:
    """(works of the databases-and-registers arm, works found only by other methods)."""
    from litreview.storage import works
    from litreview.storage.fulltext import work_arms

    arms = work_arms(review.db)
    all_works = works.list_work_ids(review.db, eligible_only=False)
    other = {w for w in all_works if arms.get(w, set()) <= {"other"}}
    return set(all_works) - other, other


def _grades(review: Review, study_ids: list[int]) -> dict[str, int]:
    from litreview.appraisal.ratings import current_grades

    grades = current_grades(review)
    counted = Counter(grades[s] for s in study_ids if s in grades)
    order = [g.name for g in review.protocol.quality.grades]
    return {g: counted.get(g, 0) for g in order} | {
        g: n for g, n in sorted(counted.items()) if g not in order
    }


@dataclass(frozen=True)
class _Flow:
    """What the numbers are computed from, gathered once."""

    ident: dict[str, dict[str, int]]
    dbr: set[int]  # works of the databases-and-registers arm
    other: set[int]  # works found only by other methods
    ineligible: set[int]
    screen: dict[str, Any]  # _screening() of each arm
    screen_other: dict[str, Any]
    full: dict[str, Any]  # fulltext_counts() of each arm
    full_other: dict[str, Any]
    studies: list[Any]  # included studies (fulltext.Study)


def _collect(review: Review) -> _Flow:
    from litreview.fulltext.reports import list_included_studies
    from litreview.storage import works

    dbr, other = _arms(review)
    has_fulltext = any(s.kind == "fulltext" for s in review.protocol.stages)
    return _Flow(
        ident=_identification(review),
        dbr=dbr,
        other=other,
        ineligible=set(works.ineligible_reasons(review.db)),
        screen=_screening(review, dbr),
        screen_other=_screening(review, other),
        full=_fulltext(review, "database"),
        full_other=_fulltext(review, "other"),
        studies=list_included_studies(review) if has_fulltext else [],
    )


def _prisma_numbers(review: Review, f: _Flow) -> dict[str, Any]:
    """The R package's keys, in CLI.md's order."""
    by_database, by_register = (
        f.ident["database_results_by_source"],
        f.ident["register_results_by_source"],
    )
    return {
        "database_results": sum(by_database.values()),
        "database_results_by_source": by_database,
        "register_results": sum(by_register.values()),
        "duplicates": sum(by_database.values()) + sum(by_register.values()) - len(f.dbr),
        "excluded_automatic": len(f.dbr & f.ineligible),
        "excluded_other": 0,
        "records_screened": f.screen["screened"],
        "records_excluded": sum(f.screen["excluded_by_stage"].values()) + f.screen["automation"],
        "records_excluded_by_automation": f.screen["automation"],
        "dbr_sought_reports": f.full["sought"],
        "dbr_notretrieved_reports": f.full["not_retrieved"],
        "dbr_assessed": f.full["assessed"],
        "dbr_excluded": dict(f.full["excluded"]),
        "other_results": f.ident["other_results"],
        "other_sought_reports": f.full_other["sought"],
        "other_notretrieved_reports": f.full_other["not_retrieved"],
        "other_assessed": f.full_other["assessed"],
        "other_excluded": dict(f.full_other["excluded"]),
        "new_studies": len(f.studies),
        "new_reports": f.full["included_reports"] + f.full_other["included_reports"],
        "quality_grades": _grades(review, [s.study_id for s in f.studies]),
    }


def _details(review: Review, f: _Flow) -> dict[str, Any]:
    """Numbers beyond the R package's keys, to trace each one to the log."""
    from litreview.storage import records as records_store

    records = records_store.count_records(review.db)
    pending = f.screen["pending"]
    return {
        "register_results_by_source": f.ident["register_results_by_source"],
        "records_excluded_by_stage": f.screen["excluded_by_stage"],
        "dbr_included_reports": f.full["included_reports"],
        "other_included_reports": f.full_other["included_reports"],
        "reports_of_included_studies": sum(len(s.report_ids) for s in f.studies),
        "stopped_stages": list_stopped_stages(review),
        "pending": {
            "screening": {k: v + f.screen_other["pending"][k] for k, v in pending.items()},
            "fulltext": f.full.get("awaiting", 0) + f.full_other.get("awaiting", 0),
            "undecided": {
                k: v + f.screen_other["undecided"][k] for k, v in f.screen["undecided"].items()
            },
            "maybe": {k: v + f.screen_other["maybe"][k] for k, v in f.screen["maybe"].items()},
        },
        "trace": {
            "records": records,
            "works": len(f.dbr) + len(f.other),
            "duplicates_all_arms": records - len(f.dbr) - len(f.other),
            "other_records": sum(f.ident["other_results"].values()),
            "other_works": len(f.other),
            "other_ineligible": len(f.other & f.ineligible),
            "other_records_screened": f.screen_other["screened"],
            "other_records_excluded_by_stage": f.screen_other["excluded_by_stage"],
            "other_records_excluded_by_automation": f.screen_other["automation"],
        },
    }


def compute_prisma_counts(review: Review) -> dict[str, Any]:
    """Every PRISMA number (CLI.md keys first, then details), unchecked."""
    flow = _collect(review)
    return _prisma_numbers(review, flow) | _details(review, flow)


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

    counts: dict[str, Any]
    violations: tuple[str, ...]  # identities the numbers break (find_violations)
    outstanding: tuple[str, ...]  # what is left to decide (list_outstanding)

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


def check_prisma(review: Review) -> PrismaCheck:
    """The numbers of a review at any point, never refused: see ``complete``."""
    counts = compute_prisma_counts(review)
    return PrismaCheck(counts, tuple(find_violations(counts)), tuple(list_outstanding(counts)))
