"""Web of Science tagged files (``FN``/``VR`` header, ``PT`` ... ``ER``, ``EF``).

Also the same content saved with a ``.ris`` name: the format is detected from
the content, never from the file name. Tag names come from rispy's
``WOK_TAG_KEY_MAPPING``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import rispy.config

from litreview.ingest import normalize as n
from litreview.ingest._tagged import (
    LINES,
    RAW,
    ParseResult,
    TaggedFormat,
    TaggedParser,
    first,
    parse_tagged,
    values,
    year_issue,
)
from litreview.models import ImportIssue, ParsedRecord, RecordFields

__all__ = ["WOS_FORMAT", "WOS_MAPPING", "parse_wos"]

WOS_MAPPING: dict[str, str] = {
    **rispy.config.WOK_TAG_KEY_MAPPING,
    "C3": "affiliations",
    "AN": "accession",
}
for _tag in ("FN", "VR", "ER", "EF"):
    del WOS_MAPPING[_tag]

_LINE = re.compile(r"([A-Z][A-Z0-9])(?: (.*))?")
_HEADER = re.compile(r"(?:FN|VR|EF)\b")
_START = re.compile(r"^PT ", re.MULTILINE)
_END = re.compile(r"^ER[ \t]*$", re.MULTILINE)
_TYPES = {"J": "JOUR", "B": "BOOK", "S": "SER", "C": "CONF", "P": "PAT"}
_DOCUMENT_TYPES = {
    "book chapter": "CHAP",
    "proceedings paper": "CPAPER",
    "meeting abstract": "ABST",
}


class WosRecordParser(TaggedParser):
    """``AU Surname, I`` lines; three-space continuation lines.

    Continuations of author, address and cited-reference tags are values of
    their own (one per line); other values were wrapped and are re-joined.
    """

    JOINER: ClassVar[str] = " "
    SEPARATE_CONTINUATIONS: ClassVar[frozenset[str]] = frozenset(
        {"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1"}
    )

    def __init__(self) -> None:
        super().__init__(WOS_MAPPING)

    def split_line(self, line: str) -> tuple[str, str] | None:
        if line[:1] in (" ", "\t"):
            return None
        match = _LINE.fullmatch(line.rstrip())
        return (match.group(1), (match.group(2) or "").strip()) if match else None


def _wos_record(record: dict[str, Any], position: int, issues: list[ImportIssue]) -> ParsedRecord:
    fields = wos_fields(record)
    if fields.year is None:
        issues.extend(year_issue(record, ("PY", "EY", "PD"), position))
    return ParsedRecord(position, record[LINES][0], fields, record[RAW])


WOS_FORMAT = TaggedFormat(_START, _END, WosRecordParser, _wos_record, "Web of Science", _HEADER)


def parse_wos(text: str, path: str) -> ParseResult:
    return parse_tagged(WOS_FORMAT, text, path)


def wos_fields(record: dict[str, Any]) -> RecordFields:
    sp, ep = n.split_pages(
        first(record, "beginning_page", "article_number"), first(record, "ending_page")
    )
    issn, isbn = n.split_serials(values(record, "issn", "eissn", "isbn"))
    dates = values(record, "publication_year", "early_access_year", "publication_date")
    keywords = [
        k
        for value in values(record, "author_keywords", "keywords_plus")
        for k in n.split_keywords([value])
    ]
    return RecordFields(
        type=_type(record),
        title=first(record, "document_title"),
        authors=_people(record, "author_full_name", "authors"),
        editors=_people(record, "editors"),
        year=next((y for y in map(n.parse_year, dates) if y), None),
        date=_date(record),
        journal=first(record, "publication_name"),
        journal_abbrev=first(record, "iso_source_abbreviation", "source_abbreviation_29c"),
        volume=first(record, "volume"),
        issue=first(record, "issue"),
        start_page=sp,
        end_page=ep,
        doi=first(record, "doi", "book_doi", clean=n.normalize_doi),
        abstract=first(record, "abstract", clean=n.clean_abstract),
        keywords=list(dict.fromkeys(keywords)),
        language=first(record, "language", clean=n.normalize_language),
        database="Web of Science",
        accession=first(record, "accession_number", "accession"),
        issn=issn,
        isbn=isbn,
        publisher=first(record, "publisher"),
        place=first(record, "publisher_city"),
        pmid=first(record, "pubmed_id"),
    )


def _type(record: dict[str, Any]) -> str | None:
    document_types = [
        d.strip().lower() for v in values(record, "document_type") for d in v.split(";")
    ]
    for document_type in document_types:
        if document_type in _DOCUMENT_TYPES:
            return _DOCUMENT_TYPES[document_type]
    code = first(record, "publication_type")
    return _TYPES.get(code.upper(), "GEN") if code else None


def _people(record: dict[str, Any], *names: str) -> list[str]:
    people = next((v for v in (values(record, name) for name in names) if v), [])
    cleaned = (n.clean_name(p) for p in people)
    return [p for p in cleaned if p]


def _date(record: dict[str, Any]) -> str | None:
    date = first(record, "publication_date")
    year = first(record, "publication_year")
    if date and year and not n.parse_year(date):
        date = f"{date} {year}"
    return n.normalize_date(date or year)
