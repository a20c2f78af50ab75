"""A faithful replica of ASReview's default model (ELAS u4) for side-by-side benchmarks.

TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95) fitted once
on title + " " + abstract of all records; LinearSVC(C=0.11, loss="squared_hinge");
sample weights so the included records together weigh 9.8x the excluded ones
(ASReview's ``Balanced``: normalised to mean 1); max query on decision_function;
retrain after every label. Priors as ASReview draws them (see
``litreview.screening.simulate.draw_priors``).

    .venv/bin/python bench/asreview_u4.py [--seeds 1,2] [FILE.csv ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litreview.screening.simulate import (  # noqa: E402
    active_learning_order,
    draw_priors,
    load_labelled_csv,
    order_metrics,
)

SHARED = ROOT.parent / "shared" / "data" / "screening"
SETS = [
    "van_de_Schoot_2018",
    "Appenzeller-Herzog_2019",
    "Cohen_2006_ACEInhibitors",
    "Kitchenham_2010",
]
PUBLISHED = {
    "van_de_Schoot_2018": 0.900,
    "Appenzeller-Herzog_2019": 0.813,
    "Cohen_2006_ACEInhibitors": 0.752,
    "Kitchenham_2010": 0.672,
}


def u4_features(texts: list[tuple[str, str]]) -> csr_matrix:
    docs = [f"{title} {abstract}" for title, abstract in texts]
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95)
    return csr_matrix(vec.fit_transform(docs))


def u4_weights(y: np.ndarray, ratio: float = 9.8) -> np.ndarray:
    n1, n0 = int((y == 1).sum()), int((y == 0).sum())
    w = np.where(y == 1, 1.0, n1 / (ratio * n0))
    return w * (len(y) / w.sum())


def u4_order(X: csr_matrix, labels: np.ndarray, seed: int) -> np.ndarray:
    """Screening order of the non-prior records under u4 with 1+1 priors."""
    priors = draw_priors(labels, seed, 1, 1)

    def score(idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        clf = LinearSVC(C=0.11, loss="squared_hinge", random_state=seed)
        clf.fit(X[idx], y, sample_weight=u4_weights(y))
        return clf.decision_function(X)

    return active_learning_order(labels, priors, score, lambda n, last: True)


def run_u4(path: Path, seeds: list[int]) -> list[dict[str, object]]:
    data = load_labelled_csv(path)
    X = u4_features(data.texts)
    out = []
    for seed in seeds:
        order = u4_order(X, data.labels, seed)
        m = order_metrics(data.labels[order])
        out.append({"seed": seed, **m, "labels": data.labels[order].tolist()})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    files = [Path(f) for f in args.files] or [SHARED / f"{name}.csv" for name in SETS]
    for path in files:
        runs = run_u4(path, seeds)
        print(
            json.dumps(
                {
                    "file": path.stem,
                    "seeds": seeds,
                    "wss95": float(np.mean([r["wss95"] for r in runs])),
                    "recall_at_10pct": float(np.mean([r["recall_at_10pct"] for r in runs])),
                    "published_wss95": PUBLISHED.get(path.stem),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
