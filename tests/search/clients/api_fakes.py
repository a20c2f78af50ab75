"""A fake API served through ``httpx.MockTransport``: no network, recorded bodies from
tests/data/sources shaped like each real API's answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

DATA = Path(__file__).resolve().parents[2] / "data" / "sources"

Reply = str | httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


@dataclass
class Route:
    path: str
    params: dict[str, str]
    replies: list[Reply]
    served: int = 0


@dataclass
class FakeApi:
    """Routes by path suffix and query parameters; each route serves its replies in turn
    (the last one again when they run out). A reply is a file in tests/data/sources, an
    ``httpx.Response``, an exception to raise, or a function of the request."""

    routes: list[Route] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def add(self, path: str, *replies: Reply, **params: str) -> FakeApi:
        self.routes.append(Route(path, params, list(replies)))
        return self

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        for route in self.routes:
            if request.url.path.endswith(route.path) and all(
                request.url.params.get(k) == v for k, v in route.params.items()
            ):
                reply = route.replies[min(route.served, len(route.replies) - 1)]
                route.served += 1
                return _answer(reply, request)
        return httpx.Response(404, json={"error": f"no route for {request.url}"})

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def params(self, path: str) -> list[dict[str, str]]:
        return [dict(r.url.params) for r in self.requests if r.url.path.endswith(path)]


def _answer(reply: Reply, request: httpx.Request) -> httpx.Response:
    if isinstance(reply, Exception):
        raise reply
    if isinstance(reply, httpx.Response):
        return reply
    if callable(reply):
        return reply(request)
    body = (DATA / reply).read_bytes()
    kind = "application/json" if reply.endswith(".json") else "text/plain; charset=utf-8"
    return httpx.Response(200, content=body, headers={"Content-Type": kind})


def openalex_pages(api: FakeApi, *, fail_after: int | None = None) -> FakeApi:
    """The four OpenAlex pages chained by cursor; ``fail_after`` breaks the connection on the
    request for the page after that one."""
    cursors = ["*", "IlsxMDAsICd3MSddIg==", "IlsxMDAsICd3MiddIg==", "IlsxMDAsICd3MyddIg=="]
    for n, cursor in enumerate(cursors, start=1):
        reply: Any = f"openalex_page{n}.json"
        if fail_after is not None and n > fail_after:
            reply = httpx.ConnectError("connection reset by peer")
        api.add("/works", reply, cursor=cursor)
    return api
