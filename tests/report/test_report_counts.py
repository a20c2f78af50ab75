"""PRISMA counts: every number traced to events, the identities checked."""

from __future__ import annotations

import pytest

from litreview.report.counts import (
    PRISMA_KEYS,
    STOP_EVENT,
    PrismaInconsistent,
    compute_prisma_counts,
    find_violations,
    get_prisma_counts,
)
from litreview.report.status import review_status
from litreview.storage.events import append_event

EXPECTED = {
    "database_results": 9,
    "database_results_by_source": {"Alpha DB": 6, "Beta DB": 3},
    "register_results": 0,
    "duplicates": 2,  # Beta's copies of A1 and A4
    "excluded_automatic": 1,  # A3, 1995
    "excluded_other": 0,
    "records_screened": 6,
    "records_excluded": 1,
    "records_excluded_by_automation": 0,
    "dbr_sought_reports": 5,
    "dbr_notretrieved_reports": 1,
    "dbr_assessed": 4,
    "dbr_excluded": {"No defect data, no <numbers>": 1},
    "other_results": {"citation searching": 3},
    "other_sought_reports": 1,
    "other_notretrieved_reports": 0,
    "other_assessed": 1,
    "other_excluded": {},
    "new_studies": 3,
    "new_reports": 4,
    "quality_grades": {"high": 1, "low": 1},
}


def test_small_review_counts_are_exact(small) -> None:
    counts = get_prisma_counts(small.review)
    assert {k: counts[k] for k in PRISMA_KEYS} == EXPECTED
    assert list(counts)[: len(PRISMA_KEYS)] == list(PRISMA_KEYS)
    assert find_violations(counts) == []


def test_counts_agree_with_status(small) -> None:
    counts = get_prisma_counts(small.review)
    status = review_status(small.review)
    trace = counts["trace"]
    identified = counts["database_results"] + counts["register_results"]
    assert status["records"] == identified + sum(counts["other_results"].values())
    assert status["duplicates"] == trace["duplicates_all_arms"]
    assert status["works"] == trace["works"]
    assert status["ineligible"] == counts["excluded_automatic"] + trace["other_ineligible"]
    title = status["stages"]["title"]
    assert title["screened"] + title["remaining"] == (
        counts["records_screened"] + trace["other_records_screened"]
    )
    assert title["excluded"] == (
        counts["records_excluded_by_stage"]["title"]
        + trace["other_records_excluded_by_stage"]["title"]
    )
    full = status["stages"]["full"]
    assert full["included"] == counts["new_reports"]
    assert full["excluded"] == sum(counts["dbr_excluded"].values()) + sum(
        counts["other_excluded"].values()
    )


def test_counts_agree_with_fulltext_counts(small) -> None:
    from litreview.fulltext.reports import fulltext_counts

    both = fulltext_counts(small.review)
    counts = get_prisma_counts(small.review)
    assert both["sought"] == counts["dbr_sought_reports"] + counts["other_sought_reports"]
    assert both["included_studies"] == counts["new_studies"]
    assert both["included_reports"] == counts["new_reports"]


def test_unfinished_screening_is_refused_naming_the_identity(small_imported) -> None:
    with pytest.raises(PrismaInconsistent) as caught:
        get_prisma_counts(small_imported.review)
    assert caught.value.violations == [
        "records_screened - records_excluded = dbr_sought_reports: 6 != 0 "
        "(records undecided or maybe: 8 at stage 'title')",
        "other-methods works - outside the limits - excluded at screening = "
        "other_sought_reports: 2 != 0 (records undecided or maybe: 8 at stage 'title')",
    ]
    assert "finish screening" in (caught.value.hint or "")
    partial = get_prisma_counts(small_imported.review, partial=True)
    assert partial["violations"] == caught.value.violations
    assert partial["records_screened"] == 6


def test_stopping_rule_counts_unscreened_records_as_excluded_by_automation(
    small_imported,
) -> None:
    from litreview.screening.session import decide
    from litreview.storage.events import get_event
    from litreview.storage.fulltext import revert_event

    review, ids = small_imported.review, small_imported.ids
    decide(review, ids["B3"], "exclude", stage="title", reviewer="r", reason="off-topic")
    decide(review, ids["A1"], "include", stage="title", reviewer="r")
    decide(review, ids["A2"], "maybe", stage="title", reviewer="r")
    with review.db.atomic():
        stop = append_event(review.db, STOP_EVENT, stage="title", value="buscar", reviewer="r")
    counts = compute_prisma_counts(review)
    # A4, A5, A6 were never screened: excluded by automation; A2 (maybe) is still open
    assert counts["records_excluded_by_automation"] == 3
    assert counts["records_excluded"] == 4
    assert counts["stopped_stages"] == {"title": "buscar"}
    assert counts["pending"]["screening"] == {"title": 1}  # the maybe (A2)
    assert counts["trace"]["other_records_excluded_by_automation"] == 2
    with review.db.atomic():
        revert_event(review.db, get_event(review.db, stop), reviewer="r")
    again = compute_prisma_counts(review)
    assert again["records_excluded_by_automation"] == 0
    assert again["records_excluded"] == 1


def test_find_violations_names_every_broken_identity(small) -> None:
    counts = get_prisma_counts(small.review)
    broken = dict(counts)
    broken["duplicates"] = 3
    broken["dbr_excluded"] = {"a": 1, "b": -1}
    broken["records_excluded_by_automation"] = 5
    broken["quality_grades"] = {"high": 9}
    found = find_violations(broken)
    assert any(v.startswith("database_results + register_results - duplicates") for v in found)
    assert any(
        v.startswith("dbr_assessed - sum(dbr_excluded) = dbr_included_reports: 4 != 3")
        for v in found
    )
    assert "records_excluded_by_automation <= records_excluded" in found
    assert "sum(quality_grades) <= new_studies" in found
    assert "no count is negative (dbr_excluded['b'])" in found
    with pytest.raises(PrismaInconsistent, match="do not add up"):
        raise PrismaInconsistent(found)


def test_fresh_review_adds_up(review) -> None:
    counts = get_prisma_counts(review)
    assert counts["database_results"] == 0 and counts["new_studies"] == 0
    assert counts["quality_grades"] == {g.name: 0 for g in review.protocol.quality.grades}


def test_a_review_in_progress_names_what_is_outstanding(small_imported) -> None:
    """Undecided and maybe works per stage, then full texts: the banner and the JSON list."""
    from litreview.report.counts import check_prisma
    from litreview.screening.session import decide

    review, ids = small_imported.review, small_imported.ids
    first = check_prisma(review)
    assert first.outstanding == ("8 works undecided at the title stage",)
    assert not first.complete and first.violations
    assert first.banner == (
        "In progress: 8 works undecided at the title stage. These are the numbers so far."
    )
    decide(review, ids["A1"], "include", stage="title", reviewer="r")
    decide(review, ids["A2"], "maybe", stage="title", reviewer="r")
    later = check_prisma(review)
    assert later.outstanding == (
        "6 works undecided at the title stage",
        "1 work marked maybe at the title stage",
        "1 report awaits retrieval or a full-text decision",
    )
    data = later.as_json()
    assert data["complete"] is False and data["outstanding"] == list(later.outstanding)
    assert data["records_screened"] == first.counts["records_screened"] == 6


def test_a_finished_review_is_complete(small) -> None:
    from litreview.report.counts import check_prisma

    result = check_prisma(small.review)
    assert result.complete and result.banner is None
    assert result.as_json()["outstanding"] == [] and result.as_json()["complete"] is True
