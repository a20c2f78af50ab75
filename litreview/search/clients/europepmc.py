"""Europe PMC REST API: ``/search`` with ``resultType=core`` and ``cursorMark`` paging.
https://europepmc.org/RestfulWebService

The last page is the one whose ``nextCursorMark`` is missing or equal to the cursor sent.
"""

from __future__ import annotations

import json
from typing import Any

from litreview.errors import SourceError
from litreview.ingest.normalize import (
    clean_abstract,
    clean_text,
    normalize_doi,
    normalize_language,
    split_pages,
    type_code,
)
from litreview.models import ParsedRecord, RecordFields
from litreview.search.clients._client import ApiClient
from litreview.search.clients._json import as_dict, as_int, as_list, as_str
from litreview.search.clients.base import Page, join_name
from litreview.search.syntax import Rendered

BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest"
MAX_PAGE = 1000


class EuropePmcClient(ApiClient):
    name = "europepmc"
    database = "Europe PMC"
    platform = "Europe PMC REST API"
    default_base_url = BASE_URL

    def describe(self, rendered: Rendered) -> str:
        return f"{self.base_url}/search?query={_query(rendered)}&resultType=core"

    def fetch_page(self, rendered: Rendered, state: str | None, size: int) -> Page:
        cursor = state or "*"
        data = as_dict(
            self.fetcher.get_json(
                f"{self.base_url}/search",
                {
                    "query": _query(rendered),
                    "format": "json",
                    "resultType": "core",
                    "pageSize": min(size, MAX_PAGE),
                    "cursorMark": cursor,
                },
            )
        )
        results = as_dict(data.get("resultList")).get("result")
        if not isinstance(results, list):
            raise SourceError(
                "Europe PMC sent an answer without resultList.result",
                hint="--base-url may point at something that is not Europe PMC",
            )
        records = [result_record(r) for r in results if isinstance(r, dict)]
        next_mark = as_str(data.get("nextCursorMark"))
        more = bool(results) and next_mark is not None and next_mark != cursor
        return Page(records, next_mark if more else None, as_int(data.get("hitCount")))


def _query(rendered: Rendered) -> str:
    return dict(rendered.params)["query"]


def result_record(result: dict[str, Any]) -> ParsedRecord:
    key = f"{as_str(result.get('source')) or ''}:{as_str(result.get('id')) or ''}"
    raw = [("id", key), ("json", json.dumps(result, ensure_ascii=False))]
    return ParsedRecord(0, None, result_fields(result), raw)


def result_fields(result: dict[str, Any]) -> RecordFields:
    info = as_dict(result.get("journalInfo"))
    journal = as_dict(info.get("journal"))
    start, end = split_pages(as_str(result.get("pageInfo")))
    types = [
        t
        for t in (as_str(x) for x in as_list(as_dict(result.get("pubTypeList")).get("pubType")))
        if t
    ]
    kind = type_code(types)
    source, ident = as_str(result.get("source")), as_str(result.get("id"))
    return RecordFields(
        type="JOUR" if kind in (None, "GEN") and journal else kind,
        title=_title(as_str(result.get("title"))),
        authors=_authors(result),
        year=as_int(result.get("pubYear")) or as_int(info.get("yearOfPublication")),
        date=as_str(info.get("printPublicationDate")) or as_str(result.get("firstPublicationDate")),
        journal=clean_text(as_str(journal.get("title"))),
        journal_abbrev=clean_text(
            as_str(journal.get("isoabbreviation")) or as_str(journal.get("medlineAbbreviation"))
        ),
        volume=as_str(info.get("volume")),
        issue=as_str(info.get("issue")),
        start_page=start,
        end_page=end,
        doi=normalize_doi(as_str(result.get("doi"))),
        abstract=clean_abstract(as_str(result.get("abstractText"))),
        keywords=[
            k
            for k in (
                clean_text(as_str(x))
                for x in as_list(as_dict(result.get("keywordList")).get("keyword"))
            )
            if k
        ],
        language=normalize_language(as_str(result.get("language"))),
        database="Europe PMC",
        accession=f"{source}:{ident}" if source and ident else None,
        issn=[i for i in (as_str(journal.get("issn")), as_str(journal.get("essn"))) if i],
        pmid=as_str(result.get("pmid")),
    )


def _title(title: str | None) -> str | None:
    text = clean_text(title)
    return text[:-1] if text and text.endswith(".") and not text.endswith("..") else text


def _authors(result: dict[str, Any]) -> list[str]:
    names = []
    for author in as_list(as_dict(result.get("authorList")).get("author")):
        author = as_dict(author)
        name = join_name(
            clean_text(as_str(author.get("lastName"))), clean_text(as_str(author.get("firstName")))
        ) or clean_text(as_str(author.get("fullName")) or as_str(author.get("collectiveName")))
        if name:
            names.append(name)
    if names:
        return names
    listed = clean_text(as_str(result.get("authorString")))
    return [n.strip() for n in listed.rstrip(".").split(", ") if n.strip()] if listed else []
