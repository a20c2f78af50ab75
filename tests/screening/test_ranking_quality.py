"""Ranking quality on real data, against the ASReview u4 replica (skipped without the shared sets).

The three smallest shared sets, seed 1, 1+1 priors drawn as ASReview draws them: our
default ranker (through ``simulate``, the public path) must not fall behind u4 by more than
run-to-run noise, and must be far better than screening at random. docs/ranking.md has the
full 12-set table (bench/rank_compare.py); this is the cheap guard that runs with the suite.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from litreview.screening.ranking import sample_weights
from litreview.screening.simulate import (
    active_learning_order,
    draw_priors,
    load_labelled_csv,
    order_metrics,
    simulate,
)

SMALLEST = ("Cohen_2006_Antihistamines", "Cohen_2006_Estrogens", "Cohen_2006_NSAIDS")
SEEDS = (1,)


def u4_wss95(path: Path, seed: int) -> float:
    """ELAS u4 as RANKING-NOTES.md specifies it: TF-IDF 1-2-grams over title + abstract,
    LinearSVC(C=0.11), includes weighing 9.8x the excludes in total, retrain every label."""
    data = load_labelled_csv(path)
    docs = [f"{title} {abstract}" for title, abstract in data.texts]
    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=0.95).fit_transform(docs)

    def score(idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        clf = LinearSVC(C=0.11, loss="squared_hinge", random_state=seed)
        clf.fit(X[idx], y, sample_weight=sample_weights(y, 9.8))
        return np.asarray(clf.decision_function(X))

    priors = draw_priors(data.labels, seed, 1, 1)
    order = active_learning_order(data.labels, priors, score, lambda n, last: True)
    return float(order_metrics(data.labels[order])["wss95"])


def test_default_ranker_keeps_up_with_u4_on_the_smallest_shared_sets(
    screening_dir: Path,
) -> None:
    ours, theirs = [], []
    for name in SMALLEST:
        path = screening_dir / f"{name}.csv"
        result = simulate(path, seeds=SEEDS)
        ours.append(result.wss95)
        theirs.append(np.mean([u4_wss95(path, seed) for seed in SEEDS]))
    # On all 12 sets x 5 seeds the default is at worst .035 below u4 on any set
    # (docs/ranking.md); on these three the mean gap must stay inside that band.
    assert np.mean(ours) >= np.mean(theirs) - 0.03, (ours, theirs)
    # Random screening gives WSS@95 of about 0; these three sets average about .33 for u4.
    assert np.mean(ours) > 0.25, ours
