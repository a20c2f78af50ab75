"""EndNote XML (EndNote's and Covidence's XML export: ``<xml><records><record>...``).

Read as a stream with defusedxml's ``iterparse``: each ``<record>`` is mapped and then
cleared, so memory stays bounded whatever the file size. Entity declarations and
external references are refused (``forbid_entities``, ``forbid_external``): an XML
entity bomb or an XXE file is an ``ImportFormatError``, not a hang.

The text of a field is the text of all its ``<style>`` runs joined; ``ref-type``'s
``name`` attribute (``Journal Article``) gives the RIS type.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

import defusedxml
import defusedxml.ElementTree as DET

from litreview.errors import ImportFormatError
from litreview.ingest import normalize as n
from litreview.ingest._tagged import ParseResult
from litreview.models import ImportIssue, ParsedRecord, RecordFields

__all__ = ["iter_endnote_xml", "looks_like_endnote_xml", "parse_endnote_xml"]

_HEAD = re.compile(
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*"
    r"(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?(?:<!--.*?-->\s*)*<xml>",
    re.DOTALL,
)
_DECLARED_ENCODING = re.compile(r"\A(\s*<\?xml[^>]*?)\sencoding\s*=\s*[\"'][^\"']*[\"']")
_RECORD_TAG = "record"
Element = Any  # an xml.etree Element, made by defusedxml's parser (never imported unsafe)


def looks_like_endnote_xml(head: str) -> bool:
    """EndNote XML starts with ``<xml>`` (after the declaration) and has ``<record>``."""
    return _HEAD.match(head) is not None and "<record" in head[:200_000]


class _Utf8Reader(io.RawIOBase):
    """Decoded text chunks as a UTF-8 byte stream for the XML parser; the declaration's
    encoding (the file's, already decoded) is dropped so expat reads UTF-8."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self._buffer = b""
        self._first = True

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            if self._first:
                chunk = _DECLARED_ENCODING.sub(r"\1", chunk, count=1)
                self._first = False
            self._buffer = chunk.encode("utf-8")
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _text(element: Element | None) -> str | None:
    if element is None:
        return None
    return n.clean_text("".join(element.itertext()))


def _texts(parent: Element | None, path: str) -> list[str]:
    if parent is None:
        return []
    found = (_text(e) for e in parent.iterfind(path))
    return [t for t in found if t]


def _paragraphs(element: Element | None) -> str | None:
    if element is None:
        return None
    return n.clean_abstract("".join(element.itertext()).replace("\r", "\n"))


def _record(element: Element, position: int, line: int | None) -> ParsedRecord:
    get = element.find
    ref_type = get("ref-type")
    kind_name = ref_type.get("name") if ref_type is not None else None
    titles = get("titles")
    periodical = get("periodical")
    contributors = get("contributors")
    journal = (_text(titles.find("secondary-title")) if titles is not None else None) or (
        _text(periodical.find("full-title")) if periodical is not None else None
    )
    abbrev = _text(periodical.find("abbr-1")) if periodical is not None else None
    if abbrev is None and titles is not None:
        abbrev = _text(titles.find("alt-title"))
    sp, ep = n.split_pages(_text(get("pages")))
    serials = [t for t in (_text(get("isbn")), _text(get("issn"))) if t]
    issn, isbn = n.split_serials(serials)
    dates = get("dates")
    year_text = _text(dates.find("year")) if dates is not None else None
    date_text = _texts(dates, "pub-dates/date") if dates is not None else []
    doi_text = _text(get("electronic-resource-num"))
    urls = _texts(get("urls"), ".//url")
    notes = [t for t in (_text(get("notes")), _text(get("research-notes"))) if t]
    raw: list[tuple[str, str]] = []
    for child in element:
        value = "".join(child.itertext()).strip()
        if value:
            raw.append((child.tag, value))
    if kind_name:
        raw.insert(0, ("ref-type-name", kind_name))
    fields = RecordFields(
        type=n.type_code([kind_name]) if kind_name else None,
        title=_text(titles.find("title")) if titles is not None else None,
        authors=[a for a in (n.clean_name(x) for x in _texts(contributors, "authors/author")) if a],
        editors=[
            a
            for a in (n.clean_name(x) for x in _texts(contributors, "secondary-authors/author"))
            if a
        ],
        year=n.parse_year(year_text),
        date=n.normalize_date(" ".join(t for t in (year_text, *date_text[:1]) if t)),
        journal=journal,
        journal_abbrev=abbrev,
        volume=_text(get("volume")),
        issue=_text(get("number")) or _text(get("issue")),
        start_page=sp,
        end_page=ep,
        doi=n.normalize_doi(doi_text) or next(iter(n.find_dois(" ".join(urls))), None),
        abstract=_paragraphs(get("abstract")),
        keywords=n.split_keywords(_texts(get("keywords"), "keyword")),
        language=n.normalize_language(_text(get("language"))),
        database=_text(get("remote-database-name")) or _text(get("remote-database-provider")),
        accession=_text(get("accession-num")),
        urls=n.split_urls(urls),
        issn=issn,
        isbn=isbn,
        publisher=_text(get("publisher")),
        place=_text(get("pub-location")),
        pmid=None,
        notes=notes,
    )
    return ParsedRecord(position, line, fields, raw)


def iter_endnote_xml(
    chunks: Iterable[str], path: str, issues: list[ImportIssue]
) -> Iterator[ParsedRecord]:
    """Records of an EndNote XML file from its decoded text, parsed as they are read."""
    position = 0
    try:
        parents: list[Element] = []
        for event, element in DET.iterparse(
            _Utf8Reader(chunks),
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        ):
            if event == "start":  # the open elements above the current record
                if element.tag != _RECORD_TAG:
                    parents.append(element)
                continue
            if element.tag != _RECORD_TAG:
                if parents and parents[-1] is element:
                    parents.pop()
                continue
            position += 1
            yield _record(element, position, None)
            if parents:  # bounded memory: drop the mapped record from the tree
                parents[-1].clear()
    except defusedxml.DefusedXmlException as exc:
        raise ImportFormatError(
            f"refused: the XML file declares entities or external references ({exc})",
            path=path,
            hint="EndNote and Covidence do not write these; export the references again",
        ) from exc
    except DET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise ImportFormatError(
            f"malformed EndNote XML after {position} records: {exc}",
            path=path,
            line=line,
            hint="export the references again; a truncated file ends like this",
        ) from exc


def parse_endnote_xml(text: str, path: str) -> ParseResult:
    issues: list[ImportIssue] = []
    return list(iter_endnote_xml([text], path, issues)), issues, None
