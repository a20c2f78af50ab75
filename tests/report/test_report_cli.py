"""`litreview prisma`, `table` and `export` on the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click
import defusedxml.ElementTree as DET
import pytest
from click.testing import CliRunner

from litreview.cli import cli
from litreview.cli.report_cmds import export, prisma, table
from litreview.errors import InvalidValue, PrismaInconsistent
from litreview.report.counts import PRISMA_KEYS

# the root group's --db option and callback, with the report commands (the lead registers
# them on the real group; tests must not change that shared object)
ROOT = click.Group(
    "litreview",
    params=cli.params,
    callback=cli.callback,
    commands={c.name: c for c in (prisma, table, export) if c.name},
)


def run(db: Path, *args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(ROOT, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr, result.exception


def test_prisma_json_prints_one_document_with_the_r_package_keys(small) -> None:
    code, out, err, exc = run(small.review.path, "prisma", "--json")
    assert (code, exc) == (0, None)
    data = json.loads(out)
    assert list(data)[: len(PRISMA_KEYS)] == list(PRISMA_KEYS)
    assert data["new_studies"] == 3 and data["dbr_excluded"] == {"No defect data, no <numbers>": 1}


def test_prisma_writes_svg_and_csv(small, tmp_path: Path) -> None:
    svg, table_csv = tmp_path / "flow.svg", tmp_path / "prisma.csv"
    code, out, err, exc = run(
        small.review.path, "prisma", "--svg", str(svg), "--csv", str(table_csv)
    )
    assert (code, exc, out) == (0, None, "")
    assert f"Wrote {svg}" in err
    DET.fromstring(svg.read_bytes())
    rows = list(csv.DictReader(io.StringIO(table_csv.read_text(encoding="utf-8"))))
    assert {r["data"]: r["n"] for r in rows}["records_screened"] == "6"


def test_prisma_text_summary(small) -> None:
    code, out, _, _ = run(small.review.path, "prisma")
    assert code == 0
    assert "Records screened" in out and "Studies included" in out
    assert "graded high" in out


def test_prisma_on_a_review_in_progress_prints_the_numbers_so_far(
    small_imported, tmp_path: Path
) -> None:
    db = small_imported.review.path
    banner = "In progress: 8 works undecided at the title stage. These are the numbers so far."
    code, out, err, exc = run(db, "prisma")
    assert (code, exc) == (0, None)
    assert out.splitlines()[0] == banner and "Records screened" in out
    code, out, err, exc = run(db, "prisma", "--json")
    data = json.loads(out)  # the banner goes to stderr: stdout stays one JSON document
    assert code == 0 and banner in err
    assert data["complete"] is False
    assert data["outstanding"] == ["8 works undecided at the title stage"]
    assert data["violations"] and data["records_screened"] == 6
    svg = tmp_path / "flow.svg"
    code, out, err, exc = run(db, "prisma", "--svg", str(svg))
    assert (code, out) == (0, "") and banner in err
    root = DET.fromstring(svg.read_bytes())
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and "In progress: 8 works undecided" in (title.text or "")
    shown = [t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("id") == "banner"]
    assert [t.text for t in shown] == [banner]  # visible under the diagram, not only in <title>
    code, out, _, _ = run(db, "prisma", "--partial", "--json")  # old scripts keep working
    assert code == 0 and json.loads(out)["violations"]


def test_prisma_check_exits_1_and_writes_nothing_when_numbers_do_not_add_up(
    small_imported, tmp_path: Path
) -> None:
    svg = tmp_path / "flow.svg"
    code, out, _, exc = run(small_imported.review.path, "prisma", "--check", "--svg", str(svg))
    assert code == 1 and isinstance(exc, PrismaInconsistent) and out == ""
    assert not svg.exists()
    assert "dbr_sought_reports" in str(exc) and "without --check" in (exc.hint or "")


def test_prisma_check_passes_a_finished_review(small) -> None:
    code, out, _, exc = run(small.review.path, "prisma", "--check", "--json")
    assert (code, exc) == (0, None)
    assert json.loads(out)["complete"] is True and json.loads(out)["outstanding"] == []


def test_outputs_never_overwrite_the_review_file(small) -> None:
    db = small.review.path
    for args in (
        ["prisma", "--svg", str(db)],
        ["table", "studies", "-o", str(db)],
        ["export", "-o", str(db)],
        ["prisma", "--csv", f"{db}-wal"],
    ):
        code, _, _, exc = run(db, *args)
        assert code == 1 and isinstance(exc, InvalidValue), args
        assert "refusing to write over the review file" in str(exc)
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"


def test_table_prints_markdown_by_default_and_guesses_the_format_from_o(
    small, tmp_path: Path
) -> None:
    code, out, _, _ = run(
        small.review.path, "table", "matrix", "--rows", "venue", "--cols", "method"
    )
    assert code == 0 and out.startswith("**Venue by Method**")
    target = tmp_path / "studies.csv"
    code, out, err, _ = run(small.review.path, "table", "studies", "-o", str(target))
    assert code == 0 and out == "" and "(2 rows, csv)" in err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[2][3] == "'=SUM(A1:A9) & 50% <faster>"


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_table_binary_formats(small, tmp_path: Path, fmt: str) -> None:
    pytest.importorskip({"docx": "docx", "xlsx": "openpyxl"}[fmt])
    code, _, err, _ = run(small.review.path, "table", "exclusions", "--format", fmt)
    assert code == 2 and "give -o FILE" in err
    target = tmp_path / f"t.{fmt}"
    code, _, _, exc = run(small.review.path, "table", "exclusions", "-o", str(target))
    assert (code, exc) == (0, None) and target.stat().st_size > 1000
    if fmt == "xlsx":  # the record's title =HYPERLINK(...) stays text, with no guard
        import zipfile

        import openpyxl

        title = openpyxl.load_workbook(target).active.cell(row=2, column=3)
        assert (title.value, title.data_type) == ('=HYPERLINK("http://x","y")', "s")
        sheet = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
        assert re.search(r"<f[ >]", sheet) is None  # no formula anywhere
        assert 't="inlineStr"><is><t>=HYPERLINK(' in sheet  # a string cell


def test_export_to_stdout_and_file(small, tmp_path: Path) -> None:
    code, out, err, _ = run(small.review.path, "export", "--format", "csv", "--decision", "include")
    assert code == 0 and "Exported 4 records" in err
    assert len(list(csv.DictReader(io.StringIO(out)))) == 4
    target = tmp_path / "all.ris"
    code, out, err, _ = run(small.review.path, "export", "-o", str(target))
    assert code == 0 and out == "" and f"Exported 9 records to {target}" in err
    assert target.read_text(encoding="utf-8").count("ER  - ") == 9


def test_commands_have_help() -> None:
    for command in (prisma, table, export):
        assert command.help
