"""The ranker: reproducible, cold start by topic, empty texts, config round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from litreview.screening.ranking import ModelConfig, build_features, rank, record_text
from litreview.screening.simulate import load_labelled_csv

TOPIC = "reward based dog training obedience behaviour"


@pytest.fixture
def texts(tiny_csv: Path) -> list[tuple[str, str]]:
    return load_labelled_csv(tiny_csv).texts


def test_rank_is_reproducible_for_a_seed(texts: list[tuple[str, str]]) -> None:
    labels = {0: 1, 1: 0}
    a, b = rank(texts, labels, random_state=7), rank(texts, labels, random_state=7)
    assert a.mode == "learned"
    assert np.array_equal(a.order, b.order) and np.array_equal(a.scores, b.scores)
    features = build_features(texts)
    c = rank(None, labels, random_state=7, features=features)
    assert np.array_equal(a.order, c.order)


def test_learned_model_puts_relevant_records_first(texts: list[tuple[str, str]]) -> None:
    ranking = rank(texts, {0: 1, 1: 0}, random_state=1)
    assert set(ranking.order.tolist()) == set(range(2, 12))
    assert set(ranking.order[:3].tolist()) == {2, 4, 6}  # the other dog-training records


def test_cold_start_ranks_topic_similar_records_first(texts: list[tuple[str, str]]) -> None:
    ranking = rank(texts, {}, topic=TOPIC)
    assert ranking.mode == "topic"
    assert set(ranking.order[:4].tolist()) == {0, 2, 4, 6}


def test_only_excludes_still_uses_the_topic(texts: list[tuple[str, str]]) -> None:
    ranking = rank(texts, {1: 0, 3: 0}, topic=TOPIC)
    assert ranking.mode == "topic" and 1 not in ranking.order and 3 not in ranking.order


def test_no_topic_and_no_labels_gives_a_seeded_shuffle(texts: list[tuple[str, str]]) -> None:
    a, b = rank(texts, {}, random_state=3), rank(texts, {}, random_state=3)
    assert a.mode == "random" and np.array_equal(a.order, b.order)


def test_empty_texts_are_handled() -> None:
    texts = [("", ""), (None, None), ("dog training", ""), ("", "stock prices"), ("a", None)]
    ranking = rank(texts, {2: 1, 3: 0}, random_state=0)
    assert ranking.mode == "learned" and sorted(ranking.order.tolist()) == [0, 1, 4]
    nothing = rank([("", ""), (None, "")], {0: 1}, random_state=0)
    assert nothing.mode == "random" and nothing.order.tolist() == [1]


def test_record_text_repeats_the_title() -> None:
    assert record_text("T", "A", 2) == "T T A"
    assert record_text(None, "A", 3) == "A"
    assert record_text("T", None, 1) == "T"


def test_config_round_trips_through_json() -> None:
    config = ModelConfig(pseudo_negatives=50, extra={"note": "x"})
    assert ModelConfig.from_json(config.to_json()) == config


def test_old_stored_configs_still_load() -> None:
    # A config stored before title_block/char_fusion existed: the missing fields take
    # today's defaults; a field from a newer version is ignored rather than fatal.
    old = (
        '{"C": 0.11, "classifier": "svm", "extra": {}, "features": "tfidf", '
        '"include_weight": 9.8, "max_df": 0.95, "max_negatives": 5000, "min_df": 1, '
        '"ngram_max": 2, "pseudo_negative_share": 0.1, "pseudo_negatives": 200, '
        '"retrain_every_label_until": 100, "retrain_growth": 0.1, "sublinear_tf": true, '
        '"title_repeat": 2, "tol": 0.001}'
    )
    config = ModelConfig.from_json(old)
    assert config.pseudo_negatives == 200 and config.title_repeat == 2
    assert config.title_block == ModelConfig().title_block
    newer = ModelConfig.from_json('{"C": 0.5, "some_future_field": [1, 2]}')
    assert newer.C == 0.5 and newer.pseudo_negatives == ModelConfig().pseudo_negatives


def test_title_block_adds_a_title_only_view(texts: list[tuple[str, str]]) -> None:
    plain = build_features(texts, ModelConfig(title_block=0.0))
    blocked = build_features(texts, ModelConfig(title_block=0.5))
    width = plain.matrix.shape[1]
    assert blocked.matrix.shape[0] == plain.matrix.shape[0] and blocked.matrix.shape[1] > width
    # the first block is the plain matrix; the title block holds only title words, weighted 0.5
    assert abs(blocked.matrix[:, :width] - plain.matrix).max() == 0
    title_rows = blocked.matrix[:, width:]
    norms = np.sqrt(np.asarray(title_rows.multiply(title_rows).sum(axis=1)).ravel())
    has_title = np.array([bool((t or "").strip()) for t, _a in texts])
    assert np.allclose(norms[has_title], 0.5) and np.all(norms[~has_title] == 0)
    # the topic query still works on the word block, and the learned model still ranks
    cold = rank(None, {}, ModelConfig(title_block=0.5), topic=TOPIC, features=blocked)
    assert cold.mode == "topic"
    ranking = rank(None, {0: 1, 1: 0}, ModelConfig(title_block=0.5), 1, features=blocked)
    assert set(ranking.order[:3].tolist()) == {2, 4, 6}


def test_char_fusion_scores_a_second_view(texts: list[tuple[str, str]]) -> None:
    config = ModelConfig(char_fusion=0.5)
    features = build_features(texts, config)
    assert len(features.views) == 1 and features.views[0].shape[0] == len(texts)
    assert build_features(texts, ModelConfig()).views == ()
    fused = rank(None, {0: 1, 1: 0}, config, 1, features=features)
    word = rank(texts, {0: 1, 1: 0}, ModelConfig(), 1)
    # fused scores are standardised mixtures, so they differ from the plain SVM's...
    assert not np.allclose(fused.scores, word.scores)
    assert abs(float(fused.scores.mean())) < 1e-9
    # ...and still put the dog-training records first
    assert set(fused.order[:3].tolist()) == {2, 4, 6}


def test_reliable_negatives_are_the_records_least_like_the_includes(
    texts: list[tuple[str, str]],
) -> None:
    from litreview.screening.ranking import reliable_negatives

    features = build_features(texts)
    unlabelled = np.arange(2, 12)
    half = reliable_negatives(features.matrix, unlabelled, np.array([0]), 0.5)
    assert len(half) == 5 and set(half.tolist()) <= set(unlabelled.tolist())
    assert not set(half.tolist()) & {2, 4, 6}  # the dog-training records are never drawn
    # with no include yet, or share 1, every unlabelled record may be drawn
    assert np.array_equal(
        reliable_negatives(features.matrix, unlabelled, np.array([], int), 0.5), unlabelled
    )
    assert np.array_equal(
        reliable_negatives(features.matrix, unlabelled, np.array([0]), 1.0), unlabelled
    )


def test_pseudo_negatives_from_the_reliable_pool_still_rank(texts: list[tuple[str, str]]) -> None:
    config = ModelConfig(pseudo_negative_pool=0.5, pseudo_negative_share=1.0)
    ranking = rank(texts, {0: 1, 1: 0}, config, random_state=1)
    assert ranking.mode == "learned" and set(ranking.order[:3].tolist()) == {2, 4, 6}
