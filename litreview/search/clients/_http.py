"""HTTP for the search APIs: one place for timeouts, politeness, retries and error translation.

``make_client`` builds the ``httpx.Client`` every API client uses (timeouts everywhere, a
User-Agent with a contact address, connection retries). :class:`Fetcher` sends requests
through it: it spaces requests out, retries 429 and 5xx answers with a bounded backoff that
honours ``Retry-After``, and translates every httpx failure into
:class:`~litreview.errors.SourceError` (``RateLimited``, ``SourceUnavailable``) with
``raise ... from``. Nothing above this module sees an httpx exception.

Secrets (API keys from ``LITREVIEW_<SOURCE>_API_KEY``) are sent but never logged: a filter on
httpx's loggers masks them, and the request text stored in the review never includes them.
Redirects are followed here, not by httpx: one to another origin (scheme, host or port) drops
every credential header (``Authorization``, the Crossref Plus token, API-key and cookie
headers) and every key query parameter first; httpx alone strips only ``Authorization``.

Deadlines: every request, retries and waits included, must be answered in full within
``LITREVIEW_REQUEST_DEADLINE`` seconds (60 by default), and a whole run (one client) within
``LITREVIEW_RUN_DEADLINE`` (2 hours). Every socket operation's timeout is cut to the time
left, so a server that trickles a byte every few seconds cannot hold a search forever.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urlencode

import httpcore
import httpx

from litreview.errors import InvalidValue, RateLimited, SourceError, SourceUnavailable

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
CONNECT_RETRIES = 2
MAILTO_ENV = "LITREVIEW_MAILTO"
REQUEST_DEADLINE_ENV = "LITREVIEW_REQUEST_DEADLINE"
RUN_DEADLINE_ENV = "LITREVIEW_RUN_DEADLINE"
REQUEST_DEADLINE = 60.0  # seconds for one request, retries and waits included
RUN_DEADLINE = 7200.0  # seconds for all the requests of one command
MAX_REDIRECTS = 5
_CREDENTIAL_HEADER = re.compile(r"(?i)authorization|cookie|token|api[-_]?key|secret|session|auth")
_CREDENTIAL_PARAM = re.compile(
    r"(?i)^(api[-_]?key|apikey|key|token|access[-_]?token|"
    r"auth|secret|signature|sig|password|session)$"
)
_SECRET_PARAMS = re.compile(r"(?i)\b(api_key|apikey|api-key|key|token)=([^&\s\"']+)")
_secrets: set[str] = set()


def _sleep(seconds: float) -> None:  # tests patch this; no test ever really waits
    time.sleep(seconds)


def redact(text: str) -> str:
    """``text`` with every registered secret and every ``api_key=...`` value masked."""
    for secret in _secrets:
        text = text.replace(secret, "***")
    return _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}=***", text)


class _RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def _install_log_filter() -> None:
    for name in ("httpx", "httpcore"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactSecrets) for f in logger.filters):
            logger.addFilter(_RedactSecrets())


_install_log_filter()


def get_api_key(source: str) -> str | None:
    """The API key for ``source`` from ``LITREVIEW_<SOURCE>_API_KEY``, registered as a secret."""
    value = os.environ.get(f"LITREVIEW_{source.upper()}_API_KEY", "").strip()
    if not value:
        return None
    _secrets.add(value)
    return value


def get_mailto() -> str | None:
    value = os.environ.get(MAILTO_ENV, "").strip()
    return value if "@" in value else None


def user_agent(mailto: str | None) -> str:
    try:
        ours = version("litreview")
    except PackageNotFoundError:
        ours = "dev"
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"litreview/{ours} (https://pypi.org/project/litreview{contact})"


def _seconds_from_env(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e9:
        raise InvalidValue(
            f"{name}={text!r} is not a number of seconds",
            hint=f"set {name} to a positive number, e.g. 60, or unset it",
        )
    return value


_deadline: ContextVar[float | None] = ContextVar("litreview_http_deadline", default=None)


def _time_left(timeout: float | None) -> float | None:
    """``timeout`` cut to the time left before the current deadline; past it, a timeout."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the deadline for the answer has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read and write waits at most until the deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.start_tls(ssl_context, server_hostname, _time_left(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket layer with every operation bounded by the request's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_tcp(host, port, _time_left(timeout), local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _time_left(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _transport() -> httpx.HTTPTransport:
    """httpx's transport, its socket layer bounded by the deadlines (``_DeadlineBackend``)."""
    transport = httpx.HTTPTransport(retries=CONNECT_RETRIES)
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.NetworkBackend):  # pragma: no cover (httpx changed)
        raise RuntimeError("httpx's transport has no httpcore network backend to bound")
    pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport


def make_client(
    *,
    transport: httpx.BaseTransport | None = None,
    base_url: str | None = None,
    timeout: httpx.Timeout | float | None = None,
    mailto: str | None = None,
) -> httpx.Client:
    """The one way litreview makes an HTTP client (``transport`` is for tests)."""
    return httpx.Client(
        transport=transport or _transport(),
        base_url=base_url or "",
        timeout=timeout if timeout is not None else TIMEOUT,
        headers={"User-Agent": user_agent(mailto or get_mailto())},
        follow_redirects=False,  # Fetcher follows them, dropping credentials across origins
    )


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.scheme, url.host, url.port or default


def redirect_request(request: httpx.Request, response: httpx.Response) -> httpx.Request:
    """The GET that follows a redirect answer. To another origin, every credential
    header and key query parameter is dropped; a non-HTTP(S) target is refused."""
    target = request.url.join(response.headers["Location"])
    if target.scheme not in ("http", "https"):
        raise SourceError(
            f"a redirect to a {target.scheme or 'relative'} URL was refused",
            hint="check --base-url",
        )
    headers = httpx.Headers(request.headers)
    headers.pop("Host", None)
    if _origin(target) != _origin(request.url):
        for name in list(headers.keys()):
            if _CREDENTIAL_HEADER.search(name):
                headers.pop(name, None)
        kept = [(k, v) for k, v in target.params.multi_items() if not _CREDENTIAL_PARAM.match(k)]
        target = target.copy_with(query=urlencode(kept).encode() if kept else None)
    return httpx.Request("GET", target, headers=headers, extensions=request.extensions)


class _NotFound(SourceError):
    """HTTP 404: a look-up found nothing (``find_json`` turns it into None)."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, for 429 and 5xx answers
    base_delay: float = 2.0  # seconds before the second try; doubles each time
    max_delay: float = 60.0  # a longer Retry-After is not waited for: RateLimited at once


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: a number, or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class Fetcher:
    """Polite, retrying GETs to one service through an ``httpx.Client``."""

    def __init__(
        self,
        client: httpx.Client,
        service: str,
        *,
        min_interval: float = 0.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.client = client
        self.service = service
        self.min_interval = min_interval
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._last: float | None = None
        self.request_deadline = _seconds_from_env(REQUEST_DEADLINE_ENV, REQUEST_DEADLINE)
        self.run_deadline = _seconds_from_env(RUN_DEADLINE_ENV, RUN_DEADLINE)
        self.run_started: float | None = None  # the first request (one client per run)

    def sleep(self, seconds: float) -> None:
        (self._sleep or _sleep)(seconds)

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """GET ``url``; 2xx answers are returned, everything else raises ``SourceError``."""
        where = self._where(url)
        deadline = self._deadline()
        for attempt in range(1, self.retry.attempts + 1):
            response = self._send(url, params, where, deadline)
            status = response.status_code
            if status < 400:
                return response
            if status == 404:
                raise _NotFound(
                    f"{self.service}: not found at {where}",
                    hint="check the identifier, or --base-url",
                )
            if status != 429 and status < 500:
                raise SourceError(
                    f"{self.service} refused the request: HTTP {status} from {where}"
                    + _excerpt(response),
                    hint="check the query and --base-url; run with -v for details",
                )
            wait = self._wait(response, attempt, where)
            if time.monotonic() + wait >= deadline:
                raise self._too_slow(where, deadline)
            log.warning(
                "%s: HTTP %d from %s; retrying in %.0f s (attempt %d of %d)",
                self.service,
                status,
                where,
                wait,
                attempt + 1,
                self.retry.attempts,
            )
            self.sleep(wait)
        raise AssertionError("unreachable")  # the last attempt always returns or raises

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._json(self.get(url, params), url)

    def find_json(self, url: str, params: Mapping[str, Any] | None = None) -> Any | None:
        """Like :meth:`get_json`, but ``None`` when the service answers 404 (not found)."""
        try:
            response = self.get(url, params)
        except _NotFound:
            return None
        return self._json(response, url)

    def _json(self, response: httpx.Response, url: str) -> Any:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise SourceError(
                f"{self.service} sent an answer that is not JSON from {self._where(url)}"
                + _excerpt(response),
                hint="the service may be down, or --base-url may point at the wrong server",
            ) from exc

    def get_text(self, url: str, params: Mapping[str, Any] | None = None) -> str:
        return self.get(url, params).text

    def _deadline(self) -> float:
        """When the answer to a request starting now must be in: the request deadline or
        the end of the run's, whichever comes first."""
        now = time.monotonic()
        if self.run_started is None:
            self.run_started = now
        return min(now + self.request_deadline, self.run_started + self.run_deadline)

    def _too_slow(self, where: str, deadline: float) -> SourceUnavailable:
        if self.run_started is not None and deadline >= self.run_started + self.run_deadline - 1e-6:
            return SourceUnavailable(
                f"{self.service}: this run has used up its {self.run_deadline:.0f} s "
                f"(LITREVIEW_RUN_DEADLINE) at {where}",
                hint=f"run the same command again to go on (a search resumes where it "
                f"stopped), or raise {RUN_DEADLINE_ENV}",
            )
        return SourceUnavailable(
            f"{self.service} did not give a complete answer within "
            f"{self.request_deadline:.0f} s, retries included, at {where}",
            hint="the server is too slow or sends its answer a trickle at a time; try "
            f"again later, or raise {REQUEST_DEADLINE_ENV} (seconds)",
        )

    def _exchange(self, url: str, params: Mapping[str, Any] | None) -> httpx.Response:
        """One GET, redirects followed (``redirect_request``), the body read in full."""
        request = self.client.build_request("GET", url, params=params)
        for _ in range(MAX_REDIRECTS + 1):
            response = self.client.send(request, stream=True, follow_redirects=False)
            try:
                if not (response.is_redirect and "Location" in response.headers):
                    return self._read_body(response)
                request = redirect_request(request, response)
            finally:
                response.close()
        raise SourceError(
            f"{self.service}: more than {MAX_REDIRECTS} redirects", hint="check --base-url"
        )

    def _read_body(self, response: httpx.Response) -> httpx.Response:
        """The answer with its body read (a subclass may read it in chunks and limit it)."""
        response.read()
        return response

    def _send(
        self, url: str, params: Mapping[str, Any] | None, where: str, deadline: float
    ) -> httpx.Response:
        self._pace()
        if time.monotonic() >= deadline:
            raise self._too_slow(where, deadline)
        token = _deadline.set(deadline)
        try:
            return self._exchange(url, params)
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline - 0.05:
                raise self._too_slow(where, deadline) from exc
            raise SourceUnavailable(
                f"{self.service} did not answer in time ({type(exc).__name__} at {where})",
                hint="try again later; a search that was interrupted resumes where it stopped",
            ) from exc
        except httpx.TransportError as exc:
            raise SourceUnavailable(
                f"cannot reach {self.service} at {where}: {redact(str(exc)) or type(exc).__name__}",
                hint="check the network connection, or pass --base-url for a mirror or proxy",
            ) from exc
        except httpx.InvalidURL as exc:
            raise SourceError(
                f"invalid URL for {self.service}: {where}", hint="check --base-url"
            ) from exc
        finally:
            _deadline.reset(token)
            self._last = time.monotonic()

    def _pace(self) -> None:
        if self._last is not None and self.min_interval > 0:
            gap = self.min_interval - (time.monotonic() - self._last)
            if gap > 0:
                self.sleep(gap)

    def _wait(self, response: httpx.Response, attempt: int, where: str) -> float:
        status = response.status_code
        asked = retry_after_seconds(response.headers.get("Retry-After"))
        wait = asked if asked is not None else self.retry.base_delay * 2 ** (attempt - 1)
        if attempt >= self.retry.attempts or wait > self.retry.max_delay:
            after = f" (it asks to wait {asked:.0f} s)" if asked is not None else ""
            if status == 429:
                raise RateLimited(
                    f"{self.service} is rate-limiting requests{after}; gave up after "
                    f"{attempt} attempt(s) at {where}",
                    hint="wait and run the same command again: the search resumes; an API "
                    "key or LITREVIEW_MAILTO raises the limits of some services",
                )
            raise SourceUnavailable(
                f"{self.service} failed with HTTP {status} {attempt} time(s) at {where}{after}",
                hint="the service is having trouble; run the same command again later "
                "and the search resumes",
            )
        return min(wait, self.retry.max_delay)

    def _where(self, url: str) -> str:
        """The URL without its query string (which may carry a key)."""
        try:
            full = self.client.base_url.join(url) if self.client.base_url else httpx.URL(url)
        except httpx.InvalidURL:
            return redact(url.split("?")[0])
        return redact(str(full.copy_with(query=None)))


def _excerpt(response: httpx.Response, size: int = 200) -> str:
    text = " ".join(response.text.split())[:size]
    return f": {redact(text)}" if text else ""
