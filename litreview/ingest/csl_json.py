"""CSL-JSON (Zotero's native export, citation.js, pandoc): a JSON array of items.

Each item's ``type`` (``article-journal``, ``chapter``, ...) gives the RIS type; names
are ``{"family", "given"}`` or ``{"literal"}``; ``issued`` is ``{"date-parts": [[y, m, d]]}``
or ``{"raw": ...}``. The whole file is read with ``json.loads`` (JSON has no entities
or references to expand).
"""

from __future__ import annotations

import json
import re
from typing import Any

from litreview.errors import ImportFormatError
from litreview.ingest import normalize as n
from litreview.ingest._tagged import ParseResult
from litreview.models import ImportIssue, ParsedRecord, RecordFields

__all__ = ["looks_like_csl_json", "parse_csl_json"]

_TYPES = {
    "article-journal": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "article": "JOUR",
    "review": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "paper-conference": "CPAPER",
    "report": "RPRT",
    "thesis": "THES",
    "webpage": "ELEC",
    "post-weblog": "BLOG",
    "dataset": "DATA",
    "patent": "PAT",
    "manuscript": "UNPB",
    "entry-encyclopedia": "ENCYC",
    "entry-dictionary": "DICT",
    "legislation": "STAT",
    "bill": "BILL",
    "legal_case": "CASE",
    "map": "MAP",
    "motion_picture": "MPCT",
    "broadcast": "MPCT",
    "song": "SOUND",
    "graphic": "ART",
    "software": "COMP",
    "standard": "STAND",
    "speech": "GEN",
}
_HEAD = re.compile(r"\A\s*(?:\[\s*)?\{")
_KEY = re.compile(r'"(type|title|author|issued|container-title|DOI|id)"\s*:')


def looks_like_csl_json(head: str) -> bool:
    """A JSON array of objects (or one object) with CSL keys such as ``"type"``, ``"title"``."""
    return _HEAD.match(head) is not None and len(set(_KEY.findall(head[:20_000]))) >= 2


def _str(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, dict | list):
        return None
    return n.clean_text(str(value))


def _names(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    found = []
    for person in value:
        if not isinstance(person, dict):
            continue
        family = " ".join(
            str(person.get(k, "")).strip()
            for k in ("non-dropping-particle", "family")
            if person.get(k)
        )
        given = str(person.get("given", "")).strip()
        literal = str(person.get("literal", "")).strip()
        name = f"{family}, {given}" if family and given else family or literal or given
        cleaned = n.clean_name(name)
        if cleaned:
            found.append(cleaned)
    return found


def _issued(item: dict[str, Any]) -> tuple[int | None, str | None]:
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            numbers = [str(p) for p in parts[0] if str(p).strip()]
            joined = "-".join(p.zfill(2) if i else p for i, p in enumerate(numbers))
            return n.parse_year(numbers[0]), n.normalize_date(joined)
        raw = _str(issued.get("raw") or issued.get("literal"))
        return n.parse_year(raw), n.normalize_date(raw)
    text = _str(issued)
    return n.parse_year(text), n.normalize_date(text)


def _keywords(value: Any) -> list[str]:
    if isinstance(value, list):
        return n.split_keywords([str(v) for v in value])
    text = _str(value)
    if not text:
        return []
    separator = ";" if ";" in text else ","
    return [k.strip() for k in text.split(separator) if k.strip()]


def _record(item: dict[str, Any], position: int) -> RecordFields:
    year, date = _issued(item)
    sp, ep = n.split_pages(_str(item.get("page")))
    serials = [s for key in ("ISSN", "ISBN") for s in _list(item.get(key))]
    issn, isbn = n.split_serials(serials)
    kind = _str(item.get("type"))
    abstract = item.get("abstract")
    return RecordFields(
        type=_TYPES.get(kind or "", n.type_code([kind]) if kind else None),
        title=_str(item.get("title")),
        authors=_names(item.get("author")),
        editors=_names(item.get("editor")),
        year=year,
        date=date,
        journal=_str(item.get("container-title")),
        journal_abbrev=_str(item.get("container-title-short") or item.get("journalAbbreviation")),
        volume=_str(item.get("volume")),
        issue=_str(item.get("issue")),
        start_page=sp,
        end_page=ep,
        doi=n.normalize_doi(_str(item.get("DOI"))),
        abstract=n.clean_abstract(str(abstract)) if isinstance(abstract, str) else None,
        keywords=_keywords(item.get("keyword")),
        language=n.normalize_language(_str(item.get("language"))),
        database=_str(item.get("source")),
        accession=_str(item.get("call-number")),
        urls=n.split_urls(_list(item.get("URL"))),
        issn=issn,
        isbn=isbn,
        publisher=_str(item.get("publisher")),
        place=_str(item.get("publisher-place")),
        pmid=_str(item.get("PMID")),
        notes=[t for t in (_str(item.get("note")),) if t],
    )


def _list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return [str(value)] if value is not None and str(value).strip() else []


def _raw(item: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in item.items()
    ]


def parse_csl_json(text: str, path: str) -> ParseResult:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            f"unreadable CSL-JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            hint="export the references again (Zotero: Export Library -> CSL JSON)",
        ) from exc
    items = data if isinstance(data, list) else [data]
    records: list[ParsedRecord] = []
    issues: list[ImportIssue] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            issues.append(ImportIssue(None, f"item {index} is not a JSON object: skipped", index))
            continue
        position = len(records) + 1
        records.append(ParsedRecord(position, None, _record(item, position), _raw(item)))
    return records, issues, None
