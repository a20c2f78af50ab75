"""The SQL views in dual-sample screening: a work in the sample decided once awaits a second
reviewer, a work outside it is decided, and this stays so as records are imported, duplicates
merged and split, and the protocol changes; review files from before the table migrate."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from litreview.dedup.apply import merge_records, run_dedup, unmerge_record
from litreview.demo import DEMO_DIR
from litreview.demo.build import DEMO_SOURCES
from litreview.ingest.importer import import_files
from litreview.protocol import load_template
from litreview.screening import session
from litreview.screening.team import list_conflicts
from litreview.state.decisions import in_dual_sample
from litreview.state.read import read_state
from litreview.storage import events as events_store
from litreview.storage.db import _connect, open_db
from litreview.storage.migrations import MIGRATIONS
from litreview.storage.protocols import save_protocol_text
from litreview.storage.review import Review, create_review, open_review
from litreview.storage.view_settings import sync_view_settings

SAMPLE = 'mode = "dual-sample"\nsample_share = 0.5'
AWAITING = "awaiting a second reviewer"


def _protocol(mode: str) -> str:
    return load_template("safeguarding")[0].replace('mode = "single"', mode, 1)


def _status(review: Review, work_id: int, stage: str = "title") -> str | None:
    row = review.db.execute(
        "SELECT status FROM work_decisions WHERE work_id = ? AND stage = ?", [work_id, stage]
    ).fetchone()
    return None if row is None else str(row[0])


def _sampled(review: Review, work_id: int) -> bool:
    return in_dual_sample(review.protocol, review.review_id, "title", work_id)


def _assert_views_match_state(path: Path) -> None:
    """In a fresh connection (the protocol is read anew): the view's decided rows are the read
    model's decisions, every other row is a conflict exactly when two reviewers disagree (and
    awaits a second reviewer only in the sample), and
    ``dual_sample`` holds the rule's draw for every record (in dual-sample mode; else none)."""
    with open_review(path) as review:
        state = read_state(review)
        rows = review.db.execute(
            "SELECT work_id, stage, status, event_id, reviewers FROM effective_decision_events"
        ).fetchall()
        decided = {(w, s): e for w, s, status, e, _ in rows if status == "decided"}
        assert decided == {
            (w, st.name): d.event_id for st in state.stages for w, d in st.decisions.items()
        }
        for work_id, stage, status, _, reviewers in rows:
            if status != "decided":
                assert status == ("conflict" if reviewers >= 2 else AWAITING)
                # outside the sample only a disagreement keeps a work undecided
                sampled = in_dual_sample(review.protocol, review.review_id, stage, work_id)
                assert sampled or status == "conflict"
        stored = set(review.db.execute("SELECT stage, work_id FROM dual_sample").fetchall())
        records = [r[0] for r in review.db.execute("SELECT record_id FROM records")]
        assert stored == {
            (stage.name, r)
            for stage in review.protocol.stages
            for r in records
            if review.protocol.screening.mode == "dual-sample"
            and in_dual_sample(review.protocol, review.review_id, stage.name, r)
        }


def _decide(review: Review, work_id: int, value: str, reviewer: str) -> None:
    reason = "unrelated" if value == "exclude" else None
    session.decide(review, work_id, value, stage="title", reviewer=reviewer, reason=reason)


def test_work_decisions_follow_the_dual_sample_through_imports_dedup_and_protocol(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sample.db"
    review = create_review(path, _protocol(SAMPLE))
    first, second, *_ = DEMO_SOURCES
    import_files(review, [DEMO_DIR / first.file], first.options)
    works = session.stage_works(review, "title")
    inside = [w for w in works if _sampled(review, w)]
    outside = [w for w in works if not _sampled(review, w)]
    assert len(inside) > 20 and len(outside) > 10  # the review id is random: so is the draw
    _decide(review, inside[0], "include", "ann")
    _decide(review, outside[0], "include", "ann")
    _decide(review, inside[1], "include", "ann")
    _decide(review, inside[1], "exclude", "bob")
    _decide(review, inside[2], "exclude", "ann")
    _decide(review, inside[2], "exclude", "bob")
    _decide(review, outside[1], "include", "ann")
    _decide(review, outside[1], "exclude", "bob")
    for work_id in inside[10:20]:  # to see some of them leave the sample below
        _decide(review, work_id, "exclude", "ann")
    assert _status(review, inside[0]) == AWAITING
    assert _status(review, outside[0]) == "decided"
    assert _status(review, inside[1]) == "conflict"
    assert _status(review, inside[2]) == "decided"
    # outside the sample one decision is enough, but two reviewers who disagree are a
    # conflict there too, as the conflicts screen lists it
    assert _status(review, outside[1]) == "conflict"
    conflicts = [c.work_id for c in list_conflicts(review, "title")]
    assert outside[1] in conflicts and inside[1] in conflicts
    assert outside[1] not in read_state(review).stage("title").decisions
    _assert_views_match_state(path)

    # records imported later are drawn too: one in the sample, decided once, awaits bob
    import_files(review, [DEMO_DIR / second.file], second.options)
    new = [w for w in session.stage_works(review, "title") if w > max(works)]
    new_inside = next(w for w in new if _sampled(review, w))
    new_outside = next(w for w in new if not _sampled(review, w))
    _decide(review, new_inside, "include", "ann")
    _decide(review, new_outside, "include", "ann")
    assert _status(review, new_inside) == AWAITING
    assert _status(review, new_outside) == "decided"
    _assert_views_match_state(path)

    # merging a decided record into a group under a smaller id outside the sample: the work
    # now has that id, and one decision is enough for it; splitting it off brings it back
    late = next(w for w in inside[3:] if w > outside[2])
    _decide(review, late, "include", "ann")
    assert _status(review, late) == AWAITING
    merge_records(review, outside[2], late, reviewer="ann")
    assert _status(review, outside[2]) == "decided"
    assert _status(review, late) is None
    _assert_views_match_state(path)
    unmerge_record(review, late, reviewer="ann")
    assert _status(review, late) == AWAITING
    run_dedup(review)
    _assert_views_match_state(path)
    awaiting = [w for w in session.stage_works(review, "title") if _status(review, w) == AWAITING]
    assert len(awaiting) >= 5
    review.close()

    # a smaller share: works that leave the sample count with one decision
    text = _protocol('mode = "dual-sample"\nsample_share = 0.05')
    with open_review(path) as review, review.db.atomic():
        save_protocol_text(review.db, text, hashlib.sha256(text.encode()).hexdigest(), None)
    with open_review(path) as review:
        left = [w for w in awaiting if not _sampled(review, w)]
        assert left  # at a tenth of the share, about nine in ten leave the sample
        for work_id in awaiting:
            assert _status(review, work_id) == ("decided" if work_id in left else AWAITING)
    _assert_views_match_state(path)

    # dual screening of every work, then single screening of the abstract stage only
    text = _protocol('mode = "dual"\nstages = ["abstract"]')
    with open_review(path) as review, review.db.atomic():
        save_protocol_text(review.db, text, hashlib.sha256(text.encode()).hexdigest(), None)
        assert review.db.execute("SELECT count(*) FROM dual_sample").fetchone()[0] == 0
    with open_review(path) as review:
        assert _status(review, outside[0]) == "decided"
    _assert_views_match_state(path)


def test_a_review_file_from_before_the_table_migrates_to_the_right_view(tmp_path: Path) -> None:
    previous = "m007_dual_sample"  # the step that added the table
    assert previous in [m.name for m in MIGRATIONS._migrations]
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()
    old = _connect(path)
    MIGRATIONS.apply(old, stop_before=previous)
    text = _protocol(SAMPLE)
    old.execute("INSERT INTO meta (key, value) VALUES ('review_id', 'old-review')")
    old.execute(
        "INSERT INTO protocols (title, text, sha256, loaded_at) VALUES ('t', ?, 'x', '2026')",
        [text],
    )
    sync_view_settings(old)  # what saving the protocol did in that version
    old.execute(
        "INSERT INTO sources (kind, database, format, records_parsed, imported_at) "
        "VALUES ('file', 'X', 'ris', 40, '2026-01-01')"
    )
    for position in range(1, 41):
        old.execute(
            "INSERT INTO records (source_id, position, title, raw) VALUES (1, ?, ?, '[]')",
            [position, f"record {position}"],
        )
    for record_id in range(1, 41):
        events_store.append_event(
            old, "decision", record_id=record_id, stage="title", value="include", reviewer="ann"
        )
    rows = old.execute("SELECT status, count(*) FROM work_decisions GROUP BY 1").fetchall()
    assert rows == [("decided", 40)]  # the defect: the old view drew no sample
    old.close()

    db = open_db(path)  # migrates (after a backup)
    assert [m.name for m in MIGRATIONS.applied(db)] == [m.name for m in MIGRATIONS._migrations]
    assert db.execute("SELECT count(*) FROM records").fetchone()[0] == 40
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 40
    db.close()
    with open_review(path) as review:
        statuses = dict(review.db.execute("SELECT work_id, status FROM work_decisions"))
        assert {w for w, s in statuses.items() if s == AWAITING} == {
            w for w in range(1, 41) if _sampled(review, w)
        }
        assert 5 < list(statuses.values()).count(AWAITING) < 35
    _assert_views_match_state(path)
    assert list(tmp_path.glob("old.*.before-m007_dual_sample.db"))
