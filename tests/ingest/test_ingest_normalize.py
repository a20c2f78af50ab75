"""Examples for each normaliser (the idempotence properties are in test_ingest_properties)."""

from __future__ import annotations

import pytest

from litreview.ingest import normalize as n


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1000/ABC", "10.1000/abc"),
        ("https://doi.org/10.1000/abc.", "10.1000/abc"),
        ("http://dx.doi.org/10.1186/s12919-018-0099-8", "10.1186/s12919-018-0099-8"),
        ("doi:10.1000/abc;", "10.1000/abc"),
        ("DOI: 10.1016/S0048-9697(17)30912-9", "10.1016/s0048-9697(17)30912-9"),
        ("10.4103/2277-9175.180636 [doi]", "10.4103/2277-9175.180636"),
        ("(10.1000/abc)", "10.1000/abc"),
        ("10.1000%2Fabc", "10.1000/abc"),
        ("DOI", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_doi(raw: str | None, doi: str | None) -> None:
    assert n.normalize_doi(raw) == doi


def test_find_dois_in_urls_and_notes() -> None:
    url = "https://www.scopus.com/record.uri?eid=2&doi=10.1016%2fj.x.2019.104501&partnerID=40"
    assert n.find_dois(url) == ["10.1016/j.x.2019.104501"]
    assert n.find_dois("Clin. 2011;50(6):349-69. doi: 10.2165/1158-0000.") == ["10.2165/1158-0000"]
    assert n.find_dois("https://link.springer.com/content/pdf/10.1007%2Fs10899-016-9.pdf") == [
        "10.1007/s10899-016-9"
    ]
    assert n.find_dois("no doi here") == []


@pytest.mark.parametrize(
    ("start", "end", "pages"),
    [
        ("349-69", None, ("349", "369")),
        ("155-163", None, ("155", "163")),
        ("1309 \u2013 1348", None, ("1309", "1348")),
        ("e12345", None, ("e12345", None)),
        ("S12-5", None, ("S12", "S15")),
        ("45", "67", ("45", "67")),
        ("No", "Specified", (None, None)),
        ("i-ii", None, ("i", "ii")),
        (None, "12", ("12", None)),
        ("99-12", None, ("99", "12")),
    ],
)
def test_split_pages(start: str | None, end: str | None, pages: tuple[str | None, ...]) -> None:
    assert n.split_pages(start, end) == pages


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2005///", 2005),
        ("2005/03/01/", 2005),
        ("18-21 March 2013", 2013),
        ("0000", None),
        ("Start date: 20170812", 2017),
        ("SEP", None),
        ("1984 - 1985", 1984),
    ],
)
def test_parse_year(raw: str, year: int | None) -> None:
    assert n.parse_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("English", "en"),
        ("eng", "en"),
        ("EN", "en"),
        ("ger", "de"),
        ("English; Spanish", "en"),
        ("Klingon", "klingon"),
        ("", None),
    ],
)
def test_normalize_language(raw: str, code: str | None) -> None:
    assert n.normalize_language(raw) == code


@pytest.mark.parametrize(
    ("raw", "abstract"),
    [
        ("NA", None),
        ("[No abstract available]", None),
        ("<jats:title>Abstract</jats:title><jats:p>Text.</jats:p>", "Text."),
        ("CO<sub>2</sub> &amp; N<sub>2</sub>", "CO2 & N2"),
        (
            "Real text. Copyright of X is the property of Y and its content may not be copied.",
            "Real text.",
        ),
        ("Copyright of X is the property of Y and its content may not be copied.", None),
        ("Abstract thinking develops late.", "Abstract thinking develops late."),
        ("ABSTRACT: Results.", "Results."),
        ("p<0.05 and x > 3", "p<0.05 and x > 3"),
    ],
)
def test_clean_abstract(raw: str, abstract: str | None) -> None:
    assert n.clean_abstract(raw) == abstract


def test_split_serials_by_pattern() -> None:
    values = ["03064530 (ISSN)", "0894-9867, 0894-9867", "978-0-06-297658-1", "Serial Number"]
    assert n.split_serials(values) == (["0306-4530", "0894-9867"], ["9780062976581"])


def test_split_keywords() -> None:
    assert n.split_keywords(["a; b; c"]) == ["a", "b", "c"]
    assert n.split_keywords(["x; y", "z"]) == ["x; y", "z"]  # one ";" among several values
    assert n.split_keywords(["Animals\nHumans"]) == ["Animals", "Humans"]


def test_type_code() -> None:
    assert n.type_code(["Journal Article", "Review"]) == "JOUR"
    assert n.type_code(["Book Chapter"]) == "CHAP"
    assert n.type_code(["JOUR"]) == "JOUR"
    assert n.type_code(["Something else"]) == "GEN"
    assert n.type_code([]) is None


def test_clean_name_drops_email_notes() -> None:
    assert n.clean_name("Stillman, Andrew N. (andrew@uconn.edu) ") == "Stillman, Andrew N."
