"""Crossref REST API: ``/works`` with ``query``, ``filter`` and deep paging by ``cursor``.
https://api.crossref.org/swagger-ui/index.html

Crossref has no Boolean search: it ranks by relevance to all the words, so searches are
usually capped with ``--max``. The polite pool wants ``mailto`` (``LITREVIEW_MAILTO``); a
Metadata Plus token comes from ``LITREVIEW_CROSSREF_API_KEY`` and is sent as a header.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from litreview.errors import SourceError
from litreview.ingest.normalize import (
    clean_abstract,
    clean_text,
    normalize_doi,
    normalize_language,
    split_pages,
)
from litreview.models import ParsedRecord, RecordFields
from litreview.search.clients._client import ApiClient
from litreview.search.clients._json import as_dict, as_int, as_list, as_str
from litreview.search.clients.base import Page, join_name
from litreview.search.syntax import Rendered

BASE_URL = "https://api.crossref.org"
MAX_PAGE = 1000
_TYPES = {
    "journal-article": "JOUR",
    "proceedings-article": "CONF",
    "book": "BOOK",
    "monograph": "BOOK",
    "edited-book": "EDBOOK",
    "book-chapter": "CHAP",
    "book-section": "CHAP",
    "dissertation": "THES",
    "report": "RPRT",
    "posted-content": "UNPB",
    "dataset": "DATA",
    "reference-entry": "ENCYC",
    "standard": "STAND",
}


class CrossrefClient(ApiClient):
    name = "crossref"
    database = "Crossref"
    platform = "Crossref REST API"
    default_base_url = BASE_URL

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        api_key: str | None = None,
        mailto: str | None = None,
    ) -> None:
        super().__init__(
            http, base_url=base_url, transport=transport, api_key=api_key, mailto=mailto
        )
        if self.api_key:  # Metadata Plus
            self.http.headers["Crossref-Plus-API-Token"] = f"Bearer {self.api_key}"

    def describe(self, rendered: Rendered) -> str:
        return f"{self.base_url}/works?" + "&".join(f"{k}={v}" for k, v in rendered.params)

    def fetch_page(self, rendered: Rendered, state: str | None, size: int) -> Page:
        params: dict[str, Any] = {
            **dict(rendered.params),
            "rows": min(size, MAX_PAGE),
            "cursor": state or "*",
        }
        if self.mailto:
            params["mailto"] = self.mailto
        data = self.fetcher.get_json(f"{self.base_url}/works", params)
        message = as_dict(as_dict(data).get("message"))
        items = message.get("items")
        if not isinstance(items, list):
            raise SourceError(
                "Crossref sent an answer without message.items",
                hint="--base-url may point at something that is not Crossref",
            )
        records = [item_record(i) for i in items if isinstance(i, dict)]
        cursor = as_str(message.get("next-cursor"))
        more = bool(items) and cursor is not None and len(items) >= min(size, MAX_PAGE)
        return Page(records, cursor if more else None, as_int(message.get("total-results")))


def item_record(item: dict[str, Any]) -> ParsedRecord:
    raw = [("DOI", as_str(item.get("DOI")) or ""), ("json", json.dumps(item, ensure_ascii=False))]
    return ParsedRecord(0, None, item_fields(item), raw)


def item_fields(item: dict[str, Any]) -> RecordFields:
    start, end = split_pages(as_str(item.get("page")))
    year, date = _issued(item)
    return RecordFields(
        type=_TYPES.get(as_str(item.get("type")) or "", "GEN"),
        title=_title(item),
        authors=_people(item.get("author")),
        editors=_people(item.get("editor")),
        year=year,
        date=date,
        journal=clean_text(_first(item.get("container-title"))),
        journal_abbrev=clean_text(_first(item.get("short-container-title"))),
        volume=as_str(item.get("volume")),
        issue=as_str(item.get("issue")),
        start_page=start,
        end_page=end,
        doi=normalize_doi(as_str(item.get("DOI"))),
        abstract=clean_abstract(as_str(item.get("abstract"))),
        language=normalize_language(as_str(item.get("language"))),
        database="Crossref",
        urls=[u for u in (as_str(item.get("URL")),) if u],
        issn=_strings(item.get("ISSN")),
        isbn=_strings(item.get("ISBN")),
        publisher=clean_text(as_str(item.get("publisher"))),
    )


def _first(values: Any) -> str | None:
    found = _strings(values)
    return found[0] if found else None


def _strings(values: Any) -> list[str]:
    return list(dict.fromkeys(s for s in (as_str(v) for v in as_list(values)) if s))


def _title(item: dict[str, Any]) -> str | None:
    title = clean_text(_first(item.get("title")))
    subtitle = clean_text(_first(item.get("subtitle")))
    if title and subtitle and subtitle.lower() not in title.lower():
        return f"{title}: {subtitle}"
    return title


def _people(values: Any) -> list[str]:
    names = []
    for person in as_list(values):
        person = as_dict(person)
        name = join_name(
            clean_text(as_str(person.get("family"))), clean_text(as_str(person.get("given")))
        ) or clean_text(as_str(person.get("name")))
        if name:
            names.append(name)
    return names


def _issued(item: dict[str, Any]) -> tuple[int | None, str | None]:
    """Year and ISO date from the first dated field (``{"date-parts": [[2018, 2, 13]]}``)."""
    for key in ("issued", "published", "published-print", "published-online"):
        date_parts = as_list(as_dict(item.get(key)).get("date-parts"))
        numbers: list[int] = []
        for part in as_list(date_parts[0]) if date_parts else []:
            number = as_int(part)
            if number is None:
                break
            numbers.append(number)
        if numbers:
            date = "-".join([str(numbers[0])] + [f"{n:02d}" for n in numbers[1:3]])
            return numbers[0], date
    return None, None
