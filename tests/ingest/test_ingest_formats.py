"""MEDLINE/nbib, Web of Science, BibTeX, EndNote tagged, CSV and TSV fixtures, and bad input."""

from __future__ import annotations

import pytest
from ingest_helpers import DATA, parse_fixture

from litreview.errors import ImportFormatError
from litreview.ingest import FORMATS, detect_format, parse_bytes, parse_file


def test_nbib() -> None:
    parsed = parse_fixture("tiny.nbib")
    assert (parsed.format, parsed.database_hint) == ("nbib", "PubMed")
    first, second, third = parsed.records
    assert first.fields.title == (
        "Differences in nitrate and phosphorus export between wooded and grassed riparian zones."
    )
    assert first.fields.authors == ["Neilen, Amanda D", "Chen, Chengrong R"]  # FAU, not AU
    assert (first.fields.year, first.fields.date) == (2017, "2017 Nov 15")
    assert (first.fields.start_page, first.fields.end_page) == ("188", "197")
    assert first.fields.doi == "10.1016/j.scitotenv.2017.04.075"  # the [doi] LID, not [pii]
    assert first.fields.issn == ["1879-1026", "0048-9697"]
    assert first.fields.journal == "The Science of the total environment"
    assert first.fields.journal_abbrev == "Sci Total Environ"
    assert first.fields.keywords == ["Buffer strips", "Landsat"]
    assert (first.fields.pmid, first.fields.language) == ("28441597", "en")
    assert ("AD", "Australian Rivers Institute, Griffith University, Brisbane, Australia.") in (
        first.raw
    )
    assert [t for t, _ in first.raw][:2] == ["PMID", "OWN"]
    assert second.fields.type == "JOUR"
    assert third.fields.language == "fa"
    assert [r.line for r in parsed.records] == [1, 30, 43]


def test_wos_tagged() -> None:
    parsed = parse_fixture("tiny_wos.txt")
    assert (parsed.format, parsed.database_hint) == ("wos", "Web of Science")
    assert parsed.problems == []  # FN/VR/EF are the format's own header and footer
    first, second, third = parsed.records
    assert first.fields.authors == ["Parkes-Loach, P. S.", "Majeed, A. P."]  # AF over AU
    assert first.fields.title == (
        "Interactions stabilizing the structure of the core light-harvesting complex of bacteria"
    )
    assert first.fields.keywords == [
        "photosynthesis",
        "light harvesting",
        "CHEMICALLY SYNTHESIZED POLYPEPTIDES",
        "IN-VITRO RECONSTITUTION",
    ]
    assert [v for t, v in first.raw if t == "C1"] == [
        "Univ A, Dept X, Evanston, IL 60208 USA.",
        "Univ B, Dept Y, Chicago, IL USA.",
    ]
    assert (first.fields.start_page, first.fields.end_page) == ("7003", "7016")
    assert (first.fields.pmid, first.fields.accession) == ("15170338", "WOS:000221807500019")
    assert (first.fields.journal_abbrev, first.fields.place) == ("Biochemistry", "WASHINGTON")
    assert second.fields.start_page == "duz039"  # article number
    assert third.fields.type == "CHAP"


def test_bibtex() -> None:
    parsed = parse_fixture("tiny.bib")
    assert parsed.format == "bibtex"
    article, paper, misc = parsed.records
    assert article.fields.title == "Caf\u00e9 culture and DNA in Z\u00fcrich"
    assert article.fields.authors == ["M\u00fcller, J\u00f6rg", "Barnes and Noble", "Smith, John"]
    assert article.fields.journal == "Journal of Tests"  # @string resolved
    assert (article.fields.start_page, article.fields.end_page) == ("10", "20")
    assert article.fields.doi == "10.1000/bib.1"
    assert article.fields.abstract == "An abstract with R&D and 50% less."
    assert article.fields.keywords == ["coffee", "culture"]
    assert article.raw[:2] == [("ENTRYTYPE", "article"), ("ID", "mueller2020")]
    assert ("author", 'M{\\"u}ller, J{\\"o}rg and {Barnes and Noble} and Smith, John') in (
        article.raw
    )
    assert (paper.fields.type, paper.fields.editors) == ("CONF", ["Editor, Ed"])
    assert paper.fields.urls == ["https://example.org/a?b=1&c=2"]
    assert (misc.fields.type, misc.fields.pmid) == ("GEN", "33355555")
    assert [r.line for r in parsed.records] == [3, 16, 26]


def test_csv_with_asreview_columns() -> None:
    parsed = parse_fixture("tiny.csv")
    assert parsed.format == "csv"
    first, second, third = parsed.records
    assert first.fields.authors == ["Doe, Jane", "Roe, Richard"]
    assert first.fields.doi == "10.1000/csv.1"
    assert first.fields.keywords == ["alpha", "beta"]
    assert ("label_included", "1") in first.raw and ("Record_ID", "1") in first.raw
    assert second.fields.title == "A title, with a comma"
    assert second.fields.abstract == "An abstract\nover two lines."
    assert third.fields.abstract is None and third.fields.authors == []
    assert [r.line for r in parsed.records] == [2, 3, 5]


def test_tsv() -> None:
    parsed = parse_fixture("tiny.tsv")
    assert parsed.format == "tsv"
    assert [r.fields.authors for r in parsed.records] == [
        ["Doe, Jane", "Roe, Richard"],
        ["Smith, John"],
        [],
    ]
    assert parsed.records[2].fields.abstract is None  # "NA"


def test_endnote_tagged() -> None:
    parsed = parse_fixture("tiny.enw")
    assert parsed.format == "enw"
    article, toc, chapter = parsed.records
    assert article.fields.journal == "Management Information Systems Quarterly"
    assert article.fields.keywords == ["trust", "commitment"]
    assert (toc.fields.start_page, toc.fields.end_page) == ("i", "ii")
    assert toc.fields.type is None
    assert (chapter.fields.type, chapter.fields.editors) == ("CHAP", ["Editor, E"])
    assert chapter.fields.doi == "10.1000/enw.3"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"TY  - JOUR\x00\x00\x00\x01\x02\x03", "NUL"),
        (bytes(range(256)) * 4, "binary"),
        (b"", "no records"),
        (b"\n\n   \n", "empty"),
        (b"Dear colleague,\nplease find the references attached.\n", "not a recognised"),
        (b"\xff\xfeT\x00Y\x00\x00\xd8", "utf-16"),
    ],
)
def test_unreadable_input_raises_import_format_error(data: bytes, what: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_bytes(data, "refs.ris")
    assert caught.value.path == "refs.ris"
    assert what.lower() in str(caught.value).lower()


def test_empty_bibtex_and_csv_headers_only_have_no_records() -> None:
    with pytest.raises(ImportFormatError, match="no records"):
        parse_bytes(b"title,abstract,doi\n", "refs.csv")
    with pytest.raises(ImportFormatError, match="no records"):
        parse_bytes(b"@comment{nothing here}\n", "refs.bib")


def test_a_type_line_alone_is_a_record() -> None:
    parsed = parse_bytes(b"TY  - JOUR\n", "refs.ris")
    assert [(r.fields.type, r.raw) for r in parsed.records] == [("JOUR", [("TY", "JOUR")])]


def test_missing_file_is_an_import_format_error() -> None:
    with pytest.raises(ImportFormatError, match="cannot read"):
        parse_file(DATA / "does-not-exist.ris")


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("bom.ris", "ris"),
        ("tiny.nbib", "nbib"),
        ("tiny_wos.txt", "wos"),
        ("wos_tagged_as.ris", "wos"),
        ("tiny.bib", "bibtex"),
        ("tiny.csv", "csv"),
        ("tiny.tsv", "tsv"),
        ("tiny.enw", "enw"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    text = (DATA / name).read_bytes().decode("utf-8-sig")
    assert detect_format(text) == fmt
    assert fmt in FORMATS


def test_detect_format_rejects_prose() -> None:
    with pytest.raises(ImportFormatError):
        detect_format("just some words\n")
