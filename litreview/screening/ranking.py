"""Rank the unscreened records of a stage by predicted relevance.

The ranking is a pure function of ``(texts, labels, config, random_state)``:

* :func:`build_features` fits TF-IDF once over every record of the stage (title
  repeated ``title_repeat`` times, then the abstract) and returns a
  :class:`Features` object that callers may cache and reuse for every retrain;
* :func:`rank` trains a fresh classifier on the labelled rows and orders the
  unlabelled ones by its decision function.

With at least one include and one exclude the learned model ranks (a linear
SVM on TF-IDF 1-2-grams with class weights and *pseudo-negatives*: a fresh
random draw of unlabelled records added as extra negatives at every fit, as in
BMI/CAL from TREC Total Recall). Before that (cold start) records are ranked by
TF-IDF cosine similarity to a topic text (protocol criteria and search terms)
plus any records already included; with neither, the order is a seeded random
shuffle, which is also a fair random sample for a prevalence estimate.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from litreview.screening.ensemble import (
    U4_BALANCE,
    fuse_by_rank,
    member_names,
    member_scores,
    u4_matrix,
)

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

__all__ = [
    "Features",
    "ModelConfig",
    "Ranking",
    "build_features",
    "rank",
    "record_text",
]

#: A record's text as ``(title, abstract)``; either may be ``None`` or empty.
RecordText = tuple[str | None, str | None]
RankMode = Literal["learned", "topic", "random"]
#: Character n-gram range of the optional fused view (``ModelConfig.char_fusion``).
CHAR_NGRAMS = (3, 5)


@dataclass(frozen=True)
class ModelConfig:
    """Settings of one ranking run, stored as JSON with the run.

    Defaults are ELAS u4's features and classifier (TF-IDF 1-2-grams, hashed
    into 2**22 buckets instead of a fitted vocabulary (same weights, a third of the
    fitting time; collisions are rare at that size), with sublinear tf,
    ``max_df=0.95``; linear SVM ``C=0.11``; includes together weighing
    ``include_weight`` times the negatives) plus two changes: the title counted
    ``title_repeat`` times and ``pseudo_negatives`` unlabelled records drawn
    afresh at every fit as extra negatives (weighted like the screened negatives;
    at most ``pseudo_negative_share`` of the unlabelled pool). On all 12 shared
    sets these are level with u4 (docs/ranking.md). Measured options, off by
    default: ``pseudo_negative_pool`` < 1 draws the pseudo-negatives only from that
    share of the pool least similar to the includes (reliable negatives);
    ``title_block`` adds a weighted title-only TF-IDF block; ``char_fusion`` is the
    weight of a character 3-5-gram SVM fused with the word one; ``ensemble`` names
    members fused with this model by rank (``"u4"``, ``"nb"``, ``"knn"`` or several
    joined by ``+``, see :mod:`litreview.screening.ensemble`);
    ``pseudo_negative_bags`` > 1 averages that many SVMs, each fitted with its own
    draw of pseudo-negatives. Two settings only bound
    the cost on large reviews: the solver tolerance ``tol`` and
    ``max_negatives``, a seeded random subset of the screened excludes kept
    once there are more (includes are always all kept). The retrain fields
    describe the schedule the simulation uses: after every label for the first
    ``retrain_every_label_until`` labels, then whenever the label count has
    grown by ``retrain_growth`` since the last fit. ``extra`` is free-form
    metadata stored with the run.
    """

    features: str = "tfidf"
    ngram_max: int = 2
    max_df: float = 0.95
    sublinear_tf: bool = True
    title_repeat: int = 2
    classifier: str = "svm"
    C: float = 0.11
    tol: float = 1e-3
    include_weight: float = 9.8
    max_negatives: int = 5000
    pseudo_negatives: int = 200
    pseudo_negative_share: float = 0.1
    pseudo_negative_pool: float = 1.0
    min_df: int = 1
    retrain_every_label_until: int = 100
    retrain_growth: float = 0.1
    title_block: float = 0.0
    char_fusion: float = 0.0
    ensemble: str = ""
    pseudo_negative_bags: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelConfig:
        """Read a stored config; fields it lacks (older versions) take today's defaults
        and fields this version does not know (newer versions) are ignored."""
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True)
class Features:
    """The fitted feature matrix of one stage's records (cacheable)."""

    matrix: csr_matrix
    vectorizer: HashedTfidf | None
    config_json: str
    #: Further feature views, each scored by its own classifier and fused
    #: with the main one (``ModelConfig.char_fusion``); empty by default.
    views: tuple[csr_matrix, ...] = ()
    #: The u4 ensemble member's own features (``ModelConfig.ensemble``); None otherwise.
    u4_matrix: csr_matrix | None = None

    @property
    def n_records(self) -> int:
        return int(self.matrix.shape[0])


@dataclass(frozen=True)
class Ranking:
    """The result of :func:`rank`.

    ``order`` lists the unlabelled record indices, most relevant first;
    ``scores`` has one score per record (labelled ones included) on the scale of
    the mode used: SVM decision values, cosine similarities, or random draws.
    """

    order: np.ndarray
    scores: np.ndarray
    mode: RankMode
    n_labels: int


def record_text(title: str | None, abstract: str | None, title_repeat: int = 1) -> str:
    """The text the features are built from: the title ``title_repeat`` times, then the abstract."""
    title = (title or "").strip()
    abstract = (abstract or "").strip()
    parts = [title] * max(title_repeat, 1) if title else []
    if abstract:
        parts.append(abstract)
    return " ".join(parts)


def _make_classifier(config: ModelConfig, random_state: int | None) -> Any:
    from sklearn.svm import LinearSVC  # heavy: sklearn

    if config.classifier != "svm":
        raise ValueError(f"unknown classifier {config.classifier!r}; known: 'svm'")
    return LinearSVC(
        C=config.C, loss="squared_hinge", dual=True, tol=config.tol, random_state=random_state
    )


@dataclass(frozen=True)
class HashedTfidf:
    """TF-IDF over hashed 1..n-grams: the same weighting as ``TfidfVectorizer``
    (sublinear tf, smoothed idf, ``max_df``/``min_df`` limits, L2 rows) without
    building a vocabulary, which is most of the cost of fitting on a large stage.
    ``columns`` are the hashed features kept, in matrix-column order."""

    hasher: Any
    columns: np.ndarray
    idf: np.ndarray
    sublinear_tf: bool

    def transform(self, docs: Sequence[str]) -> csr_matrix:
        counts = self.hasher.transform(docs).tocsc()[:, self.columns].tocsr()
        return _weight(counts, self.idf, self.sublinear_tf)


def _weight(counts: csr_matrix, idf: np.ndarray, sublinear_tf: bool) -> csr_matrix:
    from sklearn.preprocessing import normalize  # heavy: sklearn

    tf = counts.astype(np.float64)
    if sublinear_tf:
        np.log(tf.data, out=tf.data)
        tf.data += 1.0
    weighted = tf.multiply(idf).tocsr()
    return normalize(weighted, norm="l2", copy=False)


def _fit_hashed_tfidf(
    docs: Sequence[str], config: ModelConfig, analyzer: str = "word"
) -> tuple[csr_matrix, HashedTfidf]:
    from sklearn.feature_extraction.text import HashingVectorizer  # heavy: sklearn

    n = len(docs)
    ngrams = (1, config.ngram_max) if analyzer == "word" else CHAR_NGRAMS
    hasher = HashingVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        alternate_sign=False,
        norm=None,
        n_features=2**22,
        dtype=np.float64,
    )
    counts = hasher.transform(docs).tocsc()
    df = np.diff(counts.indptr)
    max_df = config.max_df if n * config.max_df >= 2 else 1.0
    min_df = config.min_df if n >= 50 else 1
    keep = np.flatnonzero((df >= max(min_df, 1)) & (df <= max_df * n))
    if not len(keep):
        raise ValueError("no terms left")
    counts = counts[:, keep].tocsr()
    idf = np.log((1 + n) / (1 + df[keep])) + 1.0
    model = HashedTfidf(hasher, keep, idf, config.sublinear_tf)
    return _weight(counts, idf, config.sublinear_tf), model


def build_features(texts: Sequence[RecordText], config: ModelConfig | None = None) -> Features:
    """Fit TF-IDF once over every record of the stage (labelled or not)."""
    from scipy.sparse import csr_matrix  # heavy: scipy

    config = config or ModelConfig()
    docs = [record_text(title, abstract, config.title_repeat) for title, abstract in texts]
    if not any(doc.strip() for doc in docs):
        empty = csr_matrix((len(docs), 0), dtype=np.float64)
        return Features(matrix=empty, vectorizer=None, config_json=config.to_json())
    try:
        matrix, model = _fit_hashed_tfidf(docs, config)
    except ValueError:  # only stop words / no tokens: nothing to learn from
        empty = csr_matrix((len(docs), 0), dtype=np.float64)
        return Features(matrix=empty, vectorizer=None, config_json=config.to_json())
    if config.title_block > 0:
        matrix = _with_title_block(matrix, texts, config)
    views: tuple[csr_matrix, ...] = ()
    u4: csr_matrix | None = None
    if config.char_fusion > 0 or config.ensemble:
        once = [record_text(title, abstract, 1) for title, abstract in texts]
        if config.char_fusion > 0:
            views = (csr_matrix(_fit_hashed_tfidf(once, config, analyzer="char_wb")[0]),)
        if "u4" in member_names(config.ensemble):
            u4 = u4_matrix(once)
    return Features(
        matrix=csr_matrix(matrix),
        vectorizer=model,
        config_json=config.to_json(),
        views=views,
        u4_matrix=u4,
    )


def _with_title_block(
    matrix: csr_matrix, texts: Sequence[RecordText], config: ModelConfig
) -> csr_matrix:
    """Append a title-only TF-IDF block weighted ``title_block`` (records without a title
    get an empty row there); the topic query ignores it (see :func:`topic_scores`)."""
    from scipy.sparse import csr_matrix as sparse  # heavy: scipy
    from scipy.sparse import hstack  # heavy: scipy

    titles = [(title or "").strip() for title, _abstract in texts]
    if not any(titles):
        return matrix
    try:
        block, _model = _fit_hashed_tfidf(titles, config)
    except ValueError:
        return matrix
    return sparse(hstack([matrix, config.title_block * block], format="csr"))


def sample_weights(y: np.ndarray, include_weight: float) -> np.ndarray:
    """Weights so includes together weigh ``include_weight`` x the negatives; mean weight 1."""
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    weights = np.ones(len(y), dtype=np.float64)
    if n_pos and n_neg:
        weights[y == 0] = n_pos / (include_weight * n_neg)
    return np.asarray(weights * (len(y) / weights.sum()), dtype=np.float64)


def _pseudo_negatives(
    unlabelled: np.ndarray, count: int, random_state: int | None, n_labels: int, bag: int = 0
) -> np.ndarray:
    if count <= 0 or len(unlabelled) == 0:
        return unlabelled[:0]
    # bag 0 keeps the seed of the single-draw model, so one bag is exactly that model
    seed = [0 if random_state is None else int(random_state), n_labels, 0] + ([bag] if bag else [])
    rng = np.random.default_rng(seed)
    return rng.choice(unlabelled, size=min(count, len(unlabelled)), replace=False)


def reliable_negatives(
    X: csr_matrix, unlabelled: np.ndarray, included: np.ndarray, share: float
) -> np.ndarray:
    """The ``share`` of ``unlabelled`` least similar to the included records' centroid.

    Rocchio-style reliable negatives from positive-unlabelled learning (Li & Liu 2003):
    a record far from every known include is far less likely to be relevant than a
    random one, so drawing pseudo-negatives there teaches fewer relevant records as
    negatives, which matters most when relevant records are common.
    """
    if not len(included) or not len(unlabelled) or share >= 1.0:
        return unlabelled
    centroid = np.asarray(X[included].sum(axis=0)).ravel()
    similarity = np.asarray(X[unlabelled] @ centroid).ravel()
    keep = max(1, math.ceil(share * len(unlabelled)))
    lowest = np.argsort(similarity, kind="stable")[:keep]
    return np.sort(unlabelled[lowest])


def _cap_negatives(
    labelled: np.ndarray, y: np.ndarray, cap: int, random_state: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Keep every include and at most ``cap`` screened excludes (a seeded random subset).

    Fitting time grows with the labelled set; past a few thousand excludes more
    of them barely move a linear model, and the include weight is restored by
    :func:`sample_weights` anyway.
    """
    negatives = np.flatnonzero(y == 0)
    if cap <= 0 or len(negatives) <= cap:
        return labelled, y
    seed = [0 if random_state is None else int(random_state), len(y), 1]
    keep = np.random.default_rng(seed).choice(negatives, cap, replace=False)
    rows = np.sort(np.concatenate([np.flatnonzero(y == 1), keep]))
    return labelled[rows], y[rows]


def learned_scores(
    features: Features,
    labelled: np.ndarray,
    y: np.ndarray,
    config: ModelConfig,
    random_state: int | None,
) -> np.ndarray:
    """Fit the classifier on labelled rows (+ pseudo-negatives); score every record."""
    X = features.matrix
    mask = np.ones(X.shape[0], dtype=bool)
    mask[labelled] = False
    unlabelled = np.flatnonzero(mask)
    labelled, y = _cap_negatives(labelled, y, config.max_negatives, random_state)
    count = min(config.pseudo_negatives, math.ceil(config.pseudo_negative_share * len(unlabelled)))
    if count > 0 and config.pseudo_negative_pool < 1.0:
        unlabelled = reliable_negatives(
            X, unlabelled, labelled[y == 1], config.pseudo_negative_pool
        )
    bags = max(1, config.pseudo_negative_bags) if count > 0 else 1
    scores = np.zeros(X.shape[0], dtype=np.float64)
    for bag in range(bags):
        pseudo = _pseudo_negatives(unlabelled, count, random_state, len(y), bag)
        rows = np.concatenate([labelled, pseudo])
        target = np.concatenate([y, np.zeros(len(pseudo), dtype=y.dtype)])
        weights = sample_weights(target, config.include_weight)
        clf = _make_classifier(config, random_state)
        clf.fit(X[rows], target, sample_weight=weights)
        scores += np.asarray(clf.decision_function(X), dtype=np.float64)
    if bags > 1:
        scores /= bags
    if config.ensemble:
        scores = _with_members(scores, features, labelled, y, config, random_state)
    if not features.views or config.char_fusion <= 0:
        return scores
    fused = (1.0 - config.char_fusion) * _standardise(scores)
    share = config.char_fusion / len(features.views)
    for view in features.views:
        other = _make_classifier(config, random_state)
        other.fit(view[rows], target, sample_weight=weights)
        fused += share * _standardise(np.asarray(other.decision_function(view), dtype=np.float64))
    return fused


def _with_members(
    scores: np.ndarray,
    features: Features,
    labelled: np.ndarray,
    y: np.ndarray,
    config: ModelConfig,
    random_state: int | None,
) -> np.ndarray:
    """The default model's scores fused by rank with the ensemble members' (screened rows only)."""
    members = [scores]
    weights = sample_weights(y, U4_BALANCE)
    for name in member_names(config.ensemble):
        X = features.u4_matrix if name == "u4" else features.matrix
        if X is not None:
            members.append(member_scores(name, X, labelled, y, weights, random_state))
    return fuse_by_rank(members) if len(members) > 1 else scores


def _standardise(scores: np.ndarray) -> np.ndarray:
    """Scores on a common scale for fusion: zero mean, unit spread over all records."""
    spread = float(scores.std())
    return np.asarray((scores - scores.mean()) / (spread if spread > 0 else 1.0), dtype=np.float64)


def topic_scores(
    features: Features,
    topic: str | None,
    included: np.ndarray,
    config: ModelConfig,
) -> np.ndarray | None:
    """Cosine similarity to the topic text plus the included records, or None without either."""
    X = features.matrix
    query = np.zeros(X.shape[1], dtype=np.float64)
    if topic and topic.strip() and features.vectorizer is not None:
        words = features.vectorizer.transform([record_text(None, topic)]).toarray().ravel()
        query[: len(words)] += words
    if len(included):
        query += np.asarray(X[included].sum(axis=0)).ravel()
    norm = float(np.linalg.norm(query))
    if norm == 0.0:
        return None
    # Rows of X are L2-normalised by TF-IDF, so X @ q / |q| is the cosine.
    return np.asarray(X @ (query / norm), dtype=np.float64).ravel()


def _split_labels(labels: Mapping[int, int], n: int) -> tuple[np.ndarray, np.ndarray]:
    idx = np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))
    y = np.fromiter((1 if labels[i] else 0 for i in idx), dtype=np.int64, count=len(labels))
    if len(idx) and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(f"label index out of range for {n} records")
    sort = np.argsort(idx, kind="stable")
    return idx[sort], y[sort]


def rank(
    texts: Sequence[RecordText] | None,
    labels: Mapping[int, int],
    config: ModelConfig | None = None,
    random_state: int | None = 0,
    *,
    topic: str | None = None,
    features: Features | None = None,
) -> Ranking:
    """Order the unlabelled records, most likely relevant first.

    ``texts`` are ``(title, abstract)`` pairs (ignored when ``features`` from
    :func:`build_features` is given, which is how a caller caches the fitted
    matrix); ``labels`` maps record index to 1 (include) or 0 (exclude). The
    result depends only on the arguments, so equal inputs give equal rankings.
    """
    config = config or ModelConfig()
    if features is None:
        if texts is None:
            raise TypeError("rank() needs texts or features")
        features = build_features(texts, config)
    n = features.n_records
    labelled, y = _split_labels(labels, n)
    mode: RankMode
    if y.any() and not y.all() and features.matrix.shape[1] > 0:
        scores, mode = learned_scores(features, labelled, y, config, random_state), "learned"
    else:
        cosine = topic_scores(features, topic, labelled[y == 1], config)
        if cosine is not None:
            scores, mode = cosine, "topic"
        else:
            scores, mode = np.random.default_rng(random_state).random(n), "random"
    unlabelled = np.ones(n, dtype=bool)
    unlabelled[labelled] = False
    candidates = np.flatnonzero(unlabelled)
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    return Ranking(order=order, scores=scores, mode=mode, n_labels=len(labelled))
