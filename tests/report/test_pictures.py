"""Figures (`litreview plot`), PRISMA as PNG/PDF and the one-file HTML report.

Every figure is checked for format validity (PNG/PDF magic, PNG width from its header,
SVG parsed as XML), and the numbers it drew (`plot --json`, the same values the drawing
used) against the JSON the CLI prints for the same data: `simulate --json`,
`status --json`, `agreement --json`, `table sources`."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as DET
import pytest
from click.testing import CliRunner

from litreview.cli import cli, main
from litreview.storage.review import Review

pytest.importorskip("matplotlib")
TINY = Path(__file__).resolve().parent.parent / "data" / "screen" / "tiny.csv"


def run(args: list[str], db: Path | None = None) -> str:
    prefix = ["--db", str(db)] if db else []
    result = CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def svg_root(path: Path) -> object:
    root = DET.fromstring(path.read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Review]:
    from litreview.demo.build import build_demo

    review = build_demo(tmp_path_factory.mktemp("demo"), None)
    yield review
    review.close()


# ---- recall from a simulate trace --------------------------------------------------------


def _trace_matches_simulate(csv_path: Path, tmp_path: Path, seeds: str) -> dict[str, object]:
    trace = tmp_path / "trace.csv"
    simulated = json.loads(
        run(["simulate", str(csv_path), "--seeds", seeds, "--trace-out", str(trace), "--json"])
    )[0]
    png = tmp_path / "recall.png"
    drawn = json.loads(run(["plot", "recall", "--trace", str(trace), "-o", str(png), "--json"]))
    width, _ = png_size(png.read_bytes())
    assert width >= 1000
    (panel,) = drawn
    assert [c["seed"] for c in panel["curves"]] == simulated["seeds"]
    for curve, simulated_run in zip(panel["curves"], simulated["runs"], strict=True):
        assert curve["wss95"] == pytest.approx(simulated_run["wss95"])
        assert curve["screened_to_95"] == simulated_run["screened_to_95"]
        assert curve["found"][-1] == curve["relevant"]
        assert len(curve["found"]) == simulated["records"] - 2  # the two priors are not drawn
        stops = {m["rule"]: m["stopped_after"] for m in curve["stops"]}
        assert stops == {rule: s["stopped_after"] for rule, s in simulated_run["stops"].items()}
    assert panel["default_rule"] == simulated["default_stop"]
    return simulated


def test_recall_from_a_trace_equals_simulate_json(tmp_path: Path) -> None:
    _trace_matches_simulate(TINY, tmp_path, "1,2,3")


def test_recall_from_a_trace_of_real_data(tmp_path: Path, shared_data: Path) -> None:
    """A real labelled set (the smallest of the screening sets), SVG and PDF too."""
    simulated = _trace_matches_simulate(
        shared_data / "screening" / "Cohen_2006_Antihistamines.csv", tmp_path, "1,2"
    )
    assert simulated["included"] > 10
    run(["plot", "recall", "--trace", str(tmp_path / "trace.csv"), "-o", str(tmp_path / "r.svg")])
    svg_root(tmp_path / "r.svg")
    run(["plot", "recall", "--trace", str(tmp_path / "trace.csv"), "-o", str(tmp_path / "r.pdf")])
    assert is_pdf((tmp_path / "r.pdf").read_bytes())


def test_a_broken_trace_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = tmp_path / "trace.csv"
    trace.write_text(
        "file,seed,position,record_id,label,is_prior\nx.csv,1,1,a,yes,0\n", encoding="utf-8"
    )
    with pytest.raises(SystemExit) as exc:
        main(["plot", "recall", "--trace", str(trace), "-o", str(tmp_path / "r.png")])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "trace.csv:2:" in err and "Hint:" in err
    assert not (tmp_path / "r.png").exists()


# ---- the live review ---------------------------------------------------------------------


def test_live_recall_equals_status(demo: Review, tmp_path: Path) -> None:
    status = json.loads(run(["status", "--json"], demo.path))
    out = tmp_path / "recall.svg"
    drawn = json.loads(run(["plot", "recall", "-o", str(out), "--json"], demo.path))
    svg_root(out)
    report = status["stopping"]["title"]
    assert len(drawn["found"]) == report["screened"] == status["stages"]["title"]["screened"]
    assert drawn["found"][-1] == report["found"] == status["stages"]["title"]["included"]
    assert drawn["total"] == report["total"]
    assert drawn["default_rule"] == report["default_rule"]
    assert drawn["default_says_stop"] == report["rules"][report["default_rule"]]["stop"]
    assert drawn["recall"] == report["recall_estimate"]["recall"]
    assert drawn["recall_lower"] == report["recall_estimate"]["lower"]
    abstract = json.loads(
        run(["plot", "recall", "--stage", "abstract", "-o", str(out), "--json"], demo.path)
    )
    assert abstract["found"][-1] == status["stopping"]["abstract"]["found"]


def test_progress_equals_status(demo: Review, tmp_path: Path) -> None:
    status = json.loads(run(["status", "--json"], demo.path))
    out = tmp_path / "progress.pdf"
    drawn = json.loads(run(["plot", "progress", "-o", str(out), "--json"], demo.path))
    assert is_pdf(out.read_bytes())
    title = status["stages"]["title"]
    assert sum(sum(days) for days in drawn["per_reviewer"].values()) == title["screened"]
    assert sum(drawn["includes_per_block"]) == title["included"]
    assert sum(drawn["block_sizes"]) == title["screened"]
    assert all(size == 100 for size in drawn["block_sizes"][:-1])


def test_sources_equal_the_sources_table(demo: Review, tmp_path: Path) -> None:
    status = json.loads(run(["status", "--json"], demo.path))
    table = list(
        csv.DictReader(io.StringIO(run(["table", "sources", "--format", "csv"], demo.path)))
    )
    out = tmp_path / "sources.png"
    drawn = json.loads(run(["plot", "sources", "-o", str(out), "--json"], demo.path))
    width, height = png_size(out.read_bytes())
    assert (width, height) == (1300, 800)  # 6.5 x 4 in at 200 dpi
    per_source = {row["Source"]: int(row["Works"]) for row in table if row["Arm"]}
    assert drawn["works"] == per_source
    assert {row["Source"]: int(row["Records"]) for row in table if row["Arm"]} == drawn["records"]
    combos = {tuple(members): n for members, n in drawn["combinations"]}
    assert sum(combos.values()) == status["works"]
    for source in drawn["sources"]:  # a source's works are the combinations holding it
        assert sum(n for members, n in combos.items() if source in members) == per_source[source]
        unique = next(r for r in table if r["Source"] == source)["Unique works"]
        assert combos.get((source,), 0) == int(unique)


def test_size_options(demo: Review, tmp_path: Path) -> None:
    out = tmp_path / "small.png"
    run(
        ["plot", "sources", "-o", str(out), "--width", "3.4", "--height", "3", "--dpi", "300"],
        demo.path,
    )
    assert png_size(out.read_bytes()) == (1020, 900)


@pytest.fixture(scope="module")
def dual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Review]:
    from litreview.dedup.apply import run_dedup
    from litreview.demo import DEMO_DIR
    from litreview.demo.build import DEMO_SOURCES
    from litreview.ingest.importer import import_files
    from litreview.protocol import load_template
    from litreview.screening import session
    from litreview.storage.review import create_review

    text = load_template("safeguarding")[0].replace('mode = "single"', 'mode = "dual"', 1)
    review = create_review(tmp_path_factory.mktemp("dual") / "dual.db", text)
    for source in DEMO_SOURCES:
        import_files(review, [DEMO_DIR / source.file], source.options)
    run_dedup(review)
    rng = random.Random(7)
    works = [v.record_id for v in session.next_records(review, "title", reviewer="ann", n=60)]
    for record_id in works:
        first = "include" if rng.random() < 0.4 else "exclude"
        second = first if rng.random() < 0.8 else ("exclude" if first == "include" else "maybe")
        for reviewer, decision in (("ann", first), ("bob", second)):
            session.decide(
                review,
                record_id,
                decision,
                stage="title",
                reviewer=reviewer,
                reason="unrelated" if decision == "exclude" else None,
            )
    yield review
    review.close()


def test_agreement_equals_agreement_json(dual: Review, tmp_path: Path) -> None:
    stats = json.loads(run(["agreement", "--stage", "title", "--json"], dual.path))[0]
    out = tmp_path / "agreement.svg"
    drawn = json.loads(run(["plot", "agreement", "-o", str(out), "--json"], dual.path))
    svg_root(out)
    assert drawn["reviewers"] == stats["reviewers"]
    assert drawn["both_decided"] == stats["both_decided"] == 60
    assert sum(map(sum, drawn["counts"])) == stats["both_decided"]
    for key in ("percent_agreement", "cohen_kappa", "pabak"):
        assert drawn[key] == stats[key]
    assert "maybe" in drawn["categories"]
    # the table gives the same kappa as a textbook computation of it
    from sklearn.metrics import cohen_kappa_score

    cats = drawn["categories"]
    pairs = [
        (cats[i], cats[j])
        for i, row in enumerate(drawn["counts"])
        for j, n in enumerate(row)
        for _ in range(n)
    ]
    kappa = cohen_kappa_score([a for a, _ in pairs], [b for _, b in pairs])
    assert kappa == pytest.approx(stats["cohen_kappa"], abs=1e-4)
    diagonal = sum(drawn["counts"][i][i] for i in range(len(cats)))
    assert 100 * diagonal / 60 == pytest.approx(stats["percent_agreement"], abs=0.01)


def test_agreement_without_dual_screening_says_why(
    demo: Review, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--db", str(demo.path), "plot", "agreement", "-o", str(tmp_path / "a.png")])
    err = capsys.readouterr().err
    assert "Error: no record was decided by two reviewers" in err and "Hint:" in err


@pytest.mark.parametrize("name", ["figure.jpg", "figure", "figure.svgz"])
def test_unknown_suffix_is_refused(
    demo: Review, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(demo.path), "plot", "sources", "-o", str(tmp_path / name)])
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "cannot tell the figure format" in err and ".svg, .png or .pdf" in err
    assert not (tmp_path / name).exists()


def test_without_matplotlib_the_error_says_how_to_install(
    demo: Review,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    with pytest.raises(SystemExit):
        main(["--db", str(demo.path), "plot", "sources", "-o", str(tmp_path / "s.png")])
    err = capsys.readouterr().err
    assert "needs matplotlib" in err and "pip install 'litreview[plot]'" in err
    assert not (tmp_path / "s.png").exists()


def test_record_text_is_never_math(tmp_path: Path) -> None:
    """A '$' in a database name is drawn as a '$', not parsed as a formula."""
    from litreview.report.plot_data import SourceOverlap
    from litreview.report.plots import render

    names = ("Cost $x_{1}$ DB", "Other")
    data = SourceOverlap(
        names,
        {names[0]: 3, names[1]: 2},
        {names[0]: 3, names[1]: 2},
        (((names[0],), 2), ((names[0], names[1]), 1), ((names[1],), 1)),
    )
    svg = render(data, "svg").decode("utf-8")
    assert "Cost $x_{1}$ DB" in svg


# ---- PRISMA as an image ------------------------------------------------------------------


def test_prisma_png_and_pdf(demo: Review, tmp_path: Path) -> None:
    png, pdf, svg = tmp_path / "flow.png", tmp_path / "flow.pdf", tmp_path / "flow.svg"
    run(["prisma", "--png", str(png), "--pdf", str(pdf), "--svg", str(svg)], demo.path)
    width, height = png_size(png.read_bytes())
    root = svg_root(svg)
    svg_w, svg_h = float(root.get("width")), float(root.get("height"))  # type: ignore[attr-defined]
    assert width >= 1000
    assert width / height == pytest.approx(svg_w / svg_h, rel=0.01)  # the same layout
    data = pdf.read_bytes()
    assert is_pdf(data)
    assert b"Success and collaboration" in data  # the title is in the PDF's metadata


def test_prisma_png_of_one_arm_is_still_wide(review: Review, tmp_path: Path) -> None:
    png = tmp_path / "flow.png"
    run(["prisma", "--png", str(png)], review.path)
    assert png_size(png.read_bytes())[0] >= 1000


# ---- the HTML report ---------------------------------------------------------------------


def _check_self_contained(text: str) -> None:
    for match in re.finditer(r"""(?:src|href)\s*=\s*["']([^"']*)""", text, re.I):
        url = match.group(1)
        assert not re.match(r"\s*(https?:)?//", url, re.I) or url.startswith("https://doi.org/"), (
            url
        )
    assert "@import" not in text
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", text, re.I)
    assert "<script" not in text.lower()
    assert "<link" not in text.lower() and "<iframe" not in text.lower()


def test_the_demo_report_is_one_valid_self_contained_file(demo: Review, tmp_path: Path) -> None:
    import html5lib

    out = tmp_path / "report.html"
    run(["report", "-o", str(out)], demo.path)
    text = out.read_text(encoding="utf-8")
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(text)  # strict: raises on any HTML5 parse error
    _check_self_contained(text)
    headings = [h.text for h in document.iter("h2")]
    assert headings == [
        "Protocol",
        "Searches (PRISMA-S)",
        "PRISMA 2020 flow",
        "Screening",
        "Appraisal",
        "Included studies",
        "Methods",
    ]
    assert len(list(document.iter("{http://www.w3.org/2000/svg}svg"))) == 3  # flow, 2 recall
    status = json.loads(run(["status", "--json"], demo.path))
    prisma = json.loads(run(["prisma", "--json"], demo.path))
    body = " ".join(document.find("body").itertext())
    assert f"Studies included in review {prisma['new_studies']:,}" in body
    assert f"Records screened {prisma['records_screened']:,}" in body
    methods = "".join(document.find(".//h2[@id='methods']/../p[last()]").itertext())
    for source in status["sources_detail"]:
        if source["arm"] == "database":
            assert (
                f"{source['database']} via {source['platform']} on "
                f"{source['searched_on']} ({source['records']:,} records)" in methods
            )
    assert f"found {status['duplicates']:,} duplicates" in methods
    assert "Quin (2015)" in methods  # the reviewer recorded in the log
    tables = [t.find("caption").text for t in document.iter("table")]
    assert any("matrix" in (c or "").lower() or "by" in (c or "") for c in tables)


def test_report_escapes_record_text(review: Review, tmp_path: Path) -> None:
    """Names and queries typed at import, and record titles in the studies table, reach
    the page as text: never as markup, never as a script."""
    import html5lib

    from litreview.ingest.importer import ImportOptions, import_files

    hostile = '<script>alert("x")</script> & <img src=http://evil.example/x>'
    data = Path(__file__).resolve().parent.parent / "data"
    import_files(
        review,
        [data / "one.ris"],
        ImportOptions(
            database=hostile, platform="<b>Plat</b>", searched_on="2024-01-02", query=hostile
        ),
    )
    out = tmp_path / "report.html"
    run(["report", "-o", str(out)], review.path)
    text = out.read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(text)
    _check_self_contained(text)
    assert "<script" not in text and "<img" not in text and "<b>Plat" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in text


def test_report_refuses_other_suffixes(demo: Review, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(demo.path), "report", "-o", str(tmp_path / "r.pdf")]
    )
    assert result.exit_code == 2 and ".html" in result.output


def test_many_seeds_are_drawn_as_a_band(tmp_path: Path) -> None:
    """Past ten seeds the lines become a band (the range) with the median."""
    from litreview.report.plot_data import SeedCurve, StopMark, TraceRecall
    from litreview.report.plots import render

    rng = random.Random(3)
    curves = []
    for seed in range(12):
        labels = [1 if rng.random() < 0.2 else 0 for _ in range(200)]
        found = tuple(sum(labels[: i + 1]) for i in range(200))
        curves.append(
            SeedCurve(
                seed,
                found,
                found[-1],
                0.5,
                100,
                (StopMark("knee", 150, found[149]), StopMark("never", None, None)),
            )
        )
    out = tmp_path / "band.svg"
    out.write_bytes(render([TraceRecall("set.csv", tuple(curves), "knee")], "svg"))
    svg_root(out)
    text = out.read_text(encoding="utf-8")
    assert "range of 12 seeds" in text and "one line per seed" not in text
    assert "Stopped: knee (default)" in text and "never: never stopped" in text


def test_live_recall_draws_an_interval_when_status_gives_one() -> None:
    """The random-check rule (issue 14) adds an upper bound to the recall estimate: the
    figure and the report's statement give the whole interval."""
    from litreview.report.html_report import stopping_statement
    from litreview.report.plot_data import LiveRecall
    from litreview.report.plots import render

    data = LiveRecall(
        stage="title",
        label="Title screening",
        found=(1, 1, 2, 2, 3, 3, 3),
        total=20,
        default_rule="random_check",
        default_says_stop=False,
        recall=0.8,
        recall_lower=0.6,
        recall_upper=0.95,
        recall_target=0.95,
        stopped=False,
    )
    svg = render(data, "svg").decode("utf-8")
    assert "95% interval 60%-95%" in svg and "random_check says go on" in svg
    report = {
        "found": 3,
        "screened": 7,
        "total": 20,
        "default_rule": "random_check",
        "rules": {"random_check": {"stop": False}},
        "recall_target": 0.95,
        "recall_estimate": {"recall": 0.8, "lower": 0.6, "upper": 0.95},
        "stopped": None,
    }
    text = stopping_statement("Title screening", report)
    assert "the random_check rule now says go on" in text
    assert "Estimated recall 80.0% (95% interval 60.0% to 95.0%)" in text
    stopped = report | {
        "stopped": {"reviewer": "ann", "at": "2026-01-02T10:00:00", "rule": "random_check"}
    }
    assert "stopped by ann on 2026-01-02 under the random_check rule" in stopping_statement(
        "Title screening", stopped
    )
