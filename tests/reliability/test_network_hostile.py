"""Hostile servers on 127.0.0.1: cross-origin redirects must not carry credentials, and a
server that trickles its answer must not hold a search past its deadline."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from litreview.errors import SourceUnavailable
from litreview.search.clients import _http
from litreview.search.clients._http import Fetcher, make_client
from litreview.search.clients.crossref import CrossrefClient

TOKEN = "s3cret-plus-token-42"
KEY = "k3y-in-the-query-77"
BODY = {
    "status": "ok",
    "message-type": "work-list",
    "message": {"items": [], "next-cursor": None, "total-results": 0},
}


class _Handler(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str, dict[str, str]]]] = []  # (server, path, headers)
    other: ClassVar[str] = ""  # the other server's origin, for cross-origin redirects
    stop = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        name = f"127.0.0.1:{self.server.server_address[1]}"
        self.seen.append((name, self.path, {k.lower(): v for k, v in self.headers.items()}))
        try:
            if self.path.startswith("/away"):
                self._redirect(f"{self.other}/landing{self.path[len('/away') :]}")
            elif self.path.startswith("/same"):
                self._redirect(f"/landing{self.path[len('/same') :]}")
            elif self.path.startswith("/trickle-body"):
                self._trickle(headers_first=True)
            elif self.path.startswith("/trickle-head"):
                self._trickle(headers_first=False)
            else:
                self._json(200, BODY)
        except OSError:
            pass  # the client gave up first

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _json(self, status: int, data: object) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, *, headers_first: bool) -> None:
        """One byte every 0.5 s, at most 40 (20 s), then stop by itself."""
        body = json.dumps(BODY).encode()
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        if headers_first:
            self.wfile.write(head)
            self.wfile.flush()
            data = body
        else:
            data = head + body
        for byte in data[:40]:
            if self.stop.wait(0.5):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def log_message(self, *args: object) -> None:
        pass


def _serve() -> tuple[ThreadingHTTPServer, str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture
def servers() -> Iterator[tuple[str, str]]:
    _Handler.seen.clear()
    _Handler.stop.clear()
    first, a = _serve()
    second, b = _serve()
    _Handler.other = b
    yield a, b
    _Handler.stop.set()
    for httpd in (first, second):
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _fresh_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(_http.REQUEST_DEADLINE_ENV, raising=False)
    monkeypatch.delenv(_http.RUN_DEADLINE_ENV, raising=False)


def _landing(b: str) -> tuple[str, dict[str, str]]:
    port = b.rsplit(":", 1)[1]
    hits = [
        (path, headers)
        for name, path, headers in _Handler.seen
        if name.endswith(port) and path.startswith("/landing")
    ]
    assert len(hits) == 1
    return hits[0]


def test_crossref_plus_token_and_key_do_not_follow_a_cross_origin_redirect(
    servers: tuple[str, str],
) -> None:
    a, b = servers
    with CrossrefClient(base_url=f"{a}/away", api_key=TOKEN, mailto="me@example.org") as client:
        client.http.headers["Authorization"] = f"Bearer {TOKEN}"
        client.http.headers["X-Api-Key"] = TOKEN
        data = client.fetcher.get_json(f"{a}/away/works", {"query": "sleep", "api_key": KEY})
    assert data["message"]["items"] == []
    first = [h for name, path, h in _Handler.seen if path.startswith("/away")][0]
    assert first["crossref-plus-api-token"] == f"Bearer {TOKEN}"  # sent to the service itself
    path, headers = _landing(b)
    assert TOKEN not in json.dumps(headers) and KEY not in path
    assert not {"authorization", "crossref-plus-api-token", "x-api-key"} & set(headers)
    assert "query=sleep" in path  # the search itself is kept
    assert headers["user-agent"].startswith("litreview/")


def test_a_same_origin_redirect_keeps_the_credentials(servers: tuple[str, str]) -> None:
    a, _ = servers
    with make_client() as http:
        http.headers["Crossref-Plus-API-Token"] = f"Bearer {TOKEN}"
        Fetcher(http, "Local").get_json(f"{a}/same/works", {"api_key": KEY})
    path, headers = _landing(a)
    assert headers["crossref-plus-api-token"] == f"Bearer {TOKEN}" and f"api_key={KEY}" in path


@pytest.mark.parametrize("where", ["trickle-body", "trickle-head"])
def test_a_trickling_server_is_given_up_at_the_request_deadline(
    servers: tuple[str, str], where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = servers
    monkeypatch.setenv(_http.REQUEST_DEADLINE_ENV, "2")
    started = time.monotonic()
    with make_client() as http, pytest.raises(SourceUnavailable) as err:  # 30 s read timeout
        Fetcher(http, "Local").get(f"{a}/{where}")
    elapsed = time.monotonic() - started
    assert "within 2 s" in err.value.message and err.value.hint
    assert elapsed < 15  # the trickle would run 20 s and each byte beats the read timeout


def test_the_run_deadline_stops_further_requests(
    servers: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _ = servers
    monkeypatch.setenv(_http.RUN_DEADLINE_ENV, "5")
    with make_client() as http:
        fetcher = Fetcher(http, "Local")
        fetcher.get_json(f"{a}/works")  # the run starts here
        assert fetcher.run_started is not None
        fetcher.run_started -= 6  # ... and 6 s went by
        with pytest.raises(SourceUnavailable) as err:
            fetcher.get_json(f"{a}/works")
    assert "LITREVIEW_RUN_DEADLINE" in err.value.message
    assert len([p for _, p, _ in _Handler.seen if p == "/works"]) == 1  # not even sent


def test_a_bad_deadline_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from litreview.errors import InvalidValue

    monkeypatch.setenv(_http.REQUEST_DEADLINE_ENV, "soon")
    with make_client() as http, pytest.raises(InvalidValue) as err:
        Fetcher(http, "Local")
    assert _http.REQUEST_DEADLINE_ENV in err.value.message
