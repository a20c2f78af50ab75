"""Plain data passed between the layers. No I/O, no SQL, no UI."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportIssue:
    """A recoverable problem found while parsing one file."""

    line: int | None
    message: str
    record: int | None = None  # 1-based position of the record in the file
    tag: str | None = None


@dataclass
class RecordFields:
    """Normalised bibliographic fields of one record, whatever the input format.

    Lists keep file order. Empty strings are never stored: missing is ``None``
    or an empty list.
    """

    type: str | None = None  # RIS type code (JOUR, BOOK, CHAP, CONF, RPRT, THES, ...)
    title: str | None = None
    authors: list[str] = field(default_factory=list)  # "Surname, Given" as exported
    editors: list[str] = field(default_factory=list)
    year: int | None = None
    date: str | None = None  # fullest date seen, as text
    journal: str | None = None  # full container title (journal, book, proceedings)
    journal_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    start_page: str | None = None
    end_page: str | None = None  # expanded: "349-69" -> start 349, end 369
    doi: str | None = None  # normalised: lower case, no resolver prefix
    abstract: str | None = None
    keywords: list[str] = field(default_factory=list)
    language: str | None = None  # ISO 639-1 where known, else as given (lower case)
    database: str | None = None  # database / provider the record came from
    accession: str | None = None
    urls: list[str] = field(default_factory=list)
    issn: list[str] = field(default_factory=list)
    isbn: list[str] = field(default_factory=list)
    publisher: str | None = None
    place: str | None = None
    pmid: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ParsedRecord:
    """One record as read from a file, with everything needed to trace it back."""

    position: int  # 1-based index of the record in its file
    line: int | None  # 1-based line where the record starts
    fields: RecordFields
    raw: list[tuple[str, str]]  # every tag and value, in file order, unknown tags included


@dataclass
class ParsedFile:
    """The result of parsing one file completely."""

    path: str
    format: str  # ris | nbib | wos | bibtex | csv | tsv | enw
    encoding: str
    records: list[ParsedRecord]
    problems: list[ImportIssue] = field(default_factory=list)
    database_hint: str | None = None  # exporter / database recognised from the content


@dataclass(frozen=True)
class Source:
    """One imported file or API search, as PRISMA-S reports it."""

    source_id: int
    kind: str  # file | api
    arm: str  # database | register | other
    database: str
    format: str
    records_parsed: int
    imported_at: str
    method: str | None = None  # for the other-methods arm: citation searching, websites, ...
    platform: str | None = None
    searched_on: str | None = None
    query: str | None = None
    limits: str | None = None
    reported_hits: int | None = None
    file_name: str | None = None
    sha256: str | None = None
    size_bytes: int | None = None
    encoding: str | None = None
    problems: tuple[ImportIssue, ...] = ()


@dataclass
class Record:
    """A stored record: one occurrence of a work in one source."""

    record_id: int
    source_id: int
    position: int
    line: int | None
    fields: RecordFields
    raw: list[tuple[str, str]]


@dataclass(frozen=True)
class Event:
    """One entry of the append-only audit log."""

    event_id: int
    kind: str
    created_at: str
    record_id: int | None = None
    other_record_id: int | None = None
    stage: str | None = None
    value: str | None = None
    reason: str | None = None
    note: str | None = None
    reviewer: str | None = None
    payload: dict[str, object] | None = None
    reverts_event_id: int | None = None
