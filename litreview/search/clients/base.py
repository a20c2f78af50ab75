"""What every search API client shares, without HTTP: a page of results, the client
protocol the search runner talks to, and helpers for names and base URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from litreview.errors import InvalidValue
from litreview.models import ParsedRecord
from litreview.search.syntax import Rendered

_PARTICLES = frozenset(
    (
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "ten",
        "ter",
        "bin",
        "ibn",
        "al",
        "el",
        "st",
    )
)


@dataclass
class Page:
    """One page of results; ``next_state`` is None when there are no more pages."""

    records: list[ParsedRecord]
    next_state: str | None
    hits: int | None = None
    notes: list[str] = field(default_factory=list)


class SearchClient(Protocol):
    @property
    def name(self) -> str: ...  # openalex | pubmed | crossref | europepmc

    @property
    def database(self) -> str: ...  # the database as the search log names it

    @property
    def platform(self) -> str: ...

    base_url: str

    def describe(self, rendered: Rendered) -> str: ...

    def fetch_page(self, rendered: Rendered, state: str | None, size: int) -> Page: ...

    def close(self) -> None: ...

    def __enter__(self) -> SearchClient: ...

    def __exit__(self, *exc: object) -> None: ...


def surname_first(name: str | None) -> str | None:
    """``"Ludwig van Beethoven"`` -> ``"van Beethoven, Ludwig"``; already inverted names and
    single names are kept."""
    if not name:
        return None
    name = " ".join(name.split())
    if "," in name or " " not in name:
        return name or None
    words = name.split(" ")
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return f"{' '.join(words[start:])}, {' '.join(words[:start])}"


def join_name(family: str | None, given: str | None) -> str | None:
    family = " ".join((family or "").split())
    given = " ".join((given or "").split())
    if family and given:
        return f"{family}, {given}"
    return family or given or None


def clean_base_url(base_url: str) -> str:
    """``--base-url`` without a trailing slash; it must be http(s)."""
    url = base_url.strip().rstrip("/")
    if not re.match(r"https?://[^/\s]+", url):
        raise InvalidValue(
            f"--base-url {base_url!r} is not an http(s) URL",
            hint="e.g. --base-url https://api.openalex.org",
        )
    return url
