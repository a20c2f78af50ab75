"""Screening a live review: decisions and undo round-trip through the event log."""

from __future__ import annotations

from pathlib import Path

import pytest

from litreview.errors import InvalidValue, RecordNotFound
from litreview.ingest.importer import import_files
from litreview.screening import session
from litreview.storage.events import iter_events

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def screened(review):
    import_files(review, [DATA / "three.ris"])
    return review


def stage_names(review) -> list[str]:
    return [s.name for s in review.protocol.stages]


def test_decide_and_undo_round_trip(screened) -> None:
    first = stage_names(screened)[0]
    session.refresh_ranking(screened, first)
    queue = session.next_records(screened, first, n=10)
    assert len(queue) == 3 and [v.rank for v in queue] == [1, 2, 3]
    top = queue[0]
    event_id = session.decide(
        screened,
        top.record_id,
        "include",
        stage=first,
        reviewer="ann",
        rank=top.rank,
        score=top.score,
    )
    (event,) = [e for e in iter_events(screened.db, kind="decision")]
    assert (event.event_id, event.record_id, event.stage, event.value, event.reviewer) == (
        event_id,
        top.record_id,
        first,
        "include",
        "ann",
    )
    assert event.payload["rank"] == 1
    assert session.stage_counts(screened, first) == {
        "screened": 1,
        "included": 1,
        "excluded": 0,
        "maybe": 0,
        "remaining": 2,
    }
    assert top.record_id not in [v.record_id for v in session.next_records(screened, first, n=5)]
    reopened = session.undo(screened, reviewer="ann")
    assert reopened is not None and reopened.record_id == top.record_id
    assert session.stage_counts(screened, first)["screened"] == 0
    assert session.undo(screened, reviewer="ann") is None
    kinds = [e.kind for e in iter_events(screened.db)]
    assert kinds == ["decision", "undo"]  # nothing deleted, undo is an event too


def test_included_records_move_to_the_next_stage(screened) -> None:
    names = stage_names(screened)
    if len(names) < 2:
        pytest.skip("one-stage protocol")
    assert session.stage_works(screened, names[1]) == []
    session.decide(screened, 1, "include", stage=names[0], reviewer="ann")
    session.decide(screened, 2, "exclude", stage=names[0], reviewer="ann", reason="1")
    assert session.stage_works(screened, names[1]) == [1]
    assert session.stage_for_record(screened, 1) == names[1]
    assert session.stage_for_record(screened, 3) == names[0]
    with pytest.raises(RecordNotFound):
        session.decide(screened, 2, "include", stage=names[1], reviewer="ann")


def test_maybe_stays_visible_until_decided(screened) -> None:
    first = stage_names(screened)[0]
    session.decide(screened, 2, "maybe", stage=first, reviewer="ann")
    order = [v.record_id for v in session.next_records(screened, first, n=5)]
    assert order[-1] == 2 and len(order) == 3
    session.decide(screened, 2, "include", stage=first, reviewer="ann")
    assert 2 not in [v.record_id for v in session.next_records(screened, first, n=5)]


def test_exclusion_reasons_are_checked(screened) -> None:
    stage = screened.protocol.stages[0]
    if not stage.exclusion_reasons:
        pytest.skip("no reasons in this protocol")
    with pytest.raises(InvalidValue, match="not an exclusion reason"):
        session.decide(screened, 1, "exclude", stage=stage.name, reviewer="a", reason="nonsense")
    session.decide(screened, 1, "exclude", stage=stage.name, reviewer="a", reason="1")
    (event,) = list(iter_events(screened.db, kind="decision"))
    assert event.reason == stage.exclusion_reasons[0].code


def test_unknown_record_and_decision(screened) -> None:
    first = stage_names(screened)[0]
    with pytest.raises(RecordNotFound):
        session.decide(screened, 999, "include", stage=first, reviewer="a")
    with pytest.raises(InvalidValue):
        session.decide(screened, 1, "accept", stage=first, reviewer="a")
    with pytest.raises(InvalidValue):
        session.decide(screened, 1, "include", stage="nope", reviewer="a")


def test_ranking_learns_from_decisions(review, tmp_path: Path) -> None:
    lines = []
    for i in range(30):
        topic = (
            "child protection inter-agency collaboration"
            if i % 3 == 0
            else "soil microbiology of alpine meadows"
        )
        lines += [
            "TY  - JOUR",
            f"TI  - Study {i} on {topic}",
            f"AB  - We report {topic}.",
            "ER  - ",
            "",
        ]
    path = tmp_path / "mixed.ris"
    path.write_text("\n".join(lines), encoding="utf-8")
    import_files(review, [path])
    first = stage_names(review)[0]
    session.decide(review, 1, "include", stage=first, reviewer="a")  # study 0: child
    session.decide(review, 2, "exclude", stage=first, reviewer="a")  # study 1: soil
    session.refresh_ranking(review, first)
    top = session.next_records(review, first, n=9)
    assert all("child protection" in (v.title or "") for v in top)
    session.refresh_ranking(review, first)
    again = session.next_records(review, first, n=9)
    assert [v.record_id for v in again] == [v.record_id for v in top]
