"""One tiny labelled CSV per known trap (tests/data/dedup): each must come out exactly right."""

from __future__ import annotations

import pytest
from dedup_helpers import FIXTURES

from litreview.dedup import evaluate_file
from litreview.dedup.evaluate import run_evaluation

EXACT = [
    "supplement_doi.csv",  # Embase abstracts of one supplement share the supplement's DOI
    "generic_titles.csv",  # "Editorial", "Reply", "Correction: <title>"
    "copublished_guideline.csv",  # one guideline, same title and authors, three journals
    "pages_abbrev.csv",  # "349-69" is "349-369"; an "ii12" supplement page is another record
    "journal_abbrev.csv",  # "J Am Heart Assoc" is the "Journal of the American Heart Association"
    "author_formats.csv",  # "Smith, J." / "J Smith" / "SMITH J"
]


@pytest.mark.parametrize("name", EXACT)
def test_trap_fixture_grouped_exactly(name: str) -> None:
    metrics = evaluate_file(FIXTURES / name)
    assert metrics.mixed_clusters == 0
    assert metrics.lost_works == 0
    assert metrics.pair_precision == metrics.pair_recall == 1.0
    assert metrics.predicted_works == metrics.true_works


def test_copublished_guideline_is_queued_for_review_not_merged() -> None:
    ev = run_evaluation(FIXTURES / "copublished_guideline.csv")
    assert ev.result.groups[2] == 2 and ev.result.groups[3] == 3
    queued = {(p.a, p.b) for p in ev.result.needs_review}
    assert (1, 3) in queued or (3, 4) in queued  # same title and authors, no pages to tell apart


def test_supplement_doi_is_not_an_identifier() -> None:
    ev = run_evaluation(FIXTURES / "supplement_doi.csv")
    assert ev.result.groups == {1: 1, 2: 2, 3: 3, 4: 4, 5: 1}


def test_work_with_two_dois_goes_to_review() -> None:
    ev = run_evaluation(FIXTURES / "two_dois.csv")
    assert ev.metrics.mixed_clusters == 0
    assert ev.result.groups[1] == 1 and ev.result.groups[2] == 2  # never merged on its own
    [pair] = [p for p in ev.result.needs_review if (p.a, p.b) == (1, 2)]
    assert "different DOIs/PMIDs" in pair.reasons


def test_correction_is_never_merged_with_its_article_but_queued() -> None:
    """Labelled sets disagree on whether a correction is part of its article's work
    (the stroke set keeps a corrigendum apart): a reviewer decides."""
    ev = run_evaluation(FIXTURES / "generic_titles.csv")
    assert ev.result.groups[7] != ev.result.groups[8]
    [pair] = [p for p in ev.result.needs_review if (p.a, p.b) == (7, 8)]
    assert "a correction notice naming this article" in pair.reasons
