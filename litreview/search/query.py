"""Search strategies as TOML files: term blocks, how they combine, fields, limits, databases.

A strategy names blocks of terms (OR within a block) and sets that combine blocks: ``and``
makes one search (block AND block ...), ``pairwise`` one search per combination of one term
from each block (the worked example's A x B). :func:`iter_searches` expands a strategy into
the concrete searches that the renderers turn into each platform's syntax. Every error names
the file, line and key (through :mod:`litreview.protocol.lines`). docs/searching.md
documents the format.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.protocol.lines import Document, Reader, read_toml_text, suggest

FORMAT = 1
FIELDS = ("title", "abstract", "keywords", "all")
COMBINE = ("and", "pairwise")
PLATFORMS = (
    "proquest",
    "wos",
    "ebsco",
    "ovid",
    "pubmed",
    "scopus",
    "openalex",
    "europepmc",
    "crossref",
    "other",
)
DOCUMENT_TYPES = (
    "article",
    "review",
    "conference-paper",
    "book",
    "book-chapter",
    "dissertation",
    "report",
)
# ISO 639-1 -> (English name, ISO 639-2/B), for the platforms that want one or the other.
LANGUAGES: dict[str, tuple[str, str]] = {
    "en": ("English", "eng"),
    "fr": ("French", "fre"),
    "de": ("German", "ger"),
    "es": ("Spanish", "spa"),
    "pt": ("Portuguese", "por"),
    "it": ("Italian", "ita"),
    "nl": ("Dutch", "dut"),
    "zh": ("Chinese", "chi"),
    "ja": ("Japanese", "jpn"),
    "sv": ("Swedish", "swe"),
    "no": ("Norwegian", "nor"),
    "da": ("Danish", "dan"),
    "fi": ("Finnish", "fin"),
    "pl": ("Polish", "pol"),
    "ru": ("Russian", "rus"),
    "ko": ("Korean", "kor"),
    "ar": ("Arabic", "ara"),
    "tr": ("Turkish", "tur"),
}
MAX_SEARCHES = 2000  # a pairwise set larger than this is almost certainly a mistake

# A term: words of letters/digits joined by spaces, hyphens or apostrophes; '*' may end a word.
_WORD = r"[^\W_](?:(?:[^\W_]|')*[^\W_])?\*?"
_TERM = re.compile(rf"(?:{_WORD})(?:[ \-](?:{_WORD}))*")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")

KEYS: dict[str, tuple[str, ...]] = {
    "": (
        "format",
        "title",
        "description",
        "source",
        "fields",
        "combine",
        "blocks",
        "sets",
        "limits",
        "databases",
    ),
    "blocks": ("name", "label", "terms", "fields"),
    "sets": ("name", "label", "blocks", "combine"),
    "limits": ("year_from", "year_to", "languages", "document_types"),
    "databases": ("name", "platform", "note"),
}


@dataclass(frozen=True)
class Block:
    name: str
    label: str
    terms: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SearchSet:
    name: str
    label: str
    blocks: tuple[Block, ...]
    combine: str


@dataclass(frozen=True)
class Limits:
    year_from: int | None = None
    year_to: int | None = None
    languages: tuple[str, ...] = ()
    document_types: tuple[str, ...] = ()

    def describe(self) -> str:
        """Limits in words, as the search log reports them: ``English; 2000-``."""
        parts = [", ".join(LANGUAGES[c][0] for c in self.languages)] if self.languages else []
        if self.year_from or self.year_to:
            parts.append(f"{self.year_from or ''}-{self.year_to or ''}")
        if self.document_types:
            parts.append(", ".join(self.document_types))
        return "; ".join(parts)


@dataclass(frozen=True)
class Database:
    name: str
    platform: str
    note: str | None = None


@dataclass(frozen=True)
class Group:
    """Terms joined by OR, searched in ``fields``."""

    terms: tuple[str, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Search:
    """One concrete search: groups joined by AND."""

    set_name: str
    number: int  # 1-based within its set
    groups: tuple[Group, ...]

    @property
    def key(self) -> str:
        return f"{self.set_name}/{self.number}"

    @property
    def label(self) -> str:
        return " AND ".join(
            g.terms[0] if len(g.terms) == 1 else "(" + " OR ".join(g.terms) + ")"
            for g in self.groups
        )


@dataclass(frozen=True)
class Strategy:
    title: str
    description: str | None
    source: str | None
    sets: tuple[SearchSet, ...]
    limits: Limits
    databases: tuple[Database, ...]
    path: str | None
    sha256: str


def load_query_text(text: str, path: str | None = None) -> Strategy:
    """Parse and check a strategy; ``path`` only labels error messages."""
    doc = Document(text, path)
    return _read_strategy(doc, doc.parse())


def load_query_file(path: str | Path) -> Strategy:
    return load_query_text(read_toml_text(path, "query file"), str(path))


def iter_searches(strategy: Strategy) -> list[Search]:
    """Every concrete search of the strategy, set by set, in file order."""
    searches: list[Search] = []
    for search_set in strategy.sets:
        if search_set.combine == "and":
            groups = tuple(Group(b.terms, b.fields) for b in search_set.blocks)
            searches.append(Search(search_set.name, 1, groups))
            continue
        pools = [[(t, b.fields) for t in b.terms] for b in search_set.blocks]
        for n, combo in enumerate(itertools.product(*pools), start=1):
            groups = tuple(Group((term,), fields) for term, fields in combo)
            searches.append(Search(search_set.name, n, groups))
    return searches


def _read_strategy(doc: Document, data: dict[str, Any]) -> Strategy:
    r = Reader(doc, data, (), KEYS[""])
    fmt = r.integer("format", FORMAT)
    if fmt != FORMAT:
        r.fail("format", f"format {fmt} is not supported (this litreview reads {FORMAT})")
    fields = _fields(r, "fields", ("title", "abstract", "keywords"))
    combine = r.choice("combine", COMBINE, default="and")
    blocks = _blocks(r.tables("blocks", KEYS["blocks"], required=True), fields)
    sets = _sets(r, blocks, combine)
    total = sum(math.prod(len(b.terms) for b in s.blocks) for s in sets if s.combine == "pairwise")
    if total > MAX_SEARCHES:
        r.fail(
            "sets",
            f"the pairwise sets expand to {total} searches (at most {MAX_SEARCHES})",
            'combine large blocks with combine = "and"',
        )
    return Strategy(
        title=r.required_text("title"),
        description=r.text("description"),
        source=r.text("source"),
        sets=sets,
        limits=_limits(r.table("limits", KEYS["limits"])),
        databases=_databases(r.tables("databases", KEYS["databases"])),
        path=doc.path,
        sha256=hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
    )


def _fields(r: Reader, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if key not in r.data:
        return default
    values = r.strings(key)
    if not values:
        r.fail(key, "must name at least one field", f"fields: {', '.join(FIELDS)}")
    for i, value in enumerate(values):
        if value not in FIELDS:
            r.doc.fail(r.at(key) + (i,), f"unknown field '{value}'", suggest(value, FIELDS))
    if len(set(values)) != len(values):
        r.fail(key, "names a field twice")
    if "all" in values and len(values) > 1:
        r.fail(key, "'all' already covers every field", 'write fields = ["all"] alone')
    return tuple(f for f in FIELDS if f in values)  # canonical order


def _name(r: Reader) -> str:
    value = r.required_text("name")
    if not _NAME.fullmatch(value):
        r.fail(
            "name",
            f"'{value}' is not a valid name",
            "use letters, digits, '_' and '-', starting with a letter or digit",
        )
    return value


def _unique_names(readers: list[Reader], names: list[str], what: str) -> None:
    seen: dict[str, Reader] = {}
    for r, name in zip(readers, names, strict=True):
        if name in seen:
            first = r.doc.line_of(seen[name].at("name"))
            r.fail("name", f"duplicate {what} '{name}'", f"first defined at line {first}")
        seen[name] = r


def _terms(r: Reader) -> tuple[str, ...]:
    terms = r.strings("terms")
    if not terms:
        r.fail("terms", "needs at least one term", 'add terms = ["first term", "second"]')
    for i, raw in enumerate(terms):
        term = " ".join(raw.split())
        if not _TERM.fullmatch(term) or "*-" in term:
            r.doc.fail(
                r.at("terms") + (i,),
                f"'{raw}' cannot be rendered safely",
                "write words separated by spaces or hyphens; '*' may only end a word; "
                "quotes, brackets, '?', ':' and ',' are not allowed (litreview adds the quoting)",
            )
    normalised = tuple(" ".join(t.split()) for t in terms)
    lowered = [t.lower() for t in normalised]
    for i, term in enumerate(lowered):
        if term in lowered[:i]:
            r.doc.fail(r.at("terms") + (i,), f"'{normalised[i]}' is listed twice")
    return normalised


def _blocks(readers: list[Reader], fields: tuple[str, ...]) -> dict[str, Block]:
    names = [_name(r) for r in readers]
    _unique_names(readers, names, "block")
    blocks: dict[str, Block] = {}
    for r, name in zip(readers, names, strict=True):
        blocks[name] = Block(
            name, r.text("label", default=name) or name, _terms(r), _fields(r, "fields", fields)
        )
    return blocks


def _sets(r: Reader, blocks: dict[str, Block], combine: str) -> tuple[SearchSet, ...]:
    readers = r.tables("sets", KEYS["sets"])
    if not readers:
        return (SearchSet("search", r.text("title") or "search", tuple(blocks.values()), combine),)
    names = [_name(s) for s in readers]
    _unique_names(readers, names, "set")
    sets = []
    for s, name in zip(readers, names, strict=True):
        chosen = s.strings("blocks")
        if not chosen:
            s.fail("blocks", "needs at least one block", f"blocks: {', '.join(blocks)}")
        for i, block in enumerate(chosen):
            if block not in blocks:
                s.doc.fail(
                    s.at("blocks") + (i,),
                    f"unknown block '{block}'",
                    suggest(block, blocks, "blocks"),
                )
        if len(set(chosen)) != len(chosen):
            s.fail("blocks", "names a block twice")
        label = s.text("label", default=name) or name
        mode = s.choice("combine", COMBINE, default=combine)
        sets.append(SearchSet(name, label, tuple(blocks[b] for b in chosen), mode))
    return tuple(sets)


def _limits(r: Reader) -> Limits:
    years: dict[str, int | None] = {}
    for key in ("year_from", "year_to"):
        year = r.integer(key)
        if year is not None and not 1800 <= year <= 2999:
            r.fail(key, f"{year} is not a plausible publication year")
        years[key] = year
    if years["year_from"] and years["year_to"] and years["year_from"] > years["year_to"]:
        r.fail("year_to", "is earlier than year_from")
    languages = r.strings("languages")
    for i, code in enumerate(languages):
        if code not in LANGUAGES:
            names = {name.lower(): c for c, (name, _) in LANGUAGES.items()}
            hint = (
                f"use the ISO 639-1 code '{names[code.lower()]}'"
                if code.lower() in names
                else suggest(code, LANGUAGES, "known codes")
            )
            r.doc.fail(r.at("languages") + (i,), f"unknown language code '{code}'", hint)
    types = r.strings("document_types")
    for i, kind in enumerate(types):
        if kind not in DOCUMENT_TYPES:
            r.doc.fail(
                r.at("document_types") + (i,),
                f"unknown document type '{kind}'",
                suggest(kind, DOCUMENT_TYPES, "document types"),
            )
    return Limits(years["year_from"], years["year_to"], languages, types)


def _databases(readers: list[Reader]) -> tuple[Database, ...]:
    found = []
    for r in readers:
        platform = r.choice("platform", PLATFORMS)
        found.append(Database(r.required_text("name"), platform, r.text("note")))
    return tuple(found)
