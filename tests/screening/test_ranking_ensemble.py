"""Round-3 and round-4 ranking options: rank fusion order, the members, averaged
pseudo-negative draws, config round trip (docs/ranking.md)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from litreview.screening.ensemble import fuse_by_rank, member_names, member_scores
from litreview.screening.ranking import ModelConfig, build_features, rank, sample_weights
from litreview.screening.simulate import load_labelled_csv


@pytest.fixture
def texts(tiny_csv: Path) -> list[tuple[str, str]]:
    return load_labelled_csv(tiny_csv).texts


def order_of(fused: np.ndarray) -> list[int]:
    return np.argsort(-fused, kind="stable").tolist()


def test_fusion_orders_by_the_mean_rank_percentile() -> None:
    a = np.array([4.0, 3.0, 2.0, 1.0, 0.0])
    b = np.array([0.0, 40.0, 30.0, 20.0, 10.0])  # another scale: only ranks count
    # percentiles a: 1, .8, .6, .4, .2; b: .2, 1, .8, .6, .4; means .6, .9, .7, .5, .3
    fused = fuse_by_rank([a, b])
    assert order_of(fused) == [1, 2, 0, 3, 4]
    assert sorted(fused.tolist()) == [0.2, 0.4, 0.6, 0.8, 1.0]  # a strict order, no ties
    # a monotone rescaling of a member changes nothing
    assert np.array_equal(fuse_by_rank([a, np.exp(b / 10)]), fused)


def test_an_extreme_score_does_not_outvote_the_other_member() -> None:
    # z-scored, member a's outlier puts record 0 first (mean z .64 vs .39 for record 1);
    # by rank (a: 4, 3, 2, 1; b: 2, 4, 3, 1) record 1 leads
    a = np.array([100.0, 1.0, 0.9, 0.8])
    b = np.array([1.0, 3.0, 2.0, 0.0])
    z = [(s - s.mean()) / s.std() for s in (a, b)]
    assert order_of(np.mean(z, axis=0))[0] == 0
    assert order_of(fuse_by_rank([a, b])) == [1, 0, 2, 3]


def test_fusion_ties_go_to_the_first_member() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = a[::-1].copy()  # every mean percentile is the same
    assert order_of(fuse_by_rank([a, b])) == [3, 2, 1, 0]
    assert order_of(fuse_by_rank([b, a])) == [0, 1, 2, 3]
    # ties inside a member get their average rank: a ranks 2.5, 2.5, 1; b ranks 1, 2, 3
    assert order_of(fuse_by_rank([np.array([1.0, 1.0, 0.0]), np.array([0.0, 1.0, 2.0])])) == [
        1,
        2,
        0,
    ]


def test_fusion_rejects_what_it_cannot_fuse() -> None:
    with pytest.raises(ValueError, match="nothing"):
        fuse_by_rank([])
    with pytest.raises(ValueError, match="same records"):
        fuse_by_rank([np.zeros(3), np.zeros(4)])
    assert fuse_by_rank([np.zeros(0)]).shape == (0,)


def test_member_names_are_checked() -> None:
    assert member_names("") == () and member_names("u4+nb") == ("u4", "nb")
    for bad in ("svm", "u4+u4", "u4+lr"):
        with pytest.raises(ValueError, match="bad ensemble"):
            member_names(bad)


def test_ensemble_config_round_trips_and_old_configs_have_none() -> None:
    config = ModelConfig(ensemble="u4+nb")
    assert ModelConfig.from_json(config.to_json()) == config
    old = ModelConfig.from_json('{"C": 0.11, "title_repeat": 2, "char_fusion": 0.0}')
    assert old.ensemble == "" and old == ModelConfig()


def test_naive_bayes_member_scores_by_log_odds(texts: list[tuple[str, str]]) -> None:
    from sklearn.naive_bayes import MultinomialNB

    X = build_features(texts).matrix
    rows, y = np.array([0, 1, 2, 3]), np.array([1, 0, 1, 0])
    weights = sample_weights(y, 9.8)
    scores = member_scores("nb", X, rows, y, weights, 0)
    nb = MultinomialNB(alpha=3.822).fit(X[rows], y, sample_weight=weights)
    log_proba = nb.predict_log_proba(X)
    assert np.allclose(scores, log_proba[:, 1] - log_proba[:, 0])


@pytest.mark.parametrize("members", ["u4", "nb", "u4+nb", "knn", "u4+knn"])
def test_rank_fuses_the_default_with_its_members(
    texts: list[tuple[str, str]], members: str
) -> None:
    config = ModelConfig(ensemble=members)
    features = build_features(texts, config)
    assert (features.u4_matrix is not None) == ("u4" in members)
    labels = {0: 1, 1: 0}
    fused = rank(None, labels, config, 1, features=features)
    plain = rank(texts, labels, ModelConfig(), 1)
    rows, y = np.array([0, 1]), np.array([1, 0])
    expected = [plain.scores]
    for name in members.split("+"):
        X = features.u4_matrix if name == "u4" else features.matrix
        expected.append(member_scores(name, X, rows, y, sample_weights(y, 9.8), 1))
    assert np.array_equal(fused.scores, fuse_by_rank(expected))
    assert fused.mode == "learned" and set(fused.order[:3].tolist()) == {2, 4, 6}
    # before the first include and exclude the topic text ranks, as without an ensemble
    assert rank(None, {}, config, features=features, topic="dog training").mode == "topic"


def test_knn_member_scores_each_record_by_its_nearest_include(
    texts: list[tuple[str, str]],
) -> None:
    X = build_features(texts).matrix
    rows, y = np.array([0, 1, 2, 3]), np.array([1, 0, 1, 0])
    scores = member_scores("knn", X, rows, y, sample_weights(y, 9.8), 0)
    dense = X.toarray()
    cosine = (
        dense
        @ dense[[0, 2]].T
        / np.outer(np.linalg.norm(dense, axis=1).clip(1e-12), np.linalg.norm(dense[[0, 2]], axis=1))
    )
    assert np.allclose(scores, cosine.max(axis=1))
    assert np.allclose(scores[[0, 2]], 1.0)  # an include is its own nearest include
    # the excludes play no part: the same includes with other excludes score the same
    other = member_scores("knn", X, np.array([0, 2, 5]), np.array([1, 1, 0]), np.ones(3), 0)
    assert np.array_equal(scores, other)
    none = member_scores("knn", X, np.array([1, 3]), np.array([0, 0]), np.ones(2), 0)
    assert not none.any()


def test_one_pseudo_negative_bag_is_the_default_and_more_bags_average_their_fits(
    texts: list[tuple[str, str]],
) -> None:
    from sklearn.svm import LinearSVC

    from litreview.screening.ranking import _pseudo_negatives

    features = build_features(texts)
    labels = {0: 1, 1: 0, 2: 1, 3: 0}
    # pseudo-negatives need enough unlabelled records: lower the share cap for tiny data
    base = ModelConfig(pseudo_negatives=3, pseudo_negative_share=1.0)
    one = rank(None, labels, replace(base, pseudo_negative_bags=1), 1, features=features)
    assert np.array_equal(one.scores, rank(None, labels, base, 1, features=features).scores)
    five = rank(None, labels, replace(base, pseudo_negative_bags=5), 1, features=features)
    assert np.array_equal(
        five.scores,
        rank(None, labels, replace(base, pseudo_negative_bags=5), 1, features=features).scores,
    )
    # the same five fits by hand: bag 0 is the single-draw model's draw, the others differ
    X = features.matrix
    rows, y = np.array([0, 1, 2, 3]), np.array([1, 0, 1, 0])
    unlabelled = np.arange(4, X.shape[0])
    draws = [_pseudo_negatives(unlabelled, 3, 1, 4, bag) for bag in range(5)]
    assert len({tuple(sorted(d.tolist())) for d in draws}) > 1
    expected = np.zeros(X.shape[0])
    for draw in draws:
        target = np.concatenate([y, np.zeros(len(draw), dtype=y.dtype)])
        svm = LinearSVC(C=0.11, loss="squared_hinge", dual=True, tol=1e-3, random_state=1)
        svm.fit(X[np.concatenate([rows, draw])], target, sample_weight=sample_weights(target, 9.8))
        expected += svm.decision_function(X)
    assert np.allclose(five.scores, expected / 5)
    assert not np.allclose(five.scores, one.scores)
    config = ModelConfig(pseudo_negative_bags=5)
    assert ModelConfig.from_json(config.to_json()) == config
    assert ModelConfig.from_json('{"C": 0.11}').pseudo_negative_bags == 1
