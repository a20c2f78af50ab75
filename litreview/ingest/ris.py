"""RIS files, read with rispy's grammar and configured so nothing is lost.

rispy's defaults drop the first record after a byte-order mark, the last
record when ``ER`` is missing, and every repeated value of a non-list tag.
Here records are found first (``TY`` lines; ER-terminated blocks in files
without ``TY``) and each one is fed to a rispy parser on which every tag is a
list tag, no value is split on delimiters, and every ``(tag, value)`` is also
kept in file order. Fewer parsed records than record starts is an error.
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from litreview.ingest import normalize as n
from litreview.ingest._tagged import (
    LINES,
    RAW,
    ParseResult,
    TaggedFormat,
    TaggedParser,
    first,
    issue,
    map_tagged,
    parse_tagged,
    values,
    year_issue,
)
from litreview.models import ImportIssue, ParsedRecord, RecordFields

__all__ = [
    "OVID_FORMAT",
    "RIS_FORMAT",
    "RIS_MAPPING",
    "RisRecordParser",
    "has_type_lines",
    "parse_ovid",
    "parse_ris",
    "ris_fields",
    "split_ris_line",
]

RIS_MAPPING: dict[str, str] = {
    **rispy.TAG_KEY_MAPPING,
    "BN": "isbn",
    "BT": "book_title",
    "CT": "unpublished_title",
    "ED": "editor",
    "J1": "periodical_abbreviation",
    "JI": "iso_abbreviation",
    "J9": "abbreviation_29",
    "L3": "related_records",
    "LK": "website_link",
    "M2": "note2",
    "PI": "publisher_city",
    "PP": "publishing_place",
    "PU": "publisher_wos",
    "U1": "user1",
    "U2": "user2",
    "U3": "user3",
    "U4": "user4",
    "U5": "user5",
    "VO": "volume_alt",
}
del RIS_MAPPING["UK"], RIS_MAPPING["ER"]
_KNOWN_TAGS = frozenset(RIS_MAPPING) | {"ER"}
_TAG_OBJECTS = {tag: tag for tag in _KNOWN_TAGS}
_TY_LINE = re.compile(r"^TY(?:  -|[ \t]{1,3}-(?=[ \t]|$))", re.MULTILINE)
_ER_LINE = re.compile(r"^ER(?:  -|[ \t]{1,3}-(?=[ \t]|$))", re.MULTILINE)
_TAG_LINE = re.compile(r"([A-Z][A-Z0-9])([ \t]{1,3})-(.*)")
# types whose A2 is the editor (EndNote's RIS type table); elsewhere A2 is a sponsor, a
# producer, a department, ... and editors are ED
EDITED_TYPES = frozenset(
    {
        "CHAP",
        "ECHAP",
        "EDBOOK",
        "CONF",
        "CPAPER",
        "ENCYC",
        "DICT",
        "BOOK",
        "EBOOK",
        "BLOG",
        "ANCIENT",
    }
)
_EDITED_TYPES = EDITED_TYPES
_BOOK_TYPES = frozenset({"BOOK", "EBOOK", "EDBOOK"})
_URL_FIELDS = ("urls", "file_attachments1", "file_attachments2", "figure", "website_link")
_PMID = re.compile(r"^\s*(\d{1,9})\s*\[pmid\]\s*$", re.IGNORECASE)
_PUBMED_URL = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)(\d{1,9})")
_FINGERPRINTS = (  # (lower-case markers in DB/DP/AN/URLs, database name); first match wins
    (
        ("wos:", "webofscience", "webofknowledge", "isiknowledge", "web of science"),
        "Web of Science",
    ),
    (("scopus",), "Scopus"),
    (("embase",), "Embase"),
    (("ovidsp", "ovid.com", "\novid"), "Ovid"),
    (("ebsco",), "EBSCOhost"),
    (("proquest",), "ProQuest"),
    (("ieeexplore",), "IEEE Xplore"),
    (("pubmed", "medline", "\nnlm\n"), "PubMed"),
    (("psycnet.apa.org",), "APA PsycNet"),
    (("lens.org",), "Lens"),
    (("dimensions.ai", "\npub."), "Dimensions"),
    (("jstor",), "JSTOR"),
    (("sciencedirect",), "ScienceDirect"),
    (("google scholar", "scholar.google"), "Google Scholar"),
)


def split_ris_line(line: str) -> tuple[str, str] | None:
    """``("AU", "Smith, J")`` for a tag line, ``None`` for a continuation line."""
    tag = _TAG_OBJECTS.get(line[:2])
    if tag is not None and line[2:5] == "  -":  # the common case, and one string per tag
        return tag, line[5:].strip()
    match = _TAG_LINE.match(line)
    if match is None:
        return None
    tag, gap, value = match.groups()
    if gap != "  " and (tag not in _KNOWN_TAGS or (value and value[0] not in " \t")):
        return None
    return tag, value.strip()


class RisRecordParser(TaggedParser):
    """RIS lines: ``TY  - JOUR``; also ``TY - JOUR`` and tabs for known tags."""

    split_line = staticmethod(split_ris_line)

    def __init__(self) -> None:
        super().__init__(RIS_MAPPING)


def find_record_starts(text: str) -> list[int]:
    """Offsets of ``TY`` lines; in files without any, of the first tag after each ``ER``."""
    starts = [match.start() for match in _TY_LINE.finditer(text)]
    if starts:
        return starts
    position = 0
    for boundary in [*(match.start() for match in _ER_LINE.finditer(text)), len(text)]:
        offset = position
        for line in text[position:boundary].split("\n"):
            if split_ris_line(line) is not None:
                starts.append(offset)
                break
            offset += len(line) + 1
        newline = text.find("\n", boundary)
        position = newline + 1 if newline != -1 else len(text)
    return starts


def _ris_record(record: dict[str, Any], position: int, issues: list[ImportIssue]) -> ParsedRecord:
    fields = ris_fields(record, fingerprint(record))
    line = record[LINES][0]
    if fields.type is None:
        issues.append(issue(line, position, "record has no TY line: type unknown", "TY"))
    if fields.year is None:
        issues.extend(year_issue(record, ("PY", "DA", "Y1"), position))
    return ParsedRecord(position, line, fields, record[RAW])


# Files with TY lines (streamable); files without any are read whole (find_record_starts).
RIS_FORMAT = TaggedFormat(_TY_LINE, _ER_LINE, RisRecordParser, _ris_record)


def parse_ris(text: str, path: str) -> ParseResult:
    # the hint is then the records' most common database
    return map_tagged(RIS_FORMAT, text, find_record_starts(text), path)


def has_type_lines(text: str) -> bool:
    """Whether ``text`` has a ``TY`` line (then records start at ``TY`` lines only)."""
    return _TY_LINE.search(text) is not None


def ris_fields(record: dict[str, Any], source: str | None) -> RecordFields:
    """Map one rispy record (exporter dialects included) to ``RecordFields``."""
    kind = first(record, "type_of_reference")
    kind = kind.upper() if kind else None
    a2 = "A2" if kind in _EDITED_TYPES else "ED"
    title = first(record, "title", "primary_title", "unpublished_title")
    if title is None and kind in _BOOK_TYPES:
        title = first(record, "book_title")
    journal = first(record, "secondary_title", "alternate_title3", "journal_name", "book_title")
    sp, ep = n.split_pages(first(record, "start_page"), first(record, "end_page"))
    issn, isbn = n.split_serials(values(record, "issn", "isbn"))
    dates = values(record, "year", "date", "publication_year")
    return RecordFields(
        type=kind,
        title=title or first(record, "short_title"),
        authors=_names(record, "AU", "A1"),
        editors=_names(record, "ED", a2),
        year=_year(dates or values(record, "access_date")),
        date=_fullest_date(dates),
        journal=journal,
        journal_abbrev=_abbreviation(record, journal),
        volume=first(record, "volume", "volume_alt"),
        issue=first(record, "number"),
        start_page=sp,
        end_page=ep,
        doi=_doi(record),
        abstract=_abstract(record),
        keywords=n.split_keywords(values(record, "keywords")),
        language=first(record, "language", clean=n.normalize_language),
        database=first(record, "name_of_database", "database_provider") or source,
        accession=first(record, "accession_number"),
        urls=n.split_urls(values(record, *_URL_FIELDS)),
        issn=issn,
        isbn=isbn,
        publisher=first(record, "publisher", "publisher_wos"),
        place=first(record, "place_published", "publishing_place", "publisher_city"),
        pmid=_pmid(record, source),
        notes=[v for v in map(n.clean_text, values(record, "notes")) if v],
    )


def _names(record: dict[str, Any], *tags: str) -> list[str]:
    """People from the given tags, interleaved in file order (AU and A1 mix)."""
    present = [tag for tag in dict.fromkeys(tags) if record.get(RIS_MAPPING.get(tag, ""))]
    if len(present) == 1:  # the usual case: rispy's list is already in file order
        people = record[RIS_MAPPING[present[0]]]
    else:
        people = [value for tag, value in record[RAW] if tag in tags] if present else []
    return [name for name in map(n.clean_name, people) if name]


def _year(dates: list[str]) -> int | None:
    return next((y for y in map(n.parse_year, dates) if y is not None), None)


def _fullest_date(dates: list[str]) -> str | None:
    cleaned = [d for d in map(n.normalize_date, dates) if d and n.parse_year(d)]
    return max(cleaned, key=lambda d: sum(c.isdigit() for c in d), default=None)


def _abbreviation(record: dict[str, Any], journal: str | None) -> str | None:
    names = (
        "alternate_title1",
        "alternate_title2",
        "periodical_abbreviation",
        "iso_abbreviation",
        "abbreviation_29",
        "journal_name",
    )
    candidates = (n.clean_text(v) for v in values(record, *names))
    return next((c for c in candidates if c and c != journal), None)


def _doi(record: dict[str, Any]) -> str | None:
    for value in values(record, "doi"):
        doi = n.normalize_doi(value)
        if doi:
            return doi
    names = (
        "related_records",
        "type_of_work",
        "notes",
        "urls",
        "file_attachments2",
        "accession_number",
    )
    for value in values(record, *names):
        dois = n.find_dois(value)
        if dois:
            return dois[0]
    return None


def _abstract(record: dict[str, Any]) -> str | None:
    for names in (("abstract",), ("notes_abstract",)):
        texts = [t for t in map(n.clean_abstract, values(record, *names)) if t]
        if texts:
            return "\n".join(dict.fromkeys(texts))
    return None


def fingerprint(record: dict[str, Any]) -> str | None:
    """The database an RIS record came from, recognised from its content."""
    names = (
        "name_of_database",
        "database_provider",
        "accession_number",
        "urls",
        "file_attachments2",
        "website_link",
    )
    text = f"\n{chr(10).join(values(record, *names)).lower()}\n"
    for markers, name in _FINGERPRINTS:
        if any(marker in text for marker in markers):
            return name
    if record.get("volume_alt") is not None:
        return "IEEE Xplore"
    return None


def _pmid(record: dict[str, Any], source: str | None) -> str | None:
    for value in values(record, "user1", "user2", "user3", "user4", "user5"):
        match = _PMID.match(value)
        if match:
            return match.group(1)
    for value in values(record, "urls", "file_attachments2"):
        match = _PUBMED_URL.search(value)
        if match:
            return match.group(1)
    accession = first(record, "accession_number")
    if source == "PubMed" and accession and accession.isdigit():
        return accession
    pubmed_id = first(record, "custom2")
    if source == "Scopus" and pubmed_id and pubmed_id.isdigit():
        return pubmed_id
    return None


# Ovid's own tagged display format (``<1. >`` between records, Ovid field labels).

_OVID_SEPARATOR = re.compile(r"^<\d+\.\s*>[ \t]*$", re.MULTILINE)
OVID_MAPPING = {
    "AB": "abstract",
    "AN": "accession_number2",
    "AU": "authors",
    "DB": "database",
    "DO": "doi",
    "DP": "date_of_publication",
    "ED": "editors",
    "IP": "issue",
    "IS": "issn",
    "IB": "isbn",
    "JA": "journal_abbrev",
    "JN": "journal_name",
    "JT": "journal_title",
    "KW": "keywords",
    "LG": "language",
    "MH": "subject_headings",
    "PB": "publisher",
    "PG": "pages",
    "PT": "publication_type",
    "SO": "source",
    "TI": "title",
    "UI": "accession_number",
    "UR": "urls",
    "VO": "volume",
    "XL": "link",
    "YR": "year",
}


class OvidRecordParser(TaggedParser):
    split_line = staticmethod(split_ris_line)

    def __init__(self) -> None:
        super().__init__(OVID_MAPPING)


def _ovid_record(record: dict[str, Any], position: int, issues: list[ImportIssue]) -> ParsedRecord:
    fields = _ovid_fields(record)
    if fields.year is None:
        issues.extend(year_issue(record, ("YR", "DP"), position))
    return ParsedRecord(position, record[LINES][0], fields, record[RAW])


OVID_FORMAT = TaggedFormat(_OVID_SEPARATOR, None, OvidRecordParser, _ovid_record, "Ovid")


def parse_ovid(text: str, path: str) -> ParseResult:
    """Ovid's tagged display/EndNote export (``<1. >`` separators, ``SO``, ``UI``, ``YR``)."""
    return parse_tagged(OVID_FORMAT, text, path)


def _ovid_fields(record: dict[str, Any]) -> RecordFields:
    source = first(record, "source")
    sp, ep = n.split_pages(first(record, "pages"))
    issn, isbn = n.split_serials(values(record, "issn", "isbn"))
    database = first(record, "database")
    accession = first(record, "accession_number")
    doi = first(record, "doi", clean=n.normalize_doi)
    return RecordFields(
        type=n.type_code(values(record, "publication_type")),
        title=first(record, "title"),
        authors=_names(record, "AU"),
        editors=_names(record, "ED"),
        year=_year(values(record, "year", "date_of_publication")),
        date=first(record, "date_of_publication", "year", clean=n.normalize_date),
        journal=first(record, "journal_name", "journal_title") or _journal_of(source),
        journal_abbrev=first(record, "journal_abbrev"),
        volume=first(record, "volume"),
        issue=first(record, "issue"),
        start_page=sp,
        end_page=ep,
        doi=doi or next(iter(n.find_dois(" ".join(values(record, "source", "urls")))), None),
        abstract=_abstract(record),
        keywords=n.split_keywords(values(record, "keywords", "subject_headings")),
        language=first(record, "language", clean=n.normalize_language),
        database=database or "Ovid",
        accession=accession,
        urls=n.split_urls(values(record, "urls", "link")),
        issn=issn,
        isbn=isbn,
        publisher=first(record, "publisher"),
        pmid=_ovid_pmid(database, accession),
    )


def _journal_of(source: str | None) -> str | None:
    """``BMC Proceedings. Conference: ... 12 (3), 2018.`` -> ``BMC Proceedings``."""
    return n.clean_text(source.split(". ")[0]) if source else None


def _ovid_pmid(database: str | None, accession: str | None) -> str | None:
    is_medline = database is not None and "medline" in database.lower()
    return accession if is_medline and accession and accession.isdigit() else None
