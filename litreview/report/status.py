"""The review at a glance, for `litreview status` and the TUI home screen."""

from __future__ import annotations

from typing import Any

from litreview.storage import decisions as decisions_store
from litreview.storage import events as events_store
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage import works
from litreview.storage.review import Review


def review_status(review: Review) -> dict[str, Any]:
    """Counts that `litreview status --json` prints (CLI.md keys first)."""
    from litreview.screening.session import stage_counts

    records = records_store.count_records(review.db)
    sources = sources_store.list_sources(review.db)
    per_source = records_store.count_records_by_source(review.db)
    from litreview.screening.progress import stopping_report

    stages = {s.name: stage_counts(review, s.name) for s in review.protocol.stages}
    stopping = {}
    for s in review.protocol.stages:
        if s.kind == "screening":
            total = (
                stages[s.name]["screened"]
                + stages[s.name]["remaining"]
                + stages[s.name].get("excluded_by_stopping_rule", 0)
            )
            stopping[s.name] = stopping_report(review, s.name, total)
    conflicts = {
        s.name: len(decisions_store.conflicting_works(review.db, s.name))
        for s in review.protocol.stages
    }
    return {
        "records": records,
        "sources": len(sources),
        "duplicates": works.count_duplicates(review.db),
        "stages": stages,
        "stopping": stopping,
        "works": len(works.list_work_ids(review.db, eligible_only=False)),
        "ineligible": len(works.ineligible_reasons(review.db)),
        "duplicates_needing_review": len(works.list_pairs(review.db, "needs_review")),
        "decision_conflicts": conflicts,
        "review": {"path": str(review.path), "title": review.protocol.title},
        "sources_detail": [
            {
                "source_id": s.source_id,
                "database": s.database,
                "platform": s.platform,
                "arm": s.arm,
                "method": s.method,
                "format": s.format,
                "file_name": s.file_name,
                "records": per_source.get(s.source_id, 0),
                "reported_hits": s.reported_hits,
                "searched_on": s.searched_on,
            }
            for s in sources
        ],
        "events": events_store.count_events(review.db),
        "screening_mode": review.protocol.screening.mode,
        **_studies(review),
        "agreement": _agreement(review),
        **_published(review),
    }


def _published(review: Review) -> dict[str, Any]:
    """A shipped example's comparison with its published labels (absent otherwise)."""
    from dataclasses import asdict

    from litreview.screening.published_labels import compare_with_published

    comparison = compare_with_published(review)
    return {} if comparison is None else {"published_labels": asdict(comparison)}


def _agreement(review: Review) -> list[dict[str, Any]]:
    from litreview.screening.team import is_dual_stage, stage_agreement

    return [
        stage_agreement(review, s.name)
        for s in review.protocol.stages
        if is_dual_stage(review, s.name)
    ]


def _studies(review: Review) -> dict[str, Any]:
    """Full text, grades and coding progress of the included studies."""
    from litreview.appraisal.ratings import count_grades
    from litreview.coding.codes import current_codes
    from litreview.fulltext.reports import fulltext_counts, list_included_studies

    if not any(s.kind == "fulltext" for s in review.protocol.stages):
        return {}
    studies = list_included_studies(review)
    codes = current_codes(review)
    dimensions = [d.name for d in review.protocol.codebook]
    coded = {
        d: sum(1 for s in studies if codes.get(s.study_id, {}).get(d) is not None)
        for d in dimensions
    }
    return {
        "fulltext": fulltext_counts(review),
        "studies": len(studies),
        "grades": count_grades(review),
        "coding": {
            "studies": len(studies),
            "coded_per_dimension": coded,
            "fully_coded": sum(
                1
                for s in studies
                if all(codes.get(s.study_id, {}).get(d) is not None for d in dimensions)
            ),
        },
    }
