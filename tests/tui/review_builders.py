"""Reviews in the states the review screens need: possible duplicates, reports at the
full-text stage, included studies, dual screening with conflicts.

All start from ``tests/data/tui/screening.ris`` (eight records; record 2 has the
hostile title) with the default template plus highlight terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from tui_helpers import DATA, HOSTILE_TITLE, protocol_text

from litreview.ingest.importer import ImportOptions, import_files, import_parsed
from litreview.models import ParsedFile, ParsedRecord, RecordFields
from litreview.screening import session
from litreview.storage.review import Review, create_review

#: Record ids in screening.ris: 2 is the hostile record; 4 and 7 are off topic.
HOSTILE_ID = 2
DUAL = 'mode = "dual"\nblinded = true\n'


def make_review(path: Path, *, dual: bool = False, multi: bool = False) -> Review:
    """``dual``: blinded dual screening; ``multi``: study design is a multiple choice."""
    text = protocol_text()
    if dual:
        text = text.replace('mode = "single"', DUAL.strip())
    if multi:
        text = text.replace('kind = "single"', 'kind = "multi"', 1)
    review = create_review(path, text)
    import_files(review, [DATA / "screening.ris"])
    return review


def add_near_duplicates(review: Review) -> None:
    """Two records that the engine pairs with records 2 (hostile) and 3 but cannot
    decide on: one year apart, from another database. Then run dedup."""
    from litreview.dedup.apply import run_dedup

    records = [
        RecordFields(
            type="JOUR",
            title=HOSTILE_TITLE,
            authors=["Mallory, [i]Eve[/i]"],
            year=2020,
            journal="Journal of Testing",
            abstract="Another abstract with [b]markup[/b] in it, long enough.",
        ),
        RecordFields(
            type="JOUR",
            title="Inter-agency collaboration in child protection",
            authors=["Smith, John"],
            year=2011,
            journal="Child Abuse Review",
            volume="20",
        ),
    ]
    parsed = ParsedFile(
        path="extra",
        format="ris",
        encoding="utf-8",
        records=[ParsedRecord(i + 1, None, f, []) for i, f in enumerate(records)],
    )
    import_parsed(review, parsed, ImportOptions(database="Other DB"))
    run_dedup(review)


def screening_stages(review: Review) -> list[str]:
    return [s.name for s in review.protocol.stages if s.kind == "screening"]


def pass_screening(
    review: Review, record_ids: Iterable[int], reviewers: tuple[str, ...] = ("ann",)
) -> None:
    """Include the records at every screening stage."""
    ids = list(record_ids)
    for stage in screening_stages(review):
        for record_id in ids:
            for reviewer in reviewers:
                session.decide(review, record_id, "include", stage=stage, reviewer=reviewer)


def include_studies(
    review: Review, record_ids: Iterable[int], reviewers: tuple[str, ...] = ("ann",)
) -> None:
    """Screen the records in and include them at the full-text stage."""
    ids = list(record_ids)
    pass_screening(review, ids, reviewers)
    for record_id in ids:
        for reviewer in reviewers:
            session.decide(review, record_id, "include", stage="fulltext", reviewer=reviewer)


def make_conflicts(review: Review) -> None:
    """ann and bob screen titles 1-3 and the hostile record; they disagree on 1 and 2."""
    said = {
        "ann": {1: "include", 2: "include", 3: "include", 5: "exclude"},
        "bob": {1: "exclude", 2: "exclude", 3: "include", 5: "exclude"},
    }
    for reviewer, decisions in said.items():
        for record_id, decision in decisions.items():
            session.decide(review, record_id, decision, stage="title", reviewer=reviewer)
