"""The plain data of deduplication: what goes in (``DedupRecord``) and what comes out."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from litreview.dedup.names import split_author_field
from litreview.models import RecordFields

Verdict = Literal["duplicate", "not_duplicate", "needs_review"]

_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
# page counts ("62 p"), words ("No pagination"), and ranges a spreadsheet turned into dates
_NOT_PAGES = re.compile(rf"[A-Za-z]{{4,}}|\d\s*p\.?$|\b({_MONTHS})\b", re.IGNORECASE)
_PAGE_PREFIX = re.compile(r"^\s*pp?\.\s*", re.IGNORECASE)
_PAGES = re.compile(
    r"^\s*([A-Za-z]{0,3}\d+[A-Za-z]?)\s*(?:[-\u2010-\u2015]+\s*([A-Za-z]{0,3}\d+))?"
)
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dxX])\b")
_ISBN = re.compile(r"\b(?:97[89][- ]?)?(?:\d[- ]?){9}[\dxX]\b")


@dataclass(frozen=True)
class DedupRecord:
    """The fields deduplication looks at, for one record.

    ``authors`` holds one name per entry, in any common format ("Smith, J.",
    "J Smith", "SMITH J"). ``isbn`` and ``issn`` hold one or more identifiers
    separated by ``;`` or new lines.
    """

    record_id: int
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    volume: str | None
    issue: str | None
    start_page: str | None
    end_page: str | None
    doi: str | None
    abstract: str | None
    isbn: str | None
    issn: str | None = None
    type: str | None = None
    journal_abbrev: str | None = None
    pmid: str | None = None

    @classmethod
    def from_fields(cls, record_id: int, fields: RecordFields) -> DedupRecord:
        return cls(
            record_id=record_id,
            title=fields.title,
            authors=tuple(fields.authors),
            year=fields.year,
            journal=fields.journal,
            volume=fields.volume,
            issue=fields.issue,
            start_page=fields.start_page,
            end_page=fields.end_page,
            doi=fields.doi,
            abstract=fields.abstract,
            isbn="; ".join(fields.isbn) or None,
            issn="; ".join(fields.issn) or None,
            type=fields.type,
            journal_abbrev=fields.journal_abbrev,
            pmid=fields.pmid,
        )

    @classmethod
    def from_row(cls, record_id: int, row: Mapping[str, str | None]) -> DedupRecord:
        """Build from a labelled-CSV row (columns as in ``shared/data/dedup``).

        ``author`` is split into names (`` and ``, ``;`` or run-together
        "Adeli K.Lewis G. F." as some exports write it); ``pages`` becomes a
        start and an end page; ISSNs found in ``isbn`` move to ``issn``.
        """

        def get(name: str) -> str | None:
            value = row.get(name)
            value = value.strip() if value else ""
            return value or None

        start, end = split_pages(get("pages"))
        isbns, issns = split_standard_numbers(get("isbn"))
        _, more_issns = split_standard_numbers(get("issn"))
        year_text = get("year") or ""
        year_match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", year_text)
        return cls(
            record_id=record_id,
            title=get("title"),
            authors=tuple(split_author_field(get("author") or "")),
            year=int(year_match.group(1)) if year_match else None,
            journal=get("journal"),
            volume=get("volume"),
            issue=get("number") or get("issue"),
            start_page=start,
            end_page=end,
            doi=get("doi"),
            abstract=get("abstract"),
            isbn="; ".join(isbns) or None,
            issn="; ".join(issns + more_issns) or None,
            type=get("entrytype") or get("type"),
        )


def split_pages(pages: str | None) -> tuple[str | None, str | None]:
    """``"349-69"`` -> ``("349", "369")``; ``"S69-S70"``, ``"e0143396"`` kept as given.

    Text that is not a page range ("No pagination", "01-Apr" left by a
    spreadsheet, "62 p") gives ``(None, None)``.
    """
    if not pages or _NOT_PAGES.search(pages):
        return None, None
    match = _PAGES.match(_PAGE_PREFIX.sub("", pages))
    if not match:
        return None, None
    start, end = match.group(1), match.group(2)
    return start, expand_end_page(start, end)


def split_standard_numbers(text: str | None) -> tuple[list[str], list[str]]:
    """``(isbns, issns)`` found in a field: ISBNs as bare digits, ISSNs as ``NNNN-NNNN``."""
    if not text:
        return [], []
    isbns = []
    for match in _ISBN.finditer(text):
        digits = re.sub(r"[- ]", "", match.group(0)).upper()
        if len(digits) in (10, 13):
            isbns.append(digits)
    rest = _ISBN.sub(" ", text)
    issns = [f"{a}-{b.upper()}" for a, b in _ISSN.findall(rest)]
    return sorted(set(isbns)), sorted(set(issns))


def expand_end_page(start: str | None, end: str | None) -> str | None:
    """Expand an abbreviated end page: ``(349, 69)`` -> ``369``; ``(221, 8)`` -> ``228``."""
    if not end or not start or not start.isdigit() or not end.isdigit():
        return end
    if len(end) < len(start):
        expanded = start[: len(start) - len(end)] + end
        if int(expanded) >= int(start):
            return expanded
    return end


@dataclass(frozen=True, slots=True)
class PairVerdict:
    """The judgement on one candidate pair (``a < b``)."""

    a: int
    b: int
    verdict: Verdict
    score: float
    reasons: tuple[str, ...]


@dataclass
class DedupResult:
    """Groups (record id -> canonical id, the smallest id of its group) and the pairs judged.

    ``pairs`` holds every candidate pair judged a duplicate or uncertain, and every
    pair a manual decision names; candidate pairs judged different works are only
    counted (``pairs_different``): at 250,000 records they are most of a million.
    """

    groups: dict[int, int]
    pairs: list[PairVerdict] = field(default_factory=list)
    needs_review: list[PairVerdict] = field(default_factory=list)
    pairs_different: int = 0

    def members(self) -> dict[int, list[int]]:
        """Canonical id -> sorted member ids (singletons included)."""
        out: dict[int, list[int]] = {}
        for record_id, canonical in sorted(self.groups.items()):
            out.setdefault(canonical, []).append(record_id)
        return out
