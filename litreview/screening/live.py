"""Ranking the works of a live review: labels from decisions, texts from works.

The fitted TF-IDF matrix is cached per (review, stage, works) so a retrain after
each decision only refits the classifier.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from litreview.screening.ranking import Features, ModelConfig, build_features, rank
from litreview.storage import rankings as rankings_store
from litreview.storage import views
from litreview.storage.decisions import CurrentDecision
from litreview.storage.review import Review

_CACHE: OrderedDict[tuple[str, str, int, int], Features] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def topic_text(review: Review) -> str:
    """What the protocol says the review is about, for the cold start."""
    p = review.protocol
    parts = [p.title, p.question or "", *p.criteria.inclusion, *p.highlight.include]
    return " ".join(part for part in parts if part)


def _features(review: Review, stage: str, work_ids: list[int]) -> Features:
    key = (str(review.path.resolve()), stage, len(work_ids), hash(tuple(work_ids)))
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    features = build_features(views.work_texts(review.db, work_ids), ModelConfig())
    with _CACHE_LOCK:
        _CACHE[key] = features
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return features


def refresh_stage_ranking(
    review: Review,
    stage: str,
    work_ids: list[int],
    current: dict[int, CurrentDecision],
    *,
    random_state: int = 0,
    reviewer: str | None = None,
) -> int:
    """Rank the works of ``stage`` not yet decided in ``current`` (whose includes and
    excludes are the labels) and store the run; returns the run id."""
    config = ModelConfig()
    index = {w: i for i, w in enumerate(work_ids)}
    labels = {
        index[w]: 1 if d.value == "include" else 0
        for w, d in current.items()
        if w in index and d.value in ("include", "exclude")
    }
    decided = {index[w] for w in current if w in index}
    if not work_ids:
        ranked: list[tuple[int, float]] = []
        mode = "none"
    else:
        result = rank(
            None,
            labels,
            config,
            random_state,
            topic=topic_text(review),
            features=_features(review, stage, work_ids),
        )
        mode = result.mode
        ranked = [(work_ids[i], float(result.scores[i])) for i in result.order if i not in decided]
    with review.db.atomic():
        return rankings_store.save_ranking(
            review.db,
            stage=stage,
            mode=mode,
            config=config.to_json(),
            random_state=random_state,
            n_labels=len(labels),
            ranked=ranked,
            reviewer=reviewer,
        )
