"""Code suggestions: protocol keywords, then a classifier once enough studies are coded."""

from __future__ import annotations

from pathlib import Path

import pytest
from coding_helpers import include_studies, make_review

from litreview.coding import suggest as cs
from litreview.coding.codes import CodeValue, set_codes
from litreview.fulltext.reports import set_notes
from litreview.protocol import load_template
from litreview.storage.events import count_events

DESIGN = load_template("default")[1].dimension("study_design")
# record id -> study design of tests/data/coding/studies.ris
DESIGNS = {
    1: "rct",
    2: "rct",
    3: "rct",
    4: "cohort",
    5: "cohort",
    6: "cohort",
    7: "qualitative",
    8: "qualitative",
    9: "qualitative",
    10: "cross_sectional",
    11: "cross_sectional",
    12: "other",
}


def test_keyword_suggestions_rank_by_share_of_hits() -> None:
    text = "A randomised controlled trial (RCT) with qualitative interviews."
    found = cs.suggest_by_keywords(DESIGN, text)
    assert [(s.value, s.evidence) for s in found] == [
        ("rct", ("randomised", "rct")),
        ("qualitative", ("qualitative", "interviews")),
    ]
    assert found[0].confidence == pytest.approx(2 / 5)
    assert found[0].label == "Randomised controlled trial" and found[0].source == "keywords"
    assert cs.suggest_by_keywords(DESIGN, "nothing to see") == []


def test_the_classifier_waits_for_enough_coded_studies() -> None:
    assert cs.list_learnable_values([("a",)] * 9) == []
    assert cs.list_learnable_values([("a",)] * 10) == []  # one value: nothing to choose
    labels = [("a",)] * 5 + [("b",)] * 4 + [("c",)]
    assert cs.list_learnable_values(labels) == ["a", "b"]
    assert cs.list_learnable_values([("a", "b")] * 9 + [("c",)]) == ["a", "b"]
    assert cs.train_classifier(["x"] * 9, [("a",)] * 9) is None


def test_classifier_probabilities_rank_the_values() -> None:
    texts = (
        ["randomised trial of visits"] * 3
        + ["cohort followed for years"] * 3
        + ["interviews with parents, qualitative"] * 4
    )
    labels = [("rct",)] * 3 + [("cohort",)] * 3 + [("qualitative",)] * 4
    model = cs.train_classifier(texts, labels)
    found = cs.suggest_by_classifier(model, DESIGN, "a trial where families were randomised")
    assert found[0].value == "rct" and found[0].source == "classifier"
    assert sum(s.confidence for s in found) == pytest.approx(1.0)
    assert all(0 <= s.confidence <= 1 for s in found)


@pytest.fixture
def coded(tmp_path: Path):
    review = make_review(tmp_path / "review.db")
    include_studies(review, DESIGNS)
    for record_id, design in DESIGNS.items():
        if record_id != 3:
            set_codes(review, record_id, {"study_design": CodeValue((design,))})
    set_notes(review, 3, {"methods": "schools randomised to counselling or not"})
    yield review
    review.close()


def test_suggestions_for_a_study_use_keywords_and_coded_studies(coded) -> None:
    events = count_events(coded.db)
    found = cs.suggest_codes(coded, 3, top=2)
    assert count_events(coded.db) == events  # suggestions never code anything
    by_source = {s.source: [x.value for x in found if x.source == s.source] for s in found}
    assert by_source["keywords"] == ["rct"]
    assert by_source["classifier"][0] == "rct" and len(by_source["classifier"]) == 2
    assert {s.dimension for s in found} == {"study_design"}  # text dimensions get none


def test_too_few_coded_studies_give_keyword_suggestions_only(tmp_path: Path) -> None:
    review = make_review(tmp_path / "review.db")
    include_studies(review, [1, 4])
    set_codes(review, 4, {"study_design": CodeValue(("cohort",))})
    assert {s.source for s in cs.suggest_codes(review, 1)} == {"keywords"}
    review.close()


def test_study_text_includes_notes_and_free_text_codes() -> None:
    from litreview.models import RecordFields

    text = cs.compose_text(
        [RecordFields(title="T", abstract="A", keywords=["k1", "k2"])],
        {"methods": "M"},
        {"country": CodeValue((), text="Chile")},
    )
    assert text == "T\nA\nk1; k2\nM\nChile"
