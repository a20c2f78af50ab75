"""The acceptance bar of issue 3, on the shared labelled sets (skipped when they are absent)."""

from __future__ import annotations

import pytest

from litreview.dedup import evaluate_file
from litreview.dedup.evaluate import load_labelled_csv, run_evaluation

RECALL = {"diabetes_asysd.csv": 0.95, "stroke.csv": 0.90, "special_cases.csv": 1.0}


@pytest.mark.parametrize("name", sorted(RECALL))
def test_shared_set_meets_the_bar(shared_dedup, name: str) -> None:  # type: ignore[no-untyped-def]
    metrics = evaluate_file(shared_dedup / name)
    assert metrics.mixed_clusters == 0
    assert metrics.lost_works == 0
    assert metrics.pair_precision == 1.0
    assert metrics.pair_recall >= RECALL[name]
    assert metrics.specificity == 1.0


def test_all_special_cases_right(shared_dedup) -> None:  # type: ignore[no-untyped-def]
    """Every record's predicted group is its true group (group_id = smallest id of the group)."""
    ev = run_evaluation(shared_dedup / "special_cases.csv")
    data = load_labelled_csv(shared_dedup / "special_cases.csv")
    assert len(ev.result.groups) == 12
    for record, canonical in ev.result.groups.items():
        assert ev.labels[canonical] == data.truth[record], ev.labels[record]


def test_asysd_sensitivity_on_diabetes(shared_dedup) -> None:  # type: ignore[no-untyped-def]
    metrics = evaluate_file(shared_dedup / "diabetes_asysd.csv")
    assert metrics.sensitivity >= 0.99  # ASySD published .998 / 1.0 (Hair et al. 2023)
    assert metrics.fp == 0
