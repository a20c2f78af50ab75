"""Table writers: each format escapes user text; spreadsheets never see a formula."""

from __future__ import annotations

import csv
import html.parser
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from litreview.errors import InvalidValue, LitreviewError
from litreview.report.formats import (
    escape_latex,
    escape_markdown,
    neutralise_cell,
    render_text,
    write_table,
)
from litreview.report.model import Table

HOSTILE = '=HYPERLINK("http://x","y")'
TABLE = Table(
    "demo",
    "Title & <caption>",
    ("Study", "Text"),
    (
        ("Smith, 2010", HOSTILE),
        ("Jones, 2011", "50% of $x_1 & {y} #2 ~ ^ \\ | *a* <b>b</b> [l](u)\nsecond line"),
        ("-", "+1"),
        ("@SUM(1)", "\tTab"),
    ),
    ("A note | with a pipe",),
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+cmd", "'+cmd"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-", "-"),
        ("-3", "-3"),
        ("+1.5", "+1.5"),
        ("Plain", "Plain"),
        ("", ""),
    ],
)
def test_neutralise_cell(cell: str, expected: str) -> None:
    assert neutralise_cell(cell) == expected


def test_csv_neutralises_formulas() -> None:
    rows = list(csv.reader(io.StringIO(render_text(TABLE, "csv"))))
    assert rows[0] == ["Study", "Text"]
    assert rows[1] == ["Smith, 2010", "'" + HOSTILE]
    assert rows[3] == ["-", "+1"]
    assert rows[4] == ["'@SUM(1)", "'\tTab"]


def test_markdown_escapes_markup_and_keeps_one_row_per_line() -> None:
    text = render_text(TABLE, "md")
    assert escape_markdown("a|b *c* <d> [e](f) _g_ `h`") == (
        r"a\|b \*c\* \<d\> \[e\](f) \_g\_ \`h\`"
    )
    lines = text.splitlines()
    assert lines[0] == r"**Title \& \<caption\>**"
    assert lines[2] == "| Study | Text |"
    assert "<br>second line" in lines[5] and lines[5].count(" | ") == 1
    assert lines[-1] == r"A note \| with a pipe"


def test_latex_escapes_every_special_character() -> None:
    assert escape_latex("50% of $x_1 & {y} #2 ~ ^ \\") == (
        r"50\% of \$x\_1 \& \{y\} \#2 \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    text = render_text(TABLE, "latex")
    assert "\\begin{longtable}{p{\\dimexpr " in text
    assert "XeLaTeX or LuaLaTeX" in text.splitlines()[1]  # a header comment says so
    assert "\\caption{Title \\& \\textless{}caption\\textgreater{}}" in text
    assert "\\newline second line" in text


def test_html_is_escaped_and_well_formed() -> None:
    text = render_text(TABLE, "html")
    assert "<b>b</b>" not in text and "&lt;b&gt;b&lt;/b&gt;" in text
    assert "<caption>Title &amp; &lt;caption&gt;</caption>" in text

    class Cells(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.cells: list[str] = []
            self.open: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag in ("td", "th"):
                self.cells.append("")
            if tag not in ("br", "meta"):
                self.open.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.open.pop() == tag

        def handle_data(self, data: str) -> None:
            if self.cells:
                self.cells[-1] += data

    parser = Cells()
    parser.feed(text)
    assert parser.open == []
    cells = [c.strip() for c in parser.cells]
    assert HOSTILE in cells and "@SUM(1)" in cells  # html is not a spreadsheet


def test_docx_opens_with_python_docx(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    path = tmp_path / "t.docx"
    write_table(TABLE, "docx", path)
    document = docx.Document(str(path))
    grid = document.tables[0]
    assert [c.text for c in grid.rows[0].cells] == ["Study", "Text"]
    assert grid.rows[1].cells[1].text == HOSTILE
    assert "second line" in grid.rows[2].cells[1].text
    assert document.paragraphs[0].text == "Title & <caption>"


def test_xlsx_cells_are_text_never_formulas(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    table = Table("sheet/with:bad*chars", "T", ("A",), (("=1+1",), (HOSTILE,), ("x\x00y",)))
    write_table(table, "xlsx", path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "sheet_with_bad_chars"
    cells = [sheet.cell(row=r, column=1) for r in (2, 3, 4)]
    assert [c.value for c in cells] == ["=1+1", HOSTILE, "xy"]  # no visible guard
    assert all(c.data_type == "s" for c in cells)  # strings: a spreadsheet never runs them


def test_xlsx_numbers_are_numbers_and_codes_stay_text(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "t.xlsx"
    cells = ("12", "3.50", "40%", "-1", "007", "9780306406157", "1,5", "2010-2015", "n = 4")
    write_table(Table("t", "T", ("count",) * len(cells), (cells,)), "xlsx", path)
    row = [openpyxl.load_workbook(path).active.cell(row=2, column=c + 1) for c in range(len(cells))]
    assert [c.value for c in row[:4]] == [12, 3.5, 0.4, -1]
    assert [c.data_type for c in row[:4]] == ["n"] * 4
    assert [c.number_format for c in row[:4]] == ["0", "0.00", "0%", "0"]
    assert [c.value for c in row[4:]] == list(cells[4:])  # leading zeros, ISBNs: text
    assert all(c.data_type == "s" for c in row[4:])


@pytest.mark.parametrize("headers", [("a",), ("Study", "Text"), tuple("abcdefgh")])
def test_latex_columns_fill_exactly_the_text_width(headers: tuple[str, ...]) -> None:
    import re

    rows = (
        tuple("x" * (5 * i + 1) + " word" for i in range(len(headers))),
        tuple("https://example.org/a/very/long/url/indeed" for _ in headers),
    )
    text = render_text(Table("t", "T", headers, rows), "latex")
    shares = [float(w) for w in re.findall(r"p\{\\dimexpr ([0-9.]+)\\linewidth-2\\tabcolsep", text)]
    assert len(shares) == len(headers)
    # each column is share*linewidth - 2 tabcolsep wide, plus its 2 tabcolsep of padding:
    # the table is sum(share) * linewidth, never wider than the text block
    assert 0.999 <= sum(shares) <= 1.0
    assert min(shares) > 0.02


def test_binary_formats_need_a_file_and_unknown_formats_fail() -> None:
    with pytest.raises(InvalidValue, match="writes a file"):
        render_text(TABLE, "docx")
    with pytest.raises(InvalidValue, match="unknown table format"):
        render_text(TABLE, "pdf")


def test_missing_optional_package_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    for fmt in ("docx", "xlsx"):
        with pytest.raises(LitreviewError, match="optional package") as caught:
            write_table(TABLE, fmt, tmp_path / f"t.{fmt}")
        assert caught.value.hint == "pip install 'litreview[report]'"


def test_text_formats_write_files(tmp_path: Path) -> None:
    for fmt in ("csv", "md", "latex", "html"):
        path = tmp_path / f"t.{fmt}"
        write_table(TABLE, fmt, path)
        assert path.read_text(encoding="utf-8") == render_text(TABLE, fmt)


def test_docx_converts_with_libreoffice_when_installed(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    path = tmp_path / "t.docx"
    write_table(TABLE, "docx", path)
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "t.pdf").read_bytes()[:5] == b"%PDF-"
