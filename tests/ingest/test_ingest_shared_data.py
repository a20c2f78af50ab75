"""The real exports in ../shared/data/ris (skipped when the folder is absent).

Record counts come from EXPECTED_RECORDS.json; the field checks compare what
the parser kept with what a plain reading of the file's tag lines shows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from ingest_helpers import SHARED_RIS, needs_shared

from litreview.errors import ImportFormatError
from litreview.ingest import parse_file
from litreview.models import ParsedFile

pytestmark = needs_shared

EXPECTED: dict[str, int] = (
    json.loads((SHARED_RIS / "EXPECTED_RECORDS.json").read_text()) if SHARED_RIS.is_dir() else {}
)
RIS_FILES = sorted(EXPECTED)
ORIGINAL = "ebsco-asp__synthesisr-ASP_ris_example.ris"  # the file the variants were made from
OTHER_FILES = (
    sorted(p.name for p in (SHARED_RIS / "other").iterdir()) if SHARED_RIS.is_dir() else []
)
DOI_TAGS = {"DO", "L3", "M3", "N1", "UR", "L2"}
DOI = re.compile(r"10\.\d+/")
TAG_LINE = re.compile(r"^(AD|SN|L2)[ \t]{1,3}- ?(.*?)\s*$", re.MULTILINE)
NOT_ABSTRACTS = {"", "na", "n/a", "abstract", "[no abstract available]", "no abstract available"}

_cache: dict[str, ParsedFile] = {}


def parsed(name: str) -> ParsedFile:
    if name not in _cache:
        _cache[name] = parse_file(SHARED_RIS / name)
    return _cache[name]


def is_real_abstract(value: str) -> bool:
    text = " ".join(re.sub(r"<[^>]+>", " ", value).split())
    notice = re.match(r"(?i)\(?copyright of .* is the property of", text)
    return text.lower() not in NOT_ABSTRACTS and notice is None


@pytest.mark.parametrize("name", RIS_FILES)
def test_record_count_matches_expected(name: str) -> None:
    if EXPECTED[name] == 0:
        with pytest.raises(ImportFormatError, match="no records|not a recognised"):
            parse_file(SHARED_RIS / name)
        return
    result = parsed(name)
    assert len(result.records) == EXPECTED[name]
    assert [r.position for r in result.records] == list(range(1, EXPECTED[name] + 1))
    assert all(r.line is not None and r.line >= 1 for r in result.records)


@pytest.mark.parametrize("name", RIS_FILES)
def test_no_empty_strings_in_fields(name: str) -> None:
    for record in parsed(name).records:
        for key, value in vars(record.fields).items():
            assert value != "", (key, record.line)
            if isinstance(value, list):
                assert "" not in value, (key, record.line)


@pytest.mark.parametrize("name", RIS_FILES)
def test_doi_wherever_the_raw_tags_carry_one(name: str) -> None:
    for record in parsed(name).records:
        carried = any(
            tag in DOI_TAGS and DOI.search(value.replace("%2F", "/").replace("%2f", "/"))
            for tag, value in record.raw
        )
        if carried:
            assert record.fields.doi is not None, record.line
            assert record.fields.doi == record.fields.doi.lower()
            assert record.fields.doi.startswith("10.")


@pytest.mark.parametrize("name", RIS_FILES)
def test_abstract_wherever_ab_or_n2_has_real_text(name: str) -> None:
    for record in parsed(name).records:
        if any(tag in {"AB", "N2"} and is_real_abstract(v) for tag, v in record.raw):
            assert record.fields.abstract, record.line


@pytest.mark.parametrize("name", RIS_FILES)
def test_every_repeated_ad_sn_l2_value_is_kept_in_raw(name: str) -> None:
    result = parsed(name)
    if result.format != "ris":
        pytest.skip(f"{name} is {result.format}, not RIS")
    text = (SHARED_RIS / name).read_bytes()
    decoded = text.decode(result.encoding.replace("utf-8", "utf-8-sig"))
    decoded = decoded.replace("\r\n", "\n").replace("\r", "\n")
    in_file = Counter((m.group(1), m.group(2)) for m in TAG_LINE.finditer(decoded) if m.group(2))
    in_raw = Counter(
        (tag, value.split("\n")[0].strip())
        for record in result.records
        for tag, value in record.raw
        if tag in {"AD", "SN", "L2"} and value
    )
    assert in_raw == in_file


def lossy(text: str | None, encoding: str) -> str | None:
    """What survives of ``text`` in a file written with ``errors="replace"``."""
    return text.encode(encoding, "replace").decode(encoding) if text is not None else None


@pytest.mark.parametrize(
    "name", [n for n in RIS_FILES if n.startswith("variants/")] or ["variants/none"]
)
def test_variants_give_the_original_records(name: str) -> None:
    encoding = {"cp1252": "cp1252", "latin1": "latin-1"}.get(name.split(".")[-2], "utf-8")
    original, variant = parsed(ORIGINAL).records, parsed(name).records
    assert len(variant) == len(original)
    for mine, theirs in zip(variant, original, strict=True):
        assert mine.fields.title == lossy(theirs.fields.title, encoding)
        assert mine.fields.authors == [lossy(a, encoding) for a in theirs.fields.authors]
        assert mine.fields.doi == theirs.fields.doi
        assert mine.fields.abstract == lossy(theirs.fields.abstract, encoding)
        for value in (mine.fields.title or "", *mine.fields.authors):
            assert not re.search("\u00c3|\u00e2\u20ac|\ufffd", value), value  # no mojibake


def other_expected_count(path: Path) -> int:
    """Records counted by each format's plainest signature, independently of the parser."""
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    if path.suffix == ".bib":
        return len(re.findall(r"(?im)^\s*@(?!string|comment|preamble)\w+\s*\{", text))
    if re.search(r"(?m)^PMID- ", text):
        return len(re.findall(r"(?m)^PMID- ", text))
    if re.search(r"(?m)^PT ", text):
        return len(re.findall(r"(?m)^PT ", text))
    if re.search(r"(?m)^<\d+\. >", text):
        return len(re.findall(r"(?m)^<\d+\. >", text))
    return len([block for block in re.split(r"\n\s*\n", text) if block.strip()])  # EndNote


@pytest.mark.parametrize("name", OTHER_FILES)
def test_every_other_format_file_parses_completely(name: str) -> None:
    result = parsed(f"other/{name}")
    assert result.format in {"nbib", "wos", "bibtex", "enw", "ovid"}
    assert len(result.records) == other_expected_count(SHARED_RIS / "other" / name)
    assert all(r.fields.title for r in result.records)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("wos-tagged__rispy-example_wos.ris", "wos"),
        ("other/zoorec-wos-tagged__synthesisr-zoorec.txt", "wos"),
        ("other/pubmed-nbib__reflib-blue-light.nbib", "nbib"),
        ("other/ais-endnote-tagged__colrev-ais_enl.txt", "enw"),
        ("other/ovid-embase-fields__knh-Embase_endnote_r3001-3002.cgi", "ovid"),
        ("other/wos-bib__colrev-web_of_science_bib.bib", "bibtex"),
        ("scopus__asreview-scopus.ris", "ris"),
    ],
)
def test_format_detected_from_content(name: str, fmt: str) -> None:
    assert parsed(name).format == fmt


@pytest.mark.parametrize(
    ("name", "database"),
    [
        ("scopus__asreview-scopus.ris", "Scopus"),
        ("wos__asreview-web_of_science.ris", "Web of Science"),
        ("embase__asreview-embase.ris", "Embase"),
        ("ieee-template__colrev-ieee_ris.ris", "IEEE Xplore"),
        ("lens__citesource-gambling_lens_49.ris", "Lens"),
        ("dimensions__citesource-Dimensions_246.ris", "Dimensions"),
        ("ovid-psycinfo__asreview-ovid_psycinfo.ris", "Ovid"),
        ("jstor-template__colrev-jstor_ris.ris", "JSTOR"),
        ("wos-tagged__rispy-example_wos.ris", "Web of Science"),
        ("other/pubmed-nbib__synthesisr-PubMed_example.txt", "PubMed"),
    ],
)
def test_exporter_fingerprints(name: str, database: str) -> None:
    assert parsed(name).database_hint == database


def test_records_without_ty_are_flagged() -> None:
    result = parsed("citesource-export__citesource_benchmark_export.ris")
    untyped = [p for p in result.problems if p.tag == "TY"]
    assert len(untyped) == len(result.records) == 499
