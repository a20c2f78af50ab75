"""Find open-access copies of full texts and attach them (``litreview find-fulltext``).

For each work (by default the reports sought at the full-text stage that have no file;
``every_work``: every work without a file) with a DOI, one service is asked:

- Unpaywall v2: ``GET {base}/{doi}?email=...`` -> ``best_oa_location.url_for_pdf``;
- OpenAlex: ``GET {base}/works/doi:{doi}`` -> ``best_oa_location.pdf_url``;
- Europe PMC: ``GET {base}/search?query=DOI:"{doi}"&resultType=core&format=json`` ->
  a ``fullTextUrlList`` entry with ``documentStyle`` pdf that is open (OA) or free (F),
  else the PMC rendering of an open-access article.

The PDF is downloaded through the same HTTP layer as the searches (timeouts, polite
spacing, retries with backoff on 429 and 5xx), refused above ``max_bytes`` and unless
it is a PDF (an HTML landing page is not), and attached as ``litreview attach`` does.
Each look-up is an ``oa_lookup`` event (``value`` = the service, ``reason`` = the
outcome, ``payload`` = the URL), so a re-run skips works already looked up at that
service. A report sought with no copy is recorded "not retrieved: no open-access copy"
(PRISMA's reports not retrieved) unless it was already assessed or has a recorded status.
An answer the service itself fails on (down, rate-limited after retries) stops the run
with an error; run it again to resume.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from litreview.errors import InvalidValue, RateLimited, SourceError, SourceUnavailable
from litreview.fulltext import reports as ft
from litreview.fulltext.files import WorkIndex, attach_file, files_folder, normalize_doi
from litreview.fulltext.reports import list_sought
from litreview.search.clients._http import Fetcher, get_mailto, make_client
from litreview.search.clients.base import clean_base_url
from litreview.storage import files as files_store
from litreview.storage.events import append_event, iter_live_events
from litreview.storage.review import Review
from litreview.storage.works import group_map

SOURCES = ("unpaywall", "openalex", "europepmc")
BASE_URLS = {
    "unpaywall": "https://api.unpaywall.org/v2",
    "openalex": "https://api.openalex.org",
    "europepmc": "https://www.ebi.ac.uk/europepmc/webservices/rest",
}
MAX_BYTES = 100 * 1024 * 1024
NO_COPY = "no open-access copy"


@dataclass(frozen=True)
class FindOutcome:
    work_id: int
    doi: str | None
    status: str  # retrieved | no_copy | no_doi | failed
    url: str | None = None
    reason: str | None = None


class _TooLarge(SourceError):
    pass


class _Downloader(Fetcher):
    """A Fetcher whose answers are read in chunks and refused above ``max_bytes``."""

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def _read_body(self, response: httpx.Response) -> httpx.Response:
        """Read in chunks, refused as soon as it passes ``max_bytes`` (redirects, the
        deadline and the credential rules are the Fetcher's)."""
        where = str(response.request.url)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(where)
        chunks, total = [], 0
        for chunk in response.iter_bytes():
            total += len(chunk)
            if total > self.max_bytes:
                raise self._too_large(where)
            chunks.append(chunk)
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")
        }
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=b"".join(chunks),
            request=response.request,
        )

    def _too_large(self, where: str) -> _TooLarge:
        return _TooLarge(f"larger than {self.max_bytes // (1024 * 1024)} MB at {where}")


def _pdf_url(source: str, answer: Any) -> str | None:
    if not isinstance(answer, dict):
        return None
    if source in ("unpaywall", "openalex"):
        best = answer.get("best_oa_location")
        key = "url_for_pdf" if source == "unpaywall" else "pdf_url"
        url = best.get(key) if isinstance(best, dict) else None
        return str(url) if url else None
    results = (answer.get("resultList") or {}).get("result") or []
    if not results:
        return None
    first = results[0]
    for entry in (first.get("fullTextUrlList") or {}).get("fullTextUrl") or []:
        if entry.get("documentStyle") == "pdf" and entry.get("availabilityCode") in ("OA", "F"):
            url = entry.get("url")
            return str(url) if url else None
    if first.get("isOpenAccess") == "Y" and first.get("pmcid"):
        return f"https://europepmc.org/articles/{first['pmcid']}?pdf=render"
    return None


def _lookup(fetcher: Fetcher, source: str, base: str, doi: str, email: str | None) -> Any:
    if source == "unpaywall":
        return fetcher.find_json(f"{base}/{quote(doi, safe='/')}", {"email": email})
    if source == "openalex":
        params = {"mailto": email} if email else None
        return fetcher.find_json(f"{base}/works/doi:{quote(doi, safe='/')}", params)
    return fetcher.find_json(
        f"{base}/search",
        {"query": f'DOI:"{doi}"', "resultType": "core", "format": "json", "pageSize": 1},
    )


def looked_up(review: Review, source: str) -> set[int]:
    groups = group_map(review.db)
    return {
        groups.get(int(e.record_id), int(e.record_id))
        for e in iter_live_events(review.db, ("oa_lookup",))
        if e.value == source and e.record_id is not None
    }


def _candidates(review: Review, every_work: bool) -> list[tuple[int, str | None]]:
    dois: dict[int, str | None] = {}
    for work, doi, _title in files_store.iter_doi_titles(review.db):
        if doi or work not in dois:
            dois[work] = doi or dois.get(work)
    attached = files_store.current_attachments(review.db)
    works = sorted(dois) if every_work else list_sought(review)
    return [(w, dois.get(w)) for w in works if w not in attached]


def find_fulltext(
    review: Review,
    *,
    source: str = "unpaywall",
    email: str | None = None,
    base_url: str | None = None,
    every_work: bool = False,
    max_bytes: int = MAX_BYTES,
    reviewer: str | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] | None = None,
    progress: Callable[[FindOutcome], None] | None = None,
) -> list[FindOutcome]:
    """Look up and attach open-access copies; one outcome per work looked up."""
    if source not in SOURCES:
        raise InvalidValue(f"unknown source {source!r}", hint="unpaywall, openalex or europepmc")
    email = email or get_mailto()
    if source == "unpaywall" and not email:
        raise InvalidValue(
            "Unpaywall asks for an email address with every request",
            hint="pass --email you@example.org or set LITREVIEW_MAILTO",
        )
    base = clean_base_url(base_url or BASE_URLS[source])
    done = looked_up(review, source)
    todo = [(w, d) for w, d in _candidates(review, every_work) if w not in done]
    outcomes: list[FindOutcome] = []
    with make_client(transport=transport, mailto=email) as client:
        api = Fetcher(client, source, min_interval=0.1, sleep=sleep)
        pdfs = _Downloader(
            client, f"{source} PDF host", min_interval=0.1, sleep=sleep, max_bytes=max_bytes
        )
        for work, doi in todo:
            outcome = _one(review, api, pdfs, source, base, work, doi, email, reviewer)
            outcomes.append(outcome)
            if progress:
                progress(outcome)
    return outcomes


def _one(
    review: Review,
    api: Fetcher,
    pdfs: _Downloader,
    source: str,
    base: str,
    work: int,
    doi: str | None,
    email: str | None,
    reviewer: str | None,
) -> FindOutcome:
    if not doi:
        return FindOutcome(work, None, "no_doi", reason="no DOI to look up")
    doi = normalize_doi(doi)
    url = _pdf_url(source, _lookup(api, source, base, doi, email))
    if url is None:
        return _record(review, FindOutcome(work, doi, "no_copy", reason=NO_COPY), source, reviewer)
    problem = _download_and_attach(review, pdfs, source, work, url, reviewer)
    if problem is None:
        return _record(review, FindOutcome(work, doi, "retrieved", url), source, reviewer)
    return _record(
        review,
        FindOutcome(work, doi, "failed", url, f"{NO_COPY}: the {source} link {problem}"),
        source,
        reviewer,
    )


def _download_and_attach(
    review: Review, pdfs: _Downloader, source: str, work: int, url: str, reviewer: str | None
) -> str | None:
    """None when the PDF was attached, else what went wrong."""
    try:
        response = pdfs.get(url)
    except _TooLarge as exc:
        return f"is {exc}"
    except SourceError as exc:
        if isinstance(exc, (SourceUnavailable, RateLimited)):
            raise
        return f"failed: {exc}"
    body = response.content
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if body.lstrip()[:5] != b"%PDF-":
        shown = kind or "no content type"
        return f"gave {shown}, not a PDF (a landing page?)"
    folder = files_folder(review)
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:  # not an output: a download, attached below
            handle.write(body)
        index = WorkIndex({}, {})
        attached = files_store.current_attachments(review.db)
        result = attach_file(
            review,
            Path(temp),
            index,
            attached,
            forced=work,
            reviewer=reviewer,
            origin=url,
            matched_by=f"{source} open-access copy",
        )
    finally:
        Path(temp).unlink(missing_ok=True)
    if result.status in ("attached", "already_attached"):
        return None
    return f"gave an unreadable PDF ({result.reason})"


def _record(review: Review, outcome: FindOutcome, source: str, reviewer: str | None) -> FindOutcome:
    """Store the look-up; a report sought with no copy is recorded not retrieved first (so
    an interrupted run that stored it looks the work up again, harmlessly)."""
    work = outcome.work_id
    if (
        outcome.status in ("no_copy", "failed")
        and work in set(ft.list_sought(review))
        and ft.current_retrieval(review, work) is None
        and ft._decision_values(review).get(work) not in ("include", "exclude")
    ):
        ft.mark_not_retrieved(review, work, reason=outcome.reason or NO_COPY, reviewer=reviewer)
    with review.db.atomic():
        append_event(
            review.db,
            "oa_lookup",
            record_id=work,
            value=source,
            reason=outcome.reason or outcome.status,
            reviewer=reviewer,
            payload={"url": outcome.url, "doi": outcome.doi},
        )
    return outcome
