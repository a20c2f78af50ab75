"""Render a reference as a record in the RIS dialect of ProQuest, Web of Science, EBSCOhost, Zotero.

Each renderer only changes how a work is written (name forms, capitals, abbreviations, page
style, extra tags), never what it is: authors, year, title words, volume, issue and pages stay.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tools.demo._refs import Ref, accessed_date, ascii_fold, short_page_range, title_case
from tools.demo._vocab import (
    EBSCO_NOTICE,
    PUBLISHERS,
    canonical_journal,
    iso4_abbreviation,
    subject_terms,
    wos_j9,
)

Tags = list[tuple[str, str]]


@dataclass(frozen=True)
class Listing:
    """One work as one database lists it: which sub-database, its accession number."""

    ref: Ref
    database: str
    accession: int


@dataclass(frozen=True)
class Style:
    """How a file of records is laid out on disk."""

    newline: str
    bom: bool
    end_tag: str
    blank_lines_after: int


PROQUEST_STYLE = Style(newline="\r\n", bom=False, end_tag="ER  -", blank_lines_after=3)
WOS_STYLE = Style(newline="\n", bom=True, end_tag="ER  -", blank_lines_after=1)
EBSCO_STYLE = Style(newline="\r\n", bom=False, end_tag="ER  - ", blank_lines_after=1)
ZOTERO_STYLE = Style(newline="\n", bom=False, end_tag="ER  - ", blank_lines_after=1)


def serialize(records: list[Tags], style: Style) -> bytes:
    """The bytes of a RIS file: one 'XX  - value' line per tag, each record closed by ER."""
    lines: list[str] = []
    for tags in records:
        lines.extend(f"{tag}  - {value}" for tag, value in tags)
        lines.append(style.end_tag)
        lines.extend([""] * style.blank_lines_after)
    text = style.newline.join(lines) + style.newline
    return ("\ufeff" if style.bom else "").encode() + text.encode("utf-8")


def _pages(ref: Ref) -> Tags:
    tags = [("SP", ref.start)] if ref.start else []
    return tags + ([("EP", ref.end)] if ref.end else [])


def _vol_issue(ref: Ref) -> Tags:
    return [(tag, value) for tag, value in (("VL", ref.volume), ("IS", ref.issue)) if value]


def _place_publisher(ref: Ref) -> Tags:
    return [(tag, value) for tag, value in (("CY", ref.place), ("PB", ref.publisher)) if value]


def _container(ref: Ref) -> str:
    return canonical_journal(ref.container) if ref.ris_type == "JOUR" else ref.container


# --- ProQuest (ASSIA, Social Services Abstracts, Sociological Abstracts) ---------------------


def proquest_record(item: Listing) -> Tags:
    ref = item.ref
    tags: Tags = [("TY", ref.ris_type), ("T1", ref.title), ("AN", _proquest_an(item))]
    if ref.container:
        tags.append(("JF" if ref.ris_type == "JOUR" else "T2", _container(ref)))
    tags += [("AU", _proquest_name(a.raw, a.surname, a.initials)) for a in ref.authors]
    tags += _proquest_dates(item)
    tags += _pages(ref) + _place_publisher(ref) + _vol_issue(ref)
    tags += [("KW", term) for term in subject_terms(ref.title, ebsco=False)]
    tags += [
        ("UR", f"https://search.proquest.com/docview/{item.accession}"),
        ("LA", "English"),
        ("DB", item.database),
        ("DP", "ProQuest"),
    ]
    return tags


def _proquest_name(raw: str, surname: str, initials: tuple[str, ...]) -> str:
    return f"{surname}, {' '.join(initials)}" if initials else raw


def _proquest_an(item: Listing) -> str:
    if item.database.startswith("ASSIA"):
        return str(item.accession)
    return f"{item.accession}; {item.ref.year}{item.accession % 100000:05d}"


def _proquest_dates(item: Listing) -> Tags:
    year = str(item.ref.year)
    if item.database.startswith("ASSIA"):
        return [("Y1", year), ("PY", year)]
    if item.database == "Sociological Abstracts":
        return [("PY", year), ("DA", year)]
    return [("PY", year)]


# --- Web of Science Core Collection --------------------------------------------------------


def wos_record(item: Listing, rng: random.Random) -> Tags:
    ref = item.ref
    journal = canonical_journal(ref.container)
    title = title_case(ref.title) if rng.random() < 0.5 else ref.title
    tags: Tags = [("TY", "JOUR")]
    tags += [("AU", _wos_name(a.raw, a.surname, a.initials)) for a in ref.authors]
    tags += [
        ("TI", title),
        ("T2", journal.removeprefix("The ").upper()),
        ("LA", "English"),
        ("J9", wos_j9(journal)),
        ("JI", iso4_abbreviation(journal)),
        ("PY", str(ref.year)),
    ]
    tags += _vol_issue(ref) + _pages(ref)
    tags += [("WE", item.database), ("AN", f"WOS:{item.accession:015d}")]
    return tags


def _wos_name(raw: str, surname: str, initials: tuple[str, ...]) -> str:
    return f"{ascii_fold(surname)}, {''.join(initials)}" if initials else raw


# --- EBSCOhost (Academic Search Complete, SocINDEX) ----------------------------------------


def ebsco_record(item: Listing, rng: random.Random) -> Tags:
    ref = item.ref
    socindex = item.database.startswith("SocINDEX")
    tags: Tags = [("TY", ref.ris_type)]
    tags += [("AU", _ebsco_name(a.raw, a.surname, a.initials)) for a in ref.authors]
    tags.append(("T1", _with_full_stop(ref.title)))
    if ref.container:
        container = _container(ref)
        tags += (
            [("JO", container), ("JF", container)]
            if ref.ris_type == "JOUR"
            else [("T2", container)]
        )
    tags.append(("Y1", f"{ref.year}///"))
    tags += _vol_issue(ref) + [("M3", "Article" if ref.ris_type == "JOUR" else "Book")]
    tags += _ebsco_pages(ref, single_tag=socindex) + _place_publisher(ref)
    tags += _ebsco_notice(ref, rng)
    tags += [("KW", term) for term in subject_terms(ref.title, ebsco=True)]
    tags += [("N1", _ebsco_note(item)), ("UR", _ebsco_url(item))]
    return tags + [("DP", "EBSCOhost"), ("DB", item.database)]


def _ebsco_name(raw: str, surname: str, initials: tuple[str, ...]) -> str:
    return f"{surname}, {' '.join(i + '.' for i in initials)}" if initials else raw


def _with_full_stop(title: str) -> str:
    return title if title.endswith((".", "?", "!")) else f"{title}."


def _ebsco_pages(ref: Ref, *, single_tag: bool) -> Tags:
    if single_tag and ref.start and ref.end:
        return [("SP", short_page_range(ref.start, ref.end))]
    return _pages(ref)


def _ebsco_notice(ref: Ref, rng: random.Random) -> Tags:
    journal = _container(ref)
    if journal not in PUBLISHERS or rng.random() < 0.5:
        return []
    return [("N2", EBSCO_NOTICE.format(journal=journal, publisher=PUBLISHERS[journal]))]


def _ebsco_note(item: Listing) -> str:
    ref = item.ref
    parts = [f"Accession Number: {item.accession}"]
    if ref.ris_type == "JOUR":
        source = f"{ref.year}, Vol. {ref.volume}" + (f" Issue {ref.issue}" if ref.issue else "")
        parts.append(f"Source Info: {source}" + (f", p{ref.start}" if ref.start else ""))
    terms = subject_terms(ref.title, ebsco=True)
    parts += [f"Subject Term: {term}" for term in terms]
    if ref.start.isdigit() and ref.end.isdigit():
        parts.append(f"Number of Pages: {int(ref.end) - int(ref.start) + 1}")
    parts.append(f"Document Type: {'Article' if ref.ris_type == 'JOUR' else 'Book'}")
    return "; ".join(parts)


def _ebsco_url(item: Listing) -> str:
    code = "sih" if item.database.startswith("SocINDEX") else "a9h"
    return (
        "https://search.ebscohost.com/login.aspx?direct=true"
        f"&db={code}&AN={item.accession}&site=ehost-live"
    )


# --- Zotero (the reviewer's own library: hand search, citation chasing, web sites) ----------


def zotero_record(ref: Ref) -> Tags:
    tags: Tags = [("TY", ref.ris_type), ("TI", ref.title)]
    tags += [("AU", a.raw) for a in ref.authors] + [("A2", e.raw) for e in ref.editors]
    if ref.container:
        tags.append(("T2", ref.container))
    tags += [(t, v) for t, v in (("CY", ref.place),) if v]
    tags += [("DA", f"{ref.year}///"), ("PY", str(ref.year))]
    tags += _vol_issue(ref) + _pages(ref)
    tags += [(t, v) for t, v in (("ET", ref.edition), ("PB", ref.publisher), ("UR", ref.url)) if v]
    accessed = accessed_date(ref.accessed)
    return tags + ([("Y2", accessed)] if accessed else [])
