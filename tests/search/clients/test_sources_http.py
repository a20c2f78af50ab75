"""The HTTP layer: retries with backoff, Retry-After, error translation, timeouts, secrets."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from api_fakes import FakeApi

from litreview.errors import RateLimited, SourceError, SourceUnavailable
from litreview.search.clients import _http
from litreview.search.clients._http import Fetcher, RetryPolicy, make_client, retry_after_seconds


def _fetcher(api: FakeApi, **kwargs: object) -> Fetcher:
    return Fetcher(make_client(transport=api.transport), "Test API", **kwargs)  # type: ignore[arg-type]


def test_429_then_success_waits_as_retry_after_asks(api: FakeApi, sleeps: list[float]) -> None:
    api.add("/works", httpx.Response(429, headers={"Retry-After": "7"}), "openalex_empty.json")
    data = _fetcher(api).get_json("https://api.example.org/works")
    assert data["meta"]["count"] == 0
    assert sleeps == [7.0]
    assert len(api.requests) == 2


def test_500_then_success_backs_off(api: FakeApi, sleeps: list[float]) -> None:
    api.add("/works", httpx.Response(500), httpx.Response(503), "openalex_empty.json")
    fetcher = _fetcher(api, retry=RetryPolicy(attempts=4, base_delay=2.0))
    assert fetcher.get_json("https://api.example.org/works")["results"] == []
    assert sleeps == [2.0, 4.0]


def test_rate_limit_that_never_ends_is_a_clear_error(api: FakeApi, sleeps: list[float]) -> None:
    api.add("/works", httpx.Response(429))
    with pytest.raises(RateLimited) as err:
        _fetcher(api, retry=RetryPolicy(attempts=3, base_delay=1.0)).get("https://x.org/works")
    assert "rate-limiting" in err.value.message and "3 attempt" in err.value.message
    assert err.value.hint and "resumes" in err.value.hint
    assert sleeps == [1.0, 2.0]


def test_a_retry_after_too_long_is_not_waited_for(api: FakeApi, sleeps: list[float]) -> None:
    api.add("/works", httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(RateLimited, match="wait 3600 s"):
        _fetcher(api).get("https://x.org/works")
    assert sleeps == []


def test_server_errors_that_persist_become_source_unavailable(api: FakeApi) -> None:
    api.add("/works", httpx.Response(502))
    with pytest.raises(SourceUnavailable, match="HTTP 502 2 time"):
        _fetcher(api, retry=RetryPolicy(attempts=2)).get("https://x.org/works")


def test_a_client_error_is_not_retried(api: FakeApi, sleeps: list[float]) -> None:
    api.add("/works", httpx.Response(400, text="Invalid query parameters: filter"))
    with pytest.raises(SourceError, match="HTTP 400 .*Invalid query parameters"):
        _fetcher(api).get("https://x.org/works")
    assert len(api.requests) == 1 and sleeps == []


def test_malformed_json_is_a_clear_source_error(api: FakeApi) -> None:
    api.add("/works", httpx.Response(200, text="<html>Service Temporarily Unavailable</html>"))
    with pytest.raises(SourceError) as err:
        _fetcher(api).get_json("https://x.org/works?api_key=SECRET")
    assert "not JSON" in err.value.message and "Service Temporarily" in err.value.message
    assert "SECRET" not in err.value.message
    assert isinstance(err.value.__cause__, json.JSONDecodeError)


def test_connection_failure_becomes_source_unavailable(api: FakeApi) -> None:
    api.add("/works", httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(SourceUnavailable, match="cannot reach Test API") as err:
        _fetcher(api).get("https://x.org/works")
    assert isinstance(err.value.__cause__, httpx.ConnectError)


def test_not_found_is_none_for_lookups(api: FakeApi) -> None:
    api.add("/works/W1", httpx.Response(404, json={"error": "not found"}))
    assert _fetcher(api).find_json("https://x.org/works/W1") is None


def test_requests_are_spaced_out(api: FakeApi, sleeps: list[float]) -> None:
    api.add("/works", "openalex_empty.json")
    fetcher = _fetcher(api, min_interval=10.0)
    fetcher.get("https://x.org/works")
    fetcher.get("https://x.org/works")
    assert len(sleeps) == 1 and 9.0 < sleeps[0] <= 10.0


def test_retry_after_as_http_date() -> None:
    now = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


def test_client_has_timeouts_user_agent_and_mailto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LITREVIEW_MAILTO", "reviewer@example.org")
    client = make_client()
    assert client.timeout.read == 30.0 and client.timeout.connect == 10.0
    assert "mailto:reviewer@example.org" in client.headers["User-Agent"]
    assert client.headers["User-Agent"].startswith("litreview/")


def test_api_keys_are_never_logged(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("LITREVIEW_OPENALEX_API_KEY", "s3cr3t-key-123")
    key = _http.get_api_key("openalex")
    api.add("/works", httpx.Response(500), "openalex_empty.json")
    with caplog.at_level(logging.DEBUG):
        _fetcher(api).get("https://x.org/works", {"api_key": key, "filter": "a"})
    assert api.requests[0].url.params["api_key"] == "s3cr3t-key-123"  # it is sent...
    assert "HTTP Request" in caplog.text  # ...httpx logged the requests...
    assert "s3cr3t-key-123" not in caplog.text  # ...without the key
    assert _http.redact("token=abc&x=1 s3cr3t-key-123") == "token=***&x=1 ***"


# ---- a real HTTP server on 127.0.0.1: the socket path and a timeout ---------------------------


class _Handler(BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        if self.path.startswith("/slow"):
            self.release.wait(5)  # far longer than the client's timeout
        body = json.dumps({"meta": {"count": 0, "next_cursor": None}, "results": []}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up first

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    _Handler.release.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.release.set()
    httpd.shutdown()
    httpd.server_close()


def test_real_socket_round_trip(server: str) -> None:
    with make_client(timeout=5.0) as client:
        data = Fetcher(client, "Local").get_json(f"{server}/works", {"filter": "x"})
    assert data["results"] == []


def test_a_server_slower_than_the_timeout_gives_source_unavailable(server: str) -> None:
    started = time.monotonic()
    with make_client(timeout=0.3) as client, pytest.raises(SourceUnavailable) as err:
        Fetcher(client, "Local").get(f"{server}/slow")
    assert time.monotonic() - started < 3.0  # no hang
    assert "did not answer in time" in err.value.message
    assert isinstance(err.value.__cause__, httpx.TimeoutException)
