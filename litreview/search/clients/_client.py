"""What every search API client shares: its HTTP client, rate limit and lifecycle."""

from __future__ import annotations

from typing import ClassVar, Self

import httpx

from litreview.search.clients._http import Fetcher, get_api_key, get_mailto, make_client
from litreview.search.clients.base import clean_base_url


class ApiClient:
    """Base of the source clients: injectable ``httpx.Client`` (or transport), base URL
    override for mirrors and proxies, API key and contact address from the environment
    unless given, polite request spacing, and use as a context manager."""

    name: ClassVar[str]
    database: ClassVar[str]
    platform: ClassVar[str]
    default_base_url: ClassVar[str]
    min_interval: ClassVar[float] = 0.1  # seconds between requests

    def __init__(
        self,
        http: httpx.Client | None = None,
        *,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        api_key: str | None = None,
        mailto: str | None = None,
    ) -> None:
        self.base_url = clean_base_url(base_url or self.default_base_url)
        self.api_key = api_key or get_api_key(self.name)
        self.mailto = mailto or get_mailto()
        self.http = http or make_client(transport=transport, mailto=self.mailto)
        self.fetcher = Fetcher(self.http, self.database, min_interval=self.request_interval())

    def request_interval(self) -> float:
        return self.min_interval

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
