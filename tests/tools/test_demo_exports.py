"""The demo review's shipped data: consistent with itself, and reproducible by its generator."""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_DIR = REPO_ROOT / "litreview" / "demo"
EXPORTS = ("proquest.ris", "wos.ris", "ebsco.ris", "other_methods.ris")
GENERATED = (*EXPORTS, "truth.csv", "codes.csv")
TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")


def _shared_data() -> Path:
    return Path(os.environ.get("LITREVIEW_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def _read_csv(name: str) -> list[dict[str, str]]:
    with (DEMO_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _truth() -> list[dict[str, str]]:
    return _read_csv("truth.csv")


def _table_ids(table: str) -> set[str]:
    """Bibliography ids of the studies codes.csv lists for the thesis's Table ``table``."""
    return {
        i
        for row in _read_csv("codes.csv")
        if table in row["tables"].split()
        for i in row["bib_ids"].split(";")
    }


def _table_rows(table: str) -> int:
    """Rows the thesis's Table ``table`` has, counted from codes.csv (a study cited twice
    in Table 14, or in both tables, is one row of codes.csv)."""
    return sum(row["tables"].split().count(table) for row in _read_csv("codes.csv"))


def _records(name: str) -> list[dict[str, list[str]]]:
    """A minimal RIS reader for these files only (tags -> values), BOM and CRLF tolerant."""
    text = (DEMO_DIR / name).read_bytes().decode("utf-8-sig")
    records: list[dict[str, list[str]]] = []
    current: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        match = TAG_LINE.match(line)
        if not match:
            continue
        tag, value = match.groups()
        if tag == "ER":
            records.append(dict(current))
            current = defaultdict(list)
        else:
            current[tag].append(value)
    return records


def _identity(record: dict[str, list[str]]) -> tuple[str, str, str]:
    """Normalised title, year and first-author surname: the same for every copy of a work."""

    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text.replace("æ", "ae"))
        return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if c.isascii()).lower())

    title = (record.get("TI") or record.get("T1") or [""])[0]
    year = (record.get("PY") or record.get("Y1") or [""])[0][:4]
    first_author = (record.get("AU") or [""])[0].split(",")[0]
    return fold(title), year, fold(first_author)


@pytest.mark.parametrize("name", EXPORTS)
def test_record_count_matches_truth(name: str) -> None:
    expected = sum(1 for row in _truth() if row["file"] == name)
    text = (DEMO_DIR / name).read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    assert expected > 0
    assert sum(line.startswith("TY  - ") for line in lines) == expected
    assert sum(line.rstrip() == "ER  -" for line in lines) == expected
    assert len(_records(name)) == expected


def test_truth_positions_are_complete_and_unique() -> None:
    by_file: dict[str, list[int]] = defaultdict(list)
    works_in_file: dict[str, list[str]] = defaultdict(list)
    for row in _truth():
        by_file[row["file"]].append(int(row["position"]))
        works_in_file[row["file"]].append(row["work_id"])
    assert sorted(by_file) == sorted(EXPORTS)
    for name, positions in by_file.items():
        assert sorted(positions) == list(range(1, len(positions) + 1)), name
        assert len(set(works_in_file[name])) == len(works_in_file[name]), name


def test_demo_holds_every_reference_and_396_works() -> None:
    truth = _truth()
    assert len({row["bib_id"] for row in truth}) == 397
    assert len({row["work_id"] for row in truth}) == 396
    assert {row["bib_id"] for row in truth if row["bib_id"] != row["work_id"]} == {
        "darlington2005b"
    }


def test_tables_cite_only_shipped_references() -> None:
    shipped = {row["bib_id"] for row in _truth()}
    assert _table_rows("14") == 60
    assert _table_rows("8") == 18
    assert _table_ids("14") <= shipped
    assert _table_ids("8") <= shipped


def test_copies_of_a_work_agree_and_different_works_differ() -> None:
    records = {name: _records(name) for name in EXPORTS}
    keys_of_work: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    works_of_key: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in _truth():
        key = _identity(records[row["file"]][int(row["position"]) - 1])
        keys_of_work[row["work_id"]].add(key)
        works_of_key[key].add(row["work_id"])
    assert all(len(keys) == 1 for keys in keys_of_work.values())
    assert all(len(works) == 1 for works in works_of_key.values())


def test_exporter_byte_styles() -> None:
    wos = (DEMO_DIR / "wos.ris").read_bytes()
    proquest = (DEMO_DIR / "proquest.ris").read_bytes()
    ebsco = (DEMO_DIR / "ebsco.ris").read_bytes()
    other = (DEMO_DIR / "other_methods.ris").read_bytes()
    assert wos.startswith(b"\xef\xbb\xbfTY  - ") and b"\r\n" not in wos
    assert proquest.startswith(b"TY  - ") and proquest.count(b"\n") == proquest.count(b"\r\n")
    assert ebsco.count(b"\n") == ebsco.count(b"\r\n")
    assert not other.startswith(b"\xef\xbb\xbf") and b"\r\n" not in other


def test_demo_folder_is_small() -> None:
    assert sum(p.stat().st_size for p in DEMO_DIR.iterdir() if p.is_file()) < 1_000_000


@pytest.mark.skipif(not (_shared_data() / "thesis").is_dir(), reason="../shared/data is absent")
def test_truth_covers_the_whole_bibliography() -> None:
    with (_shared_data() / "thesis" / "bibliography.csv").open(encoding="utf-8") as handle:
        bibliography = {row["id"] for row in csv.DictReader(handle)}
    assert {row["bib_id"] for row in _truth()} == bibliography


@pytest.mark.skipif(not (_shared_data() / "thesis").is_dir(), reason="../shared/data is absent")
def test_generator_reproduces_the_shipped_files() -> None:
    from tools.demo.make_exports import build

    files = build(_shared_data() / "thesis")
    assert sorted(files) == sorted(GENERATED)
    for name, data in files.items():
        assert data == (DEMO_DIR / name).read_bytes(), f"{name} differs: re-run make_exports"


def test_truth_csv_is_plain_csv() -> None:
    text = (DEMO_DIR / "truth.csv").read_text(encoding="utf-8")
    assert text.startswith("file,position,bib_id,work_id\n")
    assert list(csv.reader(io.StringIO(text)))[-1][0] in EXPORTS


def _summaries() -> list[dict[str, str]]:
    return _read_csv("summaries.csv")


def test_summaries_cover_every_study_in_our_codebook_values() -> None:
    """summaries.csv (written by hand): a design and one sentence on success for each of
    the 60 Table 14 studies, a finding for each of the 18 Table 8 studies, designs that
    are values of the codebook's study_design dimension."""
    from litreview.protocol import load_template

    design = load_template("safeguarding")[1].dimension("study_design")
    names = {v.name for v in design.values}
    codes = _read_csv("codes.csv")
    rows = _summaries()
    by_bib = {r["bib_id"]: r for r in rows}
    table14 = [c["bib_ids"].split(";")[0] for c in codes if "14" in c["tables"].split()]
    assert len(table14) == 60
    for bib in table14:
        assert by_bib[bib]["study_design"] in names, bib
        sentence = by_bib[bib]["success"]
        assert sentence[0].isupper() and sentence.endswith(".") and ". " not in sentence, bib
    findings = [r for r in rows if r["finding"]]
    assert len(findings) == 18 == _table_rows("8")
    assert {r["bib_id"] for r in findings} <= {i for c in codes for i in c["bib_ids"].split(";")}


@pytest.mark.skipif(not (_shared_data() / "thesis").is_dir(), reason="../shared/data is absent")
def test_summaries_are_not_the_thesis_wording() -> None:
    """Our sentences name the same outcome measures as the thesis's cells (they are the
    studies' facts) but never share a run of four words with them, and are never close
    to them character for character."""
    from rapidfuzz import fuzz

    folder = _shared_data() / "thesis"
    with (folder / "table14.csv").open(encoding="utf-8", newline="") as handle:
        cells = {
            r["bib_id"].split(";")[0]: r["How success is conceptualised"]
            for r in csv.DictReader(handle)
        }
    with (folder / "table8.csv").open(encoding="utf-8", newline="") as handle:
        found = {r["bib_id"]: r["finding_text"] for r in csv.DictReader(handle)}

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}

    pairs = [(r["success"], cells[r["bib_id"]]) for r in _summaries() if r["success"]]
    pairs += [(r["finding"], found[r["bib_id"]]) for r in _summaries() if r["finding"]]
    assert len(pairs) == 78
    for ours, theirs in pairs:
        assert not runs(ours) & runs(theirs), (ours, theirs)
        assert fuzz.ratio(ours.lower(), theirs.lower()) < 70, (ours, theirs)
