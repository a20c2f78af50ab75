"""Events from outside the review (merge-decisions, import-codes) are held to the protocol and
the event schema; one bad event refuses the whole file and nothing is stored."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from litreview.errors import ImportFormatError
from litreview.ingest.importer import import_files
from litreview.protocol import load_template
from litreview.screening import session
from litreview.screening.exchange import export_decisions, merge_decisions
from litreview.screening.incoming import IncomingEvent, incoming_problems
from litreview.storage import events as events_store
from litreview.storage.review import Review, create_review, open_review

REPO = Path(__file__).resolve().parents[2]
THREE = REPO / "tests" / "data" / "three.ris"


def _events(review: Review) -> list[tuple[Any, ...]]:
    return [
        (e.kind, e.record_id, e.stage, e.value, e.reviewer)
        for e in events_store.iter_events(review.db)
    ]


@pytest.fixture
def copies(tmp_path: Path) -> tuple[Review, dict[str, Any], Path]:
    """ann's copy, and bob's exported decisions: include 1, exclude 2 (with a reason),
    include 3 then undo it."""
    ann_path = tmp_path / "ann.db"
    ann = create_review(ann_path, load_template("default")[0])
    import_files(ann, [THREE])
    ann.close()
    shutil.copy(ann_path, tmp_path / "bob.db")
    ann = open_review(ann_path)
    bob = open_review(tmp_path / "bob.db")
    session.decide(bob, 1, "include", stage="title", reviewer="bob")
    session.decide(bob, 2, "exclude", stage="title", reviewer="bob", reason="wrong-population")
    session.decide(bob, 3, "include", stage="title", reviewer="bob")
    session.undo(bob, reviewer="bob")
    exported = tmp_path / "bob.json"
    assert export_decisions(bob, "bob", exported) == 4
    bob.close()
    return ann, json.loads(exported.read_text()), tmp_path


def _refingerprint(row: dict[str, Any]) -> None:
    data = [
        row["kind"],
        row["record"],
        row["stage"],
        row["value"],
        row["reason"],
        row["note"],
        row["reviewer"],
        row["created_at"],
        row["reverts"],
    ]
    row["fingerprint"] = hashlib.sha256(json.dumps(data).encode()).hexdigest()


def _merge(ann: Review, document: dict[str, Any], folder: Path) -> dict[str, int]:
    path = folder / "edited.json"
    path.write_text(json.dumps(document))
    return merge_decisions(ann, path)


def test_the_exported_file_itself_merges(copies) -> None:
    ann, document, folder = copies
    assert _merge(ann, document, folder) == {"added": 4, "already_present": 0}


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("kind", "bogus", "kind 'bogus' cannot be imported"),
        ("kind", "stop", "kind 'stop' cannot be imported"),
        ("kind", "dedup", "kind 'dedup' cannot be imported"),
        ("value", "banana", "decision 'banana' is not include, exclude or maybe"),
        ("value", None, "decision None"),
        ("stage", "nostage", "stage 'nostage' is not a stage of the protocol"),
        ("reviewer", "mallory", "reviewer 'mallory' is not the file's reviewer 'bob'"),
        ("reviewer", "", "the reviewer is missing"),
        ("created_at", "yesterday", "is not an ISO 8601 time"),
        ("created_at", "2026-01-01T10:00:00", "has no time zone"),
        ("created_at", "1970-01-01T00:00:00+00:00", "is not a plausible time"),
        ("created_at", "2999-01-01T00:00:00+00:00", "is not a plausible time"),
        ("note", "x" * 100_001, "note is longer than"),
        ("reverts", "0" * 64, "a decision cannot revert another event"),
    ],
)
def test_one_bad_event_refuses_the_whole_file(copies, field: str, value: Any, named: str) -> None:
    ann, document, folder = copies
    before = _events(ann)
    bad = copy.deepcopy(document)
    bad["events"][0][field] = value
    _refingerprint(bad["events"][0])
    with pytest.raises(ImportFormatError) as err:
        _merge(ann, bad, folder)
    assert "event 1: " in err.value.message and named in err.value.message, err.value.message
    assert "nothing imported" in err.value.message and err.value.hint
    assert _events(ann) == before


def test_an_exclusion_reason_outside_the_protocol_is_refused(copies) -> None:
    ann, document, folder = copies
    bad = copy.deepcopy(document)
    row = next(r for r in bad["events"] if r["value"] == "exclude")
    row["reason"] = "because"
    _refingerprint(row)
    with pytest.raises(ImportFormatError) as err:
        _merge(ann, bad, folder)
    assert "reason 'because' is not an exclusion reason of stage 'title'" in err.value.message


def test_an_undo_of_something_unknown_is_refused(copies) -> None:
    ann, document, folder = copies
    bad = copy.deepcopy(document)
    row = next(r for r in bad["events"] if r["kind"] == "undo")
    row["reverts"] = "f" * 64
    _refingerprint(row)
    with pytest.raises(ImportFormatError) as err:
        _merge(ann, bad, folder)
    assert "the event it reverts is neither in the file nor in this copy" in err.value.message


def test_an_edited_event_does_not_match_its_fingerprint(copies) -> None:
    ann, document, folder = copies
    bad = copy.deepcopy(document)
    bad["events"][0]["value"] = "exclude"  # fingerprint left as it was
    with pytest.raises(ImportFormatError) as err:
        _merge(ann, bad, folder)
    assert "fingerprint does not match" in err.value.message


def test_the_first_few_problems_are_named_and_the_rest_counted(copies) -> None:
    ann, document, folder = copies
    bad = copy.deepcopy(document)
    for row in bad["events"]:
        row["kind"] = "bogus"
        row["stage"] = "nowhere"
        _refingerprint(row)
    bad["events"] *= 2
    with pytest.raises(ImportFormatError) as err:
        _merge(ann, bad, folder)
    assert "8 problem(s)" in err.value.message and "; and 3 more" in err.value.message


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d.update(events="not a list"),
        lambda d: d["events"][0].pop("kind"),
        lambda d: d["events"][0].update(record="1"),
        lambda d: d["events"][0].update(record=["abc", "x"]),
        lambda d: d["events"][0].update(payload=[1, 2]),
        lambda d: d["events"].append(7),
    ],
)
def test_a_malformed_file_is_refused_without_a_traceback(copies, damage) -> None:
    ann, document, folder = copies
    before = _events(ann)
    bad = copy.deepcopy(document)
    damage(bad)
    with pytest.raises(ImportFormatError):
        _merge(ann, bad, folder)
    assert _events(ann) == before


def test_merge_decisions_on_the_command_line_names_the_problem(copies) -> None:
    ann, document, folder = copies
    bad = copy.deepcopy(document)
    bad["events"][1]["value"] = "banana"
    _refingerprint(bad["events"][1])
    path = folder / "banana.json"
    path.write_text(json.dumps(bad))
    ann.close()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "litreview",
            "--db",
            str(folder / "ann.db"),
            "merge-decisions",
            str(path),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "event 2: decision 'banana'" in done.stderr and "Hint: " in done.stderr


def test_the_check_is_one_function_a_decisions_importer_can_call(copies) -> None:
    ann, _, _ = copies
    good = IncomingEvent("row 1", "decision", stage="title", value="include", reviewer="eve")
    assert incoming_problems(ann.protocol, good, reviewer="eve", kinds=("decision",)) == []
    bad = IncomingEvent(
        "row 2",
        "decision",
        stage="title",
        value="exclude",
        reason="nope",
        reviewer="eve",
        created_at="2026-13-01T00:00:00+00:00",
    )
    problems = incoming_problems(ann.protocol, bad, reviewer="eve", kinds=("decision",))
    assert len(problems) == 2


def test_import_codes_refuses_a_bad_reviewer_name(tmp_path: Path) -> None:
    from litreview.coding.codes import import_codes

    review = create_review(tmp_path / "r.db", load_template("default")[0])
    codes = tmp_path / "codes.csv"
    codes.write_text("study_id\n")
    with pytest.raises(ImportFormatError) as err:
        import_codes(review, codes, reviewer="ann\x1b]52;c;x\x07")
    assert "control or format characters" in err.value.message
