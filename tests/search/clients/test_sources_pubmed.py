"""PubMed E-utilities: esearch with history, efetch MEDLINE pages, the normal importer."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from api_fakes import FakeApi

from litreview.errors import SourceError
from litreview.search.clients.pubmed import PubMedClient
from litreview.search.query import iter_searches, load_query_text
from litreview.search.render import Rendered, render_search

QUERY = """
format = 1
title = "t"
combine = "pairwise"
fields = ["title", "abstract"]
[[blocks]]
name = "a"
terms = ["child abuse"]
[[blocks]]
name = "b"
terms = ["collaboration"]
[limits]
year_from = 2000
languages = ["en"]
"""


def _rendered() -> Rendered:
    strategy = load_query_text(QUERY)
    return render_search(
        iter_searches(strategy)[0], strategy.limits, "pubmed", today=date(2025, 1, 1)
    )


def _pages(api: FakeApi) -> FakeApi:
    api.add("/esearch.fcgi", "pubmed_esearch.json")
    api.add("/efetch.fcgi", "pubmed_efetch_1.txt", retstart="0")
    api.add("/efetch.fcgi", "pubmed_efetch_2.txt", retstart="2")
    return api


def _run(client: PubMedClient, state: str | None = None) -> tuple[list[str], list[str | None]]:
    pmids: list[str] = []
    states: list[str | None] = []
    for _ in range(5):
        page = client.fetch_page(_rendered(), state, 2)
        pmids += [r.fields.pmid or "" for r in page.records]
        state = page.next_state
        states.append(state)
        if state is None:
            break
    return pmids, states


def test_esearch_then_efetch_pages(api: FakeApi) -> None:
    _pages(api)
    pmids, states = _run(PubMedClient(transport=api.transport, mailto="me@example.org"))
    assert pmids == ["31000001", "31000002", "31000003"]
    assert states == ['{"retstart": 2, "count": 3}', None]
    search = api.params("/esearch.fcgi")
    assert len(search) == 1  # the history is reused for every page
    assert search[0]["term"] == (
        '"child abuse"[tiab] AND collaboration[tiab] AND english[la] AND 2000:3000[dp]'
    )
    assert search[0]["usehistory"] == "y" and search[0]["email"] == "me@example.org"
    fetch = api.params("/efetch.fcgi")[0]
    assert (fetch["WebEnv"], fetch["query_key"], fetch["rettype"], fetch["retmode"]) == (
        "MCID_6750a1b2c3d4e5f6a7b8c9d0",
        "1",
        "medline",
        "text",
    )


def test_medline_goes_through_the_normal_importer(api: FakeApi) -> None:
    _pages(api)
    page = PubMedClient(transport=api.transport).fetch_page(_rendered(), None, 2)
    f = page.records[0].fields
    assert f.title == "Multi-agency safeguarding hubs and child protection outcomes."
    assert f.authors[:2] == ["Jones, Rebecca", "Ahmed, Yusuf"]
    assert (f.year, f.doi, f.volume, f.issue) == (2019, "10.1002/car.2550", "28", "2")
    assert f.abstract and "children's services" in f.abstract
    assert page.hits == 3


def test_a_resumed_search_runs_esearch_again_and_goes_on(api: FakeApi) -> None:
    _pages(api)
    pmids, _ = _run(PubMedClient(transport=api.transport), '{"retstart": 2, "count": 3}')
    assert pmids == ["31000003"]
    assert len(api.params("/esearch.fcgi")) == 1


def test_no_hits(api: FakeApi) -> None:
    api.add("/esearch.fcgi", "pubmed_esearch_empty.json")
    page = PubMedClient(transport=api.transport).fetch_page(_rendered(), None, 2)
    assert (page.records, page.next_state, page.hits) == ([], None, 0)
    assert api.params("/efetch.fcgi") == []


def test_a_rejected_query_is_a_clear_error(api: FakeApi) -> None:
    api.add("/esearch.fcgi", "pubmed_esearch_error.json")
    with pytest.raises(SourceError, match="PubMed rejected the search: Invalid query"):
        PubMedClient(transport=api.transport).fetch_page(_rendered(), None, 2)


def test_efetch_that_is_not_medline_is_a_clear_error(api: FakeApi) -> None:
    api.add("/esearch.fcgi", "pubmed_esearch.json")
    api.add(
        "/efetch.fcgi",
        httpx.Response(
            200, text="<eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>"
        ),
    )
    with pytest.raises(SourceError, match="not MEDLINE"):
        PubMedClient(transport=api.transport).fetch_page(_rendered(), None, 2)


def test_the_api_key_is_sent_and_speeds_up_pacing(api: FakeApi) -> None:
    _pages(api)
    client = PubMedClient(transport=api.transport, api_key="NCBIKEY")
    client.fetch_page(_rendered(), None, 2)
    assert api.params("/esearch.fcgi")[0]["api_key"] == "NCBIKEY"
    assert client.fetcher.min_interval < PubMedClient(transport=api.transport).fetcher.min_interval
    assert "NCBIKEY" not in client.describe(_rendered())
