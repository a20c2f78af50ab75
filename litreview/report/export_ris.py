"""RIS export, written by ``rispy.dumps`` (the library the importer reads with).

Tags are rispy's, extended where litreview keeps more: editors are ``A2`` in the types
whose ``A2`` is the editor (book, chapter, conference paper, ...: what rispy, Zotero
and EndNote read as editors) and ``ED`` in the others (a journal article's ``A2`` is
not an editor in EndNote's type table), several ``SN``
are allowed, and the type is always one of the RIS specification's type codes
(exporters' dialects such as ``JOURN`` or ``WEB`` are mapped; anything unknown is
``GEN``). A multi-line abstract is written as continuation lines, one line per
paragraph, which litreview's importer reads back as paragraphs.
"""

from __future__ import annotations

import re
from typing import Any

import rispy

from litreview.ingest.normalize import type_code
from litreview.ingest.ris import EDITED_TYPES
from litreview.models import RecordFields

__all__ = ["RIS_TYPES", "ris_type", "render_ris"]

RIS_TYPES = frozenset(rispy.TYPE_OF_REFERENCE_MAPPING)
_DIALECT_TYPES = {  # codes seen in real exports that are not in the RIS type list
    "JOURN": "JOUR",
    "WEB": "ELEC",
    "UNPD": "UNPB",
    "UNBILL": "BILL",
    "GRNT": "GRANT",
    "PRESS": "NEWS",
    "POD": "SOUND",
    "INTV": "PCOMM",
}
_TAG_START = re.compile(r"^[A-Z][A-Z0-9]  -")
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "SN", "ED"]


class _Writer(rispy.RisWriter):  # type: ignore[misc]
    """rispy's RIS writer without its ``1.`` counter line before each record, with ``ED``."""

    DEFAULT_LIST_TAGS = _LIST_TAGS
    DEFAULT_MAPPING = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}

    def set_header(self, count: int) -> str:
        return ""


def ris_type(value: str | None) -> str:
    """A code of the RIS type list for a stored type (``Journ`` -> ``JOUR``; unknown: ``GEN``)."""
    if not value:
        return "GEN"
    code = value.strip().upper()
    if code in RIS_TYPES:
        return code
    if code in _DIALECT_TYPES:
        return _DIALECT_TYPES[code]
    return type_code([value]) or "GEN"


def _one_line(text: str | None) -> str | None:
    joined = " ".join(str(text).split()) if text is not None else ""
    return joined or None


def _paragraphs(text: str | None) -> str | None:
    """Paragraphs on their own lines; a line that would read as a tag gets a leading space."""
    if not text:
        return None
    lines = [" ".join(line.split()) for line in text.split("\n")]
    lines = [(" " + line if _TAG_START.match(line) else line) for line in lines if line]
    return "\n".join(lines) or None


def _reference(fields: RecordFields, notes: list[str]) -> dict[str, Any]:
    f = fields
    kind = ris_type(f.type)
    ref: dict[str, Any] = {
        "type_of_reference": kind,
        "title": _one_line(f.title),
        "authors": [a for a in map(_one_line, f.authors) if a],
        "secondary_authors" if kind in EDITED_TYPES else "editors": [
            e for e in map(_one_line, f.editors) if e
        ],
        "year": str(f.year) if f.year else None,
        "date": _one_line(f.date),
        "secondary_title": _one_line(f.journal),
        "alternate_title1": _one_line(f.journal_abbrev),
        "volume": _one_line(f.volume),
        "number": _one_line(f.issue),
        "start_page": _one_line(f.start_page),
        "end_page": _one_line(f.end_page),
        "doi": _one_line(f.doi),
        "abstract": _paragraphs(f.abstract),
        "keywords": [k for k in map(_one_line, f.keywords) if k],
        "issn": [s for s in map(_one_line, [*f.issn, *f.isbn]) if s],
        "urls": [u for u in map(_one_line, f.urls) if u],
        "language": _one_line(f.language),
        "publisher": _one_line(f.publisher),
        "place_published": _one_line(f.place),
        "accession_number": _one_line(f.accession),
        "name_of_database": _one_line(f.database),
        "notes": [n for n in map(_one_line, notes) if n],
    }
    return {key: value for key, value in ref.items() if value}


def render_ris(
    entries: list[tuple[RecordFields, list[str]]], files: list[str | None] | None = None
) -> str:
    """RIS text for ``(fields, notes)`` pairs; each note is an ``N1`` line. ``files`` gives
    each entry's attached PDF (or None), written as ``L1``, which Zotero and EndNote pick up."""
    if not entries:
        return ""
    references = [_reference(fields, notes) for fields, notes in entries]
    for reference, path in zip(references, files or [], strict=False):
        if path:
            reference["file_attachments1"] = _one_line(path)
    text: str = rispy.dumps(references, implementation=_Writer)
    return text
