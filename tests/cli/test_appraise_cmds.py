"""`fulltext`, `note`, `link-report`, `appraise`, `code`, `suggest`, `export-codes`,
`import-codes` on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from coding_helpers import include_studies, make_review, pass_screening

import litreview.cli
from litreview.cli import cli, main
from litreview.cli.appraise_cmds import COMMANDS
from litreview.errors import InvalidTransition

# the root group's --db option and callback with these commands (the lead registers them on
# the real group; tests must not change that shared object)
ROOT = click.Group(
    "litreview",
    params=cli.params,
    callback=cli.callback,
    commands={c.name: c for c in COMMANDS if c.name},
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    review = make_review(tmp_path / "review.db", template="safeguarding")
    include_studies(review, [1, 2, 3])
    pass_screening(review, [4])
    review.close()
    return tmp_path / "review.db"


def run(db: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(ROOT, ["--db", str(db), *args], catch_exceptions=not ok)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def test_fulltext_retrieval_and_notes(db: Path) -> None:
    run(db, "fulltext", "4", "--retrieved", "--location", "papers/4.pdf", "--reviewer", "ann")
    data = json.loads(run(db, "fulltext", "4", "--json").stdout)
    assert data == {
        "record_id": 4,
        "study_id": 4,
        "status": "retrieved",
        "location": "papers/4.pdf",
        "reason": None,
        "notes": {},
    }
    run(db, "fulltext", "4", "--not-retrieved", "--reason", "lost")
    run(db, "note", "4", "--field", "findings=Fewer re-referrals", "--field", "focus=Police")
    out = run(db, "note", "4").stdout
    assert "full text not retrieved  (lost)" in out and "findings: Fewer re-referrals" in out
    bad = run(db, "fulltext", "4", "--retrieved", "--reason", "x", ok=False)
    assert bad.exit_code == 2 and "--reason goes with --not-retrieved" in bad.stderr
    bad = run(db, "note", "4", "--field", "findings", ok=False)
    assert bad.exit_code == 2


def test_link_report_and_appraise(db: Path) -> None:
    run(db, "link-report", "2", "--study", "1")
    data = json.loads(
        run(
            db,
            "appraise",
            "2",
            "--criterion",
            "purpose=met",
            "--criterion",
            "coherence=met",
            "--criterion",
            "data=partly",
            "--criterion",
            "contribution=met",
            "--reviewer",
            "ann",
            "--json",
        ).stdout
    )
    assert data == {
        "study_id": 1,
        "ratings": {"purpose": "met", "coherence": "met", "data": "partly", "contribution": "met"},
        "score": 7.0,
        "computed_grade": "strong",
        "override": None,
        "override_reason": None,
        "grade": "strong",
    }
    data = json.loads(
        run(
            db,
            "appraise",
            "1",
            "--override",
            "partial",
            "--reason",
            "small sample",
            "--history",
            "--json",
        ).stdout
    )
    assert (data["grade"], data["computed_grade"]) == ("partial", "strong")
    assert [h["kind"] for h in data["history"]] == ["appraisal", "grade_override"]
    out = run(db, "appraise", "1").stdout
    assert "grade partial (overridden: small sample; computed strong)" in out
    run(db, "appraise", "1", "--undo")
    assert json.loads(run(db, "appraise", "1", "--json").stdout)["grade"] == "strong"


def test_code_show_undo_and_suggest(db: Path) -> None:
    data = json.loads(
        run(
            db,
            "code",
            "1",
            "--set",
            "data_sources=records;interviews",
            "--set",
            "data_sources=observations",
            "--detail",
            "data_sources=Records, interviews (parents)",
            "--set",
            "nature_of_study=Ethnography",
            "--json",
        ).stdout
    )
    assert data == {
        "study_id": 1,
        "codes": {
            "nature_of_study": {"values": [], "detail": None, "text": "Ethnography"},
            "data_sources": {
                "values": ["records", "interviews", "observations"],
                "detail": "Records, interviews (parents)",
                "text": None,
            },
        },
    }
    run(db, "code", "1", "--clear", "nature_of_study")
    out = run(db, "code", "1").stdout
    assert "nature_of_study          -" in out
    assert "data_sources             records; interviews; observations" in out
    run(db, "code", "1", "--undo")
    assert "Ethnography" in run(db, "code", "1").stdout
    data = json.loads(run(db, "suggest", "1", "--json").stdout)
    assert data["study_id"] == 1
    assert {s["source"] for s in data["suggestions"]} <= {"keywords"}


def test_export_and_import_codes(db: Path, tmp_path: Path) -> None:
    run(db, "code", "1", "--set", "success_concept=safety")
    out = run(db, "export-codes").stdout
    assert out.splitlines()[1].startswith('1,"Lee, 2012",,safety,')
    path = tmp_path / "codes.csv"
    run(db, "export-codes", "-o", str(path))
    assert path.read_text(encoding="utf-8") == out
    data = json.loads(run(db, "import-codes", str(path), "--json").stdout)
    assert data == {"rows": 3, "studies_changed": 0, "events": 0}
    path.write_text(out.replace(",safety,", ",wellbeing,"), encoding="utf-8")
    data = json.loads(run(db, "import-codes", str(path), "--json").stdout)
    assert data == {"rows": 3, "studies_changed": 1, "events": 1}


def test_errors_name_the_problem(db: Path, monkeypatch, capsys) -> None:
    result = run(db, "appraise", "4", "--criterion", "purpose=met", ok=False)
    assert isinstance(result.exception, InvalidTransition)
    monkeypatch.setattr(litreview.cli, "cli", ROOT)
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db), "code", "4", "--set", "success_concept=safety"])
    err = capsys.readouterr().err
    assert exc.value.code == 1
    assert "Error: record 4 is not an included study" in err
    assert "Hint: include it at the full-text stage first" in err
