"""What the review screens show, read from the core's stage functions in one go.

Each ``load_*`` runs in a screen's thread worker with that worker's own
connection and returns plain frozen rows; the screens only render them. Nothing
here writes, and nothing here knows SQL: every read goes through a stage module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from litreview.appraisal.ratings import current_appraisals, current_grades
from litreview.fulltext.reports import (
    current_notes,
    current_retrieval,
    get_fulltext_stage,
    get_study_links,
    list_included_studies,
)
from litreview.report.export import ExportedWork, select_works
from litreview.screening.session import get_view
from litreview.screening.team import is_dual_stage, list_conflicts
from litreview.state.read import read_state
from litreview.state.snapshot import ReviewState
from litreview.storage import views
from litreview.storage.bulk import gc_paused
from litreview.storage.decisions import CurrentDecision
from litreview.storage.files import current_attachments
from litreview.storage.review import Review

if TYPE_CHECKING:
    from litreview.appraisal.ratings import Appraisal
    from litreview.coding.codes import CodeValue
    from litreview.models import RecordFields
    from litreview.report.export import ExportedWork
    from litreview.screening.session import RecordView
    from litreview.screening.team import Conflict


# --- full text and appraisal ------------------------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    """One report sought at the full-text stage."""

    work_id: int
    fields: RecordFields
    status: str | None  # "retrieved" | "not_retrieved" | None (nothing recorded)
    location: str | None
    not_retrieved_reason: str | None
    decision: str | None  # at the full-text stage, as this reviewer may see it
    reason: str | None
    study_id: int  # the study the report belongs to (its own id unless linked)
    study_reports: tuple[int, ...]  # the sought reports of that study
    included_study: bool  # the study has an included report: appraisal and coding apply
    notes: Mapping[str, str]  # the study's notes (several reports: joined)
    appraisal: Appraisal | None
    has_file: bool = False  # a PDF is attached (its text can be read in the terminal)

    @property
    def own_notes(self) -> bool:
        """Whether ``notes`` are this report's alone (the study has no other report)."""
        return self.study_reports == (self.work_id,)


def _visible_decisions(
    review: Review, stage: str, items: list[ExportedWork], reviewer: str | None
) -> dict[int, tuple[str | None, str | None]]:
    """work id -> (decision, reason): the effective decision, or only this reviewer's own
    while blinded dual screening hides the other's."""

    if is_dual_stage(review, stage) and review.protocol.screening.blinded:
        views = [get_view(review, item.work_id, stage, reviewer=reviewer) for item in items]
        return {v.record_id: (v.decision, v.reason) for v in views}
    found: dict[int, tuple[str | None, str | None]] = {}
    for item in items:
        decided = item.decisions.get(stage)
        found[item.work_id] = (decided.value, decided.reason) if decided else (None, None)
    return found


def load_reports(review: Review, reviewer: str | None) -> list[ReportRow]:
    """Every report sought at the full-text stage, in work-id order."""

    stage = get_fulltext_stage(review).name
    attached = current_attachments(review.db)
    items = select_works(review, stage=stage)
    decisions = _visible_decisions(review, stage, items, reviewer)
    links = get_study_links(review)
    notes = current_notes(review)
    included = {s.study_id for s in list_included_studies(review)}
    appraisals = current_appraisals(review) if review.protocol.quality.criteria else {}
    reports: dict[int, list[int]] = {}
    for item in items:
        reports.setdefault(links.get(item.work_id, item.work_id), []).append(item.work_id)
    rows = []
    for item in items:
        study = links.get(item.work_id, item.work_id)
        retrieval = current_retrieval(review, item.work_id)
        decision, reason = decisions[item.work_id]
        rows.append(
            ReportRow(
                item.work_id,
                item.fields,
                retrieval.status if retrieval else None,
                retrieval.location if retrieval else None,
                retrieval.reason if retrieval else None,
                decision,
                reason,
                study,
                tuple(reports.get(study, [item.work_id])),
                study in included,
                notes.get(study, {}),
                appraisals.get(study),
                item.work_id in attached,
            )
        )
    return rows


# --- coding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudyRow:
    """One included study and its codes."""

    study_id: int
    report_ids: tuple[int, ...]
    fields: RecordFields
    codes: Mapping[str, CodeValue]
    grade: str | None


def load_studies(review: Review) -> list[StudyRow]:
    """Every included study, in the order they were first included."""
    from litreview.coding.codes import current_codes  # heavy: loads bibtexparser, pylatexenc, rispy

    codes = current_codes(review)
    grades = current_grades(review) if review.protocol.quality.criteria else {}
    return [
        StudyRow(
            s.study_id, s.report_ids, s.fields, codes.get(s.study_id, {}), grades.get(s.study_id)
        )
        for s in list_included_studies(review)
    ]


# --- browse ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrowseRow:
    """One work (a record or a duplicate group) with everything browse filters on."""

    work: ExportedWork  # listed fields (title, authors, year, journal, DOI) and decisions
    members: tuple[int, ...]  # its records
    sources: tuple[str, ...]  # databases its records came from
    stages: tuple[str, ...]  # stages it reached (is in the pool of)
    study_id: int | None = None  # the included study it belongs to
    grade: str | None = None
    codes: Mapping[str, CodeValue] = field(default_factory=dict)

    @property
    def work_id(self) -> int:
        return self.work.work_id


def _final_label(state: ReviewState, work: int, decided: dict[str, CurrentDecision]) -> int | None:
    """``label_included`` as ``report.export`` gives it: 0 outside the limits or excluded
    at any stage, 1 included at the last stage, else None."""
    if work in state.ineligible or any(d.value == "exclude" for d in decided.values()):
        return 0
    found = decided.get(state.stages[-1].name) if state.stages else None
    return 1 if found is not None and found.value == "include" else None


def load_browse_rows(review: Review) -> list[BrowseRow]:
    """Every work of the review (ineligible ones too), in work-id order, read from the
    review's snapshot and one query for the listed fields (title, authors, year, journal,
    DOI: ``storage.views.list_work_briefs``; the screen reads a work in full to open it)."""
    with gc_paused():  # 50,000 rows: the collector would otherwise take most of the time
        return _browse_rows(review)


def _browse_rows(review: Review) -> list[BrowseRow]:
    from litreview.coding.codes import current_codes  # heavy: loads bibtexparser, pylatexenc, rispy

    state = read_state(review)
    groups: dict[int, list[int]] = {}
    names: dict[int, set[str]] = {}
    databases = {s.source_id: s.database for s in state.sources}
    group_of = state.groups
    for record, source in views.list_record_sources(review.db):
        work = group_of.get(record, record)
        groups.setdefault(work, []).append(record)
        names.setdefault(work, set()).add(databases[source])
    pools = {s.name: frozenset(s.members) for s in state.stages}
    reached: dict[int, list[str]] = {}
    decisions: dict[int, dict[str, CurrentDecision]] = {}
    for stage in state.stages:
        for work in stage.members:
            reached.setdefault(work, []).append(stage.name)
        pool = pools[stage.name]
        for work, decision in stage.decisions.items():
            if work in pool:
                decisions.setdefault(work, {})[stage.name] = decision
    study_of = {r: s.study_id for s in state.studies for r in s.report_ids}
    codes = dict(current_codes(review)) if state.studies else {}
    briefs = views.list_work_briefs(review.db)
    rows = []
    for work in state.work_ids:
        decided = decisions.get(work, {})
        study = study_of.get(work)
        rows.append(
            BrowseRow(
                ExportedWork(work, briefs[work], decided, _final_label(state, work, decided)),
                tuple(sorted(groups.get(work, [work]))),
                tuple(sorted(names.get(work, ()))),
                tuple(reached.get(work, ())),
                study,
                state.grades.get(study) if study is not None else None,
                codes.get(study, {}) if study is not None else {},
            )
        )
    return rows


# --- conflicts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    """A conflict between reviewers, with the record it is about."""

    conflict: Conflict
    view: RecordView

    @property
    def key(self) -> tuple[str, int]:
        return (self.conflict.stage, self.conflict.work_id)


def load_conflicts(review: Review) -> list[ConflictRow]:
    """The open conflicts of every dual-screening stage, stage by stage."""

    rows = []
    for stage in review.protocol.stages:
        if is_dual_stage(review, stage.name):
            for conflict in list_conflicts(review, stage.name):
                view = get_view(review, conflict.work_id, stage.name)
                rows.append(ConflictRow(conflict, view))
    return rows
