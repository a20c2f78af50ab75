"""The second shipped example: what is shipped (and under which licence), how it builds,
and how `status` compares a reviewer's decisions with the published labels."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from litreview.cli import cli
from litreview.demo.examples import EXAMPLES, EXAMPLES_DIR, build_example, read_example
from litreview.errors import InvalidValue
from litreview.screening.published_labels import compare_with_published, load_published_labels
from litreview.storage import works
from litreview.storage.review import Review

REPO_ROOT = Path(__file__).resolve().parents[2]
NAME = "kitchenham_2010"


def _shared_data() -> Path:
    return Path(os.environ.get("LITREVIEW_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example") / "D"
    result = CliRunner().invoke(cli, ["demo", "--example", NAME, "--no-tui", "--dir", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_only_licensed_files_are_shipped_with_their_attribution() -> None:
    expected = {"ATTRIBUTION.md"} | {f for e in EXAMPLES for f in (e.data_file, e.protocol_file)}
    assert {p.name for p in EXAMPLES_DIR.iterdir()} == expected
    attribution = (EXAMPLES_DIR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for e in EXAMPLES:
        assert e.licence.startswith(("CC-BY", "CC0", "MIT"))
        assert f"## {e.name}" in attribution and "CC BY 4.0" in attribution
        assert "Kitchenham, B., Pretorius, R." in attribution  # the review credited
    rows = read_example(EXAMPLES[0])
    assert len(rows) == 1704 and sum(r.included for r in rows) == 45
    assert sum(1 for r in rows if len(r.abstract) >= 50) >= 1650  # real abstracts


def test_list_examples_names_them_with_licence() -> None:
    result = CliRunner().invoke(cli, ["demo", "--list-examples"])
    assert result.exit_code == 0
    assert f"{NAME}:" in result.stdout and "CC-BY 4.0" in result.stdout


def test_unknown_example_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["demo", "--example", "nope", "--no-tui", "--dir", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and isinstance(result.exception, InvalidValue)
    assert "no shipped example 'nope'" in str(result.exception)
    assert NAME in (result.exception.hint or "")
    assert not (tmp_path / "x").exists()


def test_thesis_data_is_for_the_worked_example_only(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["demo", "--example", NAME, "--thesis-data", str(tmp_path), "--dir", str(tmp_path / "x")],
    )
    assert result.exit_code == 2 and "--thesis-data" in result.output
    assert not (tmp_path / "x").exists()


def test_the_example_builds_undecided_without_labels_on_disk(example: Path) -> None:
    records = (example / f"{NAME}.csv").read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(records)))
    assert header == ["record_id", "title", "abstract", "doi", "year"]  # no label column
    before = Path.cwd()
    os.chdir(example)
    try:
        result = CliRunner().invoke(cli, ["status", "--json"])
        text = CliRunner().invoke(cli, ["status"]).stdout
    finally:
        os.chdir(before)
    data = json.loads(result.stdout)
    assert data["records"] == 1704 and data["stages"]["tiab"]["screened"] == 0
    published = data["published_labels"]
    assert (published["published_includes"], published["found"], published["screened"]) == (
        45,
        0,
        0,
    )
    assert "published labels of Kitchenham et al. (2010)" in text
    assert "final (full-text) inclusions" in text and "kappa" not in text.lower()


def test_status_counts_recall_and_what_it_took(tmp_path: Path) -> None:
    """Decisions in a known order: recall of the published includes, the decision at
    which the last one found came, and includes the labels call excludes."""
    from litreview.screening.session import decide

    review: Review = build_example(tmp_path / "E", NAME)
    try:
        labels = load_published_labels(review)
        assert labels is not None
        wanted = [works.work_of(review.db, r) for r in labels.included]
        others = [w for w in works.list_work_ids(review.db) if w not in set(wanted)]
        plan = [
            (wanted[0], "include"),
            (others[0], "include"),
            (others[1], "exclude"),
            (wanted[1], "maybe"),
            (wanted[2], "exclude"),
            (others[2], "exclude"),
        ]
        for work, value in plan:
            decide(review, work, value, stage="tiab", reviewer="me")
        c = compare_with_published(review)
    finally:
        review.close()
    assert c is not None
    assert (c.screened, c.found, c.excluded, c.not_yet_screened) == (6, 2, 1, 42)
    assert c.other_includes == 1 and c.screened_to_last_found == 4
    assert c.recall == pytest.approx(2 / 45)


def test_highlight_terms_mark_the_published_includes_more_often() -> None:
    """The protocol's green terms (written from the study's aim) appear in most published
    includes and far fewer other records; the red terms the other way round."""
    from litreview.protocol import load_protocol_file
    from litreview.tui.highlight import find_terms

    protocol = load_protocol_file(EXAMPLES_DIR / f"{NAME}.toml")
    terms = protocol.highlight
    rows = read_example(EXAMPLES[0])

    def share(included: bool, kind: str) -> float:
        group = [r for r in rows if r.included == included]
        marked = [
            r
            for r in group
            if any(
                m.kind == kind
                for m in find_terms(f"{r.title} {r.abstract}", terms.include, terms.exclude)
            )
        ]
        return len(marked) / len(group)

    assert share(True, "include") >= 0.75 and share(False, "include") <= 0.25
    assert share(True, "exclude") < share(False, "exclude")


@pytest.mark.skipif(not (_shared_data() / "screening").is_dir(), reason="../shared/data is absent")
def test_generator_reproduces_the_shipped_example() -> None:
    from tools.demo.make_examples import build

    files = build(_shared_data() / "screening")
    for name, data in files.items():
        assert data == (EXAMPLES_DIR / name).read_bytes(), f"{name}: re-run make_examples"
        assert gzip.decompress(data).startswith(b"record_id,title,abstract,doi,year,label")
