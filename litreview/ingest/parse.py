"""Parse a whole reference file: detect its format from its content and hand the text to
that format's parser (:mod:`litreview.ingest._streaming` reads the same formats as a stream).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from litreview.errors import ImportFormatError
from litreview.ingest import bibtex, csl_json, endnote_xml, enw, nbib, ris, tabular, wos, xlsx
from litreview.ingest._decode import decode_bytes
from litreview.ingest._tagged import ParseResult
from litreview.models import ParsedFile, ParsedRecord
from litreview.storage.bulk import gc_paused

__all__ = [
    "FORMATS",
    "detect_format",
    "find_format",
    "parse_bytes",
    "parse_file",
    "parse_text",
    "unrecognised_format",
]

Parser = Callable[[str, str], ParseResult]

_PARSERS: dict[str, Parser] = {
    "ris": ris.parse_ris,
    "ovid": ris.parse_ovid,
    "nbib": nbib.parse_nbib,
    "wos": wos.parse_wos,
    "bibtex": bibtex.parse_bibtex,
    "csv": tabular.parse_csv,
    "tsv": tabular.parse_tsv,
    "enw": enw.parse_enw,
    "endnote-xml": endnote_xml.parse_endnote_xml,
    "csl-json": csl_json.parse_csl_json,
}
FORMATS = tuple(_PARSERS)

_LINE_SIGNATURES = (  # checked in order on each line until one matches
    (re.compile(r"\s*@[A-Za-z]+\s*[{(]"), "bibtex"),
    (re.compile(r"<\d+\.\s*>\s*$"), "ovid"),
    (re.compile(r"PMID- *\d"), "nbib"),
    (re.compile(r"(?:FN|VR|PT) \S"), "wos"),
    (enw.ENW_LINE, "enw"),
)


def parse_file(path: str | Path) -> ParsedFile:
    """Read and parse one reference file (format detected from its content)."""
    if xlsx.is_xlsx(path):
        records, problems, _ = xlsx.parse_xlsx(str(path))
        if not records:
            raise ImportFormatError("no records found in this xlsx file", path=str(path))
        return ParsedFile(
            str(path), "xlsx", "xlsx", records, problems, _most_common_database(records)
        )
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    return parse_bytes(data, str(path))


def parse_bytes(data: bytes, path: str) -> ParsedFile:
    """Parse a reference file's bytes; ``path`` names it in messages."""
    decoded = decode_bytes(data, path)
    if not decoded.text.strip():
        raise ImportFormatError("the file is empty: no records", path=path)
    fmt = _detect(decoded.text)
    if fmt is None:
        raise unrecognised_format(path)
    records, problems, hint = parse_text(fmt, decoded.text, path)
    return ParsedFile(
        path=path,
        format=fmt,
        encoding=decoded.encoding,
        records=records,
        problems=[*decoded.problems, *problems],
        database_hint=hint or _most_common_database(records),
    )


def parse_text(fmt: str, text: str, path: str) -> ParseResult:
    """Parse a whole decoded file of format ``fmt``; no records is an error."""
    with gc_paused():
        records, problems, hint = _PARSERS[fmt](text, path)
    if not records:
        raise ImportFormatError(f"no records found in this {fmt} file", path=path)
    return records, problems, hint


def detect_format(text: str) -> str:
    """The format of a decoded reference file, from its content alone."""
    fmt = _detect(text)
    if fmt is None:
        raise ImportFormatError("not a recognised reference format")
    return fmt


def unrecognised_format(path: str) -> ImportFormatError:
    return ImportFormatError(
        "not a recognised reference format (RIS, MEDLINE/nbib, Web of Science, "
        "BibTeX, EndNote tagged, EndNote XML, CSL-JSON, CSV, TSV or xlsx)",
        path=path,
        hint="export the references again from the database, as RIS if it offers it",
    )


def find_format(text: str) -> str | None:
    """The format of a decoded reference file (its first 5,000 lines suffice), or None."""
    return _detect(text)


def _detect(text: str) -> str | None:
    if endnote_xml.looks_like_endnote_xml(text[:200_000]):
        return "endnote-xml"
    if csl_json.looks_like_csl_json(text[:20_000]):
        return "csl-json"
    lines = text.split("\n", 5000)[:5000]
    header = next((line for line in lines if line.strip()), "")
    tabular_format = tabular.detect_header(header)
    if tabular_format is not None:
        return tabular_format
    for line in lines:
        for pattern, fmt in _LINE_SIGNATURES:
            if pattern.match(line):
                return fmt
        if ris.split_ris_line(line) is not None:
            return "ris"
    return None


def _most_common_database(records: list[ParsedRecord]) -> str | None:
    counts = Counter(r.fields.database for r in records if r.fields.database)
    return counts.most_common(1)[0][0] if counts else None
