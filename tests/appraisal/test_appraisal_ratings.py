"""Quality appraisal: ratings, the protocol's grading rule, overrides, audit trail, undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from coding_helpers import SE_PROTOCOL, fulltext_name, include_studies, make_review, pass_screening

from litreview.appraisal import ratings as ap
from litreview.errors import InvalidTransition, InvalidValue
from litreview.fulltext.reports import link_report
from litreview.screening import session
from litreview.storage.events import iter_events

ALL_MET = {"purpose": "met", "coherence": "met", "data": "met", "contribution": "met"}


@pytest.fixture
def review(tmp_path: Path):
    r = make_review(tmp_path / "review.db", template="safeguarding")
    include_studies(r, [1, 2, 3])
    yield r
    r.close()


@pytest.mark.parametrize(
    ("ratings", "score", "grade"),
    [
        (ALL_MET, 8, "strong"),
        ({**ALL_MET, "data": "partly"}, 7, "strong"),
        ({**ALL_MET, "data": "not-met"}, 6, "partial"),  # 6 < 7
        (
            {"purpose": "met", "coherence": "met", "data": "met", "contribution": "not-met"},
            6,
            "partial",
        ),
        (
            {
                "purpose": "partly",
                "coherence": "partly",
                "data": "partly",
                "contribution": "partly",
            },
            4,
            "partial",
        ),
        (
            {
                "purpose": "partly",
                "coherence": "not-met",
                "data": "partly",
                "contribution": "partly",
            },
            3,
            "doubtful",
        ),
    ],
)
def test_the_worked_example_grading_rule(review, ratings, score, grade) -> None:
    ap.rate_study(review, 1, ratings, reviewer="ann")
    result = ap.get_appraisal(review, 1)
    assert (result.score, result.computed_grade, result.grade) == (score, grade, grade)
    assert ap.current_grades(review) == {1: grade}


def test_ratings_accumulate_and_later_ones_win(review) -> None:
    ap.rate_study(review, 1, {"purpose": "met", "coherence": "partly"}, reviewer="ann")
    partial = ap.get_appraisal(review, 1)
    assert (partial.ratings, partial.score, partial.grade) == (
        {"purpose": "met", "coherence": "partly"},
        None,
        None,
    )
    assert ap.current_grades(review) == {}
    ap.rate_study(review, 1, {"Data": "MET", "contribution": "met", "coherence": "met"})
    assert ap.get_appraisal(review, 1).ratings == ALL_MET
    assert ap.count_grades(review) == {"strong": 1}


def test_override_needs_a_reason_and_wins(review) -> None:
    ap.rate_study(review, 2, ALL_MET)
    with pytest.raises(InvalidValue, match="needs a reason"):
        ap.override_grade(review, 2, "partial", reason=" ")
    with pytest.raises(InvalidValue, match="not a grade") as exc:
        ap.override_grade(review, 2, "stong", reason="x")
    assert exc.value.hint == "did you mean 'strong'?"
    ap.override_grade(review, 2, "partial", reason="sample of three", reviewer="bob")
    result = ap.get_appraisal(review, 2)
    assert (result.grade, result.computed_grade, result.override_reason) == (
        "partial",
        "strong",
        "sample of three",
    )
    assert ap.current_grades(review) == {2: "partial"}
    ap.override_grade(review, 2, None, reason=None)
    assert ap.current_grades(review) == {2: "strong"}


def test_an_override_without_ratings_gives_a_grade(review) -> None:
    ap.override_grade(review, 3, "doubtful", reason="no methods section")
    assert ap.current_grades(review) == {3: "doubtful"}


def test_audit_trail_and_undo(review) -> None:
    first = ap.rate_study(review, 1, ALL_MET, reviewer="ann")
    second = ap.rate_study(review, 1, {"data": "not-met"}, reviewer="ann")
    override = ap.override_grade(review, 1, "doubtful", reason="retracted", reviewer="bob")
    assert ap.get_appraisal(review, 1).grade == "doubtful"
    undone = ap.undo_appraisal(review, reviewer="ann")
    assert undone is not None and undone.event_id == second
    assert ap.get_appraisal(review, 1).ratings["data"] == "met"
    assert ap.get_appraisal(review, 1).grade == "doubtful"  # bob's override stays
    assert ap.undo_appraisal(review, reviewer="bob", record_id=1).event_id == override
    assert ap.get_appraisal(review, 1).grade == "strong"
    history = ap.list_appraisal_history(review, 1)
    assert [(h.event.event_id, h.undone_by is not None) for h in history] == [
        (first, False),
        (second, True),
        (override, True),
    ]
    assert history[1].event.payload == {"ratings": {"data": "not-met"}}
    assert history[2].event.reason == "retracted" and history[2].event.reviewer == "bob"
    kinds = [e.kind for e in iter_events(review.db) if e.kind not in ("decision",)]
    assert kinds == ["appraisal", "appraisal", "grade_override", "undo", "undo"]


def test_only_included_studies_are_appraised(review) -> None:
    pass_screening(review, [4])
    with pytest.raises(InvalidTransition, match="not an included study"):
        ap.rate_study(review, 4, ALL_MET)
    session.decide(
        review, 4, "exclude", stage=fulltext_name(review), reviewer="ann", reason="unrelated"
    )
    with pytest.raises(InvalidTransition):
        ap.override_grade(review, 4, "strong", reason="x")
    with pytest.raises(InvalidTransition):
        ap.rate_study(review, 5, ALL_MET)  # never screened in


def test_unknown_criterion_or_level(review) -> None:
    with pytest.raises(InvalidValue, match="not a quality criterion") as exc:
        ap.rate_study(review, 1, {"purpse": "met"})
    assert exc.value.hint == "did you mean 'purpose'?"
    with pytest.raises(InvalidValue, match="not a rating on the scale"):
        ap.rate_study(review, 1, {"purpose": "excellent"})
    with pytest.raises(InvalidValue):
        ap.rate_study(review, 1, {})


def test_ratings_follow_a_report_into_its_study(review) -> None:
    ap.rate_study(review, 2, ALL_MET)
    link_report(review, 2, 1)
    assert ap.current_grades(review) == {1: "strong"}
    assert ap.get_appraisal(review, 2).study_id == 1


def test_a_generic_protocol_grades_by_its_own_rule(tmp_path: Path) -> None:
    review = make_review(tmp_path / "se.db", protocol=SE_PROTOCOL)
    include_studies(review, [1, 2, 3, 4])
    ap.rate_study(review, 1, {"replication": "yes", "threats": "yes"})
    ap.rate_study(review, 2, {"replication": "yes", "threats": "no"})
    ap.rate_study(review, 3, {"replication": "no", "threats": "yes"})
    ap.rate_study(review, 4, {"replication": "no", "threats": "no"})
    assert ap.current_grades(review) == {1: "good", 2: "fair", 3: "weak", 4: "weak"}
    assert ap.get_appraisal(review, 2).score == 0.5
    review.close()
