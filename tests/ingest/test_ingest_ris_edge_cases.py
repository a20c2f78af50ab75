"""One tiny file per RIS edge case (tests/data/ingest), rispy-style."""

from __future__ import annotations

import pytest
from ingest_helpers import parse_fixture

from litreview.models import ParsedFile

TITLES = ["First record", "Second record", "Third record"]


def titles(parsed: ParsedFile) -> list[str | None]:
    return [r.fields.title for r in parsed.records]


@pytest.mark.parametrize(
    "name",
    [
        "bom.ris",
        "crlf.ris",
        "cr_only.ris",
        "ieee_newlines.ris",
        "single_space_tags.ris",
        "tabs.ris",
    ],
)
def test_layout_variants_give_every_record(name: str) -> None:
    parsed = parse_fixture(name)
    assert parsed.format == "ris"
    assert titles(parsed) == TITLES
    assert parsed.records[0].fields.doi == "10.1000/first"
    assert parsed.records[0].fields.authors == ["Doe, Jane", "Roe, Richard"]
    assert parsed.problems == []


def test_bom_keeps_the_first_record_and_its_line() -> None:
    parsed = parse_fixture("bom.ris")
    assert parsed.encoding == "utf-8"
    assert [r.line for r in parsed.records] == [1, 14, 26]
    assert parsed.records[0].raw[0] == ("TY", "JOUR")


def test_missing_er_keeps_the_last_record_with_a_warning() -> None:
    parsed = parse_fixture("no_er.ris")
    assert titles(parsed)[-1] == "Last record without ER"
    assert [(p.line, p.record) for p in parsed.problems] == [(25, 3)]
    assert "ER" in parsed.problems[0].message


def test_text_outside_records_is_reported_not_parsed() -> None:
    parsed = parse_fixture("text_after_er.ris")
    assert titles(parsed) == TITLES
    assert [p.line for p in parsed.problems] == [1, 15, 42]
    assert "NL  - Tag after the end" in parsed.problems[1].message
    assert all(tag != "NL" for r in parsed.records for tag, _ in r.raw)


def test_blank_lines_inside_a_record() -> None:
    record = parse_fixture("blank_lines_in_record.ris").records[0]
    assert record.fields.authors == ["Doe, Jane"]
    assert record.fields.abstract == (
        "First paragraph of the abstract.\nSecond paragraph of the abstract."
    )
    assert record.fields.year == 2020


def test_repeated_and_unknown_tags_are_all_kept_in_order() -> None:
    record = parse_fixture("repeated_tags.ris").records[0]
    raw = record.raw
    assert [v for t, v in raw if t == "AD"] == [
        "University A, Town",
        "University B, City",
        "Institute C, Village",
    ]
    assert [v for t, v in raw if t == "SN"] == ["0306-4530 (ISSN)", "1873-3360 (EISSN)"]
    assert [v for t, v in raw if t == "L2"] == [
        "https://example.org/full/1",
        "https://example.org/pdf/1.pdf",
    ]
    assert [v for t, v in raw if t == "XX"] == ["unknown tag one", "unknown tag two"]
    assert [v for t, v in raw if t == "DO"] == ["10.1000/one", "10.1000/two"]
    assert [t for t, _ in raw][:3] == ["TY", "TI", "AU"]
    assert record.fields.authors == ["Doe, Jane", "Doe, Jane"]  # same name twice is two people
    assert record.fields.issn == ["0306-4530", "1873-3360"]
    assert record.fields.keywords == ["alpha", "beta", "gamma"]
    assert record.fields.urls == ["https://example.org/full/1", "https://example.org/pdf/1.pdf"]


def test_records_without_ty_are_imported_with_a_warning() -> None:
    parsed = parse_fixture("missing_ty.ris")
    assert titles(parsed) == [
        "A record without a type",
        "Another record without a type",
        "Third record without a type",
    ]
    assert all(r.fields.type is None for r in parsed.records)
    assert [(p.line, p.record, p.tag) for p in parsed.problems] == [
        (1, 1, "TY"),
        (6, 2, "TY"),
        (11, 3, "TY"),
    ]
    assert parsed.records[0].fields.date == "2001/09/01"


def test_cp1252_is_decoded_with_a_warning() -> None:
    parsed = parse_fixture("cp1252.ris")
    assert parsed.encoding == "cp1252"
    record = parsed.records[0]
    assert record.fields.title == "\u201cQuoted\u201d caf\u00e9 r\u00e9sum\u00e9 \u2013 na\u00efve"
    assert record.fields.authors == ["M\u00fcller, J\u00f6rg"]
    assert [p.line for p in parsed.problems] == [None]
    assert "cp1252" in parsed.problems[0].message


def test_utf16_with_bom() -> None:
    parsed = parse_fixture("utf16.ris")
    assert parsed.encoding == "utf-16-le"
    assert titles(parsed) == ["Premi\u00e8re entr\u00e9e", *TITLES[1:]]


def test_continuation_lines() -> None:
    record = parse_fixture("multiline_abstract.ris").records[0]
    assert record.fields.title == "A title that is wrapped over two lines"
    assert record.fields.abstract == (
        "BACKGROUND: the first line\ncontinues here without indentation.\n"
        "And here with indentation."
    )
    assert record.fields.keywords == ["Animals", "Anti-Inflammatory Agents", "Humans"]
    assert ("KW", "Animals\nAnti-Inflammatory Agents\nHumans") in record.raw


def test_exporter_dialects() -> None:
    pubmed, ebsco, scopus, chapter, dimensions = parse_fixture("dialects.ris").records

    assert (pubmed.fields.start_page, pubmed.fields.end_page) == ("349", "369")
    assert pubmed.fields.doi == "10.2165/11586800-000000000-00000"  # found in N1
    assert pubmed.fields.language == "en"
    assert pubmed.fields.pmid == "21553931"

    assert ebsco.fields.authors == ["Pastor, Ruth"]
    assert (ebsco.fields.year, ebsco.fields.date) == (2016, "2016/09")
    assert ebsco.fields.abstract == "Small rodents are common inhabitants of farmlands."
    assert ebsco.fields.doi == "10.1016/j.agee.2016.06.041"  # from L3
    assert ebsco.fields.issn == ["0167-8809"]
    assert ebsco.fields.database == "Academic Search Premier"

    assert (scopus.fields.year, scopus.fields.date) == (2020, "2020/03/01")  # PY 0000 is missing
    assert (scopus.fields.start_page, scopus.fields.end_page) == ("e12345", None)
    assert scopus.fields.abstract is None
    assert scopus.fields.doi == "10.1016/j.psyneuen.2019.104501"  # inside the URL
    assert scopus.fields.keywords == ["stress", "gut", "brain"]
    assert scopus.fields.journal == "Psychoneuroendocrinology"
    assert scopus.fields.journal_abbrev is None  # same as the journal
    assert scopus.fields.pmid == "31627144"

    assert chapter.fields.editors == ["Editor, One", "Editor, Two"]
    assert chapter.fields.journal == "The Book"
    assert (chapter.fields.start_page, chapter.fields.end_page) == ("155", "163")
    assert chapter.fields.abstract == "CO2 rose & fell."
    assert chapter.fields.isbn == ["9780062976581"]
    assert chapter.fields.doi == "10.1000/chap.1"
    assert (chapter.fields.publisher, chapter.fields.place) == ("Press", "Oxford")

    assert dimensions.fields.abstract is None  # "NA"
    assert dimensions.fields.pmid == "35957633"
    assert dimensions.fields.database == "Dimensions"


def test_unparsable_year_is_a_problem_with_its_line() -> None:
    parsed = parse_fixture("dialects.ris")
    assert [(p.line, p.record, p.tag) for p in parsed.problems] == [(60, 5, "PY")]
    assert "in press" in parsed.problems[0].message


def test_wos_tagged_file_named_ris_is_detected_from_content() -> None:
    parsed = parse_fixture("wos_tagged_as.ris")
    assert parsed.format == "wos"
    assert len(parsed.records) == 3
    assert parsed.records[0].fields.doi == "10.1000/wos.1"
