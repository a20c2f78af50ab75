"""find-fulltext against httpx.MockTransport answers shaped like Unpaywall v2, OpenAlex
and Europe PMC: open access, closed, 404, 429 then OK, HTML instead of a PDF, too large."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from coding_helpers import DATA, pass_screening
from pdf_helpers import write_pdf

from litreview.cli import main
from litreview.errors import InvalidValue, SourceUnavailable
from litreview.fulltext import reports as ft
from litreview.fulltext.files import get_attachment, get_pages
from litreview.fulltext.find import find_fulltext
from litreview.ingest.importer import ImportOptions, import_files
from litreview.protocol import load_template
from litreview.storage.review import Review, create_review

WORKS = DATA / "files" / "works.ris"  # works 1, 2, 5, 6 have DOIs; 3 and 4 have none
LEE_DOI, BROWN_DOI, BLACK_DOI, COCHRANE_DOI = (
    "10.1111/cch.12001",
    "10.1002/jsh_2015.77",
    "10.1093/fampra/cmz001",
    "10.1002/14651858.CD000001",
)


@pytest.fixture
def review(tmp_path: Path):
    r = create_review(tmp_path / "review.db", load_template("default")[0])
    import_files(r, [WORKS], ImportOptions(database="Examples"))
    pass_screening(r, [1, 2, 3, 5, 6])
    yield r
    r.close()


@pytest.fixture
def pdf_bytes(tmp_path: Path) -> bytes:
    path = write_pdf(tmp_path / "oa.pdf", ["Home visiting for new parents", "Open results"])
    return path.read_bytes()


def unpaywall_body(doi: str, pdf: str | None) -> dict[str, object]:
    location = (
        {
            "url": f"https://doi.org/{doi}",
            "url_for_pdf": pdf,
            "url_for_landing_page": f"https://doi.org/{doi}",
            "host_type": "publisher",
            "license": "cc-by",
            "version": "publishedVersion",
        }
        if pdf
        else None
    )
    return {
        "doi": doi,
        "is_oa": pdf is not None,
        "oa_status": "gold" if pdf else "closed",
        "best_oa_location": location,
        "oa_locations": [location] if location else [],
        "title": "x",
    }


class Server:
    """The APIs and a PDF host; counts the requests it saw."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.seen: list[str] = []
        self.throttled = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        self.seen.append(f"{url.host}{url.path}")
        if url.host == "pdfs.test":
            if url.path == "/lee.pdf":
                return httpx.Response(
                    200, content=self.pdf, headers={"Content-Type": "application/pdf"}
                )
            if url.path == "/landing":
                return httpx.Response(
                    200,
                    text="<html><body>Buy this article</body></html>",
                    headers={"Content-Type": "text/html; charset=utf-8"},
                )
            return httpx.Response(404, text="no such file")
        if url.host == "api.unpaywall.org":
            assert url.params["email"] == "me@example.org"
            doi = url.path.removeprefix("/v2/").lower()  # DOIs are case-insensitive
            if doi == LEE_DOI:
                return httpx.Response(200, json=unpaywall_body(doi, "http://pdfs.test/lee.pdf"))
            if doi == BROWN_DOI:
                return httpx.Response(200, json=unpaywall_body(doi, None))
            if doi == COCHRANE_DOI.lower():
                if not self.throttled:
                    self.throttled = True
                    return httpx.Response(429, headers={"Retry-After": "1"}, text="slow down")
                return httpx.Response(200, json=unpaywall_body(doi, "http://pdfs.test/landing"))
            return httpx.Response(
                404,
                json={
                    "HTTP_status_code": 404,
                    "error": True,
                    "message": f"'{doi}' is an invalid doi.",
                },
            )
        if url.host == "api.openalex.org":
            doi = url.path.removeprefix("/works/doi:")
            if doi == LEE_DOI:
                best = {
                    "is_oa": True,
                    "pdf_url": "http://pdfs.test/lee.pdf",
                    "landing_page_url": f"https://doi.org/{doi}",
                    "version": "publishedVersion",
                }
                return httpx.Response(
                    200,
                    json={
                        "id": "https://openalex.org/W1",
                        "doi": f"https://doi.org/{doi}",
                        "open_access": {"is_oa": True},
                        "best_oa_location": best,
                    },
                )
            if doi == BROWN_DOI:
                return httpx.Response(
                    200,
                    json={
                        "id": "https://openalex.org/W2",
                        "best_oa_location": None,
                        "open_access": {"is_oa": False},
                    },
                )
            return httpx.Response(404, json={"error": "Not Found"})
        if url.host == "www.ebi.ac.uk":
            query = url.params["query"]
            results = []
            if LEE_DOI in query:
                results = [
                    {
                        "id": "123",
                        "source": "MED",
                        "pmid": "123",
                        "pmcid": "PMC1",
                        "doi": LEE_DOI,
                        "isOpenAccess": "Y",
                        "fullTextUrlList": {
                            "fullTextUrl": [
                                {
                                    "availability": "Subscription required",
                                    "availabilityCode": "S",
                                    "documentStyle": "doi",
                                    "site": "DOI",
                                    "url": f"https://doi.org/{LEE_DOI}",
                                },
                                {
                                    "availability": "Open access",
                                    "availabilityCode": "OA",
                                    "documentStyle": "pdf",
                                    "site": "Europe_PMC",
                                    "url": "http://pdfs.test/lee.pdf",
                                },
                            ]
                        },
                    }
                ]
            elif BROWN_DOI in query:
                results = [
                    {
                        "id": "456",
                        "source": "MED",
                        "doi": BROWN_DOI,
                        "isOpenAccess": "N",
                        "fullTextUrlList": {
                            "fullTextUrl": [
                                {
                                    "availabilityCode": "S",
                                    "documentStyle": "doi",
                                    "url": f"https://doi.org/{BROWN_DOI}",
                                }
                            ]
                        },
                    }
                ]
            return httpx.Response(
                200,
                json={
                    "version": "6.9",
                    "hitCount": len(results),
                    "resultList": {"result": results},
                },
            )
        return httpx.Response(500)


def statuses(outcomes):
    return {o.work_id: o.status for o in outcomes}


def test_unpaywall_oa_closed_404_429_and_html(review: Review, pdf_bytes: bytes) -> None:
    server = Server(pdf_bytes)
    waits: list[float] = []
    outcomes = find_fulltext(
        review,
        source="unpaywall",
        email="me@example.org",
        transport=httpx.MockTransport(server),
        sleep=waits.append,
    )
    assert statuses(outcomes) == {
        1: "retrieved",
        2: "no_copy",
        3: "no_doi",
        5: "no_copy",
        6: "failed",
    }
    assert 1.0 in waits  # the 429's Retry-After was honoured, then the look-up went on
    html = next(o for o in outcomes if o.work_id == 6)
    assert "text/html, not a PDF" in (html.reason or "")
    assert get_attachment(review, 1) is not None and "Open results" in get_pages(review, 1)[1]
    assert get_attachment(review, 6) is None
    counts = ft.fulltext_counts(review)
    assert (counts["sought"], counts["retrieved"], counts["not_retrieved"]) == (5, 1, 3)
    not_got = ft.current_retrieval(review, 2)
    assert not_got is not None and not_got.reason == "no open-access copy"
    # a re-run asks nothing about the works already looked up
    before = len(server.seen)
    again = find_fulltext(
        review,
        source="unpaywall",
        email="me@example.org",
        transport=httpx.MockTransport(server),
        sleep=waits.append,
    )
    assert statuses(again) == {3: "no_doi"} and len(server.seen) == before


def test_openalex_and_europepmc_shapes(review: Review, pdf_bytes: bytes) -> None:
    for source in ("openalex", "europepmc"):
        server = Server(pdf_bytes)
        outcomes = find_fulltext(
            review,
            source=source,
            transport=httpx.MockTransport(server),
            every_work=True,
            sleep=lambda s: None,
        )
        got = statuses(outcomes)
        assert got[2] == "no_copy" and got[5] == "no_copy" and got[3] == got[4] == "no_doi"
        assert got.get(1, "retrieved") == "retrieved"  # the 2nd source skips the attached work
    assert get_attachment(review, 1) is not None
    assert get_attachment(review, 4) is None  # not sought: looked up with --all, nothing recorded


def test_size_limit_and_a_service_that_is_down(review: Review, pdf_bytes: bytes) -> None:
    outcomes = find_fulltext(
        review,
        source="openalex",
        max_bytes=len(pdf_bytes) - 1,
        transport=httpx.MockTransport(Server(pdf_bytes)),
        sleep=lambda s: None,
    )
    big = next(o for o in outcomes if o.work_id == 1)
    assert big.status == "failed" and "larger than" in (big.reason or "")

    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="maintenance")

    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        find_fulltext(
            review, source="europepmc", transport=httpx.MockTransport(down), sleep=lambda s: None
        )


def test_unpaywall_needs_an_email(review: Review, monkeypatch, capsys) -> None:
    monkeypatch.delenv("LITREVIEW_MAILTO", raising=False)
    with pytest.raises(InvalidValue, match="email"):
        find_fulltext(review, source="unpaywall")
    review.close()
    with pytest.raises(SystemExit) as exc:
        main(["--db", str(review.path), "find-fulltext", "--json"])
    assert exc.value.code == 1 and "Hint: pass --email" in capsys.readouterr().err


def test_the_command_against_a_local_server(
    review: Review, pdf_bytes: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    """find-fulltext --base-url --json end to end over real HTTP (127.0.0.1 only)."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the http.server name)
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path.startswith("/pdf/"):
                body, kind = pdf_bytes, "application/pdf"
            elif self.path.startswith(f"/v2/{LEE_DOI}?"):
                body = json.dumps(unpaywall_body(LEE_DOI, f"{host}/pdf/lee")).encode()
                kind = "application/json"
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        review.close()
        base = f"http://127.0.0.1:{server.server_address[1]}/v2"
        args = ["--db", str(review.path), "find-fulltext", "--email", "me@example.org"]
        main([*args, "--base-url", base, "--json"])  # returns: exit 0
    finally:
        server.shutdown()
        server.server_close()
    out = json.loads(capsys.readouterr().out)
    assert {o["work_id"]: o["status"] for o in out} == {
        1: "retrieved",
        2: "no_copy",
        3: "no_doi",
        5: "no_copy",
        6: "no_copy",
    }
