"""Search APIs: OpenAlex, PubMed (E-utilities), Crossref and Europe PMC.

Each client takes an ``httpx.Client`` (or builds one with :func:`_http.make_client`), is a
context manager, and turns one rendered search into pages of ``ParsedRecord``:

    client.describe(rendered)                 -> the exact request, without secrets
    client.fetch_page(rendered, state, size)  -> Page(records, next_state, hits)

``state`` is an opaque string (a cursor) that the search runner stores between pages, so an
interrupted search resumes where it stopped. Only ``_http`` sees httpx errors.
"""

from __future__ import annotations

import httpx

from litreview.errors import InvalidValue
from litreview.search.clients.base import (
    Page,
    SearchClient,
    clean_base_url,
    join_name,
    surname_first,
)
from litreview.search.clients.crossref import CrossrefClient
from litreview.search.clients.europepmc import EuropePmcClient
from litreview.search.clients.openalex import OpenAlexClient
from litreview.search.clients.pubmed import PubMedClient

__all__ = [
    "CLIENTS",
    "SOURCES",
    "Page",
    "SearchClient",
    "clean_base_url",
    "join_name",
    "make_search_client",
    "surname_first",
]

CLIENTS: dict[str, type[OpenAlexClient | PubMedClient | CrossrefClient | EuropePmcClient]] = {
    "openalex": OpenAlexClient,
    "pubmed": PubMedClient,
    "crossref": CrossrefClient,
    "europepmc": EuropePmcClient,
}
SOURCES = tuple(CLIENTS)


def make_search_client(
    source: str, *, base_url: str | None = None, transport: httpx.BaseTransport | None = None
) -> SearchClient:
    """The client for ``source`` (``transport`` lets tests serve recorded answers)."""
    if source not in CLIENTS:
        raise InvalidValue(f"unknown source {source!r}", hint=f"sources: {', '.join(SOURCES)}")
    return CLIENTS[source](base_url=base_url, transport=transport)
