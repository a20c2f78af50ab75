"""The review file, import guarantees and the CLI contract (CLI.md)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from litreview.cli import cli, main

DATA = Path(__file__).resolve().parent.parent / "data"


def run(db: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)


def run_main(db: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(db), *args])
        raise SystemExit(0)
    out = capsys.readouterr()
    return int(exc.value.code or 0), out.out, out.err


def table_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    rows = {n: sorted(conn.execute(f"SELECT * FROM [{n}]").fetchall(), key=repr) for n in names}
    conn.close()
    return rows


def test_init_import_status_json(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    assert run(db, "init", "--template", "default").exit_code == 0
    result = run(
        db,
        "import",
        str(DATA / "three.ris"),
        "--database",
        "ASSIA",
        "--platform",
        "ProQuest",
        "--searched-on",
        "2015-03-01",
        "--query",
        "child AND collaboration",
        "--reported-hits",
        "3",
        "--json",
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["records_total"] == 3
    (file,) = data["files"]
    assert file["format"] == "ris" and file["database"] == "ASSIA"
    assert file["records"] == 3 and file["already_imported"] is False
    status = json.loads(run(db, "status", "--json").stdout)
    assert status["records"] == 3 and status["sources"] == 1 and status["duplicates"] == 0
    first_stage = next(iter(status["stages"].values()))
    assert first_stage == {"screened": 0, "included": 0, "excluded": 0, "maybe": 0, "remaining": 3}
    source = status["sources_detail"][0]
    assert source["searched_on"] == "2015-03-01" and source["reported_hits"] == 3


def test_same_bytes_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    run(db, "init")
    run(db, "import", str(DATA / "three.ris"))
    before = table_rows(db)
    copy = tmp_path / "renamed.ris"
    shutil.copy(DATA / "three.ris", copy)
    result = run(db, "import", str(copy), "--json")
    data = json.loads(result.stdout)
    assert data["files"][0]["already_imported"] is True
    assert data["records_total"] == 0
    assert table_rows(db) == before


def test_failed_import_leaves_review_unchanged(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    run(db, "init")
    run(db, "import", str(DATA / "three.ris"))
    before = table_rows(db)
    # a good file and a bad file in one command: neither is stored
    code, out, err = run_main(
        db, "import", str(DATA / "one.ris"), str(DATA / "not_really.ris"), capsys=capsys
    )
    assert code == 1
    assert out == ""
    assert "Error:" in err and "not_really.ris" in err
    assert table_rows(db) == before


def test_empty_file_is_an_error(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    run(db, "init")
    empty = tmp_path / "empty.ris"
    empty.write_text("\n\n", encoding="utf-8")
    code, _, err = run_main(db, "import", str(empty), capsys=capsys)
    assert code == 1 and "empty.ris" in err


def test_missing_review_is_a_clear_error(tmp_path: Path, capsys) -> None:
    code, out, err = run_main(tmp_path / "nope.db", "status", capsys=capsys)
    assert code == 1 and out == ""
    assert err.startswith("Error: no review at") and "Hint:" in err
    assert not (tmp_path / "nope.db").exists()


def test_usage_error_exits_2(tmp_path: Path, capsys) -> None:
    code, _, _ = run_main(tmp_path / "r.db", "import", capsys=capsys)
    assert code == 2


def test_bad_date_is_rejected(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    run(db, "init")
    code, _, err = run_main(
        db, "import", str(DATA / "three.ris"), "--searched-on", "31/03/2015", capsys=capsys
    )
    assert code == 1 and "YYYY-MM-DD" in err


def test_init_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    run(db, "init")
    code, _, err = run_main(db, "init", capsys=capsys)
    assert code == 1 and "--force" in err
    assert run(db, "init", "--force").exit_code == 0


def test_events_are_append_only(review) -> None:
    from litreview.storage.events import append_event

    event_id = append_event(review.db, "decision", stage="title", value="include")
    with pytest.raises(sqlite3.IntegrityError):
        review.db.execute("UPDATE events SET value = 'exclude' WHERE event_id = ?", [event_id])
    with pytest.raises(sqlite3.IntegrityError):
        review.db.execute("DELETE FROM events WHERE event_id = ?", [event_id])


def test_provenance_keeps_every_raw_tag(tmp_path: Path) -> None:
    from litreview.storage.records import iter_records
    from litreview.storage.review import open_review

    db = tmp_path / "r.db"
    run(db, "init")
    run(db, "import", str(DATA / "three.ris"))
    with open_review(db) as review:
        records = list(iter_records(review.db))
    assert [r.position for r in records] == [1, 2, 3]
    second = records[1]
    assert [v for t, v in second.raw if t == "AD"] == [
        "University of Somewhere",
        "Another University",
    ]
    assert records[0].fields.doi == "10.1111/j.1365-2524.2005.00555.x"
    assert records[0].fields.start_page == "155" and records[0].fields.end_page == "163"


def test_newer_schema_is_refused(tmp_path: Path, capsys) -> None:
    db = tmp_path / "r.db"
    run(db, "init")
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('litreview', 'm999_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = table_rows(db)
    code, _, err = run_main(db, "status", capsys=capsys)
    assert code == 1 and "newer litreview" in err
    assert table_rows(db) == before


def test_terminal_output_drops_escape_sequences() -> None:
    import io

    from litreview.cli import _Stdout

    sink = io.StringIO()
    out = _Stdout(sink, terminal=True)
    out.write("\x1b[31mred\x1b[0m \u202eevil\n")
    out.write(b"tab\tkept\n")
    assert sink.getvalue() == "red evil\ntab\tkept\n"
