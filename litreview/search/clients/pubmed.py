"""PubMed through NCBI E-utilities: esearch (usehistory) then efetch as MEDLINE text, read by
the same importer as a MEDLINE/nbib file. https://www.ncbi.nlm.nih.gov/books/NBK25499/

The paging state is ``{"retstart": n, "count": N}``; the WebEnv history of a search lives only
in this process, so a resumed search runs esearch again and goes on from ``retstart``.
"""

from __future__ import annotations

import json
from typing import Any

from litreview.errors import ImportFormatError, SourceError
from litreview.ingest import parse_bytes
from litreview.search.clients._client import ApiClient
from litreview.search.clients._json import as_dict, as_int, as_str
from litreview.search.clients.base import Page
from litreview.search.syntax import Rendered

BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
MAX_PAGE = 500


class PubMedClient(ApiClient):
    name = "pubmed"
    database = "PubMed"
    platform = "NCBI E-utilities"
    default_base_url = BASE_URL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._history: dict[str, tuple[str, str, int]] = {}  # term -> (WebEnv, query_key, count)

    def request_interval(self) -> float:
        # NCBI allows 3 requests a second without a key, 10 with one
        return 0.11 if self.api_key else 0.34

    def describe(self, rendered: Rendered) -> str:
        return f"{self.base_url}/esearch.fcgi?db=pubmed&term={_term(rendered)}"

    def fetch_page(self, rendered: Rendered, state: str | None, size: int) -> Page:
        term = _term(rendered)
        retstart = (as_int(as_dict(json.loads(state)).get("retstart")) or 0) if state else 0
        webenv, query_key, count = self._search(term)
        if count == 0 or retstart >= count:
            return Page([], None, count)
        retmax = min(size, MAX_PAGE)
        text = self.fetcher.get_text(
            f"{self.base_url}/efetch.fcgi",
            self._common(
                {
                    "db": "pubmed",
                    "WebEnv": webenv,
                    "query_key": query_key,
                    "retstart": retstart,
                    "retmax": retmax,
                    "rettype": "medline",
                    "retmode": "text",
                }
            ),
        )
        records = _parse_medline(text, retstart)
        after = retstart + retmax
        more = bool(records) and after < count
        return Page(
            records, json.dumps({"retstart": after, "count": count}) if more else None, count
        )

    def _search(self, term: str) -> tuple[str, str, int]:
        if term not in self._history:
            data = self.fetcher.get_json(
                f"{self.base_url}/esearch.fcgi",
                self._common(
                    {
                        "db": "pubmed",
                        "term": term,
                        "usehistory": "y",
                        "retmode": "json",
                        "retmax": 0,
                    }
                ),
            )
            self._history[term] = _read_esearch(data)
        return self._history[term]

    def _common(self, params: dict[str, Any]) -> dict[str, Any]:
        params = {**params, "tool": "litreview"}
        if self.mailto:
            params["email"] = self.mailto
        if self.api_key:
            params["api_key"] = self.api_key
        return params


def _term(rendered: Rendered) -> str:
    return dict(rendered.params)["term"]


def _read_esearch(data: Any) -> tuple[str, str, int]:
    result = as_dict(as_dict(data).get("esearchresult"))
    error = as_str(result.get("ERROR")) or as_str(as_dict(data).get("error"))
    if error:
        raise SourceError(
            f"PubMed rejected the search: {error}",
            hint="check the query with: litreview query render FILE --platform pubmed",
        )
    count = as_int(result.get("count"))
    webenv, query_key = as_str(result.get("webenv")), as_str(result.get("querykey"))
    if count is None or (count > 0 and not (webenv and query_key)):
        raise SourceError(
            "PubMed's esearch answer has no count or search history",
            hint="--base-url may point at something that is not E-utilities",
        )
    return webenv or "", query_key or "", count


def _parse_medline(text: str, retstart: int) -> list[Any]:
    if not text.strip():
        return []
    try:
        parsed = parse_bytes(text.encode("utf-8"), f"PubMed efetch (from record {retstart + 1})")
    except ImportFormatError as exc:
        raise SourceError(
            f"PubMed's efetch answer is not MEDLINE text: {exc.detail}",
            hint="--base-url may point at something that is not E-utilities",
        ) from exc
    return list(parsed.records)
