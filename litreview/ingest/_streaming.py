"""Reading a reference file as a stream: one pass to scan it, one to parse it.

``scan_file`` reads the file once: it hashes the bytes, chooses the encoding
by the rules of ``decode_bytes`` (byte-order mark, strict UTF-8, UTF-16
without a mark, cp1252) and detects the format from the first lines. Nothing
of the file is kept but those lines, so a caller can skip a file it already
has before parsing anything. ``iter_parse_file`` then decodes and parses
chunk by chunk; its records are exactly those ``parse_bytes`` returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from litreview.errors import ImportFormatError
from litreview.ingest import endnote_xml, enw, nbib, ris, tabular, wos, xlsx
from litreview.ingest._decode import (
    CHUNK_BYTES,
    ScannedText,
    iter_decoded_chunks,
    scan_text_file,
)
from litreview.ingest._stream import iter_lines, iter_tagged_stream
from litreview.ingest._tagged import TaggedFormat
from litreview.ingest.parse import find_format, parse_text, unrecognised_format
from litreview.models import ImportIssue, ParsedRecord

__all__ = ["WHOLE_FILE_LIMIT", "FileScan", "StreamedFile", "iter_parse_file", "scan_file"]

WHOLE_FILE_LIMIT = 200 * 1024 * 1024  # bytes; formats read whole (BibTeX) need ~8x this in memory
_TAGGED: dict[str, TaggedFormat] = {
    "ris": ris.RIS_FORMAT,
    "ovid": ris.OVID_FORMAT,
    "nbib": nbib.NBIB_FORMAT,
    "wos": wos.WOS_FORMAT,
    "enw": enw.ENW_FORMAT,
}
_MB = 1024 * 1024


@dataclass(frozen=True)
class FileScan:
    """One file as scanned: what it is, before any record is parsed."""

    path: str
    format: str
    sha256: str
    size: int  # bytes
    encoding: str
    streamed: bool  # False: the format is parsed from the whole text at once
    text: ScannedText = field(repr=False)


def scan_file(path: str | Path, *, chunk_bytes: int = CHUNK_BYTES) -> FileScan:
    """Hash, decode-check and identify ``path`` in one pass; ``ImportFormatError`` if unreadable."""
    name = str(path)
    if xlsx.is_xlsx(name):  # a workbook: binary, read whole by openpyxl
        digest, size = xlsx.sha256_of(name)
        return FileScan(
            name, "xlsx", digest, size, "xlsx", False, ScannedText(digest, size, "xlsx", "xlsx", "")
        )
    scanned = scan_text_file(name, chunk_bytes=chunk_bytes)
    fmt = find_format(scanned.head)
    if fmt is None:
        raise unrecognised_format(name)
    streamed = fmt in _TAGGED or fmt in ("csv", "tsv", "endnote-xml")
    if fmt == "ris" and not ris.has_type_lines(scanned.head):
        streamed = False  # records are found from ER lines over the whole text
    if not streamed and scanned.size > WHOLE_FILE_LIMIT:
        raise ImportFormatError(
            f"this {_describe(fmt)} file is {scanned.size // _MB} MB; files of this kind are "
            f"read whole, and the limit is {WHOLE_FILE_LIMIT // _MB} MB",
            path=name,
            hint=f"split the export into files under {WHOLE_FILE_LIMIT // _MB} MB, or export "
            "as RIS with TY lines (read as a stream, any size)",
        )
    return FileScan(name, fmt, scanned.sha256, scanned.size, scanned.encoding, streamed, scanned)


def _describe(fmt: str) -> str:
    return "RIS file without TY lines; this" if fmt == "ris" else fmt


class StreamedFile:
    """A file's records, parsed as they are read.

    ``problems`` grows while ``records`` is consumed and is complete once it is
    exhausted; so is ``database_hint``. ``bytes_read`` tells progress.
    Exhausting ``records`` without a single record raises ``ImportFormatError``.
    """

    def __init__(self, scan: FileScan, chunk_bytes: int) -> None:
        self.path, self.format, self.encoding = scan.path, scan.format, scan.encoding
        self.sha256, self.size = scan.sha256, scan.size
        self.problems: list[ImportIssue] = list(scan.text.problems)
        self.bytes_read = 0
        self.count = 0
        self._hint: str | None = _TAGGED[scan.format].hint if scan.format in _TAGGED else None
        self._databases: Counter[str] = Counter()
        self._scan, self._chunk_bytes = scan, chunk_bytes
        self.records: Iterator[ParsedRecord] = self._iter_records()

    @property
    def database_hint(self) -> str | None:
        if self._hint:
            return self._hint
        return self._databases.most_common(1)[0][0] if self._databases else None

    def _chunks(self) -> Iterator[str]:
        for text, done in iter_decoded_chunks(
            self.path, self._scan.text, chunk_bytes=self._chunk_bytes
        ):
            self.bytes_read = done
            yield text

    def _iter_records(self) -> Iterator[ParsedRecord]:
        for record in self._parse():
            self.count += 1
            if record.fields.database:
                self._databases[record.fields.database] += 1
            yield record
        if not self.count:
            raise ImportFormatError(f"no records found in this {self.format} file", path=self.path)

    def _parse(self) -> Iterator[ParsedRecord]:
        fmt = self.format
        if fmt in _TAGGED and self._scan.streamed:
            return iter_tagged_stream(_TAGGED[fmt], self._chunks(), self.path, self.problems)
        if fmt == "endnote-xml":  # iterparse: one <record> in memory at a time
            return endnote_xml.iter_endnote_xml(self._chunks(), self.path, self.problems)
        if fmt in ("csv", "tsv"):
            delimiter = "\t" if fmt == "tsv" else tabular.csv_delimiter(self._scan.text.head)
            return tabular.iter_rows(
                iter_lines(self._chunks()), self.path, delimiter, self.problems
            )
        if fmt == "xlsx":
            records, problems, _ = xlsx.parse_xlsx(self.path)
            self.problems += problems
            return iter(records)
        return self._parse_whole()

    def _parse_whole(self) -> Iterator[ParsedRecord]:
        records, problems, hint = parse_text(self.format, "".join(self._chunks()), self.path)
        self.problems += problems
        self._hint = hint
        return iter(records)


def iter_parse_file(
    path: str | Path, scan: FileScan | None = None, *, chunk_bytes: int = CHUNK_BYTES
) -> StreamedFile:
    """Parse ``path`` as a stream (``scan`` from ``scan_file``, made here if not given)."""
    return StreamedFile(scan or scan_file(path, chunk_bytes=chunk_bytes), chunk_bytes)
