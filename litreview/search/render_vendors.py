"""Renderers for the bibliographic platforms searched by hand: ProQuest, Web of Science,
EBSCOhost, Ovid and Scopus. docs/searching.md explains each rule."""

from __future__ import annotations

from datetime import date

from litreview.search.query import LANGUAGES, Group, Limits, Search
from litreview.search.syntax import (
    Draft,
    Renderer,
    has_operator,
    is_phrase,
    join,
    map_fields,
    mapped_types,
    quote_term,
    wrap,
    year_range,
)

_F = frozenset


def _quote_value(value: str) -> str:
    return f'"{value}"' if " " in value or "/" in value else value


# ---- ProQuest: TI,AB,SU("child abuse" OR safeguarding) AND LA(English) AND PD(>19991231) ----

_PROQUEST_FIELDS = {"title": "TI", "abstract": "AB", "keywords": "SU"}
_PROQUEST_TYPES = {
    "article": "Journal Article",
    "review": "Literature Review",
    "conference-paper": "Conference Paper",
    "book": "Book",
    "book-chapter": "Book Chapter",
    "dissertation": "Dissertation/Thesis",
    "report": "Report",
}


def _proquest_group(group: Group) -> str:
    codes = (
        "NOFT" if group.fields == ("all",) else ",".join(_PROQUEST_FIELDS[f] for f in group.fields)
    )
    return f"{codes}({join((quote_term(t) for t in group.terms), 'OR')})"


def render_proquest(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = [_proquest_group(g) for g in search.groups]
    if limits.languages:
        parts.append(f"LA({join((LANGUAGES[c][0] for c in limits.languages), 'OR')})")
    if limits.year_from and limits.year_to:
        parts.append(f"PD({limits.year_from}0101-{limits.year_to}1231)")
    elif limits.year_from:
        parts.append(f"PD(>{limits.year_from - 1}1231)")
    elif limits.year_to:
        parts.append(f"PD(<{limits.year_to + 1}0101)")
    types = mapped_types(limits, _PROQUEST_TYPES, draft, "proquest")
    if types:
        parts.append(f"DTYPE({join((_quote_value(t) for t in types), 'OR')})")
    draft.lines.append(join(parts, "AND"))


# ---- Web of Science: TS=("child abuse") AND LA=(English) AND PY=(2000-2025) -------------------

_WOS_COMBINED = {_F({"title", "abstract", "keywords"}): "TS", _F({"all"}): "ALL"}
_WOS_SINGLE = {"title": ("TI",), "abstract": ("AB",), "keywords": ("AK", "KP")}
_WOS_TYPES = {
    "article": "Article",
    "review": "Review",
    "conference-paper": "Proceedings Paper",
    "book": "Book",
    "book-chapter": "Book Chapter",
    "dissertation": None,
    "report": None,
}


def render_wos(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = []
    for group in search.groups:
        terms = join((quote_term(t) for t in group.terms), "OR")
        tags = map_fields(group.fields, _WOS_COMBINED, _WOS_SINGLE)
        parts.append(wrap([f"{tag}=({terms})" for tag in tags], "OR"))
    if limits.languages:
        parts.append(f"LA=({join((LANGUAGES[c][0] for c in limits.languages), 'OR')})")
    if limits.year_from or limits.year_to:
        first, last = year_range(limits, today)
        parts.append(f"PY=({first}-{last})")
    types = mapped_types(limits, _WOS_TYPES, draft, "wos")
    if types:
        parts.append(f"DT=({join((_quote_value(t) for t in types), 'OR')})")
    draft.lines.append(join(parts, "AND"))


# ---- EBSCOhost: TI ("child abuse") OR AB ("child abuse") ... AND LA English AND DT 2000... ----

_EBSCO_FIELDS = {"title": "TI", "abstract": "AB", "keywords": "SU"}
_EBSCO_TYPES = {
    "article": "Article",
    "review": "Review",
    "conference-paper": "Conference Paper",
    "book": "Book",
    "book-chapter": "Book Chapter",
    "dissertation": "Dissertation",
    "report": "Report",
}


def render_ebsco(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = []
    for group in search.groups:
        terms = f"({join((quote_term(t) for t in group.terms), 'OR')})"
        if group.fields == ("all",):
            parts.append(terms)
            draft.note("EBSCOhost: terms without a field code search the database's default fields")
        else:
            parts.append(wrap([f"{_EBSCO_FIELDS[f]} {terms}" for f in group.fields], "OR"))
    if limits.languages:
        parts.append(wrap([f"LA {LANGUAGES[c][0]}" for c in limits.languages], "OR"))
    if limits.year_from or limits.year_to:
        first, last = year_range(limits, today)
        parts.append(f"DT {first}0101-{last}1231")
    types = mapped_types(limits, _EBSCO_TYPES, draft, "ebsco")
    if types:
        parts.append(wrap([f"PT {_quote_value(t)}" for t in types], "OR"))
        draft.note(
            "EBSCOhost: publication type names differ between databases; check the "
            "database's 'Publication Type' limiter"
        )
    draft.lines.append(join(parts, "AND"))


# ---- Ovid: (child abuse or child maltreatment).ti,ab,kw. / limit 1 to yr="2000 -Current" -----

_OVID_FIELDS = {"title": "ti", "abstract": "ab", "keywords": "kw", "all": "mp"}
_OVID_TYPES = {
    "article": "journal article",
    "review": "review",
    "conference-paper": "conference paper",
    "book": "book",
    "book-chapter": "chapter",
    "dissertation": "dissertation",
    "report": "report",
}


def _ovid_term(term: str) -> str:
    # Ovid searches adjacent words as a phrase without quotes; quotes keep operator words literal
    return f'"{term}"' if has_operator(term) else term


def _ovid_group(terms: list[str], tags: str) -> str:
    return f"{wrap(terms, 'or')}.{tags}."


def render_ovid(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = [
        _ovid_group([_ovid_term(t) for t in g.terms], ",".join(_OVID_FIELDS[f] for f in g.fields))
        for g in search.groups
    ]
    if limits.languages:
        parts.append(_ovid_group([LANGUAGES[c][0].lower() for c in limits.languages], "lg"))
    types = mapped_types(limits, _OVID_TYPES, draft, "ovid")
    if types:
        parts.append(_ovid_group(types, "pt"))
        draft.note(
            "Ovid: publication type names differ between databases (check .pt. in "
            "the database's field guide)"
        )
    draft.lines.append(join(parts, "and"))
    if limits.year_from or limits.year_to:
        first = limits.year_from or 1900
        last = limits.year_to if limits.year_to else "Current"
        span = f"{first} -Current" if last == "Current" else f"{first} - {last}"
        draft.lines.append(f'limit 1 to yr="{span}"')
        draft.note(
            "Ovid: enter each line as its own search; if line 1 is not search 1 in "
            "your history, change 'limit 1' to its number"
        )
    if any(is_phrase(t) and "-" in t for g in search.groups for t in g.terms):
        draft.note(
            "Ovid: a hyphenated term also matches the words with a space; add the "
            "closed form (e.g. interagency) as its own term if you need it"
        )


# ---- Scopus: TITLE-ABS-KEY("child abuse") AND PUBYEAR > 1999 AND LANGUAGE(english) ----------

_SCOPUS_COMBINED = {
    _F({"title", "abstract", "keywords"}): "TITLE-ABS-KEY",
    _F({"title", "abstract"}): "TITLE-ABS",
    _F({"all"}): "ALL",
}
_SCOPUS_SINGLE = {"title": ("TITLE",), "abstract": ("ABS",), "keywords": ("KEY",)}
_SCOPUS_TYPES = {
    "article": "ar",
    "review": "re",
    "conference-paper": "cp",
    "book": "bk",
    "book-chapter": "ch",
    "dissertation": None,
    "report": None,
}


def render_scopus(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = []
    for group in search.groups:
        terms = join((quote_term(t) for t in group.terms), "OR")
        tags = map_fields(group.fields, _SCOPUS_COMBINED, _SCOPUS_SINGLE)
        parts.append(wrap([f"{tag}({terms})" for tag in tags], "OR"))
    if limits.year_from:
        parts.append(f"PUBYEAR > {limits.year_from - 1}")
    if limits.year_to:
        parts.append(f"PUBYEAR < {limits.year_to + 1}")
    if limits.languages:
        parts.append(wrap([f"LANGUAGE({LANGUAGES[c][0].lower()})" for c in limits.languages], "OR"))
    types = mapped_types(limits, _SCOPUS_TYPES, draft, "scopus")
    if types:
        parts.append(wrap([f"DOCTYPE({t})" for t in types], "OR"))
    draft.lines.append(join(parts, "AND"))


RENDERERS: dict[str, Renderer] = {
    "proquest": render_proquest,
    "wos": render_wos,
    "ebsco": render_ebsco,
    "ovid": render_ovid,
    "scopus": render_scopus,
}
