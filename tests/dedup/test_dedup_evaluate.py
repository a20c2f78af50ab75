"""Scoring predicted groups, and the dedup-eval command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from dedup_helpers import FIXTURES

from litreview.cli.dedup_eval import dedup_eval
from litreview.dedup.evaluate import asysd_scores, evaluate_file, load_labelled_csv, score_groups
from litreview.errors import ImportFormatError

CLI_KEYS = [
    "file",
    "records",
    "true_works",
    "predicted_works",
    "pair_precision",
    "pair_recall",
    "pair_f1",
    "mixed_clusters",
    "lost_works",
    "needs_review",
    "seconds",
]


def test_score_groups_counts_mixed_and_lost() -> None:
    truth = {1: "a", 2: "a", 3: "b", 4: "c", 5: "c"}
    groups = {1: 1, 2: 1, 3: 1, 4: 4, 5: 5}  # b swallowed by a's group; c split
    scores = score_groups(groups, truth)
    assert scores["mixed_clusters"] == 1
    assert scores["lost_works"] == 1  # b has no record kept
    assert scores["true_works"] == 3 and scores["predicted_works"] == 3
    assert scores["pair_precision"] == pytest.approx(1 / 3, abs=1e-4)
    assert scores["pair_recall"] == 0.5


def test_asysd_counts_removed_and_kept_records() -> None:
    truth = {1: "a", 2: "a", 3: "a", 4: "b", 5: "c"}
    groups = {1: 1, 2: 1, 3: 3, 4: 1, 5: 5}
    # removed: 2 (right, TP), 4 (wrong, FP); kept: 1 and 3 of a (TN + FN), 5 (TN)
    assert asysd_scores(groups, truth) == {
        "sensitivity": 0.5,
        "specificity": round(2 / 3, 4),
        "tp": 1,
        "fp": 1,
        "tn": 2,
        "fn": 1,
    }


def test_evaluate_file_keys_follow_cli_md() -> None:
    metrics = evaluate_file(FIXTURES / "author_formats.csv")
    assert list(metrics.to_json())[: len(CLI_KEYS)] == CLI_KEYS
    assert {"sensitivity", "specificity"} <= set(metrics.to_json())


def test_evaluation_json_is_the_documented_object_in_order() -> None:
    """``to_json()`` is what ``dedup-eval --json`` prints, key for key and in this order."""
    metrics = evaluate_file(FIXTURES / "author_formats.csv")
    doc = metrics.to_json()
    assert list(doc) == [
        *CLI_KEYS,
        *("sensitivity", "specificity", "tp", "fp", "tn", "fn"),
        "needs_review_true_duplicates",
    ]
    args = [str(FIXTURES / "author_formats.csv"), "--json"]
    [printed] = json.loads(CliRunner().invoke(dedup_eval, args, catch_exceptions=False).stdout)
    assert {**printed, "seconds": doc["seconds"]} == doc


def test_string_ids_keep_their_digits(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("record_id,group_id,title\nid_0000007,id_0000007,A\nid_0000011,id_0000007,A\n")
    data = load_labelled_csv(path)
    assert [r.record_id for r in data.records] == [7, 11]
    assert data.labels == {7: "id_0000007", 11: "id_0000011"}


def test_missing_columns_raise_import_format_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("title,author\nA,B\n")
    with pytest.raises(ImportFormatError, match="group_id"):
        evaluate_file(path)


def test_cli_json_and_groups_out(tmp_path: Path) -> None:
    out = tmp_path / "groups.csv"
    args = [str(FIXTURES / "author_formats.csv"), "--json", "--groups-out", str(out)]
    result = CliRunner().invoke(dedup_eval, args, catch_exceptions=False)
    assert result.exit_code == 0
    [row] = json.loads(result.stdout)
    assert row["records"] == 4 and row["mixed_clusters"] == 0 and row["predicted_works"] == 2
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["record_id", "predicted_group_id"],
        ["1", "1"],
        ["2", "1"],
        ["3", "1"],
        ["4", "4"],
    ]


def test_cli_table() -> None:
    files = [str(FIXTURES / "author_formats.csv"), str(FIXTURES / "pages_abbrev.csv")]
    result = CliRunner().invoke(dedup_eval, files, catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["file", "records", "works", "predicted"]
    assert len(lines) == 3 and "author_formats.csv" in lines[1]


def test_cli_bad_file_is_a_litreview_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("title\nA\n")
    with pytest.raises(ImportFormatError):
        CliRunner().invoke(dedup_eval, [str(path)], catch_exceptions=False)


def test_cli_needs_a_file() -> None:
    result = CliRunner().invoke(dedup_eval, [])
    assert result.exit_code == 2
