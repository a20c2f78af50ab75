"""One small check on real data: a subsample of a shared set (skipped without it)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np

from litreview.screening.simulate import CheckedStop, simulate


def test_subsample_of_a_shared_set_beats_random_screening(
    screening_dir: Path, tmp_path: Path
) -> None:
    source = screening_dir / "Appenzeller-Herzog_2019.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rng = np.random.default_rng(0)
    keep = [r for r in rows if r["label_included"] == "1"]
    others = [r for r in rows if r["label_included"] != "1"]
    keep += [others[i] for i in rng.choice(len(others), 600, replace=False)]
    path = tmp_path / "sub.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, ["record_id", "title", "abstract", "label_included"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(keep)
    result = simulate(path, seeds=[1, 2])
    assert result.wss95 > 0.5  # random screening gives about 0
    assert result.recall_at_10pct > 0.5
    assert result == replace(simulate(path, seeds=[1, 2]), seconds=result.seconds)


def test_abstract_labels_replay_with_the_default_rule_in_the_trace(
    screening_dir: Path, tmp_path: Path
) -> None:
    """``--label-column`` replays the Cohen sets' abstract-stage labels; the trace is the
    default rule's real order and its stop counts the random check's records."""
    import io

    source = screening_dir / "Cohen_2006_NSAIDS.csv"
    trace = io.StringIO()
    full = simulate(source, seeds=[1])
    abstract = simulate(source, seeds=[1], label_column="label_abstract_screening", trace=trace)
    assert (full.included, abstract.included) == (41, 88)
    rows = list(csv.reader(io.StringIO(trace.getvalue())))
    screened = [r for r in rows if r[5] == "0"]
    stop = abstract.runs[0].stops[abstract.default_stop]
    assert isinstance(stop, CheckedStop)
    after = stop.stopped_after
    assert after is not None and stop.check_records > 0
    assert sum(int(r[6]) for r in screened[:after]) == stop.check_records
    assert sum(int(r[6]) for r in screened[after:]) == 0
    found = sum(int(r[4]) for r in screened[:after])
    assert stop.recall == found / sum(int(r[4]) for r in screened)
    estimate = stop.recall_estimate
    assert estimate is not None and estimate.lower <= estimate.recall <= estimate.upper
