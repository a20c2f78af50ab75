"""The SQL views of migration m005 (for Datasette and any SQLite tool) count what `status` does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from screening.test_team import dual_demo, screen_some

from litreview.fulltext.reports import list_included_studies
from litreview.report.status import review_status
from litreview.screening import session
from litreview.storage import events as events_store
from litreview.storage.review import Review


def view_counts(review: Review, stage: str) -> dict[str, int]:
    """What stage_counts reports, read from work_decisions alone, by a plain sqlite3
    connection (no litreview code, as Datasette would)."""
    with sqlite3.connect(review.path) as conn:
        rows = conn.execute(
            "SELECT status, decision, count(*) FROM work_decisions "
            "WHERE stage = ? AND in_stage = 1 GROUP BY status, decision",
            [stage],
        ).fetchall()
    decided = {d: n for status, d, n in rows if status == "decided"}
    counts = {
        "screened": sum(decided.values()),
        "included": decided.get("include", 0),
        "excluded": decided.get("exclude", 0),
        "maybe": decided.get("maybe", 0),
    }
    conflicts = sum(n for status, _, n in rows if status == "conflict")
    return counts | ({"conflicts": conflicts} if conflicts else {})


def status_counts(review: Review, stage: str) -> dict[str, int]:
    counts = dict(review_status(review)["stages"][stage])
    counts.pop("remaining")
    counts.pop("excluded_by_stopping_rule", None)
    if not counts.get("conflicts"):
        counts.pop("conflicts", None)
    return counts


def check_all_stages(review: Review) -> None:
    for stage in review.protocol.stages:
        assert view_counts(review, stage.name) == status_counts(review, stage.name), stage.name


def test_views_count_what_status_counts_in_single_mode(small) -> None:
    review = small.review
    check_all_stages(review)
    with sqlite3.connect(review.path) as conn:
        n = conn.execute("SELECT count(*) FROM work_decisions").fetchone()[0]
        labels = conn.execute(
            "SELECT reason, reason_label FROM work_decisions WHERE reason IS NOT NULL"
        ).fetchall()
        yields = conn.execute("SELECT sum(records), sum(works) FROM source_yields").fetchone()
        included = conn.execute("SELECT work_id FROM included_studies").fetchall()
    assert n > 0 and labels and all(label for _, label in labels)
    status = review_status(review)
    assert yields[0] == status["records"]
    assert [w for (w,) in included] == sorted(s.study_id for s in list_included_studies(review))


def test_views_follow_undo_and_later_decisions(small) -> None:
    review = small.review
    stage = review.protocol.stages[0].name
    work = small.ids["A1"]
    session.decide(review, work, "maybe", stage=stage, reviewer="ann")
    check_all_stages(review)
    session.undo(review, reviewer="ann", stage=stage)
    check_all_stages(review)
    assert events_store.count_events(review.db) > 0


@pytest.mark.parametrize("mode", ['mode = "dual"\nblinded = true', 'mode = "dual"'])
def test_views_count_what_status_counts_in_dual_mode(tmp_path: Path, mode: str) -> None:
    review = dual_demo(tmp_path / "dual.db", mode)
    try:
        screen_some(review, "ann", seed=1, n=30)
        check_all_stages(review)  # one reviewer is not yet a decision
        for view in session.next_records(review, "title", reviewer="bob", n=20):
            decision = "include" if view.record_id % 3 == 0 else "exclude"
            session.decide(
                review,
                view.record_id,
                decision,
                stage="title",
                reviewer="bob",
                reason=None if decision == "include" else "unrelated",
            )
        check_all_stages(review)
        from litreview.screening.team import list_conflicts

        conflicts = list_conflicts(review, "title")
        assert conflicts and view_counts(review, "title")["conflicts"] == len(conflicts)
        for conflict in conflicts[:3]:
            session.resolve(review, conflict.work_id, "include", stage="title", reviewer="cat")
        check_all_stages(review)
    finally:
        review.close()


def test_views_exist_in_a_new_review_and_reject_writes(tmp_path: Path) -> None:
    from litreview.protocol import load_template
    from litreview.storage.review import create_review

    review = create_review(tmp_path / "r.db", load_template("default")[0])
    review.close()
    with sqlite3.connect(tmp_path / "r.db") as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='view'")}
        assert {"work_decisions", "included_studies", "source_yields"} <= names
        stages = conn.execute("SELECT stage, mode FROM screening_stages ORDER BY position")
        assert [s for s, _ in stages] == ["title", "abstract", "fulltext"]
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM work_decisions")
