"""What keeps a 250,000-record review usable, checked small (figures: bench/scale_bench.py).

The work-id list is remembered per connection until the database changes; `next` retrains only
when the stored ranking is out of date, and in a large stage keeps the stored one.
"""

from __future__ import annotations

from pathlib import Path

from litreview.ingest.importer import import_files
from litreview.screening import session
from litreview.storage import works
from litreview.storage.review import Review, open_review


def test_the_remembered_work_ids_follow_every_change(
    review: Review, tmp_path: Path, make_ris
) -> None:
    import_files(review, [make_ris(tmp_path / "a.ris", 30)])
    assert works.list_work_ids(review.db) == list(range(1, 31))
    with open_review(review.path) as other:  # another connection commits
        import_files(other, [make_ris(tmp_path / "b.ris", 5, tag="more ")])
    assert works.list_work_ids(review.db) == list(range(1, 36))
    with review.db.atomic():  # this connection changes it
        works.replace_ineligible(review.db, {3: "too old"})
    assert 3 not in works.list_work_ids(review.db)
    assert 3 in works.list_work_ids(review.db, eligible_only=False)
    ids = works.list_work_ids(review.db)
    ids.clear()  # callers get a copy
    assert len(works.list_work_ids(review.db)) == 34


def count_runs(review: Review) -> int:
    return int(review.db.execute("SELECT count(*) FROM ranking_runs").fetchone()[0])


def test_a_current_ranking_is_not_retrained(review: Review, tmp_path: Path, make_ris) -> None:
    import_files(review, [make_ris(tmp_path / "a.ris", 60)])
    stage = review.protocol.stages[0].name
    assert session.refresh_ranking(review, stage) is True
    assert session.refresh_ranking(review, stage) is False  # nothing changed
    session.decide(review, 1, "include", stage=stage, reviewer="ann")
    assert session.refresh_ranking(review, stage) is True  # a new label
    session.decide(review, 1, "exclude", stage=stage, reviewer="ann", reason="1")
    assert session.refresh_ranking(review, stage) is True  # a changed label
    session.undo(review, reviewer="ann")
    assert session.refresh_ranking(review, stage) is True  # an undone label
    import_files(review, [make_ris(tmp_path / "b.ris", 3, tag="new ")])
    assert session.refresh_ranking(review, stage) is True  # new works
    assert count_runs(review) == 5


def test_a_large_stage_keeps_its_stored_ranking_unless_asked(
    review: Review, tmp_path: Path, make_ris
) -> None:
    import_files(review, [make_ris(tmp_path / "a.ris", 60)])
    stage = review.protocol.stages[0].name
    assert session.refresh_ranking(review, stage, max_works=50) is True  # none stored yet
    session.decide(review, 2, "include", stage=stage, reviewer="ann")
    assert session.refresh_ranking(review, stage, max_works=50) is False
    (view,) = session.next_records(review, stage)
    assert view.record_id != 2 and view.score is not None  # served from the stored ranking
    assert session.refresh_ranking(review, stage) is True
