"""`litreview import FILE --decisions`: decisions from ASReview, Rayyan and litreview's own
CSV export become events, validated like `decide`, all or nothing per import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from shared_paths import shared_data_dir

from litreview.cli import cli
from litreview.errors import InvalidValue
from litreview.protocol import load_template
from litreview.screening.session import stage_counts
from litreview.screening.team import list_conflicts
from litreview.storage import decisions as decisions_store
from litreview.storage import records as records_store
from litreview.storage.review import Review, create_review, open_review

DATA = Path(__file__).parent.parent / "data" / "decisions"
RAYYAN = DATA / "rayyan_export.csv"
ASREVIEW = DATA / "asreview_export.csv"


def new_review(path: Path, *, dual: bool = False, title_reasons_required: bool = False) -> Path:
    text = load_template("default")[0]
    if dual:
        text = text.replace('mode = "single"', 'mode = "dual"', 1)
    if title_reasons_required:
        text = text.replace("reason_required = false", "reason_required = true", 1)
    create_review(path, text).close()
    return path


def run(db: Path, *args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr, result.exception


def counts(db: Path, stage: str = "title") -> dict[str, int]:
    with open_review(db) as review:
        return stage_counts(review, stage)


def test_asreview_labels_become_one_reviewers_decisions(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db")
    code, out, err, exc = run(
        db,
        "import",
        str(ASREVIEW),
        "--decisions",
        "--stage",
        "title",
        "--reviewer",
        "ann",
        "--json",
    )
    assert (code, exc) == (0, None), err
    summary = json.loads(out)["decisions"][0]
    assert summary | {"path": ""} == {
        "path": "",
        "kind": "asreview",
        "stage": "title",
        "events": 4,
        "decisions": {"include": 2, "exclude": 2},
        "reviewers": ["ann"],
        "undecided": 1,
    }
    c = counts(db)
    assert (c["included"], c["excluded"], c["remaining"]) == (2, 2, 1)
    with open_review(db) as review:
        mine = decisions_store.current_decisions(review.db, "title", reviewer="ann")
        titles = {
            records_store.get_record(review.db, w).fields.title: d.value for w, d in mine.items()
        }
    assert titles == {
        "Code review at scale": "include",
        "Roses in spring": "exclude",
        "Inspection checklists": "include",
        "Weather and mood": "exclude",
    }


def test_asreview_decisions_on_a_file_imported_before_match_its_records(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db")
    assert run(db, "import", str(ASREVIEW))[0] == 0
    code, _, err, exc = run(db, "import", str(ASREVIEW), "--decisions", "--stage", "title")
    assert (code, exc) == (0, None), err
    assert counts(db)["screened"] == 4
    with open_review(db) as review:
        assert records_store.count_records(review.db) == 5  # not imported twice


def test_rayyan_reviewers_keep_their_names_in_dual_screening(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db", dual=True)
    code, out, err, exc = run(db, "import", str(RAYYAN), "--decisions", "--stage", "title")
    assert (code, exc) == (0, None), err
    assert "7 decisions at title from rayyan" in out and "by Ann, Bob" in out
    with open_review(db) as review:
        by_reviewer = decisions_store.decisions_by_reviewer(review.db, "title")
        assert sorted(len(d) for d in by_reviewer.values()) == [1, 2, 2, 2]
        conflicts = list_conflicts(review, "title")
        assert len(conflicts) == 1  # record 3: Ann included, Bob excluded
        reasons = {
            d.reason for ds in by_reviewer.values() for d in ds.values() if d.value == "exclude"
        }
        assert reasons == {"wrong-population", "wrong-design"}  # by label and by code
        c = stage_counts(review, "title")
    assert (c["included"], c["excluded"], c["conflicts"]) == (1, 1, 1)


def test_rayyan_disagreement_in_a_single_reviewer_stage_is_refused(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db")
    code, _, _, exc = run(db, "import", str(RAYYAN), "--decisions", "--stage", "title")
    assert code == 1 and isinstance(exc, InvalidValue)
    assert "reviewers disagree on 1 records" in exc.message and "--reviewer" in (exc.hint or "")
    with open_review(db) as review:  # all or nothing: not even the records came in
        assert records_store.count_records(review.db) == 0
    code, _, err, exc = run(
        db, "import", str(RAYYAN), "--decisions", "--stage", "title", "--reviewer", "Bob"
    )
    assert (code, exc) == (0, None), err
    c = counts(db)
    assert (c["included"], c["excluded"]) == (1, 2)


def test_unknown_rayyan_reasons_are_refused_with_the_protocols_list(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db", dual=True)
    bad = tmp_path / "rayyan.csv"
    bad.write_text(RAYYAN.read_text().replace("Wrong population", "Off topic"), encoding="utf-8")
    code, _, _, exc = run(db, "import", str(bad), "--decisions", "--stage", "title")
    assert code == 1 and isinstance(exc, InvalidValue)
    assert "Off topic" in exc.message and "1=wrong-population (Wrong population)" in exc.hint
    with open_review(db) as review:
        assert records_store.count_records(review.db) == 0


def test_excludes_without_reason_need_exclude_reason_where_required(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db", title_reasons_required=True)
    code, _, _, exc = run(
        db, "import", str(ASREVIEW), "--decisions", "--stage", "title", "--reviewer", "ann"
    )
    assert code == 1 and isinstance(exc, InvalidValue)
    assert "2 excludes carry no reason" in exc.message and "--exclude-reason" in exc.hint
    code, _, _, exc = run(
        db,
        "import",
        str(ASREVIEW),
        "--decisions",
        "--stage",
        "title",
        "--reviewer",
        "ann",
        "--exclude-reason",
        "nonsense",
    )
    assert code == 1 and "is not a reason" in exc.message
    code, _, err, exc = run(
        db,
        "import",
        str(ASREVIEW),
        "--decisions",
        "--stage",
        "title",
        "--reviewer",
        "ann",
        "--exclude-reason",
        "3",
    )
    assert (code, exc) == (0, None), err
    with open_review(db) as review:
        excluded = [
            d
            for d in decisions_store.current_decisions(review.db, "title").values()
            if d.value == "exclude"
        ]
    assert [d.reason for d in excluded] == ["wrong-design", "wrong-design"]


def test_stage_validation_is_decides(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db")
    code, _, _, exc = run(db, "import", str(ASREVIEW), "--decisions", "--stage", "nope")
    assert code == 1 and "unknown stage" in exc.message
    # the abstract stage holds only works included at title: none yet
    code, _, _, exc = run(
        db, "import", str(ASREVIEW), "--decisions", "--stage", "abstract", "--exclude-reason", "1"
    )
    assert code == 1 and "is not in stage 'abstract'" in exc.message
    assert str(ASREVIEW) in exc.message and "line 2" in exc.message
    code, _, err, _ = run(db, "import", str(ASREVIEW), "--stage", "title")
    assert code == 2 and "--stage needs --decisions" in err
    code, _, err, _ = run(db, "import", str(ASREVIEW), "--decisions")
    assert code == 2 and "--decisions needs --stage" in err
    with open_review(db) as review:
        assert records_store.count_records(review.db) == 0


def test_litreviews_own_csv_export_carries_decisions_to_a_new_review(
    tmp_path: Path, small: Review
) -> None:
    from litreview.report.export import export_records

    text, _ = export_records(small.review, "csv")
    exported = tmp_path / "export.csv"
    exported.write_text(text, encoding="utf-8")
    stage = small.review.protocol.stages[0].name
    before = stage_counts(small.review, stage)
    db = tmp_path / "moved.db"
    create_review(db, _protocol_text(small.review)).close()
    code, _, err, exc = run(
        db, "import", str(exported), "--decisions", "--stage", stage, "--reviewer", "ann"
    )
    assert (code, exc) == (0, None), err
    after = counts(db, stage)
    rows = list(csv.DictReader(io.StringIO(text)))
    decided = [r for r in rows if r[f"{stage}_decision"]]
    assert after["screened"] == len(decided) == before["screened"]
    assert (after["included"], after["excluded"]) == (before["included"], before["excluded"])


def _protocol_text(review: Review) -> str:
    from litreview.storage import protocols

    text = protocols.find_protocol_text(review.db)
    assert text is not None
    return text


SCREENING = shared_data_dir() / "screening" / "Cohen_2006_Antihistamines.csv"


@pytest.mark.skipif(not SCREENING.is_file(), reason="no shared data")
def test_a_real_asreview_dataset_comes_in_with_its_labels(tmp_path: Path) -> None:
    db = new_review(tmp_path / "r.db")
    code, _, err, exc = run(
        db, "import", str(SCREENING), "--decisions", "--stage", "title", "--reviewer", "cohen"
    )
    assert (code, exc) == (0, None), err
    rows = csv.DictReader(io.StringIO(SCREENING.read_text(encoding="utf-8")))
    labels = [r["label_included"] for r in rows]
    c = counts(db)
    assert c["included"] == labels.count("1") and c["excluded"] == labels.count("0")
    assert c["screened"] + c["remaining"] == len(labels)


def test_an_xlsx_export_comes_back_with_its_records_and_decisions(
    tmp_path: Path, small: Review
) -> None:
    pytest.importorskip("openpyxl")
    from litreview.report.export import export_to_file, select_works

    workbook = tmp_path / "export.xlsx"
    export_to_file(small.review, "xlsx", workbook)
    stage = small.review.protocol.stages[0].name
    before = stage_counts(small.review, stage)
    db = tmp_path / "moved.db"
    create_review(db, _protocol_text(small.review)).close()
    code, out, err, exc = run(
        db, "import", str(workbook), "--decisions", "--stage", stage, "--reviewer", "ann", "--json"
    )
    assert (code, exc) == (0, None), err
    assert json.loads(out)["files"][0]["format"] == "xlsx"
    after = counts(db, stage)
    assert (after["screened"], after["included"], after["excluded"]) == (
        before["screened"],
        before["included"],
        before["excluded"],
    )
    with open_review(db) as review:
        titles = sorted(r.fields.title or "" for r in records_store.iter_records(review.db))
    assert titles == sorted(w.fields.title or "" for w in select_works(small.review))


def test_xlsx_import_without_openpyxl_says_how_to_install(
    tmp_path: Path, small: Review, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("openpyxl")
    import sys

    from litreview.errors import LitreviewError
    from litreview.ingest import parse_file
    from litreview.report.export import export_to_file

    workbook = tmp_path / "export.xlsx"
    export_to_file(small.review, "xlsx", workbook)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(LitreviewError, match="needs the optional package openpyxl") as caught:
        parse_file(workbook)
    assert caught.value.hint and "litreview[report]" in caught.value.hint
