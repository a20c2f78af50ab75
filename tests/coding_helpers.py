"""Shared by the full-text, appraisal, coding and suggestion tests: a review whose
studies have passed screening."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from litreview.ingest.importer import ImportOptions, import_files
from litreview.protocol import load_template
from litreview.screening import session
from litreview.storage.review import Review, create_review

DATA = Path(__file__).resolve().parent / "data"
STUDIES = DATA / "coding" / "studies.ris"  # 12 journal articles, record ids 1-12
SE_PROTOCOL = DATA / "protocol" / "software_engineering.toml"


def make_review(
    path: Path,
    *,
    template: str = "default",
    protocol: Path | None = None,
    options: ImportOptions | None = None,
) -> Review:
    text = protocol.read_text(encoding="utf-8") if protocol else load_template(template)[0]
    review = create_review(path, text)
    import_files(review, [STUDIES], options or ImportOptions(database="Examples"))
    return review


def screening_stages(review: Review) -> list[str]:
    return [s.name for s in review.protocol.stages if s.kind == "screening"]


def pass_screening(
    review: Review, record_ids: Iterable[int], reviewers: tuple[str, ...] = ("ann", "bob")
) -> None:
    """Include the records at every screening stage (by two reviewers, so dual
    screening agrees)."""
    ids = list(record_ids)
    for stage in screening_stages(review):
        for record_id in ids:
            for reviewer in reviewers:
                session.decide(review, record_id, "include", stage=stage, reviewer=reviewer)


def fulltext_name(review: Review) -> str:
    return next(s.name for s in review.protocol.stages if s.kind == "fulltext")


def include_studies(
    review: Review, record_ids: Iterable[int], reviewers: tuple[str, ...] = ("ann", "bob")
) -> None:
    """Screen in and include at the full-text stage."""
    ids = list(record_ids)
    pass_screening(review, ids, reviewers)
    for record_id in ids:
        for reviewer in reviewers:
            session.decide(
                review, record_id, "include", stage=fulltext_name(review), reviewer=reviewer
            )
