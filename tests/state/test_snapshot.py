"""The review's snapshot (state.read_state) against the per-module derivations it
replaces (screening.session/team, fulltext.reports, appraisal.ratings, screening.progress)
and against the SQL views, which derive effective decisions independently in SQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.appraisal.ratings import current_grades
from litreview.fulltext.reports import fulltext_counts as old_fulltext_counts
from litreview.fulltext.reports import list_included_studies
from litreview.report.flow_counts import arm_works, fulltext_counts
from litreview.screening import session
from litreview.screening.progress import find_stop, stop_screening
from litreview.screening.team import effective_decisions, list_conflicts
from litreview.state.read import read_state
from litreview.storage import decisions as decisions_store
from litreview.storage.review import Review


def assert_matches_old_derivation(review: Review) -> None:
    state = read_state(review)
    for stage in state.stages:
        assert list(stage.members) == session.stage_works(review, stage.name)
        assert dict(stage.decisions) == effective_decisions(review, stage.name)
        assert list(stage.conflicts) == [c.work_id for c in list_conflicts(review, stage.name)]
        assert stage.merge_conflicts == len(
            decisions_store.conflicting_works(review.db, stage.name)
        )
        stop = find_stop(review, stage.name)
        assert (stage.stop is None) == (stop is None)
        if stage.stop is not None and stop is not None:
            assert stage.stop.event_id == stop["event_id"]
        assert stage.counts().to_json() == session.stage_counts(review, stage.name)
    if state.fulltext is not None:
        for arm in (None, "database", "other"):
            new = fulltext_counts(state, arm_works(state, arm)).to_json()
            assert new == old_fulltext_counts(review, arm=arm)
        assert [(s.study_id, s.report_ids) for s in state.studies] == [
            (s.study_id, s.report_ids) for s in list_included_studies(review)
        ]
        assert dict(state.grades) == current_grades(review)


def assert_matches_sql_views(review: Review) -> None:
    """Effective decisions equal the ``effective_decision_events`` view's decided rows."""
    state = read_state(review)
    rows = review.db.execute(
        "SELECT work_id, stage, event_id FROM effective_decision_events WHERE status = 'decided'"
    ).fetchall()
    from_sql = {(int(w), str(s)): int(e) for w, s, e in rows}
    from_state = {(w, s.name): d.event_id for s in state.stages for w, d in s.decisions.items()}
    assert from_state == from_sql


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Review]:
    from litreview.demo.build import build_demo

    review = build_demo(tmp_path_factory.mktemp("demo"), None)
    yield review
    review.close()


def test_demo_snapshot_matches_the_old_derivation(demo: Review) -> None:
    state = read_state(demo)
    assert state.studies  # the demo reaches the included studies
    assert any(s.decisions for s in state.stages)
    assert_matches_old_derivation(demo)
    assert_matches_sql_views(demo)


def _screen(review: Review, stage: str, reviewer: str, rng: random.Random, n: int) -> None:
    for view in session.next_records(review, stage, reviewer=reviewer, n=n):
        decision = rng.choice(["include", "include", "exclude", "maybe"])
        session.decide(
            review,
            view.record_id,
            decision,
            stage=stage,
            reviewer=reviewer,
            reason="unrelated" if decision == "exclude" and stage == "title" else None,
        )


def dual_demo(path: Path, mode: str) -> Review:
    """The demo under dual screening (as tests/screening/test_team.py builds it)."""
    from litreview.dedup.apply import run_dedup
    from litreview.demo import DEMO_DIR
    from litreview.demo.build import DEMO_SOURCES
    from litreview.ingest.importer import import_files
    from litreview.protocol import load_template
    from litreview.storage.review import create_review

    text = load_template("safeguarding")[0].replace('mode = "single"', mode, 1)
    review = create_review(path, text)
    for source in DEMO_SOURCES:
        import_files(review, [DEMO_DIR / source.file], source.options)
    run_dedup(review)
    return review


@pytest.mark.parametrize(
    "mode", ['mode = "dual"\nblinded = true', 'mode = "dual-sample"\nsample_share = 0.5']
)
def test_dual_screening_snapshot_matches_the_old_derivation(tmp_path: Path, mode: str) -> None:
    review = dual_demo(tmp_path / "dual.db", mode)
    rng = random.Random(7)
    for reviewer in ("ann", "bob"):
        _screen(review, "title", reviewer, rng, 40)
    assert_matches_old_derivation(review)
    conflicts = list_conflicts(review, "title")
    assert conflicts  # the random decisions disagree somewhere
    for conflict in conflicts[: len(conflicts) // 2]:
        session.resolve(review, conflict.work_id, "include", stage="title", reviewer="carol")
    session.undo(review, reviewer="ann")
    assert_matches_old_derivation(review)
    assert_matches_sql_views(review)
    stop_screening(review, "title", rule="buscar", reviewer="ann")
    state = read_state(review)
    assert state.stage("title").stop is not None
    assert_matches_old_derivation(review)
    review.close()
