"""CSV and TSV files with ASReview-style columns (case-insensitive headers).

Recognised columns (any of the aliases): title, abstract, authors, year,
doi, keywords, journal, volume, issue, pages, ... Every other column
(``record_id``, ``label_included``, ...) is kept in ``raw``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator

from litreview.errors import ImportFormatError
from litreview.ingest import normalize as n
from litreview.ingest._tagged import ParseResult
from litreview.models import ImportIssue, ParsedRecord, RecordFields

__all__ = ["check_runaway", "csv_delimiter", "detect_header", "iter_rows", "parse_csv", "parse_tsv"]

_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "ti", "primary_title", "article title", "document title", "t1"),
    "abstract": ("abstract", "ab", "abstract note", "abstract_note", "notes_abstract", "n2"),
    "authors": ("authors", "author", "au", "author full names", "author(s)", "first_authors"),
    "editors": ("editors", "editor"),
    "year": ("year", "py", "publication year", "publication_year", "pubyear"),
    "date": ("date", "publication date", "pd", "da"),
    "doi": ("doi", "di", "do"),
    "keywords": ("keywords", "kw", "author keywords", "author_keywords", "de", "manual tags"),
    "journal": (
        "journal",
        "journal_name",
        "source title",
        "so",
        "publication title",
        "secondary_title",
        "t2",
        "container",
        "jo",
        "journal/book",
    ),
    "journal_abbrev": ("journal_abbrev", "abbreviated source title", "j2", "ji"),
    "volume": ("volume", "vl"),
    "issue": ("issue", "number", "is"),
    "pages": ("pages", "page", "pg"),
    "start_page": ("start_page", "page start", "bp", "sp"),
    "end_page": ("end_page", "page end", "ep"),
    "issn": ("issn",),
    "isbn": ("isbn",),
    "language": ("language", "la", "language of original document"),
    "type": ("type", "type_of_reference", "entrytype", "item type", "document type", "ty"),
    "database": ("database", "source_db", "db", "source"),
    "accession": ("accession", "accession_number", "an", "eid", "ut", "unique-id"),
    "urls": ("url", "urls", "link", "ur"),
    "publisher": ("publisher", "pb"),
    "place": ("place", "place_published", "cy"),
    "pmid": ("pmid", "pubmed_id", "pubmed id"),
    "notes": ("notes", "note", "n1"),
}
_KNOWN = frozenset(alias for aliases in _ALIASES.values() for alias in aliases)
_DECISIVE = frozenset(
    {"title", "abstract", "doi", "primary_title", "article title", "document title"}
)
_NAME_LIST = re.compile(r"\s*;\s*|\s+and\s+")


def detect_header(line: str) -> str | None:
    """``"csv"``/``"tsv"`` when ``line`` is a header with known columns."""
    delimiter = "\t" if "\t" in line else ";" if ";" in line and "," not in line else ","
    cells = {_column(c) for c in next(csv.reader([line], delimiter=delimiter), [])}
    known = cells & _KNOWN
    if not (cells & _DECISIVE or len(known) >= 3):
        return None
    return "tsv" if delimiter == "\t" else "csv"


def parse_csv(text: str, path: str) -> ParseResult:
    return _parse(text, path, csv_delimiter(text))


def parse_tsv(text: str, path: str) -> ParseResult:
    return _parse(text, path, "\t")


def csv_delimiter(head: str) -> str:
    """``;`` when the first non-blank line of a CSV file has semicolons and no commas."""
    first_line = next((line for line in head.split("\n", 50) if line.strip()), "")
    return ";" if ";" in first_line and "," not in first_line else ","


def _column(cell: str) -> str:
    return cell.strip().strip('"').strip().lower()


def _parse(text: str, path: str, delimiter: str) -> ParseResult:
    issues: list[ImportIssue] = []
    records = list(iter_rows(io.StringIO(text), path, delimiter, issues))
    return records, issues, None


def iter_rows(
    lines: Iterable[str], path: str, delimiter: str, issues: list[ImportIssue]
) -> Iterator[ParsedRecord]:
    """One record per non-blank row after the header, from ``lines`` (ending in newlines)."""
    reader = csv.reader(lines, delimiter=delimiter)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    line = position = 1
    try:
        for row in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                columns = _columns(header)
                continue
            check_runaway(row, header, delimiter, path, start)
            if len(row) != len(header):
                message = f"{len(row)} cells for {len(header)} columns"
                issues.append(ImportIssue(start, message, position))
            raw = [(_name(header, i), cell) for i, cell in enumerate(row) if cell.strip()]
            yield ParsedRecord(position, start, _fields(row, columns), raw)
            position += 1
    except csv.Error as exc:
        raise ImportFormatError(
            f"unreadable {'TSV' if delimiter == chr(9) else 'CSV'}: {exc}", path=path, line=line
        ) from exc


_RUNAWAY_ROWS = 2  # swallowed lines that parse as whole rows before a cell is refused


def check_runaway(row: list[str], header: list[str], delimiter: str, path: str, start: int) -> None:
    """Refuse a row whose quoted cell ran on over lines that are rows of their own.

    A stray opening quote makes the CSV reader take everything up to the next quote
    (often hundreds of rows) as one cell: the records in it would be lost without a
    word. A cell is taken as runaway when at least two of its lines, and at least half
    of them, have as many cells as the header (a real multi-line abstract or note does
    not look like that), with a header of at least three columns.
    """
    width = len(header)
    if width < 3:
        return
    offset = 0  # lines before this cell within the row
    for index, cell in enumerate(row):
        if "\n" not in cell:
            continue
        lines = cell.split("\n")[1:]
        wide = [
            i
            for i, line in enumerate(lines, start=1)
            if line.strip() and _cells(line, delimiter) >= width
        ]
        if len(wide) >= _RUNAWAY_ROWS and 2 * len(wide) >= len([x for x in lines if x.strip()]):
            first = start + offset
            kind = "TSV" if delimiter == "\t" else "CSV"
            raise ImportFormatError(
                f"the quoted {kind} field in column {index + 1} ({_name(header, index)!r}) "
                f"starting on this line runs on to line {first + _last_filled(lines)}, "
                f"swallowing {len(wide)} lines that look like rows of their own (lines "
                f"{first + wide[0]}-{first + wide[-1]}): a quote is probably not closed, "
                "so those records would be lost",
                path=path,
                line=first,
                hint="fix the stray or unbalanced double quote on that line (a quote "
                'inside a quoted field is written twice: ""), or export the file again',
            )
        offset += cell.count("\n")


def _last_filled(lines: list[str]) -> int:
    return max((i for i, line in enumerate(lines, start=1) if line.strip()), default=0)


def _cells(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _name(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"column {index + 1}"


def _columns(header: list[str]) -> dict[str, int]:
    """Field name -> column index, the first alias present winning."""
    index = {_column(name): i for i, name in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for field, aliases in _ALIASES.items():
        position = next((index[a] for a in aliases if a in index), None)
        if position is not None:
            found[field] = position
    return found


def _fields(row: list[str], columns: dict[str, int]) -> RecordFields:
    def cell(field: str) -> str | None:
        i = columns.get(field)
        return row[i] if i is not None and i < len(row) and row[i].strip() else None

    def text(field: str) -> str | None:
        return n.clean_text(cell(field))

    sp, ep = n.split_pages(cell("start_page") or cell("pages"), cell("end_page"))
    issn, isbn = n.split_serials(v for v in (cell("issn"), cell("isbn")) if v)
    date = n.normalize_date(cell("date"))
    return RecordFields(
        type=n.type_code([t for t in (cell("type"),) if t]),
        title=text("title"),
        authors=_names(cell("authors")),
        editors=_names(cell("editors")),
        year=n.parse_year(cell("year") or date),
        date=date or n.normalize_date(cell("year")),
        journal=text("journal"),
        journal_abbrev=text("journal_abbrev"),
        volume=text("volume"),
        issue=text("issue"),
        start_page=sp,
        end_page=ep,
        doi=n.normalize_doi(cell("doi")),
        abstract=n.clean_abstract(cell("abstract")),
        keywords=n.split_keywords([k for k in (cell("keywords"),) if k]),
        language=n.normalize_language(cell("language")),
        database=text("database"),
        accession=text("accession"),
        urls=n.split_urls([u for u in (cell("urls"),) if u]),
        issn=issn,
        isbn=isbn,
        publisher=text("publisher"),
        place=text("place"),
        pmid=text("pmid"),
        notes=[t for t in (text("notes"),) if t],
    )


def _names(value: str | None) -> list[str]:
    if not value:
        return []
    cleaned = (n.clean_name(name) for name in _NAME_LIST.split(value))
    return [name for name in cleaned if name]
