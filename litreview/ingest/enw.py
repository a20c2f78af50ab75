"""EndNote tagged files (``%0 Journal Article``, ``%A Surname, Given``, ``%T ...``).

Records are separated by blank lines; continuation lines (``%K`` keyword
lists, ``%X`` paragraphs) belong to the previous tag.
"""

from __future__ import annotations

import re
from typing import Any

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

__all__ = ["ENW_FORMAT", "ENW_LINE", "ENW_MAPPING", "parse_enw"]

ENW_LINE = re.compile(r"%([0-9A-Z@!#$&()*+<>?\[\]^|~=])(?:[ \t](.*))?$")
_RECORD_START = re.compile(r"(?:\A|\n[ \t]*\n)(%[0-9A-Z@!#$&()*+<>?\[\]^|~=])(?=[ \t\n]|\Z)")
ENW_MAPPING = {
    "%0": "type",
    "%A": "authors",
    "%B": "secondary_title",
    "%C": "place",
    "%D": "year",
    "%E": "editors",
    "%G": "language",
    "%I": "publisher",
    "%J": "journal",
    "%K": "keywords",
    "%M": "accession_number",
    "%N": "issue",
    "%O": "alternate_journal",
    "%P": "pages",
    "%R": "doi",
    "%T": "title",
    "%U": "urls",
    "%V": "volume",
    "%W": "database",
    "%X": "abstract",
    "%Z": "notes",
    "%8": "date",
    "%9": "type_of_work",
    "%@": "serial_number",
    "%~": "database_provider",
    "%>": "file_attachment",
}


class EnwRecordParser(TaggedParser):
    def __init__(self) -> None:
        super().__init__(ENW_MAPPING)

    def split_line(self, line: str) -> tuple[str, str] | None:
        match = ENW_LINE.match(line)
        return (f"%{match.group(1)}", (match.group(2) or "").strip()) if match else None


def _enw_record(record: dict[str, Any], position: int, issues: list[ImportIssue]) -> ParsedRecord:
    fields = enw_fields(record)
    if fields.year is None:
        issues.extend(year_issue(record, ("%D", "%8"), position))
    return ParsedRecord(position, record[LINES][0], fields, record[RAW])


ENW_FORMAT = TaggedFormat(_RECORD_START, None, EnwRecordParser, _enw_record, group=1)


def parse_enw(text: str, path: str) -> ParseResult:
    return parse_tagged(ENW_FORMAT, text, path)


def enw_fields(record: dict[str, Any]) -> RecordFields:
    sp, ep = n.split_pages(first(record, "pages"))
    issn, isbn = n.split_serials(values(record, "serial_number"))
    dates = values(record, "year", "date")
    dois = [d for v in values(record, "doi", "urls", "notes") for d in n.find_dois(v)]
    return RecordFields(
        type=n.type_code(values(record, "type")),
        title=first(record, "title"),
        authors=_names(record, "authors"),
        editors=_names(record, "editors"),
        year=next((y for y in map(n.parse_year, dates) if y), None),
        date=first(record, "date", "year", clean=n.normalize_date),
        journal=first(record, "journal", "secondary_title"),
        journal_abbrev=first(record, "alternate_journal"),
        volume=first(record, "volume"),
        issue=first(record, "issue"),
        start_page=sp,
        end_page=ep,
        doi=first(record, "doi", clean=n.normalize_doi) or next(iter(dois), None),
        abstract=first(record, "abstract", clean=n.clean_abstract),
        keywords=n.split_keywords(values(record, "keywords")),
        language=first(record, "language", clean=n.normalize_language),
        database=first(record, "database", "database_provider"),
        accession=first(record, "accession_number"),
        urls=n.split_urls(values(record, "urls", "file_attachment")),
        issn=issn,
        isbn=isbn,
        publisher=first(record, "publisher"),
        place=first(record, "place"),
        notes=[v for v in map(n.clean_text, values(record, "notes")) if v],
    )


def _names(record: dict[str, Any], name: str) -> list[str]:
    cleaned = (n.clean_name(v) for v in values(record, name))
    return [v for v in cleaned if v]
