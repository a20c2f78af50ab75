"""The thesis bibliography as typed references, and the text forms exporters give them."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

_PERSON = re.compile(r"^(?P<surname>[^,]+), (?P<initials>(?:[A-Z]\.-?)+)$")
_SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "vs",
    "with",
}


@dataclass(frozen=True)
class Author:
    """One author: a person (surname + initials) or a body named as written."""

    raw: str
    surname: str = ""
    initials: tuple[str, ...] = ()

    @property
    def is_person(self) -> bool:
        return bool(self.initials)


@dataclass(frozen=True)
class Ref:
    """One reference of the thesis bibliography (only the fields the exports use)."""

    bib_id: str
    ris_type: str
    subtype: str
    authors: tuple[Author, ...]
    year: int
    title: str
    container: str
    volume: str
    issue: str
    pages: str
    start: str
    end: str
    editors: tuple[Author, ...]
    edition: str
    place: str
    publisher: str
    url: str
    accessed: str

    @property
    def has_person_author(self) -> bool:
        return any(a.is_person for a in self.authors)


def parse_author(raw: str) -> Author:
    match = _PERSON.match(raw)
    if not match:
        return Author(raw=raw)
    initials = tuple(re.findall(r"[A-Z]", match["initials"]))
    return Author(raw=raw, surname=match["surname"], initials=initials)


def _authors(text: str) -> tuple[Author, ...]:
    return tuple(parse_author(a) for a in text.split("; ") if a)


def load_refs(path: Path) -> list[Ref]:
    """Read bibliography.csv into references, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [_ref_from_row(row) for row in csv.DictReader(handle)]


def _ref_from_row(row: dict[str, str]) -> Ref:
    return Ref(
        bib_id=row["id"],
        ris_type=row["ris_type"],
        subtype=row["subtype"],
        authors=_authors(row["authors"]),
        year=int(row["year"]),
        title=row["title"],
        container=row["container"],
        volume=row["volume"],
        issue=row["issue"],
        pages=row["pages"],
        start=row["start_page"],
        end=row["end_page"],
        editors=_authors(row["editors"]),
        edition=row["edition"],
        place=row["place"],
        publisher=row["publisher"],
        url=row["url"],
        accessed=row["accessed"],
    )


def ascii_fold(text: str) -> str:
    """'Nylén' -> 'Nylen', 'Sandbæk' -> 'Sandbaek' (as older Web of Science records show names)."""
    text = text.replace("æ", "ae").replace("Æ", "AE").replace("ø", "o").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def title_case(title: str) -> str:
    """Headline-style capitals, keeping acronyms: 'what impact does it' -> 'What Impact Does It'."""
    words = title.split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        starts_clause = i == 0 or out[-1].endswith((":", "?", ".", "-", "–"))
        if word.lower() in _SMALL_WORDS and not starts_clause:
            out.append(word.lower() if word.islower() or word.istitle() else word)
        else:
            out.append("-".join(_cap(part) for part in word.split("-")))
    return " ".join(out)


def _cap(word: str) -> str:
    for i, char in enumerate(word):
        if char.isalpha():
            return word[:i] + char.upper() + word[i + 1 :]
    return word


def short_page_range(start: str, end: str) -> str:
    """'155', '163' -> '155-63' (the Harvard style the thesis and some databases use)."""
    if not end or end == start:
        return start
    if len(start) != len(end) or len(end) <= 2 or not (start + end).isdigit():
        return f"{start}-{end}"
    keep = next((i for i, (a, b) in enumerate(zip(start, end, strict=True)) if a != b), len(end))
    return f"{start}-{end[min(keep, len(end) - 2) :]}"


def accessed_date(text: str) -> str:
    """'August 29, 2011' -> '2011/08/29/' (Zotero's Y2 form); '' when unknown."""
    for fmt in ("%B %d, %Y", "%d %B, %Y", "%B %d %Y", "%B, %d %Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).strftime("%Y/%m/%d/")
        except ValueError:
            continue
    return ""
