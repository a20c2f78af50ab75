"""The default rule in a live review: `next` serves the random check, the event log
records it (a replay serves the same records), and status reads recall off it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from litreview.cli import cli
from litreview.ingest.importer import import_files
from litreview.screening import session
from litreview.screening.checks import CHECK_EVENT, review_seed, stage_checks
from litreview.screening.progress import stopping_report
from litreview.screening.random_check import design_check, draw_sample
from litreview.storage import events as events_store


def _records(tmp_path: Path, n: int, relevant: int) -> Path:
    lines = []
    for i in range(n):
        topic = "child protection collaboration" if i < relevant else f"unrelated topic {i}"
        lines += ["TY  - JOUR", f"TI  - {topic} study {i}", "ER  - ", ""]
    path = tmp_path / "r.ris"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _screen_ranked_until_check(review, stage: str, relevant: int) -> session.RecordView:
    """Decide records (relevant ones first, as a good ranker would serve them) until
    `next` serves a random-check record."""
    for record_id in range(1, relevant + 1):
        session.decide(review, record_id, "include", stage=stage, reviewer="a")
    record_id = relevant
    while True:
        (view,) = session.next_records(review, stage, reviewer="a")
        if view.check is not None:
            return view
        record_id += 1
        session.decide(review, record_id, "exclude", stage=stage, reviewer="a")


def test_next_serves_the_check_and_the_log_replays_it(review, tmp_path: Path) -> None:
    import_files(review, [_records(tmp_path, 300, 25)])
    stage = review.protocol.stages[0].name
    view = _screen_ranked_until_check(review, stage, 25)
    (check,) = stage_checks(review, stage)
    assert view.check == f"random check 1 of {check.design.sizes[0]}"
    assert view.record_id == check.sample[0]
    # the log holds the sample and its seed; the draw is the review's, reproducible
    (event,) = events_store.iter_live_events(review.db, (CHECK_EVENT,), stage=stage)
    assert event.payload["seed"] == [review_seed(review, stage), 1]
    # records 1..k were decided in order, so the pool is the rest
    unscreened = list(range(301 - check.design.pool, 301))
    redesign = design_check(1, 25, check.design.pool)
    assert check.design.sizes == redesign.sizes
    assert list(check.sample) == draw_sample(
        unscreened, redesign.size, tuple(event.payload["seed"])
    )
    # the check's records come first, in drawing order, whatever the ranking says
    nxt = session.next_records(review, stage, n=3, reviewer="a")
    assert [v.record_id for v in nxt] == list(check.sample[:3])
    assert [v.check for v in nxt][1].startswith("random check 2 of ")


def test_a_passed_check_says_stop_and_gives_recall_with_an_interval(review, tmp_path: Path) -> None:
    import_files(review, [_records(tmp_path, 300, 25)])
    stage = review.protocol.stages[0].name
    _screen_ranked_until_check(review, stage, 25)
    report = stopping_report(review, stage, 300)
    assert report["rules"]["random_check"]["stop"] is False
    assert report["rules"]["random_check"]["check"]["status"] == "open"
    (check,) = stage_checks(review, stage)
    for work_id in check.sample[: check.design.sizes[0]]:
        session.decide(review, work_id, "exclude", stage=stage, reviewer="a")
    report = stopping_report(review, stage, 300)
    assert report["rules"]["random_check"]["stop"] is True
    estimate = report["recall_estimate"]
    assert 0.95 <= estimate["lower"] <= estimate["recall"] <= estimate["upper"] <= 1.0
    assert "random sample" in report["recall_assumes"]
    runner = CliRunner()
    doc = json.loads(runner.invoke(cli, ["--db", str(review.path), "status", "--json"]).stdout)
    assert set(doc["stopping"][stage]["recall_estimate"]) == {"recall", "lower", "upper"}
    # no new check is drawn once one has passed
    assert session.next_records(review, stage, reviewer="a")[0].check is None
    assert len(stage_checks(review, stage)) == 1


def test_a_relevant_record_in_the_check_fails_it_and_ranked_screening_resumes(
    review, tmp_path: Path
) -> None:
    import_files(review, [_records(tmp_path, 300, 25)])
    stage = review.protocol.stages[0].name
    _screen_ranked_until_check(review, stage, 25)
    (check,) = stage_checks(review, stage)
    for work_id in check.sample[: check.design.max_found + 1]:
        session.decide(review, work_id, "include", stage=stage, reviewer="a")
    (check,) = stage_checks(review, stage)
    assert check.status == "failed"
    assert stopping_report(review, stage, 300)["rules"]["random_check"]["stop"] is False
    # ranked records come next, not the rest of the failed sample
    (view,) = session.next_records(review, stage, reviewer="a")
    assert view.check is None


def test_records_added_after_a_check_make_it_stale(review, tmp_path: Path) -> None:
    import_files(review, [_records(tmp_path, 300, 25)])
    stage = review.protocol.stages[0].name
    _screen_ranked_until_check(review, stage, 25)
    (check,) = stage_checks(review, stage)
    for work_id in check.sample[: check.design.sizes[0]]:
        session.decide(review, work_id, "exclude", stage=stage, reviewer="a")
    assert stopping_report(review, stage, 300)["rules"]["random_check"]["stop"] is True
    more = tmp_path / "more"
    more.mkdir()
    lines = []
    for i in range(40):
        lines += ["TY  - JOUR", f"TI  - another search result {i}", "ER  - ", ""]
    (more / "more.ris").write_text("\n".join(lines), encoding="utf-8")
    import_files(review, [more / "more.ris"])
    (check,) = stage_checks(review, stage)
    assert check.status == "stale"  # its sample no longer covers what is unscreened
    assert stopping_report(review, stage, 340)["rules"]["random_check"]["stop"] is False


def test_a_decision_recorded_while_next_reads_does_not_break_it(
    review, tmp_path: Path, monkeypatch
) -> None:
    """The TUI asks for the next records while its writer records decisions: a decision
    committed by another connection between two reads of the decisions once made the
    proposer look up a label it had not read (KeyError in a screen worker)."""
    import litreview.screening.checks as checks
    from litreview.storage.review import open_review

    import_files(review, [_records(tmp_path, 300, 25)])
    stage = review.protocol.stages[0].name
    for record_id in range(1, 26):
        session.decide(review, record_id, "include", stage=stage, reviewer="a")
    real = checks.effective_decisions
    calls = {"n": 0}

    def read_then_another_connection_decides(*args, **kwargs):  # type: ignore[no-untyped-def]
        result = real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 1:  # right after the first read, a write commits elsewhere
            with open_review(review.path) as other:
                session.decide(other, 26, "exclude", stage=stage, reviewer="a")
        return result

    monkeypatch.setattr(checks, "effective_decisions", read_then_another_connection_decides)
    views = session.next_records(review, stage, n=2, reviewer="a")
    assert views and 26 not in [v.record_id for v in views]
    assert calls["n"] >= 1
