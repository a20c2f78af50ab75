"""Renderers for the platforms litreview can also search itself: PubMed (the web form and
E-utilities take the same query), OpenAlex, Europe PMC and Crossref. Besides the text to
paste, each fills ``Draft.params`` with the request parameters the API client sends."""

from __future__ import annotations

from datetime import date

from litreview.search.query import LANGUAGES, Limits, Search
from litreview.search.syntax import (
    Draft,
    Renderer,
    join,
    map_fields,
    mapped_types,
    quote_term,
    strip_truncation,
    truncated_stems,
    wrap,
    year_range,
)

_F = frozenset

# ---- PubMed: "child abuse"[tiab] AND collaboration[tiab] AND english[la] AND 2000:3000[dp] ----

_PUBMED_COMBINED = {_F({"title", "abstract"}): "tiab", _F({"all"}): "all"}
_PUBMED_SINGLE = {"title": ("ti",), "abstract": ("tiab",), "keywords": ("ot",)}
_PUBMED_TYPES = {
    "article": "journal article",
    "review": "review",
    "conference-paper": "congress",
    "report": "technical report",
    "book": None,
    "book-chapter": None,
    "dissertation": None,
}


def _pubmed_term(term: str, draft: Draft) -> str:
    if any(len(stem.replace("'", "")) < 4 for stem in truncated_stems(term)):
        draft.note(
            f"PubMed: '{term}' truncates fewer than 4 letters; PubMed ignores such "
            "truncation or warns"
        )
    return quote_term(term)


def render_pubmed(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = []
    for group in search.groups:
        if group.fields == ("abstract",):
            draft.note("PubMed cannot search the abstract alone: searched title/abstract [tiab]")
        tags = map_fields(group.fields, _PUBMED_COMBINED, _PUBMED_SINGLE)
        parts.append(
            wrap([f"{_pubmed_term(t, draft)}[{tag}]" for tag in tags for t in group.terms], "OR")
        )
    if limits.languages:
        parts.append(wrap([f"{LANGUAGES[c][0].lower()}[la]" for c in limits.languages], "OR"))
    if limits.year_from or limits.year_to:
        parts.append(f"{limits.year_from or 1800}:{limits.year_to or 3000}[dp]")
    types = mapped_types(limits, _PUBMED_TYPES, draft, "pubmed")
    if types:
        parts.append(wrap([f"{t}[pt]" for t in types], "OR"))
    term = join(parts, "AND")
    draft.lines.append(term)
    draft.params["term"] = term


# ---- OpenAlex: title_and_abstract.search:("child abuse" AND collaboration),language:en ---------

_OPENALEX_FIELDS = {
    _F({"title"}): "title.search",
    _F({"abstract"}): "abstract.search",
    _F({"title", "abstract"}): "title_and_abstract.search",
    _F({"all"}): "default.search",
}
_OPENALEX_TYPES = {
    "article": "article",
    "review": "review",
    "conference-paper": "article",
    "book": "book",
    "book-chapter": "book-chapter",
    "dissertation": "dissertation",
    "report": "report",
}


def _openalex_key(fields: tuple[str, ...], draft: Draft) -> str:
    if "keywords" in fields:
        draft.note("OpenAlex cannot search keywords as text: searched title and abstract")
        fields = tuple(f for f in fields if f != "keywords") or ("title", "abstract")
    return _OPENALEX_FIELDS[_F(fields)]


def render_openalex(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    by_key: dict[str, list[str]] = {}
    for group in search.groups:
        terms = [quote_term(strip_truncation(t, draft, "openalex")) for t in group.terms]
        by_key.setdefault(_openalex_key(group.fields, draft), []).append(wrap(terms, "OR"))
    filters = [f"{key}:{wrap(groups, 'AND')}" for key, groups in by_key.items()]
    if limits.languages:
        filters.append("language:" + "|".join(limits.languages))
    if limits.year_from:
        filters.append(f"from_publication_date:{limits.year_from}-01-01")
    if limits.year_to:
        filters.append(f"to_publication_date:{limits.year_to}-12-31")
    if "conference-paper" in limits.document_types:
        draft.note("OpenAlex types conference papers as 'article'")
    types = mapped_types(limits, _OPENALEX_TYPES, draft, "openalex")
    if types:
        filters.append("type:" + "|".join(types))
    value = ",".join(filters)
    draft.lines.append(value)
    draft.params["filter"] = value


# ---- Europe PMC: TITLE_ABS:"child abuse" AND LANG:eng AND PUB_YEAR:[2000 TO 2025] -------------

_EPMC_COMBINED = {_F({"title", "abstract"}): "TITLE_ABS", _F({"all"}): ""}
_EPMC_SINGLE = {"title": ("TITLE",), "abstract": ("ABSTRACT",), "keywords": ("KW",)}
_EPMC_TYPES = {
    "article": '"journal article"',
    "review": "review",
    "conference-paper": "congress",
    "report": '"technical report"',
    "book": None,
    "book-chapter": None,
    "dissertation": None,
}


def render_europepmc(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    parts = []
    for group in search.groups:
        tags = map_fields(group.fields, _EPMC_COMBINED, _EPMC_SINGLE)
        parts.append(
            wrap(
                [
                    f"{tag}:{quote_term(t)}" if tag else quote_term(t)
                    for tag in tags
                    for t in group.terms
                ],
                "OR",
            )
        )
    if limits.languages:
        parts.append(wrap([f"LANG:{LANGUAGES[c][1]}" for c in limits.languages], "OR"))
    if limits.year_from or limits.year_to:
        first, last = year_range(limits, today, first=1800)
        parts.append(f"PUB_YEAR:[{first} TO {last}]")
    types = mapped_types(limits, _EPMC_TYPES, draft, "europepmc")
    if types:
        parts.append(wrap([f"PUB_TYPE:{t}" for t in types], "OR"))
    query = join(parts, "AND")
    draft.lines.append(query)
    draft.params["query"] = query


# ---- Crossref: query=child abuse collaboration&filter=from-pub-date:2000-01-01 ----------------

_CROSSREF_TYPES = {
    "article": "journal-article",
    "review": None,
    "conference-paper": "proceedings-article",
    "book": "book",
    "book-chapter": "book-chapter",
    "dissertation": "dissertation",
    "report": "report",
}


def render_crossref(search: Search, limits: Limits, today: date, draft: Draft) -> None:
    words = [strip_truncation(t, draft, "crossref") for g in search.groups for t in g.terms]
    draft.note(
        "Crossref has no Boolean or field search: it ranks works by relevance to all "
        "the words; cap the records with --max"
    )
    filters = []
    if limits.year_from:
        filters.append(f"from-pub-date:{limits.year_from}-01-01")
    if limits.year_to:
        filters.append(f"until-pub-date:{limits.year_to}-12-31")
    filters += [f"type:{t}" for t in mapped_types(limits, _CROSSREF_TYPES, draft, "crossref")]
    if limits.languages:
        draft.note("Crossref cannot filter by language; screen for it instead")
    draft.params["query"] = " ".join(words)
    if filters:
        draft.params["filter"] = ",".join(filters)
    draft.lines.append("&".join(f"{k}={v}" for k, v in draft.params.items()))


RENDERERS: dict[str, Renderer] = {
    "pubmed": render_pubmed,
    "openalex": render_openalex,
    "europepmc": render_europepmc,
    "crossref": render_crossref,
}
