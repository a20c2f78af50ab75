"""Quality appraisal of included studies: ratings on the protocol's criteria and scale,
the grade its rule gives, and overrides that must say why.

Every rating and override is an event (``appraisal``, ``grade_override``);
``undo_appraisal`` reverts one with an ``undo`` event, and ``list_appraisal_history``
is the audit trail. Ratings attach to the study, so several reports of one study
are appraised together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from litreview.errors import InvalidValue
from litreview.fulltext.reports import get_included_study, get_study_links, list_included_studies
from litreview.models import Event
from litreview.protocol import Quality
from litreview.protocol.lines import suggest
from litreview.storage import appraisals as store
from litreview.storage.fulltext import list_event_history, revert_event
from litreview.storage.review import Review


@dataclass(frozen=True)
class Appraisal:
    study_id: int
    ratings: dict[str, str]  # criterion -> scale level, in the protocol's criteria order
    score: float | None  # None until every criterion is rated
    computed_grade: str | None  # by the protocol's grading rule
    override: str | None
    override_reason: str | None
    grade: str | None  # the override if any, else the computed grade


@dataclass(frozen=True)
class HistoryEntry:
    event: Event
    undone_by: int | None  # the undo event's id, None while the event counts


def _quality(review: Review) -> Quality:
    quality = review.protocol.quality
    if not quality.criteria:
        raise InvalidValue(
            "the protocol defines no quality criteria",
            hint="add a [quality] table (docs/protocol.md)",
        )
    return quality


def check_ratings(quality: Quality, ratings: Mapping[str, str]) -> dict[str, str]:
    """Ratings with criterion and level names checked (case-insensitive), else InvalidValue."""
    criteria = {c.name.casefold(): c.name for c in quality.criteria}
    levels = {s.name.casefold(): s.name for s in quality.scale}
    checked: dict[str, str] = {}
    for given, level in ratings.items():
        name = criteria.get(given.strip().casefold())
        if name is None:
            raise InvalidValue(
                f"{given!r} is not a quality criterion",
                hint=suggest(given, list(criteria.values()), "the criteria are"),
            )
        value = levels.get(level.strip().casefold())
        if value is None:
            raise InvalidValue(
                f"{level!r} is not a rating on the scale ({name})",
                hint=suggest(level, list(levels.values()), "the scale is"),
            )
        checked[name] = value
    return checked


def rate_study(
    review: Review, record_id: int, ratings: Mapping[str, str], *, reviewer: str | None = None
) -> int:
    """Rate an included study on some or all criteria; returns the event id."""
    checked = check_ratings(_quality(review), ratings)
    if not checked:
        raise InvalidValue("give at least one rating", hint="--criterion NAME=LEVEL")
    study = get_included_study(review, record_id)
    with review.db.atomic():
        return store.append_ratings(review.db, study.study_id, checked, reviewer=reviewer)


def override_grade(
    review: Review,
    record_id: int,
    grade: str | None,
    *,
    reason: str | None,
    reviewer: str | None = None,
) -> int:
    """Set the study's grade by hand (``reason`` required), or clear it with None."""
    quality = _quality(review)
    if grade is not None:
        names = [g.name for g in quality.grades]
        if grade not in names:
            raise InvalidValue(
                f"{grade!r} is not a grade of the protocol",
                hint=suggest(grade, names, "the grades are"),
            )
        if not reason or not reason.strip():
            raise InvalidValue("an overridden grade needs a reason", hint="--reason TEXT")
    study = get_included_study(review, record_id)
    with review.db.atomic():
        return store.append_grade_override(
            review.db,
            study.study_id,
            grade,
            reason=(reason or "").strip() or None,
            reviewer=reviewer,
        )


def compute_appraisal(
    quality: Quality,
    study_id: int,
    ratings: Mapping[str, str],
    override: store.GradeOverride | None = None,
) -> Appraisal:
    """Score and grade ``ratings`` by the protocol's rule (pure)."""
    names = [c.name for c in quality.criteria]
    levels = {s.name for s in quality.scale}
    # ratings of criteria or levels an amended protocol dropped no longer count
    ordered = {n: ratings[n] for n in names if ratings.get(n) in levels}
    score = grade = None
    if names and len(ordered) == len(names):
        score = quality.score(ordered)
        grade = quality.grade_for(ordered)
    return Appraisal(
        study_id=study_id,
        ratings=ordered,
        score=score,
        computed_grade=grade,
        override=override.grade if override else None,
        override_reason=override.reason if override else None,
        grade=override.grade if override else grade,
    )


def current_appraisals(review: Review, *, reviewer: str | None = None) -> dict[int, Appraisal]:
    """study id -> appraisal, for included studies with a rating or an override."""
    quality = review.protocol.quality
    links = get_study_links(review)
    ratings = store.current_ratings(review.db, links, reviewer=reviewer)
    overrides = store.current_overrides(review.db, links, reviewer=reviewer)
    found: dict[int, Appraisal] = {}
    for study in list_included_studies(review):
        sid = study.study_id
        if sid in ratings or sid in overrides:
            found[sid] = compute_appraisal(quality, sid, ratings.get(sid, {}), overrides.get(sid))
    return found


def current_grades(review: Review) -> dict[int, str]:
    """study id -> grade (an override wins over the computed grade)."""
    return {sid: a.grade for sid, a in current_appraisals(review).items() if a.grade}


def get_appraisal(review: Review, record_id: int) -> Appraisal:
    """The appraisal of the included study holding ``record_id`` (empty if not rated)."""
    study = get_included_study(review, record_id)
    found = current_appraisals(review).get(study.study_id)
    return found or compute_appraisal(review.protocol.quality, study.study_id, {})


def count_grades(review: Review) -> dict[str, int]:
    """grade -> number of studies, in the protocol's grade order."""
    grades = list(current_grades(review).values())
    names = [g.name for g in review.protocol.quality.grades]
    return {name: grades.count(name) for name in names if name in grades}


def list_appraisal_history(review: Review, record_id: int) -> list[HistoryEntry]:
    """Every appraisal and override event on the study's reports, undone ones included."""
    study = get_included_study(review, record_id)
    targets = {study.study_id, *study.report_ids}
    targets |= {r for r, s in get_study_links(review).items() if s == study.study_id}
    return [
        HistoryEntry(e, undone)
        for e, undone in list_event_history(review.db, store.APPRAISAL_KINDS, targets)
    ]


def undo_appraisal(
    review: Review, *, reviewer: str | None, record_id: int | None = None
) -> Event | None:
    """Revert the newest live rating or override (by ``reviewer``; on the record's study
    if given); returns the reverted event, or None."""
    links = get_study_links(review)
    studies = None
    if record_id is not None:
        studies = {get_included_study(review, record_id).study_id}
    with review.db.atomic():
        last = store.find_last_appraisal_event(
            review.db, links, reviewer=reviewer, study_ids=studies
        )
        if last is not None:
            revert_event(review.db, last, reviewer=reviewer)
    return last
