"""Fixtures for the API tests: a fake API, recorded sleeps, no keys from the environment."""

from __future__ import annotations

import pytest
from api_fakes import FakeApi

from litreview.search.clients import _http


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture(autouse=True)
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait the clients would do, recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(_http, "_sleep", waited.append)
    return waited


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENALEX", "PUBMED", "CROSSREF", "EUROPEPMC"):
        monkeypatch.delenv(f"LITREVIEW_{name}_API_KEY", raising=False)
    monkeypatch.delenv("LITREVIEW_MAILTO", raising=False)
