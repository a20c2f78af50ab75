"""What every platform renderer shares: what it builds (a :class:`Draft`, returned as a
:class:`Rendered` search), the platforms' names, and helpers for terms, fields, years and
document types. :mod:`litreview.search.render` dispatches to the renderers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from litreview.search.query import Limits, Search

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
