"""Render a search into the exact text each platform expects.

A :class:`Rendered` search holds the lines to paste (one for most platforms; Ovid has a
search line and a limit line), notes on anything the platform cannot express exactly, and,
for the APIs litreview runs itself, the request parameters. The rules of each platform are in
docs/searching.md; the renderers live in :mod:`render_vendors` (ProQuest, Web of Science,
EBSCOhost, Ovid, Scopus) and :mod:`render_apis` (PubMed, OpenAlex, Europe PMC, Crossref),
what they share in :mod:`syntax`; this module registers them by platform.
"""

from __future__ import annotations

from datetime import date

from litreview.errors import InvalidValue
from litreview.search import render_apis, render_vendors
from litreview.search.query import Limits, Search, Strategy, iter_searches
from litreview.search.syntax import (
    PLATFORM_NAMES,
    Draft,
    Rendered,
    Renderer,
    join,
    quote_term,
    wrap,
)

__all__ = [
    "PLATFORM_NAMES",
    "RENDERERS",
    "Rendered",
    "render_generic",
    "render_search",
    "render_strategy",
]


# ---- generic -------------------------------------------------------------------------------


def render_generic(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    """Plain Boolean without field tags, for platforms litreview has no rules for."""
    draft.lines.append(
        join((wrap([quote_term(t) for t in g.terms], "OR") for g in search.groups), "AND")
    )
    fields = sorted({f for g in search.groups for f in g.fields})
    draft.note(f"search in: {', '.join(fields)} (choose these fields in the search form)")
    if limits.describe():
        draft.note(f"set the limits in the search form: {limits.describe()}")


# ---- dispatch ------------------------------------------------------------------------------


RENDERERS: dict[str, Renderer] = {
    **render_vendors.RENDERERS,
    **render_apis.RENDERERS,
    "other": render_generic,
}


def render_search(
    search: Search, limits: Limits, platform: str, *, today: date | None = None
) -> Rendered:
    """``search`` with ``limits`` in ``platform``'s syntax; ``today`` closes open year ranges."""
    if platform not in RENDERERS:
        raise InvalidValue(
            f"unknown platform {platform!r}", hint=f"platforms: {', '.join(PLATFORM_NAMES)}"
        )
    draft = Draft()
    RENDERERS[platform](search, limits, today or date.today(), draft)
    return Rendered(
        platform, search, tuple(draft.lines), tuple(draft.notes), tuple(draft.params.items())
    )


def render_strategy(
    strategy: Strategy, platform: str, *, today: date | None = None
) -> list[Rendered]:
    """Every search of the strategy rendered for ``platform``."""
    return [
        render_search(s, strategy.limits, platform, today=today) for s in iter_searches(strategy)
    ]
