"""Live stopping rules on a review, and stopping a stage."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from litreview.cli import cli
from litreview.ingest.importer import import_files
from litreview.screening import session
from litreview.screening.progress import labels_in_screening_order, stopping_report


def _records(tmp_path: Path, n: int) -> Path:
    lines = []
    for i in range(n):
        topic = "child protection collaboration" if i < 10 else f"unrelated topic {i}"
        lines += ["TY  - JOUR", f"TI  - {topic} study {i}", "ER  - ", ""]
    path = tmp_path / "r.ris"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_rules_see_labels_in_screening_order(review, tmp_path: Path) -> None:
    import_files(review, [_records(tmp_path, 400)])
    stage = review.protocol.stages[0].name
    for record_id in range(1, 11):  # every relevant record first, then 300 irrelevant
        session.decide(review, record_id, "include", stage=stage, reviewer="a")
    for record_id in range(11, 311):
        session.decide(review, record_id, "exclude", stage=stage, reviewer="a")
    labels = labels_in_screening_order(review, stage)
    assert labels == [1] * 10 + [0] * 300
    report = stopping_report(review, stage, 400)
    assert report["screened"] == 310 and report["found"] == 10
    assert report["rules"]["consecutive"]["stop"] is True  # 100 irrelevant in a row
    assert report["rules"]["buscar_or_counting"]["stop"] is True
    assert report["recall_estimate"]["lower"] >= 0.9


def test_stop_command_moves_the_rest_to_automation(review, tmp_path: Path) -> None:
    import_files(review, [_records(tmp_path, 50)])
    stage = review.protocol.stages[0].name
    session.decide(review, 1, "include", stage=stage, reviewer="a")
    session.decide(review, 20, "exclude", stage=stage, reviewer="a")
    runner = CliRunner()
    db = ["--db", str(review.path)]
    assert runner.invoke(cli, [*db, "stop", "--stage", stage, "--reviewer", "a"]).exit_code == 0
    counts = json.loads(runner.invoke(cli, [*db, "status", "--json"]).stdout)["stages"][stage]
    assert counts["remaining"] == 0 and counts["excluded_by_stopping_rule"] == 48
    assert session.next_records(review, stage) == []
    assert runner.invoke(cli, [*db, "stop", "--stage", stage]).exit_code == 1  # already
    assert runner.invoke(cli, [*db, "stop", "--stage", stage, "--resume"]).exit_code == 0
    assert session.stage_counts(review, stage)["remaining"] == 48
