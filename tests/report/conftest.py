"""A small, fully worked review for the report tests (tests/data/report)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from litreview.storage.review import Review, create_review

DATA = Path(__file__).resolve().parent.parent / "data" / "report"
REVIEWER = "tester"


@dataclass(frozen=True)
class Small:
    review: Review
    ids: dict[str, int]  # short name -> work id (A1..A6, B3, O2, O3)


def _record_ids(review: Review) -> dict[str, int]:
    from litreview.storage import records as records_store
    from litreview.storage import works

    by_title = {}
    for record in records_store.iter_records(review.db):
        by_title.setdefault(record.fields.title, works.work_of(review.db, record.record_id))
    names = {
        "A1": "Peer review and defects",
        "A2": "Peer review in practice",
        "A3": "An old study of inspections",
        "A4": '=HYPERLINK("http://x","y")',
        "A6": "The missing paper on review speed",
        "B3": "Gardening with bees",
        "O2": "Found by chasing references",
        "O3": "A grey report on pair programming",
    }
    ids = {short: by_title[title] for short, title in names.items()}
    ids["A5"] = next(w for t, w in by_title.items() if t and t.startswith("Tests &"))
    return ids


def import_small(path: Path) -> Small:
    from litreview.dedup.apply import run_dedup
    from litreview.ingest.importer import ImportOptions, import_files

    review = create_review(path, (DATA / "protocol.toml").read_text(encoding="utf-8"))
    import_files(
        review,
        [DATA / "alpha.ris"],
        ImportOptions(
            database="Alpha DB",
            platform="Alpha",
            searched_on="2024-01-02",
            query="code AND review",
            limits="2000-",
            reported_hits=6,
        ),
    )
    import_files(review, [DATA / "beta.ris"], ImportOptions(database="Beta DB"))
    import_files(
        review,
        [DATA / "other.ris"],
        ImportOptions(database="Chasing", arm="other", method="citation searching"),
    )
    run_dedup(review)
    return Small(review, _record_ids(review))


def screen_small(small: Small) -> None:
    from litreview.screening.session import decide

    review, ids = small.review, small.ids
    for name in ("A1", "A2", "A4", "A5", "A6", "O2"):
        decide(review, ids[name], "include", stage="title", reviewer=REVIEWER)
    for name in ("B3", "O3"):
        decide(review, ids[name], "exclude", stage="title", reviewer=REVIEWER, reason="off-topic")


def finish_small(small: Small) -> None:
    """Full text, appraisal and coding of the screened small review."""
    from litreview.appraisal.ratings import override_grade, rate_study
    from litreview.coding.codes import CodeValue, set_codes
    from litreview.fulltext.reports import (
        link_report,
        mark_not_retrieved,
        mark_retrieved,
        set_notes,
    )
    from litreview.screening.session import decide

    review, ids = small.review, small.ids
    for name in ("A1", "A2", "A4", "A5", "O2"):
        mark_retrieved(review, ids[name], location=f"/pdf/{name}.pdf", reviewer=REVIEWER)
    mark_not_retrieved(review, ids["A6"], reason="not held by the library", reviewer=REVIEWER)
    for name in ("A1", "A2", "A5", "O2"):
        decide(review, ids[name], "include", stage="full", reviewer=REVIEWER)
    decide(
        review, ids["A4"], "exclude", stage="full", reviewer=REVIEWER, reason="no-data", note="=1+1"
    )
    link_report(review, ids["A2"], ids["A1"], reviewer=REVIEWER)
    set_notes(review, ids["A1"], {"findings": "Defects fell by a third"}, reviewer=REVIEWER)
    set_notes(review, ids["O2"], {"findings": "No change"}, reviewer=REVIEWER)
    set_codes(
        review,
        ids["A1"],
        {
            "method": CodeValue(("experiment",)),
            "venue": CodeValue(("journal",), detail="Journal article (IEEE)"),
            "summary": CodeValue((), text="Fewer defects"),
        },
        reviewer=REVIEWER,
    )
    set_codes(
        review,
        ids["A5"],
        {
            "method": CodeValue(("case-study",)),
            "venue": CodeValue(("conference", "journal")),
            "summary": CodeValue((), text="=SUM(A1:A9) & 50% <faster>"),
        },
        reviewer=REVIEWER,
    )
    set_codes(
        review,
        ids["O2"],
        {
            "method": CodeValue(("experiment",)),
            "venue": CodeValue(("conference",)),
        },
        reviewer=REVIEWER,
    )
    rate_study(review, ids["A1"], {"design": "yes", "data": "partly"}, reviewer=REVIEWER)
    rate_study(review, ids["A5"], {"design": "yes", "data": "yes"}, reviewer=REVIEWER)
    override_grade(review, ids["A5"], "low", reason="conflict of interest", reviewer=REVIEWER)


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Small]:
    """The small review, imported, screened, assessed, appraised and coded."""
    built = import_small(tmp_path / "small.db")
    screen_small(built)
    finish_small(built)
    yield built
    built.review.close()


@pytest.fixture
def small_imported(tmp_path: Path) -> Iterator[Small]:
    """The small review, imported and deduplicated only."""
    built = import_small(tmp_path / "small.db")
    yield built
    built.review.close()
