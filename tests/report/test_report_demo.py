"""Acceptance on the worked example: the demo review, coded as the thesis was, reproduces
its appendix table (Table 14) and its concept-by-domain matrix (Table 8), and its PRISMA
numbers add up. The demo as shipped (our own wording, no ../shared) is a finished review:
tests at the end build it with the real `litreview demo --no-tui` and run the report
commands in its folder. Citations differ from the thesis only as
tests/data/report/citation_fixes.csv documents (the thesis's typos and mixed citation
forms)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import click
import defusedxml.ElementTree as DET
import pytest
from click.testing import CliRunner

from litreview.cli import cli
from litreview.cli.report_cmds import prisma, table
from litreview.report.counts import find_violations
from litreview.storage.review import Review

FIXES = Path(__file__).resolve().parent.parent / "data" / "report" / "citation_fixes.csv"
ROOT = click.Group(
    "litreview",
    params=cli.params,
    callback=cli.callback,
    commands={"prisma": prisma, "table": table},
)
COLUMNS = (
    "Report",
    "Safeguarding context",
    "Nature of study",
    "Data source(s)",
    "How success is conceptualised",
)


def _local_thesis() -> Path | None:
    """The thesis data folder, where a copy is beside the repository (never shipped)."""
    from shared_paths import shared_data_dir

    folder = shared_data_dir() / "thesis"
    return folder if (folder / "table14.csv").exists() else None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Review]:
    """The demo, coded with the thesis's wording where its data is here, else as shipped."""
    from litreview.demo.build import build_demo

    review = build_demo(tmp_path_factory.mktemp("demo"), _local_thesis())
    yield review
    review.close()


def _run(review: Review, *args: str) -> str:
    result = CliRunner().invoke(ROOT, ["--db", str(review.path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _fixes(table_name: str) -> dict[str, tuple[str, str]]:
    with FIXES.open(encoding="utf-8", newline="") as stream:
        return {
            r["bib_id"]: (r["thesis"], r["litreview"])
            for r in csv.DictReader(stream)
            if r["table"] == table_name
        }


def test_studies_table_reproduces_table14(demo: Review, shared_data: Path) -> None:
    folder = shared_data / "thesis"
    with (folder / "table14.csv").open(encoding="utf-8", newline="") as stream:
        thesis = list(csv.DictReader(stream))
    ours = list(csv.reader(io.StringIO(_run(demo, "table", "studies", "--format", "csv"))))
    assert tuple(ours[0]) == COLUMNS
    fixes = _fixes("table14")
    expected = []
    for row in thesis:
        cells = [row[c] for c in COLUMNS]
        bib = row["bib_id"].split(";")[0]
        if bib in fixes:
            assert cells[0] == fixes[bib][0], f"{bib}: the fix names another thesis citation"
            cells[0] = fixes[bib][1]
        expected.append(cells)
    missing = [
        row["bib_id"] for row, cells in zip(thesis, expected, strict=True) if cells not in ours[1:]
    ]
    assert missing == [], "studies of Table 14 missing or different in the demo's table"
    assert ours[1:] == expected  # the same 60 rows, cell for cell, in the same order
    assert len(ours) - 1 == 60


def test_matrix_reproduces_table8(demo: Review, shared_data: Path) -> None:
    from litreview.report.tables import build_matrix

    folder = shared_data / "thesis"
    with (folder / "table8.csv").open(encoding="utf-8", newline="") as stream:
        thesis = list(csv.DictReader(stream))
    matrix = build_matrix(demo, "success_concept", "collaboration_domain")
    rows = {v.label: v.name for v in matrix.row_values}
    cols = {v.label: v.name for v in matrix.col_values}
    assert list(cols) == [
        "Service-user domain",
        "Multi-organisational domain",
        "Multi-professional domain",
    ]
    fixes = _fixes("table8")
    for row in thesis:
        cell = matrix.cells[(rows[row["concept"]], cols[row["domain"]])]
        citation = fixes.get(row["bib_id"], (row["citation"], row["citation"]))[1]
        assert (row["finding_text"], citation) in [(e.text, e.citation) for e in cell], row
    assert sum(len(entries) for entries in matrix.cells.values()) == len(thesis) == 18
    text = _run(demo, "table", "matrix", "--format", "csv")
    grid = list(csv.reader(io.StringIO(text)))
    assert grid[0][0] == "Success concept" and grid[1] == ["Safety as success", "-", "-", "-"]


def test_matrix_places_the_table8_studies_of_the_shipped_codes(demo: Review) -> None:
    """Always runs: every study codes.csv lists for Table 8 sits in the matrix cell(s) of
    its success concept and collaboration domain(s), and nothing else does."""
    from litreview.demo.coding import load_shipped_plans, map_bib_ids
    from litreview.fulltext.reports import find_study_id
    from litreview.report.tables import build_matrix

    works = map_bib_ids(demo)
    expected = set()
    for plan in load_shipped_plans(demo.protocol):
        if "8" in plan.tables:
            study = find_study_id(demo, works[plan.bib_ids[0]])
            (concept,) = plan.codes["success_concept"].values
            expected |= {(concept, d, study) for d in plan.codes["collaboration_domain"].values}
    matrix = build_matrix(demo, "success_concept", "collaboration_domain")
    placed = {(r, c, e.study_id) for (r, c), entries in matrix.cells.items() for e in entries}
    assert placed == expected and len({s for *_, s in expected}) == 18


def test_demo_prisma_adds_up_and_agrees_with_status(demo: Review, tmp_path: Path) -> None:
    from litreview.report.status import review_status

    counts = json.loads(_run(demo, "prisma", "--json"))
    assert find_violations(counts) == []
    status = review_status(demo)
    trace = counts["trace"]
    assert status["records"] == 615 == trace["records"]
    assert counts["database_results"] + sum(counts["other_results"].values()) == 615
    assert status["duplicates"] == trace["duplicates_all_arms"]
    assert status["works"] == trace["works"]
    included = sum(s["included"] for name, s in status["stages"].items() if name == "fulltext")
    assert included == counts["new_reports"]
    assert counts["new_studies"] == 71
    assert counts["database_results_by_source"] == {
        "ProQuest: ASSIA, Social Services Abstracts, Sociological Abstracts": 130,
        "Web of Science Core Collection": 106,
        "Academic Search Complete": 132,
    }


def test_demo_flow_diagram_renders(demo: Review, tmp_path: Path) -> None:
    svg = tmp_path / "flow.svg"
    _run(demo, "prisma", "--svg", str(svg))
    root = DET.fromstring(svg.read_bytes())
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {"box-database_results", "box-other_results", "box-new_studies"} <= ids
    if shutil.which("rsvg-convert") is None:
        pytest.skip("rsvg-convert not installed")
    png = tmp_path / "flow.png"
    subprocess.run(["rsvg-convert", "-o", str(png), str(svg)], check=True, timeout=60)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_demo_ris_export_reimports_to_the_same_works(demo: Review, tmp_path: Path) -> None:
    from litreview.ingest.importer import import_files
    from litreview.protocol import load_template
    from litreview.report.export import export_records
    from litreview.storage import records as records_store
    from litreview.storage import views, works
    from litreview.storage.review import create_review

    text, n = export_records(demo, "ris")
    path = tmp_path / "demo.ris"
    path.write_text(text, encoding="utf-8")
    fresh = create_review(tmp_path / "fresh.db", load_template("default")[0])
    (result,) = import_files(fresh, [path])
    assert n == result.records == 396 and result.problems == []  # the demo's works
    before = []
    for work in works.list_work_ids(demo.db, eligible_only=False):
        fields = views.work_fields(demo.db, work)
        before.append((fields.title, fields.authors, fields.doi))
    after = [
        (r.fields.title, r.fields.authors, r.fields.doi)
        for r in records_store.iter_records(fresh.db)
    ]
    assert sorted(after) == sorted(before)
    fresh.close()


# --- the demo as shipped: always runs, whether or not ../shared is here -----------------


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where `litreview demo --no-tui --dir D` has run (shipped data only)."""
    folder = tmp_path_factory.mktemp("shipped") / "D"
    result = CliRunner().invoke(cli, ["demo", "--no-tui", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "PRISMA 2020 flow\n" in result.stdout and "In progress" not in result.stdout
    assert "255 title-stage exclusions are reconstructed from the source review's" in result.stdout
    return folder


def _in(folder: Path, *args: str) -> tuple[int, str]:
    """Run the real CLI in ``folder`` (its default --db is review.db there)."""
    import os

    before = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(before)
    return result.exit_code, result.stdout


def test_shipped_demo_prisma_adds_up_without_options(shipped_dir: Path) -> None:
    code, out = _in(shipped_dir, "prisma", "--json")
    counts = json.loads(out)
    assert code == 0 and counts["complete"] is True and counts["outstanding"] == []
    assert find_violations(counts) == [] == counts["violations"]
    # every work has a decision at every stage it reaches: 396 works = 68 outside the
    # limits + 255 excluded at the title stage + 73 included reports
    trace = counts["trace"]
    excluded_at_title = counts["records_excluded_by_stage"]["title"]
    excluded_at_title += trace["other_records_excluded_by_stage"]["title"]
    assert trace["works"] == 396 and excluded_at_title == 255
    assert counts["new_studies"] == 71 and counts["new_reports"] == 73
    assert counts["records_screened"] - counts["records_excluded"] == counts["dbr_sought_reports"]
    # other methods: identified -> (not sought) -> sought; the not-sought records add up
    other = sum(counts["other_results"].values())
    not_sought = (other - trace["other_works"]) + trace["other_ineligible"]
    not_sought += trace["other_records_excluded_by_stage"]["title"]
    assert not_sought + counts["other_sought_reports"] == other == 247
    code, out = _in(shipped_dir, "prisma", "--check")
    assert code == 0 and not out.startswith("In progress")
    assert "not sought: excluded at screening" in out


def test_shipped_demo_title_exclusions_say_they_are_reconstructed(shipped_dir: Path) -> None:
    from litreview.demo.coding import CITED_ONLY_NOTE, CITED_ONLY_REASON
    from litreview.screening.team import effective_decisions
    from litreview.storage.review import open_review

    review = open_review(shipped_dir / "review.db")
    try:
        title = effective_decisions(review, "title")
        excluded = [d for d in title.values() if d.value == "exclude"]
        assert len(excluded) == 255
        assert {(d.reason, d.note) for d in excluded} == {(CITED_ONLY_REASON, CITED_ONLY_NOTE)}
        reasons = {r.code for r in review.protocol.stages[0].exclusion_reasons}
        assert CITED_ONLY_REASON in reasons  # a reason of the protocol, not made up here
    finally:
        review.close()


def test_shipped_demo_studies_table_has_60_rows_every_column_filled(shipped_dir: Path) -> None:
    from litreview.demo.coding import _read

    code, out = _in(shipped_dir, "table", "studies", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and tuple(rows[0]) == COLUMNS and len(rows) - 1 == 60
    assert [r for r in rows[1:] if not all(cell.strip() for cell in r)] == []
    designs = {r[2] for r in rows[1:]}
    assert {"Qualitative interview study", "Cohort study", "Mixed methods"} <= designs
    # the success column is our own summary, one sentence per study, never the thesis's
    summaries = {r["success"] for r in _read("summaries.csv") if r["success"]}
    assert {r[4] for r in rows[1:]} == summaries and len(summaries) == 60
    assert all(s.endswith(".") and s.count(". ") == 0 for s in summaries)


def test_shipped_demo_matrix_places_the_18_studies_with_findings(shipped_dir: Path) -> None:
    code, out = _in(shipped_dir, "table", "matrix", "--format", "csv")
    grid = list(csv.reader(io.StringIO(out)))
    assert code == 0 and grid[0][0] == "Success concept"
    cells = [c for row in grid[1:] for c in row[1:] if c != "-"]
    entries = [e for c in cells for e in c.split("\n")]
    assert len(entries) == 18
    # each entry is "finding (citation)": a finding in our words beside every study
    assert all(e.endswith(")") and ". (" in e for e in entries), entries
    code, out = _in(shipped_dir, "table", "matrix")
    assert "18 studies placed." in out


def test_shipped_demo_flow_diagram_is_valid_svg(shipped_dir: Path) -> None:
    code, _ = _in(shipped_dir, "prisma", "--svg", "flow.svg")
    root = DET.fromstring((shipped_dir / "flow.svg").read_bytes())
    assert code == 0 and root.tag == "{http://www.w3.org/2000/svg}svg"
    ids = {g.get("id") for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert {"box-database_results", "box-other_results", "box-new_studies"} <= ids
    texts = root.iter("{http://www.w3.org/2000/svg}text")
    assert [t for t in texts if t.get("id") == "banner"] == []  # a finished review: no banner
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None and "In progress" not in (title.text or "")


def test_shipped_demo_in_progress_names_what_is_outstanding(tmp_path: Path) -> None:
    """Undo one title exclusion of the finished demo: prisma prints, exits 0 and says so;
    --check exits 1."""
    from litreview.demo.build import build_demo
    from litreview.screening.session import undo

    review = build_demo(tmp_path / "D")
    undo(review, reviewer="Quin (2015)", stage="title")
    review.close()
    code, out = _in(tmp_path / "D", "prisma")
    assert code == 0
    assert out.splitlines()[0] == (
        "In progress: 1 work undecided at the title stage. These are the numbers so far."
    )
    code, _ = _in(tmp_path / "D", "prisma", "--check")
    assert code == 1
