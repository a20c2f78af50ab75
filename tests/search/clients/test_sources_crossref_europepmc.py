"""Crossref (query + filter, cursor) and Europe PMC (cursorMark)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from api_fakes import FakeApi

from litreview.errors import SourceError
from litreview.search.clients import surname_first
from litreview.search.clients.crossref import CrossrefClient
from litreview.search.clients.europepmc import EuropePmcClient
from litreview.search.query import iter_searches, load_query_text
from litreview.search.render import Rendered, render_search

QUERY = """
format = 1
title = "t"
combine = "pairwise"
[[blocks]]
name = "a"
terms = ["child abuse"]
[[blocks]]
name = "b"
terms = ["collaborat*"]
[limits]
year_from = 2000
year_to = 2021
languages = ["en"]
document_types = ["article"]
"""


def _rendered(platform: str) -> Rendered:
    strategy = load_query_text(QUERY)
    return render_search(
        iter_searches(strategy)[0], strategy.limits, platform, today=date(2025, 1, 1)
    )


def _all_pages(client: CrossrefClient | EuropePmcClient, platform: str) -> list[list[str]]:
    state, pages = None, []
    for _ in range(5):
        page = client.fetch_page(_rendered(platform), state, 2)
        pages.append([r.fields.doi or r.fields.pmid or "" for r in page.records])
        state = page.next_state
        if state is None:
            break
    return pages


def test_crossref_query_filter_and_cursor(api: FakeApi) -> None:
    api.add("/works", "crossref_page1.json", cursor="*")
    api.add("/works", "crossref_page2.json", cursor="DnF1ZXJ5VGhlbkZldGNoBgAAAAAA")
    client = CrossrefClient(transport=api.transport, mailto="me@example.org")
    assert _all_pages(client, "crossref") == [
        ["10.1002/car.2550", "10.1002/car.2601"],
        ["10.1002/car.2702"],
    ]
    first = api.params("/works")[0]
    assert first["query"] == "child abuse collaborat"
    assert first["filter"] == (
        "from-pub-date:2000-01-01,until-pub-date:2021-12-31,type:journal-article"
    )
    assert (first["rows"], first["mailto"]) == ("2", "me@example.org")
    assert client.describe(_rendered("crossref")) == (
        "https://api.crossref.org/works?query=child abuse collaborat&filter=from-pub-date:"
        "2000-01-01,until-pub-date:2021-12-31,type:journal-article"
    )


def test_crossref_mapping(api: FakeApi) -> None:
    api.add("/works", "crossref_page1.json")
    page = CrossrefClient(transport=api.transport).fetch_page(_rendered("crossref"), None, 2)
    f = page.records[0].fields
    assert f.title == "Multi-agency safeguarding hubs and child protection outcomes"
    assert f.authors == ["Jones, Rebecca", "Ahmed, Yusuf"]
    assert (f.year, f.date, f.type) == (2019, "2019-03-01", "JOUR")
    assert (f.journal, f.journal_abbrev, f.start_page, f.end_page) == (
        "Child Abuse Review",
        "Child Abuse Rev",
        "101",
        "115",
    )
    assert f.abstract == (
        "Multi-agency safeguarding hubs were introduced to improve "
        "information sharing & joint decisions."
    )
    assert page.records[1].fields.end_page == "231"  # "220-31" expanded
    assert page.hits == 3


def test_crossref_empty_and_plus_token(api: FakeApi) -> None:
    api.add("/works", "crossref_empty.json")
    client = CrossrefClient(transport=api.transport, api_key="PLUS")
    page = client.fetch_page(_rendered("crossref"), None, 2)
    assert (page.records, page.next_state, page.hits) == ([], None, 0)
    assert api.requests[0].headers["Crossref-Plus-API-Token"] == "Bearer PLUS"
    assert "PLUS" not in str(api.requests[0].url)


def test_crossref_malformed_answer(api: FakeApi) -> None:
    api.add("/works", httpx.Response(200, json={"status": "ok", "message": {"items": "?"}}))
    with pytest.raises(SourceError, match="without message.items"):
        CrossrefClient(transport=api.transport).fetch_page(_rendered("crossref"), None, 2)


def test_europepmc_cursor_mark_paging(api: FakeApi) -> None:
    api.add("/search", "europepmc_page1.json", cursorMark="*")
    api.add("/search", "europepmc_page2.json", cursorMark="AoIIQHoAACg0MTQ5NjE4Mg==")
    api.add("/search", "europepmc_page3.json", cursorMark="AoIIQHoAACg0MTQ5NjE5OQ==")
    pages = _all_pages(EuropePmcClient(transport=api.transport), "europepmc")
    assert pages == [["10.1002/car.2550", "10.1002/car.2601"], ["31000003"], []]
    first = api.params("/search")[0]
    assert first["query"] == (
        '(TITLE_ABS:"child abuse" OR KW:"child abuse") AND '
        "(TITLE_ABS:collaborat* OR KW:collaborat*) AND LANG:eng AND "
        'PUB_YEAR:[2000 TO 2021] AND PUB_TYPE:"journal article"'
    )
    assert (first["format"], first["resultType"], first["pageSize"]) == ("json", "core", "2")


def test_europepmc_mapping(api: FakeApi) -> None:
    api.add("/search", "europepmc_page1.json")
    page = EuropePmcClient(transport=api.transport).fetch_page(_rendered("europepmc"), None, 2)
    f = page.records[0].fields
    assert f.title == "Multi-agency safeguarding hubs and child protection outcomes"
    assert f.authors == ["Jones, Rebecca", "Ahmed, Yusuf"]
    assert (f.year, f.journal, f.journal_abbrev, f.type) == (
        2019,
        "Child abuse review",
        "Child Abuse Rev",
        "JOUR",
    )
    assert (f.accession, f.pmid, f.language) == ("MED:31000001", "31000001", "en")
    assert f.keywords == ["Safeguarding", "Multi-agency working"]
    assert f.issn == ["0952-9136", "1099-0852"]
    assert page.hits == 3


def test_europepmc_malformed_answer(api: FakeApi) -> None:
    api.add("/search", httpx.Response(200, json={"hitCount": 1}))
    with pytest.raises(SourceError, match="without resultList"):
        EuropePmcClient(transport=api.transport).fetch_page(_rendered("europepmc"), None, 2)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Helen Marsh", "Marsh, Helen"),
        ("Ludwig van der Berg", "van der Berg, Ludwig"),
        ("Marsh, Helen", "Marsh, Helen"),
        ("Plato", "Plato"),
        ("  ", None),
    ],
)
def test_surname_first(name: str, expected: str | None) -> None:
    assert surname_first(name) == expected
