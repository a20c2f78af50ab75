"""Retrain + rerank latency of ``litreview.screening.ranking.rank`` at 10,000 and 100,000 records.

Records are drawn (with replacement) from the shared screening sets so token
statistics are real; the feature matrix is built once (what the live review
caches) and each timed call is one full ``rank``: fit the classifier on the
labelled records plus pseudo-negatives, score every record, sort the
unlabelled ones. Targets: median <= 100 ms at 10k, <= 1 s at 100k.

    nice .venv/bin/python bench/rank_bench.py [--sizes 10000,100000] [--repeats 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asreview_u4 import SETS, SHARED  # noqa: E402

from litreview.screening.ranking import ModelConfig, build_features, rank  # noqa: E402
from litreview.screening.simulate import load_labelled_csv  # noqa: E402


def corpus(size: int, seed: int = 0) -> tuple[list[tuple[str, str]], np.ndarray]:
    texts: list[tuple[str, str]] = []
    labels: list[int] = []
    for name in SETS:
        data = load_labelled_csv(SHARED / f"{name}.csv")
        texts += data.texts
        labels += data.labels.tolist()
    pick = np.random.default_rng(seed).choice(len(texts), size, replace=True)
    return [texts[i] for i in pick], np.asarray(labels)[pick]


def bench(size: int, n_labels: int, repeats: int) -> dict[str, float]:
    texts, y = corpus(size)
    config = ModelConfig()
    started = time.perf_counter()
    features = build_features(texts, config)
    build = time.perf_counter() - started
    rng = np.random.default_rng(1)
    times = []
    for rep in range(repeats):
        idx = rng.choice(size, n_labels, replace=False)
        labels = {int(i): int(y[i]) for i in idx}
        labels[int(np.flatnonzero(y)[rep])] = 1  # at least one include
        started = time.perf_counter()
        rank(None, labels, config, random_state=rep, features=features)
        times.append(time.perf_counter() - started)
    return {
        "records": size,
        "labels": n_labels,
        "features": features.matrix.shape[1],
        "build_features_s": round(build, 2),
        "rank_median_ms": round(1000 * statistics.median(times), 1),
        "rank_max_ms": round(1000 * max(times), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument(
        "--labels",
        default="100,1000,0.1",
        help="label counts; a value < 1 is a share of the records",
    )
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        counts = {int(float(v) * size) if float(v) < 1 else int(v) for v in args.labels.split(",")}
        for n_labels in sorted(counts):
            rows.append(bench(size, n_labels, args.repeats))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print("| records | labels | features | build features (s) | rank median (ms) | max (ms) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['records']:,} | {r['labels']:,} | {r['features']:,} | {r['build_features_s']}"
            f" | {r['rank_median_ms']} | {r['rank_max_ms']} |"
        )
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
