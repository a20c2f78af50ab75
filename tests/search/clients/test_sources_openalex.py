"""The OpenAlex client: filters, cursor paging, empty results, mapping, abstract rebuilding."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from api_fakes import FakeApi, openalex_pages

from litreview.errors import SourceError
from litreview.search.clients.openalex import OpenAlexClient, rebuild_abstract, work_fields
from litreview.search.query import Limits, load_query_text
from litreview.search.query import iter_searches as searches_of
from litreview.search.render import Rendered, render_search

QUERY = """
format = 1
title = "t"
[[blocks]]
name = "a"
terms = ["child abuse", "inter-agency"]
[limits]
year_from = 2000
languages = ["en"]
"""


def _rendered() -> Rendered:
    strategy = load_query_text(QUERY)
    return render_search(
        searches_of(strategy)[0], strategy.limits, "openalex", today=date(2025, 1, 1)
    )


def test_pages_follow_the_cursor_until_it_ends(api: FakeApi) -> None:
    openalex_pages(api)
    client = OpenAlexClient(transport=api.transport, mailto="me@example.org")
    rendered = _rendered()
    state, seen, hits = None, [], None
    for _ in range(10):
        page = client.fetch_page(rendered, state, 2)
        seen += [r.fields.accession for r in page.records]
        hits, state = page.hits, page.next_state
        if state is None:
            break
    assert hits == 5
    assert seen == [
        "W4200000001",
        "W4200000002",
        "W4200000003",
        "W4200000004",
        "W4200000004",
        "W4200000005",
    ]  # the runner drops the repeat
    first = api.params("/works")[0]
    assert first["cursor"] == "*" and first["per_page"] == "2"
    assert first["filter"] == (
        'title_and_abstract.search:("child abuse" OR "inter-agency"),'
        "language:en,from_publication_date:2000-01-01"
    )
    assert first["mailto"] == "me@example.org"
    assert "api_key" not in first


def test_empty_results_end_at_once(api: FakeApi) -> None:
    api.add("/works", "openalex_empty.json")
    page = OpenAlexClient(transport=api.transport).fetch_page(_rendered(), None, 100)
    assert page.records == [] and page.next_state is None and page.hits == 0


def test_describe_is_the_exact_request_without_secrets() -> None:
    client = OpenAlexClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(500)),
        api_key="KEY",
        mailto="me@example.org",
    )
    text = client.describe(_rendered())
    assert text == (
        "https://api.openalex.org/works?filter=title_and_abstract.search:"
        '("child abuse" OR "inter-agency"),language:en,'
        "from_publication_date:2000-01-01"
    )


def test_base_url_override(api: FakeApi) -> None:
    api.add("/mirror/works", "openalex_empty.json")
    client = OpenAlexClient(base_url="https://proxy.example.org/mirror/", transport=api.transport)
    client.fetch_page(_rendered(), None, 10)
    assert str(api.requests[0].url).startswith("https://proxy.example.org/mirror/works?")


def test_an_answer_that_is_not_openalex_is_a_clear_error(api: FakeApi) -> None:
    api.add("/works", httpx.Response(200, json={"hello": "world"}))
    with pytest.raises(SourceError, match="without 'results'"):
        OpenAlexClient(transport=api.transport).fetch_page(_rendered(), None, 10)


def test_work_mapping(api: FakeApi) -> None:
    api.add("/works", "openalex_page1.json")
    page = OpenAlexClient(transport=api.transport).fetch_page(_rendered(), None, 2)
    f = page.records[0].fields
    assert f.title == "Inter-agency collaboration in child protection: what makes it work?"
    assert f.authors == ["Marsh, Helen", "van der Berg, Ludwig"]
    assert (f.year, f.date, f.type, f.language) == (2009, "2009-03-01", "JOUR", "en")
    assert (f.journal, f.volume, f.issue, f.start_page, f.end_page) == (
        "Child & Family Social Work",
        "12",
        "3",
        "101",
        "118",
    )
    assert f.doi == "10.1111/j.1365-2206.2009.00001.x"
    assert f.abstract == (
        "Collaboration between agencies is central to child protection. "
        "We interviewed 40 practitioners."
    )
    assert f.keywords == ["Child protection", "Interprofessional collaboration"]
    assert (f.accession, f.pmid, f.database) == ("W4200000001", "19900001", "OpenAlex")
    assert f.issn == ["1356-7500", "1365-2206"] and f.publisher == "Wiley"
    assert f.urls[0] == "https://openalex.org/W4200000001"
    assert page.records[0].raw[0] == ("id", "W4200000001")


def test_abstract_is_rebuilt_in_word_order() -> None:
    inverted = {"collaboration": [3], "Inter-agency": [0], "is": [1, 4], "hard": [5], "the": [2]}
    assert rebuild_abstract(inverted) == "Inter-agency is the collaboration is hard"
    assert rebuild_abstract(None) is None and rebuild_abstract({}) is None
    assert rebuild_abstract({"word": "not a list"}) is None


def test_a_sparse_work_maps_without_errors() -> None:
    f = work_fields(
        {
            "id": "https://openalex.org/W9",
            "title": None,
            "display_name": "Only",
            "type": "dissertation",
            "primary_location": None,
            "biblio": None,
            "authorships": [{"author": {"display_name": "Plato"}}],
        }
    )
    assert (f.title, f.type, f.authors, f.journal, f.doi) == ("Only", "THES", ["Plato"], None, None)


def test_limits_reach_the_filter() -> None:
    strategy = load_query_text(QUERY)
    limits = Limits(2000, 2015, ("en", "fr"), ("article", "review"))
    rendered = render_search(searches_of(strategy)[0], limits, "openalex")
    assert dict(rendered.params)["filter"].endswith(
        ",language:en|fr,from_publication_date:2000-01-01,to_publication_date:2015-12-31,"
        "type:article|review"
    )
