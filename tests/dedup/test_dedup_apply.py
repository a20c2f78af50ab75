"""Deduplicating a stored review: manual calls win, undo restores, nothing is deleted."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from litreview.dedup.apply import (
    mark_not_duplicate,
    merge_records,
    run_dedup,
    undo_dedup,
    unmerge_record,
)
from litreview.ingest.importer import import_files
from litreview.screening import session
from litreview.storage import works
from litreview.storage.records import count_records

# RIS fixture lines are as long as the exporters write them
# ruff: noqa: E501

DATA = Path(__file__).resolve().parents[1] / "data"

DUPES = """TY  - JOUR
AU  - Abbott, David
AU  - Townsley, Ruth
TI  - Multi-agency working in services for disabled children: what impact does it have on professionals?
T2  - Health & Social Care in the Community
PY  - 2005
VL  - 13
IS  - 2
SP  - 155-63
ER  - 

TY  - JOUR
AU  - Smith, J.
TI  - Inter-agency collaboration in child protection
T2  - Child Abuse Review
PY  - 2010
ER  - 
"""


def groups_snapshot(review) -> dict[str, object]:
    return {
        "groups": works.group_map(review.db),
        "pairs": works.list_pairs(review.db, "needs_review"),
        "ineligible": works.ineligible_reasons(review.db),
    }


@pytest.fixture
def two_sources(review, tmp_path: Path):
    import_files(review, [DATA / "three.ris"])
    other = tmp_path / "other.ris"
    other.write_text(DUPES, encoding="utf-8")
    import_files(review, [other])
    return review


def test_duplicates_are_linked_not_deleted(two_sources) -> None:
    summary = run_dedup(two_sources)
    assert summary.records == 5 and count_records(two_sources.db) == 5
    assert summary.duplicates_removed == 2 and summary.groups == 3
    assert works.work_of(two_sources.db, 4) == 1 and works.work_of(two_sources.db, 5) == 2
    merged = works.merged_fields(two_sources.db)[1]
    assert merged.doi == "10.1111/j.1365-2524.2005.00555.x"  # only record 1 had it
    assert merged.end_page in ("163",)


def test_dedup_is_idempotent(two_sources) -> None:
    run_dedup(two_sources)
    first = groups_snapshot(two_sources)
    run_dedup(two_sources)
    assert groups_snapshot(two_sources) == first


def test_manual_calls_survive_reruns_and_undo_restores(two_sources) -> None:
    run_dedup(two_sources)
    before = groups_snapshot(two_sources)
    unmerge_record(two_sources, 5, reviewer="ann")
    assert works.work_of(two_sources.db, 5) == 5
    run_dedup(two_sources)
    assert works.work_of(two_sources.db, 5) == 5  # a re-run never undoes a reviewer's call
    merge_records(two_sources, 3, 5, reviewer="ann")
    assert works.work_of(two_sources.db, 5) == 3
    mark_not_duplicate(two_sources, 3, 5, reviewer="ann")
    assert works.work_of(two_sources.db, 5) == 5
    for _ in range(3):
        assert undo_dedup(two_sources, reviewer="ann") is not None
    assert groups_snapshot(two_sources) == before
    assert undo_dedup(two_sources, reviewer="ann") is None


def test_new_imports_dedup_against_screened_records(review, tmp_path: Path) -> None:
    import_files(review, [DATA / "three.ris"])
    run_dedup(review)
    first = review.protocol.stages[0].name
    session.decide(review, 1, "include", stage=first, reviewer="ann")
    session.decide(review, 2, "exclude", stage=first, reviewer="ann")
    other = tmp_path / "other.ris"
    other.write_text(DUPES, encoding="utf-8")
    import_files(review, [other])
    run_dedup(review)
    current = session.stage_counts(review, first)
    assert current["screened"] == 2 and current["remaining"] == 1  # the group keeps decisions


def test_merging_records_with_different_decisions_flags_a_conflict(two_sources) -> None:
    from litreview.storage.decisions import conflicting_works

    first = two_sources.protocol.stages[0].name
    session.decide(two_sources, 2, "exclude", stage=first, reviewer="ann")
    session.decide(two_sources, 5, "include", stage=first, reviewer="bob")  # same work as 2
    assert conflicting_works(two_sources.db, first) == {}
    run_dedup(two_sources)
    assert conflicting_works(two_sources.db, first) == {2: {"include", "exclude"}}


def test_demo_exports_deduplicate_to_the_true_works(tmp_path: Path) -> None:
    from litreview.demo import DEMO_DIR
    from litreview.demo.build import build_demo

    review = build_demo(tmp_path / "demo")
    truth: dict[tuple[str, int], str] = {}
    with (DEMO_DIR / "truth.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            truth[(row["file"], int(row["position"]))] = row["work_id"]
    rows = review.db.execute(
        "SELECT r.record_id, s.file_name, r.position FROM records r "
        "JOIN sources s USING (source_id)"
    ).fetchall()
    true_work = {rid: truth[(name, pos)] for rid, name, pos in rows}
    predicted: dict[int, set[str]] = defaultdict(set)
    for rid, work in true_work.items():
        predicted[works.work_of(review.db, rid)].add(work)
    mixed = [g for g, ws in predicted.items() if len(ws) > 1]
    assert mixed == []
    assert len(predicted) == len(set(true_work.values())) == 396
    assert works.list_pairs(review.db, "needs_review") == []
    review.close()


def test_eligibility_limits_mark_works_ineligible(tmp_path: Path) -> None:
    from litreview.protocol import load_template
    from litreview.storage.review import create_review

    review = create_review(tmp_path / "r.db", load_template("safeguarding")[0])
    path = tmp_path / "limits.ris"
    path.write_text(
        "TY  - JOUR\nTI  - Old child protection study\nPY  - 1995\nER  - \n\n"
        "TY  - JOUR\nTI  - A German study of child protection\nPY  - 2005\nLA  - German\n"
        "ER  - \n\n"
        "TY  - JOUR\nTI  - Undated inter-agency working paper\nER  - \n",
        encoding="utf-8",
    )
    import_files(review, [path])
    summary = run_dedup(review)
    assert summary.ineligible == 2
    assert works.ineligible_reasons(review.db) == {1: "before-2000", 2: "not-english"}
    assert session.stage_works(review, "title") == [3]  # unknown year is not a reason
    review.close()


def test_dedup_reports_progress_per_stage(two_sources) -> None:
    seen: list[tuple[str, int, int]] = []
    run_dedup(two_sources, progress=lambda stage, done, total: seen.append((stage, done, total)))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "reading records" and stages[-1] == "comparing pairs"
    assert seen[0][2] == count_records(two_sources.db)
    assert seen[-1][1] == seen[-1][2]  # the last call says the stage is done


def test_dedup_progress_bar_only_on_a_terminal(two_sources, review_path: Path) -> None:
    """On a terminal, stderr shows the bar; piped, stderr stays clean for scripts."""
    import os
    import pty
    import subprocess
    import sys

    two_sources.close()
    command = [sys.executable, "-m", "litreview", "--db", str(review_path), "dedup"]
    piped = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "Comparing pairs" not in piped.stderr and "works" in piped.stdout
    leader, follower = pty.openpty()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, text=True, check=True)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert b"Comparing pairs" in shown and "works" in done.stdout
