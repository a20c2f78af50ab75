"""HTTP for the search APIs: one place for timeouts, politeness, retries and error translation.

``make_client`` builds the ``httpx.Client`` every API client uses (timeouts everywhere, a
User-Agent with a contact address, connection retries). :class:`Fetcher` sends requests
through it: it spaces requests out, retries 429 and 5xx answers with a bounded backoff that
honours ``Retry-After``, and translates every httpx failure into
:class:`~litreview.errors.SourceError` (``RateLimited``, ``SourceUnavailable``) with
``raise ... from``. Nothing above this module sees an httpx exception.

Secrets (API keys from ``LITREVIEW_<SOURCE>_API_KEY``) are sent but never logged: a filter on
httpx's loggers masks them, and the request text stored in the review never includes them.
"""

from __future__ import annotations

import email.utils
import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from litreview.errors import RateLimited, SourceError, SourceUnavailable

log = logging.getLogger(__name__)

TIMEOUT = httpx.Timeout(30.0, connect=10.0)
CONNECT_RETRIES = 2
MAILTO_ENV = "LITREVIEW_MAILTO"
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
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = version("litreview")
    except PackageNotFoundError:
        ours = "dev"
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"litreview/{ours} (https://pypi.org/project/litreview{contact})"


def make_client(
    *,
    transport: httpx.BaseTransport | None = None,
    base_url: str | None = None,
    timeout: httpx.Timeout | float | None = None,
    mailto: str | None = None,
) -> httpx.Client:
    """The one way litreview makes an HTTP client (``transport`` is for tests)."""
    return httpx.Client(
        transport=transport or httpx.HTTPTransport(retries=CONNECT_RETRIES),
        base_url=base_url or "",
        timeout=timeout if timeout is not None else TIMEOUT,
        headers={"User-Agent": user_agent(mailto or get_mailto())},
        follow_redirects=True,
    )


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

    def sleep(self, seconds: float) -> None:
        (self._sleep or _sleep)(seconds)

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """GET ``url``; 2xx answers are returned, everything else raises ``SourceError``."""
        where = self._where(url)
        for attempt in range(1, self.retry.attempts + 1):
            response = self._send(url, params, where)
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

    def _send(self, url: str, params: Mapping[str, Any] | None, where: str) -> httpx.Response:
        self._pace()
        try:
            return self.client.get(url, params=params)
        except httpx.TimeoutException as exc:
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
