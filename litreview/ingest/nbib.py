"""PubMed MEDLINE/nbib files (``PMID- 123``, ``FAU - Surname, Given``)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

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

__all__ = ["NBIB_FORMAT", "NBIB_MAPPING", "parse_nbib"]

NBIB_MAPPING = {
    "PMID": "pmid",
    "TI": "title",
    "BTI": "book_title",
    "VTI": "volume_title",
    "FAU": "full_authors",
    "AU": "authors",
    "CN": "corporate_author",
    "FED": "full_editors",
    "ED": "editors",
    "DP": "date_of_publication",
    "DEP": "date_of_electronic_publication",
    "JT": "journal_title",
    "TA": "journal_abbreviation",
    "VI": "volume",
    "IP": "issue",
    "PG": "pagination",
    "LID": "location_id",
    "AID": "article_id",
    "AB": "abstract",
    "OAB": "other_abstract",
    "OT": "other_terms",
    "MH": "mesh_terms",
    "LA": "language",
    "PT": "publication_type",
    "IS": "issn",
    "ISBN": "isbn",
    "PB": "publisher",
    "PL": "place_of_publication",
    "GN": "general_note",
    "STAT": "status",
}
_LINE = re.compile(r"([A-Z][A-Z0-9]{1,3}) *- ?(.*)")
_PMID_LINE = re.compile(r"^PMID- *\d", re.MULTILINE)


class NbibRecordParser(TaggedParser):
    """MEDLINE lines: a tag padded to four characters, ``- ``, the value."""

    JOINER: ClassVar[str] = " "  # MEDLINE wraps long values at about 80 columns

    def __init__(self) -> None:
        super().__init__(NBIB_MAPPING)

    def split_line(self, line: str) -> tuple[str, str] | None:
        if line[4:5] != "-" and not line.startswith("PMID-"):
            return None
        match = _LINE.match(line)
        return (match.group(1), match.group(2).strip()) if match else None


def _nbib_record(record: dict[str, Any], position: int, issues: list[ImportIssue]) -> ParsedRecord:
    fields = nbib_fields(record)
    if fields.year is None:
        issues.extend(year_issue(record, ("DP", "DEP"), position))
    return ParsedRecord(position, record[LINES][0], fields, record[RAW])


NBIB_FORMAT = TaggedFormat(_PMID_LINE, None, NbibRecordParser, _nbib_record, "PubMed")


def parse_nbib(text: str, path: str) -> ParseResult:
    return parse_tagged(NBIB_FORMAT, text, path)


def nbib_fields(record: dict[str, Any]) -> RecordFields:
    sp, ep = n.split_pages(first(record, "pagination"))
    issn, isbn = n.split_serials(values(record, "issn", "isbn"))
    dates = values(record, "date_of_publication", "date_of_electronic_publication")
    pmid = first(record, "pmid")
    return RecordFields(
        type=n.type_code(values(record, "publication_type")) or "JOUR",
        title=first(record, "title", "book_title", "volume_title"),
        authors=_people(record, "full_authors", "authors", "corporate_author"),
        editors=_people(record, "full_editors", "editors"),
        year=next((y for y in map(n.parse_year, dates) if y), None),
        date=next((d for d in map(n.normalize_date, dates) if d and n.parse_year(d)), None),
        journal=first(record, "journal_title", "book_title"),
        journal_abbrev=first(record, "journal_abbreviation"),
        volume=first(record, "volume"),
        issue=first(record, "issue"),
        start_page=sp,
        end_page=ep,
        doi=_doi(record),
        abstract=first(record, "abstract", "other_abstract", clean=n.clean_abstract),
        keywords=n.split_keywords(values(record, "other_terms", "mesh_terms")),
        language=first(record, "language", clean=n.normalize_language),
        database="PubMed",
        accession=pmid,
        issn=issn,
        isbn=isbn,
        publisher=first(record, "publisher"),
        place=first(record, "place_of_publication"),
        pmid=pmid,
        notes=[v for v in map(n.clean_text, values(record, "general_note")) if v],
    )


def _people(record: dict[str, Any], full: str, short: str, corporate: str = "") -> list[str]:
    """Full names (``FAU``) when given, else the short form (``AU``); groups last."""
    names = values(record, full) or values(record, short)
    if corporate:
        names = [*names, *values(record, corporate)]
    cleaned = (n.clean_name(name) for name in names)
    return [name for name in cleaned if name]


def _doi(record: dict[str, Any]) -> str | None:
    ids = values(record, "location_id", "article_id")
    tagged = [v for v in ids if v.lower().endswith("[doi]")]
    return next((d for d in map(n.normalize_doi, tagged) if d), None)
