"""Report tables of the review's log: ``sources`` (yield, unique contribution and overlap
per database), ``exclusions`` (full-text exclusions with reasons, PRISMA 2020 item 16b)
and ``searches`` (the PRISMA-S search log)."""

from __future__ import annotations

from collections import Counter, defaultdict

from litreview.fulltext.reports import list_included_studies
from litreview.models import RecordFields, Source
from litreview.report.citations import cite_reports
from litreview.report.model import Table
from litreview.screening.session import stage_works
from litreview.screening.team import effective_decisions
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage import works
from litreview.storage.review import Review
from litreview.storage.views import work_fields

EMPTY = "-"


def _source_label(source: Source) -> str:
    return source.method or source.database if source.arm == "other" else source.database


def map_records_to_sources(review: Review) -> dict[int, Source]:
    """record id -> the source it was imported from."""

    sources = sources_store.list_sources(review.db)
    by_key = {s.sha256 or f"source:{s.source_id}": s for s in sources}
    by_key |= {f"source:{s.source_id}": s for s in sources}
    return {
        record: by_key[key]
        for record, (key, _) in records_store.record_provenance(review.db).items()
    }


def works_by_source_label(
    review: Review,
) -> tuple[dict[str, set[int]], Counter[str], dict[str, str]]:
    """(label -> works it found, label -> records, label -> arm)."""

    groups = works.group_map(review.db)
    found: dict[str, set[int]] = defaultdict(set)
    records: Counter[str] = Counter()
    arms: dict[str, str] = {}
    for record, source in map_records_to_sources(review).items():
        label = _source_label(source)
        found[label].add(groups.get(record, record))
        records[label] += 1
        arms.setdefault(label, source.arm)
    return found, records, arms


def _included_works(review: Review) -> set[int]:

    if not any(s.kind == "fulltext" for s in review.protocol.stages):
        return set()
    return {r for s in list_included_studies(review) for r in s.report_ids}


def sources_table(review: Review) -> Table:
    """Per source: records, distinct works, works no other source found, included reports,
    and the works shared with each other source (overlap from the duplicate groups)."""
    found, records, arms = works_by_source_label(review)
    labels = sorted(found, key=lambda lb: (arms[lb] == "other", lb.casefold()))
    included = _included_works(review)
    headers = (
        "Source",
        "Arm",
        "Records",
        "Works",
        "Unique works",
        "Included reports",
        *(f"Shared with {lb}" for lb in labels),
    )
    rows = []
    for label in labels:
        others = set().union(*(found[o] for o in labels if o != label))
        rows.append(
            (
                label,
                arms[label],
                str(records[label]),
                str(len(found[label])),
                str(len(found[label] - others)),
                str(len(found[label] & included)),
                *(EMPTY if o == label else str(len(found[label] & found[o])) for o in labels),
            )
        )
    everything = set().union(*found.values()) if found else set()
    rows.append(
        (
            "All sources",
            "",
            str(sum(records.values())),
            str(len(everything)),
            "",
            str(len(everything & included)),
            *("" for _ in labels),
        )
    )
    notes = (
        "Works are records after deduplication; a work found by several sources counts "
        "for each of them.",
    )
    return Table("sources", "Yield and overlap of sources", headers, tuple(rows), notes)


def exclusions_table(review: Review) -> Table:
    """Every report excluded at a full-text stage, with the protocol's reason label."""

    rows: list[tuple[str, ...]] = []
    fields: dict[int, RecordFields] = {}
    excluded: list[tuple[int, str, str, str]] = []
    for stage in (s for s in review.protocol.stages if s.kind == "fulltext"):
        labels = {r.code: r.label for r in stage.exclusion_reasons}
        current = effective_decisions(review, stage.name)
        for work in stage_works(review, stage.name):
            decision = current.get(work)
            if decision is not None and decision.value == "exclude":
                fields[work] = work_fields(review.db, work)
                reason = labels.get(decision.reason or "", decision.reason or "no reason given")
                excluded.append((work, stage.label, reason, decision.note or ""))
    cited = cite_reports(fields)
    for work, stage_label, reason, note in sorted(
        excluded, key=lambda x: (cited[x[0]].names.casefold(), cited[x[0]].year, x[0])
    ):
        c = cited[work]
        rows.append(
            (str(work), f"{c.names}, {c.year}", fields[work].title or "", stage_label, reason, note)
        )
    totals = Counter(reason for _, _, reason, _ in excluded)
    notes = tuple(f"{reason}: {n}" for reason, n in totals.most_common())
    headers = ("Record", "Report", "Title", "Stage", "Reason", "Note")
    return Table(
        "exclusions", "Reports excluded at full text, with reasons", headers, tuple(rows), notes
    )


def searches_table(review: Review) -> Table:
    """PRISMA-S: each search or other source exactly as recorded at import."""

    per_source = records_store.count_records_by_source(review.db)
    headers = (
        "Source",
        "Database",
        "Platform",
        "Arm",
        "Date searched",
        "Query",
        "Limits",
        "Hits reported",
        "Records imported",
        "File",
    )
    rows = []
    for s in sources_store.list_sources(review.db):
        arm = f"other: {s.method}" if s.arm == "other" and s.method else s.arm
        rows.append(
            (
                str(s.source_id),
                s.database,
                s.platform or "",
                arm,
                s.searched_on or "",
                s.query or "",
                s.limits or "",
                "" if s.reported_hits is None else str(s.reported_hits),
                str(per_source.get(s.source_id, 0)),
                s.file_name or ("API search" if s.kind == "api" else ""),
            )
        )
    return Table("searches", "Search log (PRISMA-S)", headers, tuple(rows))
