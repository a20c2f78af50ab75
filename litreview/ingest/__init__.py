"""Read reference files into ``ParsedFile``: pure, no database, no UI.

    parse_file(path)          -> ParsedFile
    parse_bytes(data, path)   -> ParsedFile
    detect_format(text)       -> "ris" | "nbib" | "wos" | "bibtex" | "csv" | "tsv" | "enw" | "ovid"
                                 | "endnote-xml" | "csl-json"
    scan_file(path)           -> FileScan (sha256, encoding, format: one pass, nothing kept)
    iter_parse_file(path)     -> StreamedFile (records parsed as they are read: bounded memory)

Streaming gives the same records and problems as ``parse_bytes``. BibTeX, and
RIS without ``TY`` lines, are read whole, so files of those above
``WHOLE_FILE_LIMIT`` bytes are refused up front.

Unreadable input raises ``ImportFormatError``; recoverable problems are
listed in ``ParsedFile.problems`` with 1-based line numbers.

The package only assembles: whole files in :mod:`~litreview.ingest.parse`, streams in
:mod:`~litreview.ingest._streaming`, one module per format beside them.
"""

from __future__ import annotations

from litreview.ingest._decode import CHUNK_BYTES
from litreview.ingest._streaming import (
    WHOLE_FILE_LIMIT,
    FileScan,
    StreamedFile,
    iter_parse_file,
    scan_file,
)
from litreview.ingest.parse import (
    FORMATS,
    detect_format,
    find_format,
    parse_bytes,
    parse_file,
    parse_text,
    unrecognised_format,
)

__all__ = [
    "CHUNK_BYTES",
    "FORMATS",
    "WHOLE_FILE_LIMIT",
    "FileScan",
    "StreamedFile",
    "detect_format",
    "find_format",
    "iter_parse_file",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "scan_file",
    "unrecognised_format",
]
