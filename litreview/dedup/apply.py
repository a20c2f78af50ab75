"""Deduplicating a review: run the engine over every record, keep manual decisions,
and mark records outside the protocol's eligibility limits.

Merging links records into groups and never deletes one; every manual decision
(merge, unmerge, not-duplicate) is an event that later runs replay, so a re-run
never undoes a reviewer's call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from litreview.dedup import DedupRecord, find_duplicates, merge_fields
from litreview.dedup.engine import Progress
from litreview.errors import InvalidValue
from litreview.models import RecordFields
from litreview.storage import events as events_store
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage import works
from litreview.storage.fulltext import list_eligibility_overrides
from litreview.storage.review import Review


@dataclass(frozen=True)
class DedupSummary:
    records: int
    groups: int  # works after deduplication (groups and singletons)
    duplicates_removed: int
    needs_review: int
    ineligible: int
    conflicts: int = 0


def manual_pairs(review: Review) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """Replay the manual dedup events into (same, different) pairs."""
    same: set[tuple[int, int]] = set()
    different: set[tuple[int, int]] = set()
    for event in events_store.iter_live_events(review.db, ("dedup",)):
        a, b = event.record_id, event.other_record_id
        if event.value == "unmerge" and a is not None:
            members = (event.payload or {}).get("members", [])
            assert isinstance(members, list)
            same = {p for p in same if a not in p}
            different |= {_pair(a, int(m)) for m in members if int(m) != a}
            continue
        if a is None or b is None:
            continue
        pair = _pair(a, b)
        if event.value == "merge":
            same.add(pair)
            different.discard(pair)
        elif event.value == "not_duplicate":
            different.add(pair)
            same.discard(pair)
    return same, different


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _limit_reasons(review: Review) -> dict[str, str]:
    """The protocol's reason code for each eligibility limit, where a stage names one."""
    codes: dict[str, str] = {}
    for stage in review.protocol.stages:
        for reason in stage.exclusion_reasons:
            if reason.limit and reason.limit not in codes:
                codes[reason.limit] = reason.code
    return codes


def _ineligible(
    review: Review, fields_by_work: dict[int, RecordFields], members: dict[int, list[int]]
) -> dict[int, str]:
    """Works outside the protocol's limits; unknown years or languages stay eligible,
    and so do works a reviewer kept on purpose (an ``eligibility`` override event)."""
    kept = list_eligibility_overrides(review.db)
    limits = review.protocol.eligibility
    codes = _limit_reasons(review)
    languages = {lang.lower() for lang in limits.languages}
    types = {t.upper() for t in limits.document_types}
    reasons: dict[int, str] = {}
    for work_id, fields in fields_by_work.items():
        if kept.intersection(members.get(work_id, [work_id])):
            continue
        year, language = fields.year, fields.language
        if limits.year_from is not None and year is not None and year < limits.year_from:
            reasons[work_id] = codes.get("year", f"published before {limits.year_from}")
        elif limits.year_to is not None and year is not None and year > limits.year_to:
            reasons[work_id] = codes.get("year", f"published after {limits.year_to}")
        elif languages and language and language.lower() not in languages:
            reasons[work_id] = codes.get("language", f"language {language}")
        elif types and fields.type and fields.type.upper() not in types:
            reasons[work_id] = codes.get("document_type", f"document type {fields.type}")
    return reasons


def run_dedup(
    review: Review, *, dry_run: bool = False, progress: Progress | None = None
) -> DedupSummary:
    """Deduplicate every record of the review (new imports against everything).

    ``progress(stage, done, total)`` is told how far the engine is (see ``find_duplicates``).
    """
    by_id = dict(records_store.iter_record_fields(review.db))
    same, different = manual_pairs(review)
    result = find_duplicates(
        [DedupRecord.from_fields(record_id, fields) for record_id, fields in by_id.items()],
        same=same,
        different=different,
        progress=progress,
    )
    members: dict[int, list[int]] = defaultdict(list)
    for record_id, group in result.groups.items():
        members[group].append(record_id)
    merged = {
        g: merge_fields([by_id[m] for m in sorted(ms)]) for g, ms in members.items() if len(ms) > 1
    }
    fields_by_work = {g: merged.get(g, by_id[g]) for g in members}
    ineligible = _ineligible(review, fields_by_work, members)
    decided = same | different
    pairs = [
        (p.a, p.b, p.verdict, p.score, list(p.reasons))
        for p in result.needs_review
        if _pair(p.a, p.b) not in decided
    ]
    if not dry_run:
        with review.db.atomic():
            works.replace_groups(review.db, result.groups, merged, pairs)
            works.replace_ineligible(review.db, ineligible)
    return DedupSummary(
        records=len(by_id),
        groups=len(members),
        duplicates_removed=len(by_id) - len(members),
        needs_review=len(pairs),
        ineligible=len(ineligible),
    )


def _check_records(review: Review, *record_ids: int) -> None:
    for record_id in record_ids:
        records_store.get_record(review.db, record_id)  # raises RecordNotFound


def merge_records(review: Review, a: int, b: int, *, reviewer: str | None) -> DedupSummary:
    """Say that records ``a`` and ``b`` are the same work."""
    if a == b:
        raise InvalidValue("a record cannot be merged with itself")
    _check_records(review, a, b)
    with review.db.atomic():
        events_store.append_event(
            review.db, "dedup", value="merge", record_id=a, other_record_id=b, reviewer=reviewer
        )
    return run_dedup(review)


def mark_not_duplicate(review: Review, a: int, b: int, *, reviewer: str | None) -> DedupSummary:
    """Say that records ``a`` and ``b`` are different works (never grouped again)."""
    if a == b:
        raise InvalidValue("a record is always the same work as itself")
    _check_records(review, a, b)
    with review.db.atomic():
        events_store.append_event(
            review.db,
            "dedup",
            value="not_duplicate",
            record_id=a,
            other_record_id=b,
            reviewer=reviewer,
        )
    return run_dedup(review)


def unmerge_record(review: Review, record_id: int, *, reviewer: str | None) -> DedupSummary:
    """Take ``record_id`` out of its duplicate group; it becomes a work of its own."""
    _check_records(review, record_id)
    group = works.members_of(review.db, works.work_of(review.db, record_id))
    if len(group) < 2:
        raise InvalidValue(f"record {record_id} is not in a duplicate group")
    with review.db.atomic():
        events_store.append_event(
            review.db,
            "dedup",
            value="unmerge",
            record_id=record_id,
            reviewer=reviewer,
            payload={"members": group},
        )
    return run_dedup(review)


def undo_dedup(review: Review, *, reviewer: str | None) -> DedupSummary | None:
    """Revert the newest live manual dedup decision and re-run; None if there is none."""
    live = list(events_store.iter_live_events(review.db, ("dedup",)))
    if not live:
        return None
    with review.db.atomic():
        events_store.append_event(
            review.db,
            "undo",
            record_id=live[-1].record_id,
            reviewer=reviewer,
            reverts_event_id=live[-1].event_id,
        )
    return run_dedup(review)


# --- reading the review's duplicates (the TUI's duplicates and browse screens) ---------


@dataclass(frozen=True)
class PairToReview:
    """Two records the engine could not decide on: the same work or not?"""

    a: int
    b: int
    score: float
    reasons: tuple[str, ...]


def list_review_pairs(review: Review) -> list[PairToReview]:
    """The pairs waiting for a reviewer's judgement, as the last dedup run left them."""
    return [
        PairToReview(
            int(p["record_a"]),
            int(p["record_b"]),
            float(p["score"]),
            tuple(str(r) for r in p["reasons"]),
        )
        for p in works.list_pairs(review.db, "needs_review")
    ]


def get_record_fields(review: Review, record_id: int) -> RecordFields:
    """One record's own fields (not its group's), ``database`` set to the name of the
    source it came from when the file did not name one; RecordNotFound if absent."""

    record = records_store.get_record(review.db, record_id)
    if record.fields.database:
        return record.fields
    names = {s.source_id: s.database for s in sources_store.list_sources(review.db)}
    return replace(record.fields, database=names.get(record.source_id))


def preview_merge(review: Review, a: int, b: int) -> RecordFields:
    """The fields the work would show if ``a`` and ``b`` were merged: the best of every
    member of both records' groups (``merge_fields``); nothing is stored."""
    _check_records(review, a, b)
    members = set(works.members_of(review.db, works.work_of(review.db, a)))
    members |= set(works.members_of(review.db, works.work_of(review.db, b)))
    return merge_fields([records_store.get_record(review.db, m).fields for m in sorted(members)])


def map_records_to_works(review: Review) -> dict[int, int]:
    """record id -> work id for every record (a work's id is its group's smallest record
    id; a record with no duplicates is its own work)."""
    groups = works.group_map(review.db)
    return {
        record_id: groups.get(record_id, record_id)
        for record_id in records_store.record_provenance(review.db)
    }
