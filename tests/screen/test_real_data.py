"""One small check on real data: a subsample of a shared set (skipped without it)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from litreview.screen.simulate import simulate


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
        writer = csv.DictWriter(handle, ["record_id", "title", "abstract", "label_included"],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows(keep)
    result = simulate(path, seeds=[1, 2])
    assert result["wss95"] > 0.5  # random screening gives about 0
    assert result["recall_at_10pct"] > 0.5
    assert result == {**simulate(path, seeds=[1, 2]), "seconds": result["seconds"]}
