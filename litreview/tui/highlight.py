"""Mark the protocol's highlight terms in a piece of text.

Pure functions, no widgets: :func:`find_terms` locates the terms and
:func:`highlight` turns text into a ``Content`` whose spans style them.

The term syntax is the protocol's (``litreview.protocol.compile_terms``):
matching is case-insensitive and on whole words, so ``child`` matches "Child"
but not "children"; a ``*`` ends a word with any letters (``child*`` matches
both); a space or hyphen between words matches spaces, line breaks, hyphens or
nothing ("inter-agency" finds "interagency" and "inter agency"). Where terms
overlap the longest wins; a term listed as both an include and an exclude
term counts as include. The text is never parsed as
markup, and :func:`highlight` sanitises it first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from textual.content import Content, Span

from litreview.report.sanitize import sanitize

__all__ = ["EXCLUDE_STYLE", "INCLUDE_STYLE", "TermMatch", "find_terms", "highlight"]

Kind = Literal["include", "exclude"]

#: Include terms: bold and underlined (plus the theme's success colour).
INCLUDE_STYLE = "bold underline $text-success"
#: Exclude terms: reversed and italic (plus the theme's error colour).
EXCLUDE_STYLE = "italic reverse $text-error"

_STYLES: dict[Kind, str] = {"include": INCLUDE_STYLE, "exclude": EXCLUDE_STYLE}


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    kind: Kind
    term: str  # the protocol term as written


_SEPARATORS = re.compile(r"[\s\-]+")


def _words(term: str) -> list[str]:
    return [w for w in _SEPARATORS.split(term.strip().casefold()) if w.rstrip("*")]


def _term_pattern(words: list[str]) -> str:
    return r"[\s\-]*".join(
        re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words
    )


@lru_cache(maxsize=32)
def _compile(
    include: tuple[str, ...], exclude: tuple[str, ...]
) -> tuple[re.Pattern[str] | None, list[tuple[str, Kind, str]]]:
    terms: dict[str, tuple[Kind, str]] = {}
    groups: tuple[tuple[Kind, tuple[str, ...]], ...] = (("include", include), ("exclude", exclude))
    for kind, group in groups:
        for term in group:
            key = " ".join(_words(term))
            if key and key not in terms:
                terms[key] = (kind, term.strip())
    if not terms:
        return None, []
    # Longest first so that "child protection" wins over "child".
    ordered = sorted(terms.items(), key=lambda item: (-len(item[0]), item[0]))
    alternatives = "|".join(
        f"(?P<t{i}>{_term_pattern(key.split())})" for i, (key, _) in enumerate(ordered)
    )
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    return pattern, [(key, kind, term) for key, (kind, term) in ordered]


def find_terms(text: str, include: Iterable[str], exclude: Iterable[str]) -> list[TermMatch]:
    """Every non-overlapping occurrence of a highlight term in ``text``, in order."""
    pattern, terms = _compile(tuple(include), tuple(exclude))
    if pattern is None or not text:
        return []
    matches = []
    for match in pattern.finditer(text):
        name = match.lastgroup
        assert name is not None
        _, kind, term = terms[int(name[1:])]
        matches.append(TermMatch(match.start(), match.end(), kind, term))
    return matches


def highlight(
    text: str | None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    *,
    base_style: str = "",
) -> Content:
    """``text``, sanitised, as literal ``Content`` with include and exclude terms styled."""
    text = sanitize(text)
    spans = [Span(m.start, m.end, _STYLES[m.kind]) for m in find_terms(text, include, exclude)]
    if base_style and text:
        spans.insert(0, Span(0, len(text), base_style))
    return Content(text, spans, strip_control_codes=False)
