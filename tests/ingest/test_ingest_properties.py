"""Hypothesis properties: no foreign exceptions, rispy round trip, idempotent normalisers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rispy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litreview.errors import ImportFormatError
from litreview.ingest import normalize as n
from litreview.ingest import parse_bytes
from litreview.models import ParsedFile

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---- any input: a ParsedFile or ImportFormatError, nothing else ---------------------------------

TAGS = [
    "TY",
    "ER",
    "AU",
    "A1",
    "A2",
    "TI",
    "T1",
    "PY",
    "Y1",
    "DA",
    "DO",
    "AB",
    "N2",
    "KW",
    "SP",
    "EP",
    "SN",
    "UR",
    "L2",
    "N1",
    "DB",
    "XX",
    "UK",
    "PT",
    "FN",
    "VR",
    "EF",
    "SO",
]
SEPARATORS = ["  - ", " - ", "\t- ", "  -", " ", "- ", ""]
FRAGMENTS = [
    "PT J",
    "ER",
    "EF",
    "FN Clarivate",
    "PMID- 123",
    "FAU - Doe, J",
    "LID - 10.1/x [doi]",
    "%0 Book",
    "%A Doe",
    "%T Title",
    "@article{k,",
    "title = {T{\\'e}},",
    "author = {A and B},",
    "}",
    '@string{x = "y"}',
    "<1. >",
    "title,abstract,doi",
    '"a","b","10.1/x"',
    "title\tabstract",
    "   continued",
    "",
    "\ufeff",
    "TY  - JOUR",
    "ER  - ",
]
NEWLINES = ["\n", "\r\n", "\r", "\r\n\n\r"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1"]

tag_line = st.builds(
    lambda tag, sep, value: f"{tag}{sep}{value}",
    st.sampled_from(TAGS),
    st.sampled_from(SEPARATORS),
    st.text(max_size=25),
)
line = st.one_of(tag_line, st.sampled_from(FRAGMENTS), st.text(max_size=30))
document = st.builds(
    lambda lines, newline: newline.join(lines),
    st.lists(line, max_size=40),
    st.sampled_from(NEWLINES),
)


def parses_or_refuses(data: bytes) -> None:
    try:
        result = parse_bytes(data, "input.txt")
    except ImportFormatError:
        return
    assert isinstance(result, ParsedFile)
    assert result.records
    for record in result.records:
        for key, value in vars(record.fields).items():
            assert value != "" and (not isinstance(value, list) or "" not in value), key


@SETTINGS
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    parses_or_refuses(data)


@SETTINGS
@given(st.text(max_size=3000))
def test_any_text(text: str) -> None:
    parses_or_refuses(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(document, st.sampled_from(ENCODINGS))
def test_tagged_looking_text(text: str, encoding: str) -> None:
    parses_or_refuses(text.encode(encoding, "replace"))


# ---- RIS written by rispy reads back with equal fields ------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\u00e9\u00fc\u00df\u00f8\u4e2d"
word = st.text(alphabet=LETTERS + "0123456789", min_size=1, max_size=10)
phrase = st.lists(word, min_size=1, max_size=8).map(" ".join)
punctuated = st.lists(
    st.tuples(word, st.sampled_from(["", ",", ".", ":", "?"])), min_size=1, max_size=10
).map(lambda parts: " ".join(w + p for w, p in parts))
name = st.builds(lambda surname, given: f"{surname}, {given}", word, word)
abstract = punctuated.filter(lambda a: a.lower() not in {"na", "abstract", "none", "null"})
abstract = abstract.filter(lambda a: not a.lower().startswith("abstract"))
doi = st.from_regex(r"10\.[0-9]{4,5}/[a-z0-9][a-z0-9.\-]{0,20}[a-z0-9]", fullmatch=True)
pages = st.integers(1, 5000).flatmap(
    lambda start: st.integers(start, start + 500).map(lambda end: (str(start), str(end)))
)
ris_type = st.sampled_from(["JOUR", "BOOK", "RPRT", "THES", "CONF", "GEN", "ELEC", "NEWS"])


@st.composite
def references(draw: Callable[..., Any]) -> dict[str, Any]:
    start, end = draw(pages)
    return {
        "type_of_reference": draw(ris_type),
        "title": draw(punctuated),
        "authors": draw(st.lists(name, min_size=1, max_size=5)),
        "year": str(draw(st.integers(1900, 2099))),
        "secondary_title": draw(phrase),
        "volume": draw(st.integers(1, 999).map(str)),
        "number": draw(st.integers(1, 99).map(str)),
        "start_page": start,
        "end_page": end,
        "doi": draw(doi),
        "abstract": draw(abstract),
        "keywords": draw(st.lists(phrase, max_size=5, unique=True)),
    }


@SETTINGS
@given(st.lists(references(), min_size=1, max_size=5))
def test_rispy_round_trip(refs: list[dict[str, Any]]) -> None:
    text = rispy.dumps(refs)
    parsed = parse_bytes(text.encode("utf-8"), "roundtrip.ris")
    assert parsed.format == "ris"
    assert len(parsed.records) == len(refs)
    for ref, record in zip(refs, parsed.records, strict=True):
        fields = record.fields
        assert fields.type == ref["type_of_reference"]
        assert fields.title == ref["title"]
        assert fields.authors == ref["authors"]
        assert fields.year == int(ref["year"])
        assert fields.journal == ref["secondary_title"]
        assert (fields.volume, fields.issue) == (ref["volume"], ref["number"])
        assert (fields.start_page, fields.end_page) == (ref["start_page"], ref["end_page"])
        assert fields.doi == ref["doi"]
        assert fields.abstract == ref["abstract"]
        assert fields.keywords == ref["keywords"]
        assert [v for t, v in record.raw if t == "AU"] == ref["authors"]


# ---- every normaliser is idempotent -------------------------------------------------------------

MARKUP = [
    *"<>&;#/ab ip10.\n\t:-",
    "amp",
    "lt",
    "sub",
    "jats:",
    "Copyright of ",
    " is the property of ",
    "ABSTRACT",
    "Abstract",
    "doi:",
    "https://doi.org/",
    "%2F",
    "[doi]",
    "()",
    "NA",
]
messy = st.one_of(
    st.text(max_size=200), st.lists(st.sampled_from(MARKUP), max_size=30).map("".join)
)
TEXT_NORMALISERS: list[Callable[[str | None], Any]] = [
    n.clean_text,
    n.clean_name,
    n.clean_abstract,
    n.normalize_doi,
    n.normalize_date,
    n.normalize_language,
]


@SETTINGS
@given(messy)
def test_text_normalisers_are_idempotent(value: str) -> None:
    for normalise in TEXT_NORMALISERS:
        once = normalise(value)
        assert normalise(once) == once, normalise.__name__
        assert once != ""


@SETTINGS
@given(messy)
def test_find_dois_is_idempotent(value: str) -> None:
    found = n.find_dois(value)
    assert [d for v in found for d in n.find_dois(v)] == found
    assert all(n.normalize_doi(d) == d for d in found)


@SETTINGS
@given(st.one_of(st.none(), messy), st.one_of(st.none(), messy))
def test_split_pages_is_idempotent(start: str | None, end: str | None) -> None:
    once = n.split_pages(start, end)
    assert n.split_pages(*once) == once


@SETTINGS
@given(st.lists(messy, max_size=5))
def test_list_normalisers_are_idempotent(values: list[str]) -> None:
    keywords = n.split_keywords(values)
    assert n.split_keywords(keywords) == keywords
    urls = n.split_urls(values)
    assert n.split_urls(urls) == urls
    issn, isbn = n.split_serials(values)
    assert n.split_serials(issn + isbn) == (issn, isbn)
    code = n.type_code(values)
    assert n.type_code([code] if code else []) == code


@SETTINGS
@given(messy)
def test_parse_year_is_stable(value: str) -> None:
    year = n.parse_year(value)
    assert n.parse_year(str(year) if year else None) == year
