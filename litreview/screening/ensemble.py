"""Extra ranking members fused with the default model (``ModelConfig.ensemble``).

An ensemble keeps the default model as it is and adds members of a different kind,
each refitted on the same screened records at the same moments:

* ``"u4"``: ASReview's default (ELAS u4) as a member: its own fitted-vocabulary
  TF-IDF over word 1-2-grams of the title (once) and abstract, a ``LinearSVC(C=0.11)``
  with the includes together weighing 9.8 times the excludes, no pseudo-negatives;
* ``"nb"``: multinomial naive Bayes (``alpha=3.822``, ASReview's older ``nb`` default)
  on the default model's own TF-IDF matrix, trained on the screened records with the
  same 9.8 balance, scoring each record by its log-odds;
* ``"knn"``: nearest include, on the default model's own TF-IDF matrix: a record's
  score is its highest cosine similarity to any screened include. A linear model
  ranks by a record's likeness to what the includes share; this member ranks by
  its likeness to any single include, so a relevant record that resembles one
  unusual include is not left at the bottom.

The members' scores are on unrelated scales, so they are fused by rank: each member's
scores become percentiles over all records, the fused score is their mean, and ties go
to the first member (the default model). docs/ranking.md, "Round 3", says why and what
it did on every shared set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

__all__ = ["MEMBERS", "U4_BALANCE", "fuse_by_rank", "member_names", "member_scores", "u4_matrix"]

#: The members an ensemble may add to the default model.
MEMBERS = ("u4", "nb", "knn")
U4_C = 0.11
U4_BALANCE = 9.8
NB_ALPHA = 3.822


def member_names(spec: str) -> tuple[str, ...]:
    """The members named by ``ModelConfig.ensemble`` (``""``, ``"u4"``, ``"nb"``, ``"u4+nb"``)."""
    names = tuple(part.strip() for part in spec.split("+") if part.strip())
    unknown = [name for name in names if name not in MEMBERS]
    if unknown or len(set(names)) != len(names):
        raise ValueError(
            f"bad ensemble {spec!r}: give members from {', '.join(MEMBERS)} "
            "joined by '+', each once (for example 'u4+nb')"
        )
    return names


def u4_matrix(docs: Sequence[str]) -> csr_matrix | None:
    """u4's features: a fitted-vocabulary TF-IDF (word 1-2-grams, sublinear tf, max_df .95);
    None when the texts hold no usable term."""
    from scipy.sparse import csr_matrix  # heavy: scipy
    from sklearn.feature_extraction.text import TfidfVectorizer  # heavy: sklearn

    max_df = 0.95 if len(docs) * 0.95 >= 2 else 1.0
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_df=max_df)
    try:
        return csr_matrix(vectorizer.fit_transform(docs))
    except ValueError:  # empty vocabulary
        return None


def member_scores(
    name: str,
    X: csr_matrix,
    rows: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    random_state: int | None,
) -> np.ndarray:
    """Fit member ``name`` on ``X[rows]`` with labels ``y`` and sample ``weights`` (the
    caller's class balance, ``U4_BALANCE`` for both members); one score per row of ``X``."""
    if name == "u4":
        from sklearn.svm import LinearSVC  # heavy: sklearn

        svm = LinearSVC(C=U4_C, loss="squared_hinge", dual=True, random_state=random_state)
        svm.fit(X[rows], y, sample_weight=weights)
        return np.asarray(svm.decision_function(X), dtype=np.float64)
    if name == "nb":
        from sklearn.naive_bayes import MultinomialNB  # heavy: sklearn

        nb = MultinomialNB(alpha=NB_ALPHA)
        nb.fit(X[rows], y, sample_weight=weights)
        include = int(np.flatnonzero(nb.classes_ == 1)[0])
        log_odds = nb.feature_log_prob_[include] - nb.feature_log_prob_[1 - include]
        prior = nb.class_log_prior_[include] - nb.class_log_prior_[1 - include]
        return np.asarray(X @ log_odds, dtype=np.float64).ravel() + float(prior)
    if name == "knn":
        included = rows[y == 1]
        if not len(included):
            return np.zeros(X.shape[0], dtype=np.float64)
        # rows of the TF-IDF matrix are L2-normalised, so the dot product is the cosine
        similarity = (X @ X[included].T).tocsr()
        return np.asarray(similarity.max(axis=1).toarray(), dtype=np.float64).ravel()
    raise ValueError(f"unknown ensemble member {name!r}; known: {', '.join(MEMBERS)}")


def fuse_by_rank(members: Sequence[np.ndarray]) -> np.ndarray:
    """Fuse score vectors by the mean of their rank percentiles (ties: the first member).

    Each vector becomes percentiles over all records (average rank for ties, divided
    by the number of records, so the best record has 1.0). Records are then placed by
    the mean percentile, equal means broken by the first member's score; the result is
    each record's percentile in that fused order, so sorting it high to low gives the
    fused order and no two records tie.
    """
    from scipy.stats import rankdata  # heavy: scipy

    if not members:
        raise ValueError("nothing to fuse")
    n = len(members[0])
    if any(len(scores) != n for scores in members):
        raise ValueError("every member must score the same records")
    if n == 0:
        return np.zeros(0, dtype=np.float64)
    mean = np.mean([rankdata(scores, method="average") / n for scores in members], axis=0)
    order = np.lexsort((-np.asarray(members[0], dtype=np.float64), -mean))
    fused = np.empty(n, dtype=np.float64)
    fused[order] = np.arange(n, 0, -1, dtype=np.float64) / n
    return fused
