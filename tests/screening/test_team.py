"""Dual screening: blinding, conflicts, resolution, agreement, offline merging."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score

from litreview.demo import DEMO_DIR
from litreview.demo.build import DEMO_SOURCES
from litreview.errors import InvalidTransition, InvalidValue
from litreview.ingest.importer import import_files
from litreview.protocol import load_template
from litreview.screening import session
from litreview.screening.exchange import export_decisions, merge_decisions
from litreview.screening.team import list_conflicts, stage_agreement
from litreview.storage.decisions import decisions_by_reviewer
from litreview.storage.review import create_review, open_review


def dual_demo(path: Path, mode: str = 'mode = "dual"\nblinded = true'):
    text = load_template("safeguarding")[0].replace('mode = "single"', mode, 1)
    review = create_review(path, text)
    for source in DEMO_SOURCES:
        import_files(review, [DEMO_DIR / source.file], source.options)
    from litreview.dedup.apply import run_dedup

    run_dedup(review)
    return review


def screen_some(review, reviewer: str, seed: int, n: int) -> None:
    rng = random.Random(seed)
    for _ in range(n):
        (view,) = session.next_records(review, "title", reviewer=reviewer)
        decision = "include" if rng.random() < 0.4 else "exclude"
        session.decide(
            review,
            view.record_id,
            decision,
            stage="title",
            reviewer=reviewer,
            reason=None if decision == "include" else "unrelated",
        )


@pytest.fixture
def dual(tmp_path: Path):
    review = dual_demo(tmp_path / "dual.db")
    yield review
    review.close()


def test_blinded_dual_screening_scenario(dual) -> None:
    screen_some(dual, "ann", seed=1, n=40)
    # blinded: bob's queue still offers what ann decided, and shows him no decision
    bob_first = session.next_records(dual, "title", reviewer="bob", n=400)
    ann_ids = set(decisions_by_reviewer(dual.db, "title"))
    assert ann_ids <= {v.record_id for v in bob_first}
    assert all(v.decision is None for v in bob_first)
    assert session.stage_counts(dual, "title")["screened"] == 0  # one reviewer is not enough
    for view in [v for v in bob_first if v.record_id in ann_ids]:
        decision = "include" if view.record_id % 3 == 0 else "exclude"
        session.decide(
            dual,
            view.record_id,
            decision,
            stage="title",
            reviewer="bob",
            reason=None if decision == "include" else "unrelated",
        )
    conflicts = list_conflicts(dual, "title")
    assert conflicts, "the scripted decisions disagree somewhere"
    counts = session.stage_counts(dual, "title")
    assert counts["screened"] == 40 - len(conflicts) and counts["conflicts"] == len(conflicts)
    # agreement equals scikit-learn's kappa on the same decisions
    both = decisions_by_reviewer(dual.db, "title")
    pairs = [(d["ann"].value, d["bob"].value) for d in both.values() if len(d) == 2]
    agreement = stage_agreement(dual, "title")
    assert agreement["both_decided"] == 40 and agreement["conflicts"] == len(conflicts)
    assert agreement["cohen_kappa"] == pytest.approx(
        cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs]), abs=1e-4
    )
    # a third reviewer resolves every conflict
    with pytest.raises(InvalidTransition):
        session.resolve(
            dual,
            next(iter(set(both) - {c.work_id for c in conflicts})),
            "include",
            stage="title",
            reviewer="cat",
        )
    for conflict in conflicts:
        session.resolve(dual, conflict.work_id, "include", stage="title", reviewer="cat")
    assert list_conflicts(dual, "title") == []
    after = session.stage_counts(dual, "title")
    assert after["screened"] == 40 and after["conflicts"] == 0
    assert stage_agreement(dual, "title")["resolved"] == len(conflicts)
    included = {
        w
        for w, d in both.items()
        if len(d) == 2 and d["ann"].value == "include" and d["bob"].value == "include"
    } | {c.work_id for c in conflicts}
    assert set(session.stage_works(dual, "abstract")) == included  # the next stage follows


def test_merging_decisions_between_copies(tmp_path: Path) -> None:
    main = dual_demo(tmp_path / "main.db")
    main.close()
    shutil.copy(tmp_path / "main.db", tmp_path / "bob.db")
    ann, bob = open_review(tmp_path / "main.db"), open_review(tmp_path / "bob.db")
    screen_some(ann, "ann", seed=2, n=15)
    screen_some(bob, "bob", seed=3, n=15)
    session.undo(bob, reviewer="bob")
    exported = tmp_path / "bob.json"
    assert export_decisions(bob, "bob", exported) == 16
    first = merge_decisions(ann, exported)
    assert first == {"added": 16, "already_present": 0}
    state = decisions_by_reviewer(ann.db, "title")
    assert sum(1 for d in state.values() if "bob" in d) == 14
    assert merge_decisions(ann, exported) == {"added": 0, "already_present": 16}
    assert decisions_by_reviewer(ann.db, "title") == state
    foreign = dual_demo(tmp_path / "other.db")
    with pytest.raises(InvalidValue, match="different review"):
        merge_decisions(foreign, exported)
    ann.close(), bob.close(), foreign.close()


def test_dual_sample_screens_a_share_twice(tmp_path: Path) -> None:
    review = dual_demo(tmp_path / "s.db", 'mode = "dual-sample"\nsample_share = 0.3')
    from litreview.screening.team import in_dual_sample

    works = session.stage_works(review, "title")
    share = sum(in_dual_sample(review, "title", w) for w in works) / len(works)
    assert 0.2 < share < 0.4
    single = next(w for w in works if not in_dual_sample(review, "title", w))
    session.decide(review, single, "exclude", stage="title", reviewer="ann", reason="unrelated")
    assert session.stage_counts(review, "title")["screened"] == 1
    double = next(w for w in works if in_dual_sample(review, "title", w))
    session.decide(review, double, "exclude", stage="title", reviewer="ann", reason="unrelated")
    assert session.stage_counts(review, "title")["screened"] == 1
    review.close()


def test_team_commands(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from litreview.cli import cli

    review = dual_demo(tmp_path / "r.db")
    screen_some(review, "ann", seed=4, n=10)
    for view in session.next_records(review, "title", reviewer="bob", n=400):
        if view.record_id in decisions_by_reviewer(review.db, "title"):
            session.decide(review, view.record_id, "include", stage="title", reviewer="bob")
    review.close()
    runner = CliRunner()
    db = ["--db", str(tmp_path / "r.db")]
    result = runner.invoke(cli, [*db, "agreement", "--stage", "title", "--json"])
    (title,) = json.loads(result.stdout)
    assert set(title) == {
        "stage",
        "reviewers",
        "both_decided",
        "percent_agreement",
        "cohen_kappa",
        "pabak",
        "conflicts",
        "resolved",
    }
    assert title["reviewers"] == ["ann", "bob"] and title["both_decided"] == 10
    listed = json.loads(runner.invoke(cli, [*db, "conflicts", "--json"]).stdout)
    assert len(listed) == title["conflicts"] > 0
    first = listed[0]["record_id"]
    assert (
        runner.invoke(
            cli, [*db, "resolve", str(first), "include", "--stage", "title", "--reviewer", "cat"]
        ).exit_code
        == 0
    )
    status = json.loads(runner.invoke(cli, [*db, "status", "--json"]).stdout)
    assert status["agreement"][0]["resolved"] == 1
