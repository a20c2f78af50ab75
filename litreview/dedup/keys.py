"""Normalised comparison keys: title, DOI, authors' surnames, journal, volume, pages, year.

Everything here is a pure function of one record, computed once per record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote

from litreview.dedup.names import ANONYMOUS, MAX_AUTHORS, surname_key
from litreview.dedup.records import DedupRecord, expand_end_page, split_standard_numbers
from litreview.dedup.text import (
    JOURNAL_STOPWORDS,
    TAG,
    is_generic_title,
    notice_of,
    split_title,
    words_of,
)

_DOI = re.compile(r"10\.\d{3,9}/[^\s;,]+")
# landing-page paths some exports glue onto a DOI ("10.1111/disa.12056/asset/disa12056")
_DOI_PATH = re.compile(
    r"/(?:asset|abstract|full|fulltext|pdf|epdf|pdfdirect|suppinfo|references|meta)(?:/.*)?$"
)
_LEADING_INT = re.compile(r"\s*(\d+)")

# --- identifiers ----------------------------------------------------------------------


def normalize_dois(text: str | None) -> tuple[str, ...]:
    """Every DOI in a field, lower case, without resolver prefix or URL escapes."""
    if not text:
        return ()
    text = unquote(text).lower()
    found = {_DOI_PATH.sub("", m.rstrip(".")) for m in _DOI.findall(text)}
    return tuple(sorted(found))


def _identifiers(text: str | None, isbn: bool) -> tuple[str, ...]:
    if not text:
        return ()
    isbns, issns = split_standard_numbers(text)
    return tuple(isbns if isbn else issns)


# --- journal, volume, pages -----------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def journal_variants(*names: str | None) -> tuple[tuple[str, ...], ...]:
    """Token tuples (stopwords dropped) of a journal name, its abbreviation, and its main part.

    ``"Circulation. Conference: ..."`` and ``"Nippon rinsho. Japanese journal ..."``
    also give their first segment; parenthesised qualifiers are dropped.
    """
    out: set[tuple[str, ...]] = set()
    for name in names:
        if not name:
            continue
        text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", name)
        for part in (text, re.split(r"\.\s+|:\s+", text, maxsplit=1)[0]):
            tokens = tuple(w for w in words_of(part) if w not in JOURNAL_STOPWORDS)
            if tokens and len("".join(tokens)) >= 3:
                out.add(tokens)
    return tuple(sorted(out))


def _abbreviates(short: str, full: str) -> bool:
    """``"natl"`` abbreviates ``"national"``: same first letter, letters in order."""
    if short == full:
        return True
    if len(short) > len(full) or short[0] != full[0]:
        return False
    pos = 0
    for char in short:
        pos = full.find(char, pos) + 1
        if pos == 0:
            return False
    return True


def journal_names_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Token-by-token abbreviation match, ISO 4 style (``J Am Heart Assoc``)."""
    if a == b:
        return True
    if len(a) != len(b):
        return "".join(a) == "".join(b)
    return all(_abbreviates(x, y) or _abbreviates(y, x) for x, y in zip(a, b, strict=True))


def is_acronym(acronym: str, words: tuple[str, ...]) -> bool:
    """``"amcis"`` is ``americas conference information systems``: a prefix of each word."""
    if not 3 <= len(acronym) <= 10 or not words or len(words) > len(acronym):
        return False
    reachable = {0}  # positions in ``acronym`` reached after consuming words[:k]
    for word in words:
        nxt = set()
        for pos in reachable:
            for size in range(1, len(word) + 1):
                if acronym.startswith(word[:size], pos) and pos + size <= len(acronym):
                    nxt.add(pos + size)
                else:
                    break
        if not nxt:
            return False
        reachable = nxt
    return len(acronym) in reachable


def volume_key(volume: str | None) -> str | None:
    """Leading number of a volume ("59 (1 Supplement 1)" -> "59"); junk like "1)" -> None."""
    if not volume or (")" in volume and "(" not in volume):
        return None
    match = _LEADING_INT.match(volume)
    return match.group(1).lstrip("0") or "0" if match else None


def page_key(page: str | None) -> str | None:
    """Start page as lower-case letters + number without leading zeros ("S069" -> "s69")."""
    if not page:
        return None
    match = re.match(r"\s*([A-Za-z]{0,3})0*(\d+)", page)
    if not match:
        return None
    return match.group(1).lower() + match.group(2)


# --- the per-record bundle ------------------------------------------------------------


@dataclass(slots=True)
class RecordKeys:
    """All comparison keys of one record."""

    record_id: int
    title: str  # words joined by spaces
    compact: str  # title without spaces
    main_title: str  # compact title before the first colon (subtitle dropped)
    generic: bool
    notice: str  # "erratum", "reply", ... when the title announces a notice about another work
    about: str  # compact title of the work a notice names ("" if none or not a notice)
    dois: tuple[str, ...]
    pmid: str | None
    surnames: tuple[str, ...]
    first_author_words: tuple[str, ...]  # every word of the first author's name, sorted
    year: int | None
    journals: tuple[tuple[str, ...], ...]
    issns: tuple[str, ...]  # tuples, not sets: a quarter of the memory at 250k records
    isbns: tuple[str, ...]
    volume: str | None
    issue: tuple[str, ...]  # every number in the issue, sorted ("10 Suppl 1" -> ("1", "10"))
    page: str | None
    end_page: str | None
    abstract: str
    kind: str | None


_CONFERENCE = ("conf", "cpaper", "inproceedings", "abst", "proceedings", "conference")
_ARTICLE = ("jour", "article", "ejour", "journal")
_BOOK = ("book", "chap", "ebook", "echap", "inbook", "incollection")
_THESIS = ("thes", "thesis", "phdthesis", "mastersthesis", "dissertation")


def _kind(entry_type: str | None) -> str | None:
    if not entry_type:
        return None
    text = entry_type.lower()
    for kind, names in (
        ("conference", _CONFERENCE),
        ("article", _ARTICLE),
        ("book", _BOOK),
        ("thesis", _THESIS),
    ):
        if text in names:
            return kind
    return None


@lru_cache(maxsize=1 << 16)
def _name_words(name: str) -> tuple[str, ...]:
    return tuple(sorted(set(words_of(name)) - ANONYMOUS))


@lru_cache(maxsize=1 << 12)
def _issue_numbers(issue: str | None) -> tuple[str, ...]:
    return tuple(sorted({n.lstrip("0") or "0" for n in re.findall(r"\d+", issue or "")}))


def make_keys(record: DedupRecord) -> RecordKeys:
    raw, note = split_title(record.title) if record.title else ("", "")
    words = tuple(words_of(raw))
    kind, about = notice_of(raw)
    if note and not kind:  # a Web of Science correction or reprint names the article it follows
        kind, about = note, "".join(words)
    main = "".join(words_of(raw.split(":", 1)[0])) if ":" in raw else ""
    authors = [a for a in record.authors[:MAX_AUTHORS] if a.strip()]
    surnames = tuple(s for s in (surname_key(a) for a in authors) if s)
    abstract = ""
    if record.abstract:  # the first 400 characters are enough to tell two abstracts apart
        abstract = " ".join(words_of(TAG.sub("", record.abstract[:520])))[:400]
    start = page_key(record.start_page)
    end = expand_end_page(record.start_page, record.end_page) if record.end_page else None
    return RecordKeys(
        record_id=record.record_id,
        title=" ".join(words),
        compact="".join(words),
        main_title=main,
        generic=is_generic_title(words, kind if kind != "reprint" else ""),
        notice=kind,
        about=about,
        dois=normalize_dois(record.doi),
        pmid=record.pmid.strip() if record.pmid and record.pmid.strip().isdigit() else None,
        surnames=surnames,
        first_author_words=_name_words(authors[0]) if authors else (),
        year=record.year,
        journals=journal_variants(record.journal, record.journal_abbrev),
        issns=_identifiers(record.issn, isbn=False),
        isbns=_identifiers(record.isbn, isbn=True),
        volume=volume_key(record.volume),
        issue=_issue_numbers(record.issue),
        page=start,
        end_page=page_key(end),
        abstract=abstract,
        kind=_kind(record.type),
    )
