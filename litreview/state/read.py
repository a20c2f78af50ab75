"""Building the snapshot of a review (``state.snapshot.ReviewState``) from storage, in
one pass over the live events it needs and a handful of counting queries."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from litreview.protocol import Protocol, Quality
from litreview.state.decisions import effective, is_dual_stage, open_conflicts
from litreview.state.snapshot import FulltextState, ReviewState, StageState, Stop, Study
from litreview.storage import events as events_store
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage import works as works_store
from litreview.storage.decisions import CurrentDecision
from litreview.storage.events import LiveRow
from litreview.storage.files import Attachment
from litreview.storage.fulltext import Retrieval, works_only_from
from litreview.storage.review import Review

STOP_EVENT = "stop_screening"  # written by screening.progress
_KINDS = (
    "decision",
    "resolution",
    STOP_EVENT,
    "fulltext",
    "link_report",
    "attach",
    "appraisal",
    "grade_override",
)


class _StageLog:
    """The live decisions and resolutions of one stage, by work."""

    def __init__(self) -> None:
        self.latest: dict[int, CurrentDecision] = {}
        self.by_reviewer: dict[int, dict[str, CurrentDecision]] = {}
        self.resolutions: dict[int, CurrentDecision] = {}
        self.per_record: dict[int, str] = {}  # record -> its latest live decision value
        self.first_includes: dict[int, int] = {}


def _decision(row: LiveRow) -> CurrentDecision:
    event_id, _, record_id, _, _, value, reason, note, reviewer, _, _ = row
    assert record_id is not None and value is not None
    return CurrentDecision(event_id, record_id, value, reason, note, reviewer)


def _payload(row: LiveRow) -> dict[str, object]:
    found = json.loads(row[9]) if row[9] else None
    return found if isinstance(found, dict) else {}


class _Log:
    """Every live event the snapshot needs, sorted into place in one pass."""

    def __init__(self, rows: Iterable[LiveRow], groups: Mapping[int, int]) -> None:
        self.stages: dict[str, _StageLog] = {}
        self.stops: dict[str, Stop] = {}
        self.retrievals: dict[str, dict[int, Retrieval]] = {}
        self.attachments: dict[int, Attachment] = {}
        self.links: dict[int, int] = {}
        self.link_order: dict[int, int] = {}
        self.ratings: list[tuple[int, dict[str, object]]] = []  # (work, payload ratings)
        self.overrides: list[tuple[int, LiveRow]] = []
        for row in rows:
            kind, record_id, stage = row[1], row[2], row[4]
            work = groups.get(record_id, record_id) if record_id is not None else None
            if kind in ("decision", "resolution") and stage is not None and work is not None:
                self._decision(kind, stage, work, row)
            elif kind == STOP_EVENT and stage:
                self.stops[stage] = Stop(row[0], row[5] or "stopping rule", row[8], row[10], row[7])
            elif kind == "fulltext" and stage is not None and work is not None:
                location = _payload(row).get("location")
                self.retrievals.setdefault(stage, {})[work] = Retrieval(
                    row[0],
                    work,
                    str(row[5]),
                    None if location is None else str(location),
                    row[6],
                    row[8],
                    row[10],
                )
            elif kind == "link_report" and work is not None:
                other = row[3]
                assert other is not None
                self.links[work] = groups.get(other, other)
                self.link_order[work] = row[0]
            elif kind == "attach" and work is not None:
                payload = _payload(row)
                self.attachments[work] = Attachment(
                    row[0],
                    work,
                    str(row[5]),
                    str(payload.get("path", "")),
                    str(payload.get("origin", "")),
                    str(payload.get("matched_by", "")),
                    row[10],
                )
            elif kind == "appraisal" and work is not None:
                given = _payload(row).get("ratings", {})
                assert isinstance(given, dict)
                self.ratings.append((work, given))
            elif kind == "grade_override" and work is not None:
                self.overrides.append((work, row))

    def _decision(self, kind: str, stage: str, work: int, row: LiveRow) -> None:
        log = self.stages.setdefault(stage, _StageLog())
        decision = _decision(row)
        if kind == "decision":
            log.latest[work] = decision
            log.by_reviewer.setdefault(work, {})[decision.reviewer or ""] = decision
            log.per_record[decision.record_id] = decision.value
        else:
            log.resolutions[work] = decision
        if decision.value == "include":
            log.first_includes.setdefault(work, decision.event_id)


def _merge_conflicts(per_record: Mapping[int, str], groups: Mapping[int, int]) -> int:
    values: dict[int, set[str]] = {}
    for record_id, value in per_record.items():
        values.setdefault(groups.get(record_id, record_id), set()).add(value)
    return sum(1 for v in values.values() if len(v) > 1)


def _stages(
    protocol: Protocol,
    review_id: str,
    log: _Log,
    eligible: list[int],
    groups: Mapping[int, int],
) -> tuple[StageState, ...]:
    stages: list[StageState] = []
    eligible_set = set(eligible)
    members: tuple[int, ...] = tuple(eligible)
    for index, stage in enumerate(protocol.stages):
        if index:
            previous = stages[-1].decisions
            members = tuple(
                sorted(w for w, d in previous.items() if d.value == "include" and w in eligible_set)
            )
        entry = log.stages.get(stage.name, _StageLog())
        decisions = effective(
            protocol, review_id, stage.name, entry.latest, entry.by_reviewer, entry.resolutions
        )
        conflicts = open_conflicts(protocol, stage.name, entry.by_reviewer, entry.resolutions)
        stages.append(
            StageState(
                name=stage.name,
                kind=stage.kind,
                dual=is_dual_stage(protocol, stage.name),
                members=members,
                decisions=decisions,
                conflicts=tuple(conflicts),
                merge_conflicts=_merge_conflicts(entry.per_record, groups),
                stop=log.stops.get(stage.name),
            )
        )
    return tuple(stages)


def _fulltext(protocol: Protocol, log: _Log) -> FulltextState | None:
    stage = next((s.name for s in protocol.stages if s.kind == "fulltext"), None)
    if stage is None:
        return None
    return FulltextState(
        stage=stage,
        recorded=log.retrievals.get(stage, {}),
        attachments=log.attachments,
        links={r: s for r, s in log.links.items() if r != s},
        link_order=log.link_order,
        first_includes=log.stages.get(stage, _StageLog()).first_includes,
    )


def _studies(stages: tuple[StageState, ...], fulltext: FulltextState | None) -> tuple[Study, ...]:
    """Included studies in the order first included; each study's own report first, then
    its other reports in the order they were linked."""
    if fulltext is None:
        return ()
    stage = next(s for s in stages if s.name == fulltext.stage)
    included = [w for w in stage.members if _value(stage, w) == "include"]
    first = fulltext.first_includes
    by_study: dict[int, list[int]] = {}
    for work in sorted(included, key=lambda w: (first.get(w, 1 << 62), w)):
        by_study.setdefault(fulltext.study_of(work), []).append(work)
    order = fulltext.link_order
    return tuple(
        Study(study, tuple(sorted(reports, key=lambda r: (r != study, order.get(r, 0), r))))
        for study, reports in by_study.items()
    )


def _value(stage: StageState, work: int) -> str | None:
    found = stage.decisions.get(work)
    return None if found is None else found.value


def _grades(
    quality: Quality, log: _Log, fulltext: FulltextState | None, studies: Iterable[Study]
) -> dict[int, str]:
    """study id -> grade of included studies: the live override, else the grade the
    protocol's rule gives once every criterion is rated (``appraisal.ratings``)."""
    links = fulltext.links if fulltext is not None else {}
    ratings: dict[int, dict[str, str]] = {}
    for work, given in log.ratings:
        ratings.setdefault(links.get(work, work), {}).update(
            {str(k): str(v) for k, v in given.items()}
        )
    overrides: dict[int, str | None] = {}
    for work, row in log.overrides:
        overrides[links.get(work, work)] = row[5]
    names = [c.name for c in quality.criteria]
    levels = {s.name for s in quality.scale}
    grades: dict[int, str] = {}
    for study in studies:
        sid = study.study_id
        override = overrides.get(sid)
        if override is not None:
            grades[sid] = override
            continue
        ordered = {
            n: ratings.get(sid, {})[n] for n in names if ratings.get(sid, {}).get(n) in levels
        }
        if names and len(ordered) == len(names):
            grade = quality.grade_for(ordered)
            if grade:
                grades[sid] = grade
    return grades


def read_state(review: Review) -> ReviewState:
    """The review as it stands now (see ``state.snapshot``).

    Everything is read from storage first, in one block, and only then worked out, so a reader
    of this function sees the whole of what the snapshot rests on in one place.
    """
    db = review.db
    protocol = review.protocol
    review_id = review.review_id
    groups = works_store.group_map(db)
    work_ids = works_store.list_work_ids(db, eligible_only=False)
    ineligible = works_store.ineligible_reasons(db)
    rows = events_store.list_live_rows(db, _KINDS)
    records = records_store.count_records(db)
    events = events_store.count_events(db)
    sources = tuple(sources_store.list_sources(db))
    records_by_source = records_store.count_records_by_source(db)
    other_only = frozenset(works_only_from(db, "other", groups))

    eligible = [w for w in work_ids if w not in ineligible] if ineligible else work_ids
    log = _Log(rows, groups)
    stages = _stages(protocol, review_id, log, eligible, groups)
    fulltext = _fulltext(protocol, log)
    studies = _studies(stages, fulltext)
    return ReviewState(
        path=review.path,
        title=protocol.title,
        review_id=review_id,
        protocol=protocol,
        records=records,
        events=events,
        sources=sources,
        records_by_source=records_by_source,
        work_ids=tuple(work_ids),
        groups=groups,
        ineligible=ineligible,
        other_only=other_only,
        stages=stages,
        fulltext=fulltext,
        studies=studies,
        grades=_grades(protocol.quality, log, fulltext, studies),
        stops=log.stops,
    )
