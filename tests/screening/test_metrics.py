"""Simulation metrics on orders computed by hand, CSV loading, priors."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest

from litreview.errors import ImportFormatError, InvalidValue
from litreview.screening.simulate import draw_priors, load_labelled_csv, order_metrics, simulate

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"


def test_metrics_match_hand_computed_order() -> None:
    # 10 non-prior records, relevant ones screened 1st, 3rd and 6th.
    m = order_metrics([1, 0, 1, 0, 0, 1, 0, 0, 0, 0])
    # ceil(0.95 * 3) = 3 relevant needed -> n95 = 6; WSS@95 = (10 - 6)/10 - 0.05
    assert m["screened_to_95"] == 6
    assert m["wss95"] == pytest.approx(0.35)
    assert m["screened_to_100"] == 6
    assert m["wss100"] == pytest.approx(0.4)
    assert m["recall_at_10pct"] == pytest.approx(1 / 3)  # first record of 10
    assert m["atd_pct"] == pytest.approx((1 + 3 + 6) / 3 / 10 * 100)


def test_wss95_needs_ceil_of_95_percent() -> None:
    # 20 relevant: ceil(19) = 19th relevant; the 20th, found last, does not count.
    labels = [1] * 19 + [0] * 80 + [1]
    m = order_metrics(labels)
    assert m["screened_to_95"] == 19
    assert m["wss95"] == pytest.approx((100 - 19) / 100 - 0.05)
    assert m["screened_to_100"] == 100
    assert m["wss100"] == 0.0
    assert m["recall_at_10pct"] == pytest.approx(10 / 20)
    assert math.isclose(m["atd_pct"], (sum(range(1, 20)) + 100) / 20)


def test_metrics_without_relevant_records_is_a_user_error() -> None:
    with pytest.raises(InvalidValue):
        order_metrics([0, 0, 0])


def test_priors_are_drawn_like_asreview() -> None:
    labels = np.array([0, 1, 0, 0, 1, 1, 0, 1])
    priors = draw_priors(labels, seed=3, n_included=1, n_excluded=1)
    inc, exc = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    assert priors[0] == np.random.RandomState(3).choice(inc, 1, replace=False)[0]
    assert priors[1] == np.random.RandomState(3).choice(exc, 1, replace=False)[0]
    with pytest.raises(InvalidValue):
        draw_priors(labels, seed=1, n_included=5, n_excluded=1)


def test_load_csv_reads_ids_and_empty_fields(tiny_csv: Path) -> None:
    data = load_labelled_csv(tiny_csv)
    assert len(data.labels) == 12 and data.labels.sum() == 4
    assert data.record_ids[0] == "101"
    assert data.texts[4][0] == ""  # record 105 has no title
    assert data.texts[6][1] == ""  # record 107 has no abstract


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing_abstract_column.csv", "missing column(s) abstract"),
        ("bad_label.csv", "label_included is 'yes'"),
    ],
)
def test_bad_files_say_where_and_how_to_fix(name: str, message: str) -> None:
    with pytest.raises(ImportFormatError) as info:
        load_labelled_csv(DATA / name)
    assert message in str(info.value)
    assert name in str(info.value)
    assert info.value.hint


def test_simulate_tiny_file_is_consistent_with_its_trace(tiny_csv: Path) -> None:
    trace = io.StringIO()
    result = simulate(tiny_csv, seeds=[1, 2], trace=trace)
    assert list(result.to_json()) == [
        "file",
        "records",
        "included",
        "seeds",
        "wss95",
        "wss100",
        "recall_at_10pct",
        "atd_pct",
        "screened_to_95",
        "screened_to_100",
        "stops",
        "default_stop",
        "seconds",
        "runs",
    ]
    assert result.records == 12 and result.included == 4
    assert result.default_stop in result.stops
    rows = [line.split(",") for line in trace.getvalue().splitlines()]
    assert len(rows) == 24
    for run in result.runs:
        mine = [r for r in rows if r[1] == str(run.seed)]
        assert [r[5] for r in mine[:2]] == ["1", "1"] and {r[2] for r in mine[:2]} == {"0"}
        labels = [int(r[4]) for r in mine[2:]]
        checks = [int(r[6]) for r in mine[2:]]
        assert [int(r[2]) for r in mine[2:]] == list(range(1, 11))
        if not any(checks):  # without a random check the trace is the ranker's order
            assert order_metrics(labels)["wss95"] == pytest.approx(run.wss95)
        assert set(run.to_json()) == {"seed", "wss95", "screened_to_95", "stops"}
        for name, stop in run.stops.items():
            if name == result.default_stop:
                # the trace is this rule's real order: its stop reads off the trace
                after = stop.stopped_after
                assert sum(checks[after or 10 :]) == 0
                assert stop.recall == pytest.approx(sum(labels[: after or 10]) / sum(labels))
                assert {"stopped_after", "recall", "recall_estimate"} <= set(stop.to_json())
            else:
                assert set(stop.to_json()) == {"stopped_after", "recall"}


def test_simulate_is_deterministic_for_a_seed(tiny_csv: Path) -> None:
    a, b = io.StringIO(), io.StringIO()
    simulate(tiny_csv, seeds=[4], trace=a)
    simulate(tiny_csv, seeds=[4], trace=b)
    assert a.getvalue() == b.getvalue()
