"""Render a search into the exact text each platform expects.

A :class:`Rendered` search holds the lines to paste (one for most platforms; Ovid has a
search line and a limit line), notes on anything the platform cannot express exactly, and,
for the APIs litreview runs itself, the request parameters. The rules of each platform are in
docs/searching.md; the renderers live in :mod:`render_vendors` (ProQuest, Web of Science,
EBSCOhost, Ovid, Scopus) and :mod:`render_apis` (PubMed, OpenAlex, Europe PMC, Crossref).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from litreview.errors import InvalidValue
from litreview.search.query import Limits, Search, Strategy, iter_searches

PLATFORM_NAMES: dict[str, str] = {
    "proquest": "ProQuest",
    "wos": "Web of Science",
    "ebsco": "EBSCOhost",
    "ovid": "Ovid",
    "pubmed": "PubMed",
    "scopus": "Scopus",
    "openalex": "OpenAlex API",
    "europepmc": "Europe PMC",
    "crossref": "Crossref API",
    "other": "any other platform",
}
OPERATOR_WORDS = frozenset({"and", "or", "not", "near", "adj", "same", "with", "pre"})


@dataclass(frozen=True)
class Rendered:
    platform: str
    search: Search
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()
    params: tuple[tuple[str, str], ...] = ()  # API request parameters, for the API platforms

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Draft:
    """What a platform renderer builds: lines, notes and parameters."""

    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


Renderer = Callable[[Search, Limits, date, Draft], None]


# ---- terms ---------------------------------------------------------------------------------


def is_phrase(term: str) -> bool:
    """More than one word, or a hyphenated word: platforms need it quoted to keep it together."""
    return " " in term or "-" in term


def has_operator(term: str) -> bool:
    words = term.replace("-", " ").split()
    return any(word.lower().rstrip("*") in OPERATOR_WORDS for word in words)


def quote_term(term: str) -> str:
    """``"child abuse"``, ``"inter-agency"``, ``collaborat*``: quotes only where needed."""
    return f'"{term}"' if is_phrase(term) or has_operator(term) else term


def truncated_stems(term: str) -> list[str]:
    """The stems of the truncated words of ``term`` (``child protect*`` -> ``["protect"]``)."""
    return [w[:-1] for w in term.replace("-", " ").split() if w.endswith("*")]


def strip_truncation(term: str, draft: Draft, platform: str) -> str:
    if "*" not in term:
        return term
    draft.note(
        f"{PLATFORM_NAMES[platform]} has no truncation: '{term}' is searched as "
        f"'{term.replace('*', '')}'; list the word forms you need as separate terms"
    )
    return term.replace("*", "")


def map_fields(
    fields: tuple[str, ...],
    combined: Mapping[frozenset[str], str],
    single: Mapping[str, tuple[str, ...]],
) -> list[str]:
    """The platform tags for ``fields`` (searched with OR): the platform's tags for several
    fields at once where they fit, largest first, then each remaining field's own tags."""
    remaining = list(fields)
    tags: list[str] = []
    for key, tag in sorted(combined.items(), key=lambda item: -len(item[0])):
        if key <= set(remaining) and tag not in tags:
            tags.append(tag)
            remaining = [f for f in remaining if f not in key]
    return tags + [tag for f in remaining for tag in single[f]]


def join(parts: Iterable[str], operator: str) -> str:
    return f" {operator} ".join(parts)


def wrap(parts: list[str], operator: str) -> str:
    """Parts joined by ``operator``, in parentheses when there is more than one."""
    text = join(parts, operator)
    return f"({text})" if len(parts) > 1 else text


def year_range(limits: Limits, today: date, *, first: int = 1900) -> tuple[int, int]:
    """An explicit range for platforms that need both ends: open ends become ``first``/today."""
    return limits.year_from or first, limits.year_to or today.year


def mapped_types(
    limits: Limits, names: Mapping[str, str | None], draft: Draft, platform: str
) -> list[str]:
    """Each document type's name on the platform; types it lacks are noted and left out."""
    out: list[str] = []
    for kind in limits.document_types:
        name = names.get(kind)
        if name is None:
            draft.note(
                f"{PLATFORM_NAMES[platform]} has no document type for '{kind}'; "
                "that limit is not applied"
            )
        elif name not in out:
            out.append(name)
    return out


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


def _renderers() -> dict[str, Renderer]:
    from litreview.search import render_apis, render_vendors

    return {
        **render_vendors.RENDERERS,
        **render_apis.RENDERERS,
        "other": render_generic,
    }


def render_search(
    search: Search, limits: Limits, platform: str, *, today: date | None = None
) -> Rendered:
    """``search`` with ``limits`` in ``platform``'s syntax; ``today`` closes open year ranges."""
    renderers = _renderers()
    if platform not in renderers:
        raise InvalidValue(
            f"unknown platform {platform!r}", hint=f"platforms: {', '.join(PLATFORM_NAMES)}"
        )
    draft = Draft()
    renderers[platform](search, limits, today or date.today(), draft)
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
