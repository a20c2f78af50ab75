"""The full-text stage: reports sought and retrieved, notes, and reports grouped into studies.

The reports sought are the works included at the stage before the protocol's
full-text stage. For each, the reviewer records whether the full text was
retrieved (and where it is) or not (and why), fills in the protocol's
``fulltext_notes`` fields, and decides eligibility with
``screen.session.decide`` at the full-text stage, with the protocol's reasons.

A *study* is what appraisal and coding attach to. By default every report is
its own study, whose id is the report's work id; ``link_report`` makes a report
one of several reports of another study (PRISMA counts reports and studies).
Everything is an event (kinds ``fulltext``, ``note``, ``link_report``,
``eligibility``); the state is derived from them (``storage.fulltext``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from litreview.errors import InvalidTransition, InvalidValue
from litreview.fulltext.files import stored_location
from litreview.models import Event, RecordFields
from litreview.protocol import Stage
from litreview.protocol.lines import suggest
from litreview.screening.stages import stage_works
from litreview.screening.team import effective_decisions
from litreview.storage import fulltext as store
from litreview.storage import records as records_store
from litreview.storage import views, works
from litreview.storage.decisions import CurrentDecision
from litreview.storage.events import append_event, iter_live_events
from litreview.storage.files import current_attachments
from litreview.storage.review import Review

NO_REASON = "no reason given"
ARMS = ("database", "other")  # databases and registers | other methods (PRISMA 2020)


@dataclass(frozen=True)
class Study:
    study_id: int
    report_ids: tuple[int, ...]  # included reports, the study's own report first
    fields: RecordFields  # fields of the main report (the study id's work)


def get_fulltext_stage(review: Review) -> Stage:
    """The protocol's first stage of kind ``fulltext``."""
    for stage in review.protocol.stages:
        if stage.kind == "fulltext":
            return stage
    raise InvalidValue(
        "the protocol has no full-text stage",
        hint='add a [[stages]] table with kind = "fulltext" to the protocol',
    )


def list_sought(review: Review) -> list[int]:
    """Work ids of the reports sought: those included at the stage before full text."""
    return stage_works(review, get_fulltext_stage(review).name)


def _current_decisions(review: Review) -> dict[int, CurrentDecision]:
    """work id -> the decision that counts at the full-text stage (dual screening aware)."""
    return effective_decisions(review, get_fulltext_stage(review).name)


def _decision_values(review: Review) -> dict[int, str]:
    return {work: d.value for work, d in _current_decisions(review).items()}


def _sought_work(review: Review, record_id: int) -> int:
    records_store.get_record(review.db, record_id)  # raises RecordNotFound
    work = works.work_of(review.db, record_id)
    if work not in set(list_sought(review)):
        stage = get_fulltext_stage(review)
        names = [s.name for s in review.protocol.stages]
        before = names[names.index(stage.name) - 1] if names.index(stage.name) else None
        raise InvalidTransition(
            f"record {record_id} is not a report sought at the full-text stage",
            hint=(
                f"include it at stage '{before}' first"
                if before
                else "it is ineligible; see 'litreview status'"
            ),
        )
    return work


def mark_retrieved(
    review: Review, record_id: int, *, location: str | None = None, reviewer: str | None = None
) -> int:
    """The full text was found; ``location`` is a path or URL, stored as given."""
    work = _sought_work(review, record_id)
    location = (location or "").strip() or None
    with review.db.atomic():
        return _store_retrieval(review, work, "retrieved", None, location, reviewer)


def mark_requested(review: Review, record_id: int, *, via: str, reviewer: str | None = None) -> int:
    """The full text was asked for (interlibrary loan, from the authors, ...) and is
    awaited; the event's date says since when. PRISMA counts it as awaiting."""
    work = _sought_work(review, record_id)
    if not via or not via.strip():
        raise InvalidValue(
            "say where the full text was requested from",
            hint="--via 'interlibrary loan' or --via 'the corresponding author'",
        )
    with review.db.atomic():
        return _store_retrieval(review, work, "requested", via.strip(), None, reviewer)


def mark_not_retrieved(
    review: Review, record_id: int, *, reason: str, reviewer: str | None = None
) -> int:
    """The full text could not be obtained (PRISMA: reports not retrieved)."""
    work = _sought_work(review, record_id)
    if not reason or not reason.strip():
        raise InvalidValue(
            "say why the full text was not retrieved",
            hint="--reason 'not held by the library', for example",
        )
    decision = _decision_values(review).get(work)
    if decision in ("include", "exclude"):
        raise InvalidTransition(
            f"record {record_id} was already assessed ({decision}d) at the full-text stage",
            hint="undo that decision first ('litreview undo')",
        )
    with review.db.atomic():
        return _store_retrieval(review, work, "not_retrieved", reason.strip(), None, reviewer)


def _store_retrieval(
    review: Review,
    work: int,
    status: str,
    reason: str | None,
    location: str | None,
    reviewer: str | None,
) -> int:
    return append_event(
        review.db,
        "fulltext",
        record_id=work,
        stage=get_fulltext_stage(review).name,
        value=status,
        reason=reason,
        reviewer=reviewer,
        payload={"location": location},
    )


def set_notes(
    review: Review, record_id: int, notes: Mapping[str, str], *, reviewer: str | None = None
) -> list[int]:
    """Fill in ``fulltext_notes`` fields of a report (empty text clears a field)."""
    work = _sought_work(review, record_id)
    known = [n.name for n in review.protocol.fulltext_notes]
    for field in notes:
        if field not in known:
            raise InvalidValue(
                f"the protocol has no note field {field!r}",
                hint=suggest(field, known, "its note fields are"),
            )
    stage = get_fulltext_stage(review).name
    with review.db.atomic():
        return [
            append_event(
                review.db,
                "note",
                record_id=work,
                stage=stage,
                value=field,
                note=text.strip(),
                reviewer=reviewer,
            )
            for field, text in notes.items()
        ]


def get_study_links(review: Review) -> dict[int, int]:
    """report work id -> study id, for reports that belong to another report's study."""
    return store.current_links(review.db)


def find_study_id(review: Review, record_id: int) -> int:
    """The study the record's work belongs to (its own work id unless linked)."""
    work = works.work_of(review.db, record_id)
    return get_study_links(review).get(work, work)


def link_report(
    review: Review, record_id: int, study_id: int, *, reviewer: str | None = None
) -> int:
    """Make the report ``record_id`` one of the reports of study ``study_id``.

    Linking a report to itself makes it its own study again.
    """
    report = _sought_work(review, record_id)
    study = _sought_work(review, study_id)
    links = get_study_links(review)
    if study in links and study != report:
        raise InvalidValue(
            f"record {study_id} is a report of study {links[study]}, not a study itself",
            hint=f"link to study {links[study]} instead",
        )
    members = sorted(r for r, s in links.items() if s == report)
    if members and study != report:
        raise InvalidTransition(
            f"record {record_id} is the study of reports {', '.join(map(str, members))}",
            hint=f"link those to study {study} first",
        )
    with review.db.atomic():
        return append_event(
            review.db,
            "link_report",
            record_id=report,
            other_record_id=study,
            stage=get_fulltext_stage(review).name,
            reviewer=reviewer,
        )


def override_eligibility(
    review: Review, record_id: int, *, reason: str, reviewer: str | None = None
) -> int:
    """Keep a work that the protocol's automatic limits (year, language, type) set aside,
    e.g. an older study found by citation chasing. Takes effect at the next dedup run."""
    records_store.get_record(review.db, record_id)
    if not reason or not reason.strip():
        raise InvalidValue("say why the work is kept despite the eligibility limits")
    with review.db.atomic():
        return append_event(
            review.db,
            "eligibility",
            record_id=works.work_of(review.db, record_id),
            value="override",
            reason=reason.strip(),
            reviewer=reviewer,
        )


def _included_reports(review: Review) -> dict[int, list[int]]:
    """study id -> its included reports (own report first, then by link order), studies
    in the order they were first included."""
    stage = get_fulltext_stage(review).name
    decisions = _decision_values(review)
    included = [w for w in list_sought(review) if decisions.get(w) == "include"]
    first = store.first_includes(review.db, stage)
    links = get_study_links(review)
    by_study: dict[int, list[int]] = {}
    for work in sorted(included, key=lambda w: (first.get(w, 1 << 62), w)):
        by_study.setdefault(links.get(work, work), []).append(work)
    order = store.link_event_order(review.db)
    return {
        study: sorted(reports, key=lambda r: (r != study, order.get(r, 0), r))
        for study, reports in by_study.items()
    }


def list_included_studies(review: Review) -> list[Study]:
    """Studies with at least one report included at the full-text stage, in the order
    they were first included."""
    return [
        Study(study, tuple(reports), views.work_fields(review.db, study))
        for study, reports in _included_reports(review).items()
    ]


def find_included_study(review: Review, record_id: int) -> Study | None:
    records_store.get_record(review.db, record_id)
    study_id = find_study_id(review, record_id)
    reports = _included_reports(review).get(study_id)
    if reports is None:
        return None
    return Study(study_id, tuple(reports), views.work_fields(review.db, study_id))


def get_included_study(review: Review, record_id: int) -> Study:
    """The included study holding ``record_id``, else InvalidTransition."""
    study = find_included_study(review, record_id)
    if study is None:
        stage = get_fulltext_stage(review).name
        raise InvalidTransition(
            f"record {record_id} is not an included study",
            hint=f"include it at the full-text stage first: "
            f"litreview decide {record_id} include --stage {stage}",
        )
    return study


def _in_arm(review: Review, sought: list[int], arm: str | None) -> list[int]:
    if arm is None:
        return sought
    if arm not in ARMS:
        raise InvalidValue(f"unknown arm {arm!r}", hint="database or other")
    arms = store.work_arms(review.db)
    if arm == "other":
        return [w for w in sought if arms.get(w, set()) <= {"other"}]
    return [w for w in sought if not arms.get(w, set()) <= {"other"}]


def fulltext_counts(review: Review, *, arm: str | None = None) -> dict[str, object]:
    """PRISMA counts of the full-text stage; ``arm`` = "database" (databases and
    registers) or "other" (works found only by other methods) restricts them."""
    stage = get_fulltext_stage(review)
    sought = _in_arm(review, list_sought(review), arm)
    current = _current_decisions(review)
    decisions = {w: d.value for w, d in current.items()}
    retrievals = _retrievals(review)
    assessed = [w for w in sought if decisions.get(w) in ("include", "exclude")]
    done = set(assessed)
    not_retrieved = [
        w
        for w in sought
        if w not in done and w in retrievals and retrievals[w].status == "not_retrieved"
    ]
    labels = {r.code: r.label for r in stage.exclusion_reasons}
    excluded = Counter(
        labels.get(current[w].reason or "", current[w].reason or NO_REASON)
        for w in assessed
        if decisions[w] == "exclude"
    )
    included = {w for w in assessed if decisions[w] == "include"}
    studies = [s for s, reports in _included_reports(review).items() if included & set(reports)]
    return {
        "sought": len(sought),
        "not_retrieved": len(not_retrieved),
        "assessed": len(assessed),
        "excluded": dict(excluded),
        "included_reports": len(included),
        "included_studies": len(studies),
        "retrieved": sum(
            1 for w in sought if w in retrievals and retrievals[w].status == "retrieved"
        ),
        "awaiting": len(sought) - len(assessed) - len(not_retrieved),
    }


def current_notes(review: Review) -> dict[int, dict[str, str]]:
    """study id -> note field -> text (the notes of several reports of a study are
    joined by a blank line, the study's own report first)."""
    stage = get_fulltext_stage(review).name
    links = get_study_links(review)
    order = store.link_event_order(review.db)
    by_report = store.current_report_notes(review.db, stage)
    notes: dict[int, dict[str, str]] = {}
    for report in sorted(
        by_report, key=lambda r: (links.get(r, r), r in links, order.get(r, 0), r)
    ):
        fields = notes.setdefault(links.get(report, report), {})
        for field, text in by_report[report].items():
            fields[field] = f"{fields[field]}\n\n{text}" if field in fields else text
    return notes


def _retrievals(review: Review) -> dict[int, store.Retrieval]:
    """work id -> retrieval status: the latest of the recorded status and an attached
    file (a work with a file is retrieved, its location the stored file)."""
    found = store.current_retrievals(review.db, get_fulltext_stage(review).name)
    for work, attached in current_attachments(review.db).items():
        recorded = found.get(work)
        if recorded is None or recorded.event_id < attached.event_id:
            found[work] = store.Retrieval(
                attached.event_id,
                work,
                "retrieved",
                str(stored_location(review, attached.path)),
                None,
                None,
                attached.created_at,
            )
    return found


def current_retrieval(review: Review, record_id: int) -> store.Retrieval | None:
    """The work's retrieval status (an attached file counts as retrieved)."""
    return _retrievals(review).get(works.work_of(review.db, record_id))


def undo_fulltext(
    review: Review, *, reviewer: str | None, record_id: int | None = None
) -> Event | None:
    """Revert the newest live retrieval, note or link event (by ``reviewer``, on the
    record's work if given); returns the reverted event, or None."""
    work = None if record_id is None else works.work_of(review.db, record_id)
    groups = works.group_map(review.db)
    last = None
    for event in iter_live_events(review.db, ("fulltext", "note", "link_report")):
        if reviewer is not None and event.reviewer != reviewer:
            continue
        if work is None or store.to_work(groups, event.record_id) == work:
            last = event
    if last is not None:
        with review.db.atomic():
            store.revert_event(review.db, last, reviewer=reviewer)
    return last
