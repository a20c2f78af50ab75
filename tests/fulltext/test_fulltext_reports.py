"""The full-text stage: reports sought, retrieval, notes, reports grouped into studies."""

from __future__ import annotations

from pathlib import Path

import pytest
from coding_helpers import DATA, fulltext_name, include_studies, make_review, pass_screening

from litreview.errors import InvalidTransition, InvalidValue, RecordNotFound
from litreview.fulltext import reports as ft
from litreview.ingest.importer import ImportOptions, import_files
from litreview.screening import session
from litreview.storage.events import iter_events
from litreview.storage.fulltext import list_eligibility_overrides
from litreview.storage.review import create_review


@pytest.fixture
def review(tmp_path: Path):
    r = make_review(tmp_path / "review.db")
    yield r
    r.close()


def test_reports_sought_are_those_included_before_full_text(review) -> None:
    pass_screening(review, [1, 2, 3])
    assert ft.list_sought(review) == [1, 2, 3]
    assert ft.get_fulltext_stage(review).name == "fulltext"
    with pytest.raises(InvalidTransition, match="not a report sought"):
        ft.mark_retrieved(review, 4)
    with pytest.raises(RecordNotFound):
        ft.mark_retrieved(review, 99)


def test_retrieval_status_location_and_counts(review) -> None:
    pass_screening(review, [1, 2, 3, 4])
    ft.mark_retrieved(review, 1, location="papers/lee2012.pdf", reviewer="ann")
    ft.mark_retrieved(review, 2, location="https://doi.org/10.1/x", reviewer="ann")
    ft.mark_not_retrieved(review, 3, reason="not held by the library", reviewer="ann")
    with pytest.raises(InvalidValue, match="why"):
        ft.mark_not_retrieved(review, 4, reason="  ")
    found = ft.current_retrieval(review, 1)
    assert found and (found.status, found.location) == ("retrieved", "papers/lee2012.pdf")
    stage = fulltext_name(review)
    session.decide(review, 1, "include", stage=stage, reviewer="ann")
    session.decide(review, 2, "exclude", stage=stage, reviewer="ann", reason="wrong-outcome")
    assert ft.fulltext_counts(review) == {
        "sought": 4,
        "not_retrieved": 1,
        "assessed": 2,
        "excluded": {"Wrong outcome": 1},
        "included_reports": 1,
        "included_studies": 1,
        "retrieved": 2,
        "awaiting": 1,
    }
    with pytest.raises(InvalidTransition, match="already assessed"):
        ft.mark_not_retrieved(review, 2, reason="lost it")


def test_a_retrieved_report_found_later_counts_as_retrieved(review) -> None:
    pass_screening(review, [1])
    ft.mark_not_retrieved(review, 1, reason="interlibrary loan pending")
    assert ft.fulltext_counts(review)["not_retrieved"] == 1
    ft.mark_retrieved(review, 1, location="loan/1.pdf")
    assert ft.fulltext_counts(review)["not_retrieved"] == 0
    assert ft.undo_fulltext(review, reviewer=None) is not None
    assert ft.fulltext_counts(review)["not_retrieved"] == 1


def test_notes_from_the_protocol(review) -> None:
    pass_screening(review, [1])
    ft.set_notes(
        review, 1, {"aims": "Test home visits", "findings": "Fewer injuries"}, reviewer="ann"
    )
    assert ft.current_notes(review) == {
        1: {"aims": "Test home visits", "findings": "Fewer injuries"}
    }
    ft.set_notes(review, 1, {"aims": ""})
    assert ft.current_notes(review) == {1: {"findings": "Fewer injuries"}}
    with pytest.raises(InvalidValue, match="no note field 'finding'") as exc:
        ft.set_notes(review, 1, {"finding": "x"})
    assert exc.value.hint == "did you mean 'findings'?"
    notes = [e for e in iter_events(review.db, kind="note")]
    assert [(e.record_id, e.value, e.note, e.reviewer) for e in notes][:2] == [
        (1, "aims", "Test home visits", "ann"),
        (1, "findings", "Fewer injuries", "ann"),
    ]


def test_several_reports_of_one_study(review) -> None:
    include_studies(review, [3, 1, 2])
    assert [s.study_id for s in ft.list_included_studies(review)] == [3, 1, 2]
    ft.link_report(review, 2, 3, reviewer="ann")
    studies = ft.list_included_studies(review)
    assert [(s.study_id, s.report_ids) for s in studies] == [(3, (3, 2)), (1, (1,))]
    assert studies[0].fields.title == "Cluster randomised trial of school counselling"
    assert ft.find_study_id(review, 2) == 3
    counts = ft.fulltext_counts(review)
    assert (counts["included_reports"], counts["included_studies"]) == (3, 2)
    ft.set_notes(review, 2, {"findings": "second paper"})
    ft.set_notes(review, 3, {"findings": "first paper"})
    assert ft.current_notes(review)[3] == {"findings": "first paper\n\nsecond paper"}
    with pytest.raises(InvalidValue, match="is a report of study 3"):
        ft.link_report(review, 1, 2)
    with pytest.raises(InvalidTransition, match="is the study of reports 2"):
        ft.link_report(review, 3, 1)
    ft.link_report(review, 2, 2)  # its own study again
    assert [s.study_id for s in ft.list_included_studies(review)] == [3, 1, 2]


def test_a_study_whose_main_report_is_excluded_is_still_included(review) -> None:
    pass_screening(review, [1, 2])
    stage = fulltext_name(review)
    ft.link_report(review, 2, 1)
    session.decide(review, 1, "exclude", stage=stage, reviewer="ann", reason="duplicate")
    session.decide(review, 2, "include", stage=stage, reviewer="ann")
    (study,) = ft.list_included_studies(review)
    assert (study.study_id, study.report_ids) == (1, (2,))


def test_undo_of_a_link(review) -> None:
    include_studies(review, [1, 2])
    ft.link_report(review, 2, 1, reviewer="ann")
    reverted = ft.undo_fulltext(review, reviewer="ann")
    assert reverted is not None and reverted.kind == "link_report"
    assert len(ft.list_included_studies(review)) == 2
    assert ft.undo_fulltext(review, reviewer="ann") is None


def test_included_study_lookups(review) -> None:
    include_studies(review, [1])
    pass_screening(review, [2])
    assert ft.get_included_study(review, 1).report_ids == (1,)
    assert ft.find_included_study(review, 2) is None
    with pytest.raises(InvalidTransition, match="not an included study") as exc:
        ft.get_included_study(review, 2)
    assert "litreview decide 2 include --stage fulltext" in (exc.value.hint or "")


def test_counts_per_prisma_arm(tmp_path: Path) -> None:
    review = make_review(tmp_path / "r.db")
    other = DATA / "three.ris"
    import_files(
        review, [other], ImportOptions(database="Hand search", arm="other", method="hand searching")
    )
    pass_screening(review, [1, 13])
    assert ft.fulltext_counts(review, arm="database")["sought"] == 1
    assert ft.fulltext_counts(review, arm="other")["sought"] == 1
    with pytest.raises(InvalidValue):
        ft.fulltext_counts(review, arm="register")
    review.close()


def test_eligibility_override_is_an_event(review) -> None:
    ft.override_eligibility(
        review, 4, reason="older study found by citation chasing", reviewer="ann"
    )
    assert list_eligibility_overrides(review.db) == {4}
    with pytest.raises(InvalidValue):
        ft.override_eligibility(review, 4, reason="")


def test_a_protocol_without_a_full_text_stage(tmp_path: Path) -> None:
    text = (DATA / "protocol" / "minimal.toml").read_text(encoding="utf-8")
    review = create_review(tmp_path / "m.db", text)
    with pytest.raises(InvalidValue, match="no full-text stage"):
        ft.list_included_studies(review)
    review.close()
