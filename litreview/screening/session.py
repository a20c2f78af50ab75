"""Screening a stage: the queue, decisions, undo and the ranking behind them.

The CLI (`next`, `decide`, `undo`) and the TUI call these functions. Decisions
are events; the state of a stage is derived from them. Works (records or
duplicate groups) are what gets screened; a work's id is its canonical record id.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import Literal

from litreview.errors import InvalidTransition, InvalidValue, RecordNotFound
from litreview.screening.checks import LiveCheck, ensure_check, stage_checks
from litreview.screening.live import refresh_stage_ranking
from litreview.screening.stages import check_stage, stage_names
from litreview.screening.stages import stage_works as stage_works  # re-exported for report/
from litreview.screening.stops import find_stop
from litreview.screening.team import effective_decisions, is_dual_stage, list_conflicts
from litreview.storage import decisions as decisions_store
from litreview.storage import events as events_store
from litreview.storage import meta, views, works
from litreview.storage import rankings as rankings_store
from litreview.storage.decisions import CurrentDecision
from litreview.storage.review import Review

Decision = Literal["include", "exclude", "maybe"]
DECISIONS: tuple[str, ...] = ("include", "exclude", "maybe")


@dataclass(frozen=True)
class RecordView:
    record_id: int
    stage: str
    rank: int | None
    score: float | None
    title: str | None
    authors: list[str]
    year: int | None
    journal: str | None
    keywords: list[str]
    abstract: str | None
    doi: str | None
    urls: list[str]
    sources: list[str]
    decision: str | None
    reason: str | None
    note: str | None
    check: str | None = None  # "random check k of n" when the default rule asked for it


def stage_counts(review: Review, stage: str) -> dict[str, int]:
    members = stage_works(review, stage)
    current = effective_decisions(review, stage)
    values = [current[w].value for w in members if w in current]
    counts = {
        "screened": len(values),
        "included": values.count("include"),
        "excluded": values.count("exclude"),
        "maybe": values.count("maybe"),
    }
    counts["remaining"] = len(members) - len(values)
    if find_stop(review, stage) is not None:
        counts["excluded_by_stopping_rule"] = counts["remaining"]
        counts["remaining"] = 0
    if is_dual_stage(review, stage):
        counts["conflicts"] = len(list_conflicts(review, stage))
    return counts


def default_stage(review: Review) -> str:
    """The first stage with works left to decide (else the last stage)."""
    names = stage_names(review)
    for name in names:
        counts = stage_counts(review, name)
        if counts["remaining"] or counts["maybe"]:
            return name
    return names[-1]


def stage_for_record(review: Review, record_id: int) -> str:
    """The earliest stage where the record's work is still open (undecided or maybe),
    else the last stage it reached."""
    work_id = works.work_of(review.db, record_id)
    reached: str | None = None
    for name in stage_names(review):
        if work_id not in set(stage_works(review, name)):
            break
        reached = name
        current = effective_decisions(review, name).get(work_id)
        if current is None or current.value == "maybe":
            return name
    if reached is None:
        raise RecordNotFound(
            f"record {record_id} is not open for screening",
            hint="it may be ineligible (see 'litreview status') or not exist",
        )
    return reached


def _visible_decision(
    review: Review, work_id: int, stage: str, reviewer: str | None
) -> CurrentDecision | None:
    """What this reviewer may see: only their own decision while blinded, else the
    effective one."""
    if is_dual_stage(review, stage) and review.protocol.screening.blinded:
        own = decisions_store.decisions_by_reviewer(review.db, stage).get(work_id, {})
        if reviewer is None or len(own) < 2:
            return own.get(reviewer or "")
    return effective_decisions(review, stage).get(work_id)


_UNSET: object = object()


def _view(
    review: Review,
    work_id: int,
    stage: str,
    rank: int | None,
    score: float | None,
    reviewer: str | None = None,
    current: CurrentDecision | None | object = _UNSET,
) -> RecordView:
    fields = views.work_fields(review.db, work_id)
    if current is _UNSET:
        current = _visible_decision(review, work_id, stage, reviewer)
    assert current is None or isinstance(current, CurrentDecision)
    return RecordView(
        record_id=work_id,
        stage=stage,
        rank=rank,
        score=score,
        title=fields.title,
        authors=list(fields.authors),
        year=fields.year,
        journal=fields.journal,
        keywords=list(fields.keywords),
        abstract=fields.abstract,
        doi=fields.doi,
        urls=list(fields.urls),
        sources=views.work_sources(review.db, work_id),
        decision=current.value if current else None,
        reason=current.reason if current else None,
        note=current.note if current else None,
    )


def _work_in_stage(review: Review, work_id: int, stage: str) -> bool:
    """Cheap membership test for one work (``stage_works`` lists them all)."""
    if not works.is_eligible_work(review.db, work_id):
        return False
    names = stage_names(review)
    index = names.index(stage)
    if index == 0:
        return True
    previous = effective_decisions(review, names[index - 1]).get(work_id)
    return previous is not None and previous.value == "include"


def _require_in_stage(review: Review, record_id: int, stage: str) -> int:
    check_stage(review, stage)
    work_id = works.work_of(review.db, record_id)
    if not _work_in_stage(review, work_id, stage):
        raise RecordNotFound(
            f"record {record_id} is not in stage {stage!r}",
            hint="it was excluded earlier, is ineligible, or the stage is wrong",
        )
    return work_id


def get_view(
    review: Review, record_id: int, stage: str, *, reviewer: str | None = None
) -> RecordView:
    work_id = _require_in_stage(review, record_id, stage)
    return _view(review, work_id, stage, None, None, reviewer)


def _ranking_owner(review: Review, stage: str, reviewer: str | None) -> str | None:
    """Blinded dual screening ranks with each reviewer's own labels, so neither
    reviewer's order leaks the other's judgements; otherwise one shared model."""
    blinded = is_dual_stage(review, stage) and review.protocol.screening.blinded
    return reviewer if blinded else None


def _open_works(
    review: Review, stage: str, members: list[int], reviewer: str | None
) -> tuple[list[int], list[int]]:
    """(undecided, maybe) works for ``reviewer`` at ``stage``."""
    effective = effective_decisions(review, stage)
    if not is_dual_stage(review, stage) or reviewer is None:
        open_works = [w for w in members if w not in effective]
        maybes = [w for w in members if w in effective and effective[w].value == "maybe"]
        return open_works, maybes
    mine = decisions_store.current_decisions(review.db, stage, reviewer=reviewer)
    open_works = [w for w in members if w not in effective and w not in mine]
    maybes = [w for w in members if w not in effective and w in mine and mine[w].value == "maybe"]
    return open_works, maybes


_RANKED_CACHE: dict[tuple[str, int], list[tuple[int, float]]] = {}


def _ranked(review: Review, run_id: int) -> list[tuple[int, float]]:
    """A stored ranking, parsed once per process (runs never change once stored)."""
    key = (review.review_id, run_id)
    if key not in _RANKED_CACHE:
        if len(_RANKED_CACHE) > 8:
            _RANKED_CACHE.clear()
        _RANKED_CACHE[key] = rankings_store.get_ranked(review.db, run_id)
    return _RANKED_CACHE[key]


def queue(
    review: Review, stage: str, *, reviewer: str | None = None
) -> list[tuple[int, int, float | None]]:
    """(work id, rank, score) for every open work: unscreened in ranked order, then maybes."""
    if find_stop(review, stage) is not None:
        return []
    members = stage_works(review, stage)
    open_works, maybes = _open_works(review, stage, members, reviewer)
    owner = _ranking_owner(review, stage, reviewer)
    run_id = rankings_store.find_latest_ranking_id(review.db, stage, owner)
    order: list[tuple[int, float | None]] = []
    wanted = set(open_works)
    check = _open_check(review, stage, len(members))
    if check is not None:  # the random check's records come first, in drawing order
        order = [(w, None) for w in check.sample if w in wanted]
    if run_id is not None:
        first = {w for w, _ in order}
        order += [(w, s) for w, s in _ranked(review, run_id) if w in wanted and w not in first]
    placed = {w for w, _ in order}
    order += [(w, None) for w in open_works if w not in placed]
    order += [(w, None) for w in maybes]
    return [(w, i + 1, s) for i, (w, s) in enumerate(order)]


def next_records(
    review: Review,
    stage: str,
    *,
    n: int = 1,
    skip: Collection[int] = (),
    reviewer: str | None = None,
) -> list[RecordView]:
    """The next ``n`` works for ``reviewer`` to screen, from the last stored ranking (cheap).

    When the default stopping rule wants a random check (its proposer fires), the check
    is drawn and recorded here, and its records come first, labelled "random check k of
    n" (``RecordView.check``)."""
    if find_stop(review, stage) is None:
        ensure_check(review, stage, stage_works(review, stage), reviewer=reviewer)
    picked = [(w, r, s) for w, r, s in queue(review, stage, reviewer=reviewer) if w not in skip][:n]
    if is_dual_stage(review, stage):
        mine = decisions_store.current_decisions(review.db, stage, reviewer=reviewer or "")
    else:
        mine = effective_decisions(review, stage)
    check = _open_check(review, stage)
    views_ = [_view(review, w, stage, r, s, reviewer, mine.get(w)) for w, r, s in picked]
    if check is None:
        return views_
    in_check = set(check.sample)
    return [
        replace(v, check=check.label(v.record_id)) if v.record_id in in_check else v for v in views_
    ]


def _open_check(review: Review, stage: str, members: int | None = None) -> LiveCheck | None:
    checks = stage_checks(review, stage, members=members)
    return checks[-1] if checks and checks[-1].status == "open" else None


def _check_reason(review: Review, stage: str, decision: str, reason: str | None) -> str | None:
    stage_def = review.protocol.stage(stage)
    if decision != "exclude":
        return reason
    allowed = {r.code: r.label for r in stage_def.exclusion_reasons}
    if reason is None:
        if stage_def.reason_required:
            raise InvalidValue(
                f"stage {stage!r} needs an exclusion reason",
                hint="give --reason with one of: " + "; ".join(allowed) if allowed else None,
            )
        return None
    if reason.isdigit() and 1 <= int(reason) <= len(stage_def.exclusion_reasons):
        return stage_def.exclusion_reasons[int(reason) - 1].code
    by_label = {label.casefold(): code for code, label in allowed.items()}
    if reason in allowed:
        return reason
    if reason.casefold() in by_label:
        return by_label[reason.casefold()]
    if allowed:
        raise InvalidValue(
            f"{reason!r} is not an exclusion reason of stage {stage!r}",
            hint="use a number or code: "
            + "; ".join(f"{i}={code}" for i, code in enumerate(allowed, 1)),
        )
    return reason


def decide(
    review: Review,
    record_id: int,
    decision: str,
    *,
    stage: str,
    reviewer: str | None,
    reason: str | None = None,
    note: str | None = None,
    rank: int | None = None,
    score: float | None = None,
) -> int:
    """Record a decision on the work holding ``record_id``; returns the event id."""
    return _record(
        review,
        "decision",
        record_id,
        decision,
        stage=stage,
        reviewer=reviewer,
        reason=reason,
        note=note,
        rank=rank,
        score=score,
    )


def _record(
    review: Review,
    kind: str,
    record_id: int,
    decision: str,
    *,
    stage: str,
    reviewer: str | None,
    reason: str | None,
    note: str | None,
    rank: int | None = None,
    score: float | None = None,
) -> int:
    if decision not in DECISIONS:
        raise InvalidValue(f"unknown decision {decision!r}", hint="include, exclude or maybe")
    work_id = _require_in_stage(review, record_id, stage)
    reason = _check_reason(review, stage, decision, reason)
    run_id = rankings_store.find_latest_ranking_id(
        review.db, stage, _ranking_owner(review, stage, reviewer)
    )
    payload = {"rank": rank, "score": score, "ranking_run": run_id}
    with review.db.atomic():
        return events_store.append_event(
            review.db,
            kind,
            record_id=work_id,
            stage=stage,
            value=decision,
            reason=reason,
            note=note,
            reviewer=reviewer,
            payload=payload,
        )


def resolve(
    review: Review,
    record_id: int,
    decision: str,
    *,
    stage: str,
    reviewer: str | None,
    reason: str | None = None,
    note: str | None = None,
) -> int:
    """Settle a conflict between reviewers; the resolution is an event of its own."""
    work_id = works.work_of(review.db, record_id)
    if work_id not in {c.work_id for c in list_conflicts(review, stage, include_resolved=True)}:
        raise InvalidTransition(
            f"record {record_id} has no conflict at stage {stage!r}",
            hint="'litreview conflicts' lists them",
        )
    return _record(
        review,
        "resolution",
        record_id,
        decision,
        stage=stage,
        reviewer=reviewer,
        reason=reason,
        note=note,
    )


def undo(review: Review, *, reviewer: str | None, stage: str | None = None) -> RecordView | None:
    """Revert ``reviewer``'s newest live decision; returns the reopened work, or None."""
    with review.db.atomic():
        event_id = decisions_store.last_live_decision(review.db, reviewer=reviewer, stage=stage)
        if event_id is None:
            return None
        event = events_store.get_event(review.db, event_id)
        events_store.append_event(
            review.db,
            "undo",
            record_id=event.record_id,
            stage=event.stage,
            reviewer=reviewer,
            reverts_event_id=event_id,
        )
    assert event.record_id is not None and event.stage is not None
    return _view(review, works.work_of(review.db, event.record_id), event.stage, None, None)


def search_records(review: Review, text: str, *, limit: int = 50) -> list[RecordView]:
    stage = default_stage(review)
    return [
        _view(review, w, stage, None, None) for w in views.search_work_ids(review.db, text, limit)
    ]


# Works in a stage above which `litreview next` keeps the stored ranking rather than
# retraining (building features takes about 0.2 ms per work); the TUI retrains in the
# background whatever the size, and `next --rerank` forces it.
LIVE_RETRAIN_LIMIT = 10_000


def refresh_ranking(
    review: Review,
    stage: str,
    *,
    random_state: int = 0,
    reviewer: str | None = None,
    max_works: int | None = None,
) -> bool:
    """Retrain and rerank ``stage`` and store the run; returns whether it retrained.

    Slow: run it off the UI thread. Skipped when the stored ranking already reflects
    the current labels and works, and (with ``max_works``) when the stage has more
    works than that and a ranking is stored.
    """
    owner = _ranking_owner(review, stage, reviewer)
    if owner is None:
        labels = decisions_store.current_decisions(review.db, stage)
    else:
        labels = decisions_store.current_decisions(review.db, stage, reviewer=owner)
    members = stage_works(review, stage)
    run_id = rankings_store.find_latest_ranking_id(review.db, stage, owner)
    if run_id is not None and (
        (max_works is not None and len(members) > max_works)
        or _ranking_is_current(review, stage, run_id, members, labels)
    ):
        return False
    refresh_stage_ranking(review, stage, members, labels, random_state=random_state, reviewer=owner)
    return True


def _ranking_is_current(
    review: Review,
    stage: str,
    run_id: int,
    members: list[int],
    labels: dict[int, CurrentDecision],
) -> bool:
    """The run ranked exactly today's undecided works, and no decision changed since."""
    created = rankings_store.get_ranking_created_at(review.db, run_id)
    changed = decisions_store.find_last_decision_change(review.db, stage)
    if created is None or (changed is not None and changed >= created):
        return False
    ranked = {w for w, _ in _ranked(review, run_id)}
    undecided = [w for w in members if w not in labels]
    return len(ranked) == len(undecided) and all(w in ranked for w in undecided)


def remembered_reviewer(review: Review) -> str | None:
    return meta.get_meta(review.db, "reviewer")


def remember_reviewer(review: Review, name: str) -> None:
    with review.db.atomic():
        meta.set_meta(review.db, "reviewer", name)
