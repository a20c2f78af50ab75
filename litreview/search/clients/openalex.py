"""OpenAlex: works search with filters and cursor paging, and citation chasing.

Works come back as JSON; the abstract is rebuilt from ``abstract_inverted_index``. Citation
chasing reads a work's ``referenced_works`` (backward) and the works whose filter
``cites:W...`` matches it (forward). https://docs.openalex.org
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

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
from litreview.search.clients.base import Page, surname_first
from litreview.search.syntax import Rendered

BASE_URL = "https://api.openalex.org"
MAX_PAGE = 100  # per_page: 1-100 in the current API (200 in the old one)
ID_BATCH = 50  # OpenAlex ids OR-ed in one filter
_SELECT = (
    "id,doi,title,display_name,publication_year,publication_date,language,type,authorships,"
    "primary_location,biblio,abstract_inverted_index,keywords,ids"
)
_TYPES = {
    "article": "JOUR",
    "review": "JOUR",
    "letter": "JOUR",
    "editorial": "JOUR",
    "erratum": "JOUR",
    "preprint": "UNPB",
    "book": "BOOK",
    "book-chapter": "CHAP",
    "monograph": "BOOK",
    "dissertation": "THES",
    "report": "RPRT",
    "dataset": "DATA",
    "proceedings-article": "CONF",
    "standard": "STAND",
    "reference-entry": "ENCYC",
}


class OpenAlexClient(ApiClient):
    name = "openalex"
    database = "OpenAlex"
    platform = "OpenAlex API"
    default_base_url = BASE_URL

    # ---- searching -------------------------------------------------------------------------

    def describe(self, rendered: Rendered) -> str:
        return f"{self.base_url}/works?filter={dict(rendered.params)['filter']}"

    def fetch_page(self, rendered: Rendered, state: str | None, size: int) -> Page:
        params = {
            "filter": dict(rendered.params)["filter"],
            "select": _SELECT,
            "per_page": min(size, MAX_PAGE),
            "cursor": state or "*",
        }
        return self._page(params)

    def _page(self, params: dict[str, Any]) -> Page:
        data = self.fetcher.get_json(f"{self.base_url}/works", self._auth(params))
        meta, results = _meta_and_results(data)
        records = [work_record(w) for w in results]
        next_cursor = meta.get("next_cursor")
        more = bool(results) and isinstance(next_cursor, str) and bool(next_cursor)
        return Page(records, next_cursor if more else None, as_int(meta.get("count")))

    def _auth(self, params: dict[str, Any]) -> dict[str, Any]:
        params = dict(params)
        if self.mailto:
            params["mailto"] = self.mailto
        if self.api_key:
            params["api_key"] = self.api_key
        return params

    # ---- citation chasing ------------------------------------------------------------------

    def find_work(self, identifier: str) -> dict[str, Any] | None:
        """A work by OpenAlex id (``W123``), ``doi:10.x/y`` or ``pmid:123``; None if unknown."""
        params = self._auth({"select": "id,doi,display_name,referenced_works"})
        data = self.fetcher.find_json(f"{self.base_url}/works/{identifier}", params)
        if data is not None and not isinstance(data, dict):
            raise SourceError(f"OpenAlex sent an unexpected answer for {identifier}")
        return data

    def iter_works_by_id(self, work_ids: list[str]) -> Iterator[ParsedRecord]:
        """The works with these OpenAlex ids, fetched ``ID_BATCH`` at a time."""
        for start in range(0, len(work_ids), ID_BATCH):
            batch = work_ids[start : start + ID_BATCH]
            params = {
                "filter": "openalex:" + "|".join(batch),
                "select": _SELECT,
                "per_page": len(batch),
            }
            yield from self._page(params).records

    def iter_citing(self, work_id: str, limit: int | None = None) -> Iterator[ParsedRecord]:
        """Works that cite ``work_id`` (cursor paging; at most ``limit``)."""
        cursor: str | None = "*"
        count = 0
        while cursor:
            params = {
                "filter": f"cites:{work_id}",
                "select": _SELECT,
                "per_page": MAX_PAGE,
                "cursor": cursor,
            }
            page = self._page(params)
            for record in page.records:
                if limit is not None and count >= limit:
                    return
                count += 1
                yield record
            cursor = page.next_state


def short_id(url_or_id: str) -> str:
    """``https://openalex.org/W123`` -> ``W123``."""
    return url_or_id.rstrip("/").rsplit("/", 1)[-1]


def rebuild_abstract(inverted: Any) -> str | None:
    """The abstract text from OpenAlex's ``{word: [positions]}`` index."""
    if not isinstance(inverted, dict) or not inverted:
        return None
    placed: dict[int, str] = {}
    for word, positions in inverted.items():
        if isinstance(word, str) and isinstance(positions, list):
            for position in positions:
                if isinstance(position, int) and position >= 0:
                    placed[position] = word
    return clean_abstract(" ".join(placed[p] for p in sorted(placed))) if placed else None


def work_record(work: Any) -> ParsedRecord:
    """One OpenAlex work as a parsed record (``position`` is set by the caller)."""
    if not isinstance(work, dict) or not isinstance(work.get("id"), str):
        raise SourceError(
            "OpenAlex sent a work without an id",
            hint="--base-url may point at something that is not OpenAlex",
        )
    return ParsedRecord(0, None, work_fields(work), _raw(work))


def work_fields(work: dict[str, Any]) -> RecordFields:
    location = as_dict(work.get("primary_location"))
    source = as_dict(location.get("source"))
    biblio = as_dict(work.get("biblio"))
    ids = as_dict(work.get("ids"))
    start, end = split_pages(as_str(biblio.get("first_page")), as_str(biblio.get("last_page")))
    urls = [u for u in (work["id"], as_str(location.get("landing_page_url"))) if u]
    return RecordFields(
        type=_TYPES.get(as_str(work.get("type")) or "", "GEN"),
        title=clean_text(as_str(work.get("title")) or as_str(work.get("display_name"))),
        authors=_authors(work.get("authorships")),
        year=as_int(work.get("publication_year")),
        date=as_str(work.get("publication_date")),
        journal=clean_text(as_str(source.get("display_name"))),
        volume=as_str(biblio.get("volume")),
        issue=as_str(biblio.get("issue")),
        start_page=start,
        end_page=end,
        doi=normalize_doi(as_str(work.get("doi"))),
        abstract=rebuild_abstract(work.get("abstract_inverted_index")),
        keywords=[
            k
            for k in (
                clean_text(as_str(as_dict(x).get("display_name")))
                for x in as_list(work.get("keywords"))
            )
            if k
        ],
        language=normalize_language(as_str(work.get("language"))),
        database="OpenAlex",
        accession=short_id(work["id"]),
        urls=list(dict.fromkeys(urls)),
        issn=[i for i in (as_str(x) for x in as_list(source.get("issn"))) if i],
        publisher=clean_text(as_str(source.get("host_organization_name"))),
        pmid=short_id(pmid) if (pmid := as_str(ids.get("pmid"))) else None,
    )


def _authors(authorships: Any) -> list[str]:
    names = []
    for item in as_list(authorships):
        item = as_dict(item)
        name = as_str(as_dict(item.get("author")).get("display_name")) or as_str(
            item.get("raw_author_name")
        )
        inverted = surname_first(clean_text(name))
        if inverted:
            names.append(inverted)
    return names


def _raw(work: dict[str, Any]) -> list[tuple[str, str]]:
    kept = {k: v for k, v in work.items() if k != "abstract_inverted_index"}
    return [("id", short_id(work["id"])), ("json", json.dumps(kept, ensure_ascii=False))]


def _meta_and_results(data: Any) -> tuple[dict[str, Any], list[Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise SourceError(
            "OpenAlex sent an answer without 'results'",
            hint="--base-url may point at something that is not OpenAlex",
        )
    return as_dict(data.get("meta")), data["results"]
