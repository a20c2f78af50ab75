"""One format rule for every file a command writes: --format, else the suffix, else an error."""

from __future__ import annotations

from pathlib import Path

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from click.testing import CliRunner

from litreview.cli import cli
from litreview.cli._output_format import EXPORT_SUFFIXES, TABLE_SUFFIXES, output_format
from litreview.errors import InvalidValue


def run(db: Path, *args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr, result.exception


def test_the_rule_itself() -> None:
    assert output_format("csv", "notes.txt", EXPORT_SUFFIXES) == "csv"  # --format wins
    assert output_format(None, "refs.BIB", EXPORT_SUFFIXES) == "bibtex"
    assert output_format(None, None, TABLE_SUFFIXES, default="md") == "md"  # stdout
    with pytest.raises(InvalidValue) as caught:
        output_format(None, "t.pdf", TABLE_SUFFIXES)
    assert "t.pdf" in caught.value.message and "'.pdf'" in caught.value.message
    assert ".csv, .docx, .htm, .html, .markdown, .md, .tex, .xlsx" in (caught.value.hint or "")
    assert "--format" in (caught.value.hint or "")
    with pytest.raises(InvalidValue, match="no suffix"):
        output_format(None, "refs", EXPORT_SUFFIXES)


def test_a_device_or_pipe_takes_the_default_format(tmp_path: Path) -> None:
    """A device or FIFO cannot carry a suffix: the command's default (or only) format."""
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert output_format(None, fifo, EXPORT_SUFFIXES, default="ris") == "ris"
    assert output_format(None, "/dev/null", {".csv": "csv"}) == "csv"
    with pytest.raises(InvalidValue, match="no suffix"):  # several formats, no default
        output_format(None, fifo, TABLE_SUFFIXES)
    with pytest.raises(InvalidValue, match="no suffix"):  # a regular file still needs one
        output_format(None, tmp_path / "refs", EXPORT_SUFFIXES, default="ris")


def test_export_takes_the_format_from_the_suffix(small, tmp_path: Path) -> None:
    db = small.review.path
    bib = tmp_path / "refs.bib"
    code, _, err, exc = run(db, "export", "-o", str(bib))
    assert (code, exc) == (0, None), err
    assert len(parse_string(bib.read_text(encoding="utf-8")).entries) == 9
    ris = tmp_path / "refs.ris"
    assert run(db, "export", "-o", str(ris))[0] == 0
    assert len(rispy.loads(ris.read_text(encoding="utf-8"))) == 9
    csv_file = tmp_path / "refs.csv"
    assert run(db, "export", "-o", str(csv_file))[0] == 0
    assert csv_file.read_text(encoding="utf-8").startswith("record_id,title,abstract,")
    forced = tmp_path / "refs.txt"  # an explicit --format needs no suffix
    assert run(db, "export", "--format", "bibtex", "-o", str(forced))[0] == 0
    assert forced.read_text(encoding="utf-8").startswith("@")


def test_export_xlsx_keeps_the_csv_columns_with_typed_cells(small, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    db = small.review.path
    target = tmp_path / "refs.xlsx"
    code, _, err, exc = run(db, "export", "-o", str(target))
    assert (code, exc) == (0, None), err
    sheet = openpyxl.load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    header = [c for c in rows[0]]
    assert header[:13] == [
        "record_id",
        "title",
        "abstract",
        "authors",
        "year",
        "journal",
        "volume",
        "issue",
        "pages",
        "doi",
        "keywords",
        "type",
        "label_included",
    ]
    assert len(rows) == 10
    assert all(isinstance(r[0], int) for r in rows[1:])  # record ids are numbers
    years = [r[4] for r in rows[1:] if r[4] is not None]
    assert years and all(isinstance(y, int) for y in years)
    code, _, err, _ = run(db, "export", "--format", "xlsx")
    assert code == 2 and "give -o FILE" in err


@pytest.mark.parametrize(
    "args",
    [
        ["table", "studies", "-o", "t.pdf"],
        ["table", "studies", "-o", "t"],
        ["export", "-o", "refs.pdf"],
        ["export-codes", "-o", "codes.xlsx"],
        ["export-decisions", "--reviewer", "ann", "-o", "ann.csv"],
        ["prisma", "--svg", "flow.png"],
        ["prisma", "--csv", "flow.txt"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_unknown_suffixes_are_refused_and_nothing_is_written(
    small, tmp_path: Path, args: list[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = [str(out / a) if "." in a or a == "t" else a for a in args]
    code, _, _, exc = run(small.review.path, *args)
    assert code == 1 and isinstance(exc, InvalidValue), exc
    assert "does not say a format" in exc.message and exc.hint and "name the file" in exc.hint
    assert list(out.iterdir()) == []


def test_table_suffixes_still_choose_the_format(small, tmp_path: Path) -> None:
    target = tmp_path / "t.tex"
    code, _, err, exc = run(small.review.path, "table", "exclusions", "-o", str(target))
    assert (code, exc) == (0, None), err
    assert "\\begin{longtable}" in target.read_text(encoding="utf-8")
    assert "(latex" in err or ", latex)" in err
