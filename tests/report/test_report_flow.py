"""The PRISMA flow diagram (SVG) and the PRISMA2020 template CSV."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest

from litreview.report.counts import get_prisma_counts
from litreview.report.flow_svg import FONT, render_flow_svg
from litreview.report.prisma_csv import HEADER, assign_other_methods, render_prisma_csv

SVG = "{http://www.w3.org/2000/svg}"
DBR_BOXES = [
    "database_results",
    "duplicates",
    "records_screened",
    "records_excluded",
    "dbr_sought_reports",
    "dbr_notretrieved_reports",
    "dbr_assessed",
    "dbr_excluded",
    "new_studies",
]
OTHER_BOXES = [
    "other_results",
    "other_sought_reports",
    "other_notretrieved_reports",
    "other_assessed",
    "other_excluded",
]


def _texts(svg: str) -> dict[str, str]:
    """box id -> its text, lines joined by spaces (no-break spaces made plain)."""
    root = DET.fromstring(svg.encode("utf-8"))
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        lines = [t.text or "" for t in group.iter(f"{SVG}text")]
        boxes[group.get("id", "")[4:]] = " ".join(lines).replace("\u00a0", " ")
    return boxes


def test_svg_is_valid_xml_and_shows_every_box(small) -> None:
    svg = render_flow_svg(get_prisma_counts(small.review), title="Code review & defects")
    boxes = _texts(svg)
    assert sorted(boxes) == sorted(DBR_BOXES + OTHER_BOXES)
    assert "Databases (n = 9)" in boxes["database_results"]
    assert "Alpha DB (n = 6)" in boxes["database_results"]
    assert "Beta DB (n = 3)" in boxes["database_results"]
    assert "Duplicate records removed (n = 2)" in boxes["duplicates"]
    assert "automation tools (n = 1)" in boxes["duplicates"]
    assert boxes["records_screened"] == "Records screened (n = 6)"
    assert "No defect data, no <numbers> (n = 1)" in boxes["dbr_excluded"]
    assert "citation searching (n = 3)" in boxes["other_results"]
    assert "Studies included in review (n = 3)" in boxes["new_studies"]
    assert "Reports of included studies (n = 4)" in boxes["new_studies"]
    assert "&lt;numbers&gt;" in svg and "<numbers>" not in svg
    assert "<title>Code review &amp; defects</title>" in svg


def test_svg_escapes_hostile_names_and_drops_the_other_arm_when_unused(small) -> None:
    counts = get_prisma_counts(small.review)
    counts["database_results_by_source"] = {'</text><script>alert(1)</script>\x07"&': 9}
    counts["other_results"], counts["other_sought_reports"] = {}, 0
    svg = render_flow_svg(counts)
    boxes = _texts(svg)  # parses: the name is text, not markup
    assert "<script>" not in svg and "\x07" not in svg
    flat = boxes["database_results"].replace(" ", "")  # the name may wrap at any space
    assert '</text><script>alert(1)</script>"&(n=9)' in flat
    assert sorted(boxes) == sorted(DBR_BOXES)


def test_svg_wraps_long_lines_inside_their_boxes(small) -> None:
    counts = get_prisma_counts(small.review)
    long_name = "A database with a very long name " * 4
    counts["database_results_by_source"] = {long_name.strip(): 9}
    root = DET.fromstring(render_flow_svg(counts).encode("utf-8"))
    group = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "box-database_results")
    rect = group.find(f"{SVG}rect")
    assert rect is not None
    right = float(rect.get("x", 0)) + float(rect.get("width", 0))
    for text in group.iter(f"{SVG}text"):
        assert float(text.get("x", 0)) + 0.56 * FONT * len(text.text or "") <= right
    assert len(list(group.iter(f"{SVG}text"))) >= 6


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
def test_svg_renders_with_rsvg(small, tmp_path: Path) -> None:
    svg = tmp_path / "flow.svg"
    svg.write_text(render_flow_svg(get_prisma_counts(small.review)), encoding="utf-8")
    png = tmp_path / "flow.png"
    subprocess.run(["rsvg-convert", "-o", str(png), str(svg)], check=True, timeout=60)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 900 and height > 600


def _parse_reasons(cell: str) -> list[tuple[str, str]]:
    """What PRISMA2020's PRISMA_parse_reasons_ makes of a cell (its regexes, in Python)."""
    parts = re.split(r"(;)( )?", cell)
    entries = [p for p in parts[::3] if p is not None]
    return [
        (re.sub(",.*$", "", e), re.sub(r".*?,([ 0-9,]*)|.*()", r"\1", e, count=1).strip())
        for e in entries
    ]


def test_prisma_csv_follows_the_r_template(small) -> None:
    counts = get_prisma_counts(small.review)
    counts["dbr_excluded"] = {"No data, at all; sorry": 1}
    rows = list(csv.DictReader(io.StringIO(render_prisma_csv(counts))))
    assert tuple(rows[0].keys()) == HEADER
    by_data = {r["data"]: r for r in rows if r["data"] != "NA"}
    assert len(rows) == 32
    assert by_data["database_results"]["n"] == "9"
    assert _parse_reasons(by_data["database_specific_results"]["n"]) == [
        ("Alpha DB", "6"),
        ("Beta DB", "3"),
    ]
    assert _parse_reasons(by_data["dbr_excluded"]["n"]) == [("No data at all sorry", "1")]
    assert by_data["citations_results"]["n"] == "3"
    assert by_data["citations_results"]["boxtext"] == "citation searching"
    assert by_data["website_results"]["n"] == "0"
    for key in (
        "duplicates",
        "excluded_automatic",
        "records_screened",
        "records_excluded",
        "dbr_sought_reports",
        "dbr_notretrieved_reports",
        "dbr_assessed",
        "other_sought_reports",
        "other_assessed",
        "new_studies",
        "new_reports",
    ):
        assert by_data[key]["n"] == str(counts[key]), key
    assert by_data["total_studies"]["n"] == "3" and by_data["previous_studies"]["n"] == "0"


def test_other_methods_fill_the_template_slots() -> None:
    slots = assign_other_methods(
        {"Websites of charities": 4, "hand searching": 2, "Citation chasing": 5, "experts": 1}
    )
    assert slots["website_results"] == ("Websites of charities", 4)
    assert slots["citations_results"] == ("Citation chasing / experts", 6)
    assert slots["organisation_results"] == ("hand searching", 2)
