"""Normalisers shared by every input format.

Each function takes the text an exporter wrote and returns the normal form,
or ``None`` (an empty list) when nothing useful is left: litreview never
stores ``""``. Every normaliser is idempotent: ``n(n(x)) == n(x)``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

import rispy

__all__ = [
    "clean_abstract",
    "clean_name",
    "clean_text",
    "find_dois",
    "normalize_date",
    "normalize_doi",
    "normalize_language",
    "parse_year",
    "split_keywords",
    "split_pages",
    "split_serials",
    "split_urls",
    "type_code",
]

_INLINE_TAGS = "a|b|i|u|em|strong|sub|sup|span|font|small|big|sc|scp|italic|bold|inf|mi|mo|mn"
_BLOCK_TAGS = (
    r"p|br|hr|div|h[1-6]|ul|ol|li|table|tr|td|th|tbody|thead|title|sec|abstract|list|"
    r"list-item|label|math|mrow|msub|msup|mfrac|mtext|img"
)
_PREFIX = r"(?:[a-z]+:)?"
_INLINE_TAG = re.compile(rf"</?{_PREFIX}(?:{_INLINE_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(rf"</?{_PREFIX}(?:{_BLOCK_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)

_ABSTRACT_LABEL = re.compile(
    r"^(?:(?i:abstract)\s*[:.\u2013-]\s*|(?i:abstract)[ \t]*\n\s*|ABSTRACT\s+)+(?=\S)"
)
_COPYRIGHT_NOTICE = re.compile(  # EBSCO's notice, alone or appended to the abstract
    r"\s*(?:\(?Copyright of\s.{0,400}?\sis the property of\s.*"
    r"|\(Copyright applies to all Abstracts\.?\))$",
    re.IGNORECASE | re.DOTALL,
)
_JUNK_ABSTRACTS = frozenset(
    {
        "na",
        "n/a",
        "n.a.",
        "none",
        "null",
        "-",
        ".",
        "abstract",
        "no abstract",
        "no abstract available",
        "no abstract available.",
        "[no abstract available]",
        "abstract not available",
        "[abstract not available]",
        "abstract available from the publisher.",
        "not available",
    }
)

_DOI_PREFIX = r"10\.\d+(?:\.\d+)*/"
_DOI_IN_TEXT = re.compile(_DOI_PREFIX + r"[^\s\"<>&?#]+")
_DOI_IN_FIELD = re.compile(_DOI_PREFIX + r"\S+")
_DOI_TAIL = re.compile(r"\s*\[doi\]$|(?:\.pdf|/pdf|/full|/abstract)$", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_COMPACT_DATE = re.compile(
    r"(?<!\d)(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
)
_PAGE_RANGE = re.compile(r"\s*[-\u2010-\u2015]+\s*")
_PAGE_NUMBER = re.compile(r"(\D*?)(\d+)")
_NO_PAGES = frozenset(
    {"no specified", "no pagination", "n/a", "na", "no page numbers", "-", "unknown"}
)
_ISSN = re.compile(r"\d{7}[\dX]")
_ISBN = re.compile(r"\d{9}[\dX]|97[89]\d{10}")
_SERIAL_SPLIT = re.compile(r"[;,/\s]+|\([^)]*\)|\[[^\]]*\]")
_URL_SPLIT = re.compile(r"\s+|;(?=\s*(?:https?://|www\.))")
_EMAIL_NOTE = re.compile(r"\s*\([^()]*@[^()]*\)")

_LANGUAGES = {
    "en": ("english", "eng"),
    "de": ("german", "ger", "deu", "deutsch"),
    "fr": ("french", "fre", "fra", "francais", "français"),
    "es": ("spanish", "spa", "espanol", "español", "castilian"),
    "it": ("italian", "ita"),
    "pt": ("portuguese", "por"),
    "nl": ("dutch", "dut", "nld", "flemish"),
    "zh": ("chinese", "chi", "zho", "mandarin"),
    "ja": ("japanese", "jpn"),
    "ko": ("korean", "kor"),
    "ru": ("russian", "rus"),
    "pl": ("polish", "pol"),
    "sv": ("swedish", "swe"),
    "da": ("danish", "dan"),
    "no": ("norwegian", "nor", "nob", "nno"),
    "fi": ("finnish", "fin"),
    "tr": ("turkish", "tur"),
    "ar": ("arabic", "ara"),
    "he": ("hebrew", "heb"),
    "cs": ("czech", "cze", "ces"),
    "hu": ("hungarian", "hun"),
    "el": ("greek", "gre", "ell", "greek, modern"),
    "fa": ("persian", "per", "fas", "farsi"),
    "hr": ("croatian", "hrv", "scr"),
    "sr": ("serbian", "srp"),
    "sk": ("slovak", "slo", "slk"),
    "sl": ("slovenian", "slv", "slovene"),
    "ro": ("romanian", "rum", "ron"),
    "bg": ("bulgarian", "bul"),
    "uk": ("ukrainian", "ukr"),
    "lt": ("lithuanian", "lit"),
    "lv": ("latvian", "lav"),
    "et": ("estonian", "est"),
    "is": ("icelandic", "ice", "isl"),
    "ca": ("catalan", "cat"),
    "af": ("afrikaans", "afr"),
    "id": ("indonesian", "ind"),
    "ms": ("malay", "may", "msa"),
    "th": ("thai", "tha"),
    "vi": ("vietnamese", "vie"),
    "hi": ("hindi", "hin"),
    "bn": ("bengali", "ben"),
    "ur": ("urdu", "urd"),
    "la": ("latin", "lat"),
    "eo": ("esperanto", "epo"),
}
_LANGUAGE_CODES = {alias: code for code, names in _LANGUAGES.items() for alias in names}


_TYPE_NAMES = {
    "JOUR": (
        "journal article",
        "article",
        "review",
        "letter",
        "editorial",
        "comment",
        "journal",
        "research article",
        "research-article",
        "review article",
        "note",
        "erratum",
        "j",
        "electronic article",
        "ejour",
        "article in press",
        "short survey",
    ),
    "BOOK": ("book", "whole book", "b", "books and documents", "monograph"),
    "EDBOOK": ("edited book",),
    "CHAP": (
        "book chapter",
        "book section",
        "chapter",
        "inbook",
        "incollection",
        "book-chapter",
        "section",
    ),
    "CONF": (
        "conference proceedings",
        "conference paper",
        "proceedings paper",
        "inproceedings",
        "conference",
        "conference abstract",
        "meeting abstract",
        "congress",
        "proceedings",
        "conference review",
        "c",
    ),
    "THES": (
        "thesis",
        "dissertation",
        "phdthesis",
        "mastersthesis",
        "dissertation/thesis",
        "doctoral thesis",
        "masters thesis",
    ),
    "RPRT": ("report", "techreport", "technical report", "government document"),
    "ELEC": ("web page", "online", "webpage", "electronic source", "website"),
    "PAT": ("patent", "p"),
    "NEWS": ("newspaper article", "newspaper"),
    "MGZN": ("magazine article", "magazine"),
    "UNPB": ("unpublished", "manuscript", "unpublished work", "preprint"),
    "DATA": ("dataset", "data", "data set"),
    "GEN": ("generic", "misc", "other"),
}
_TYPE_CODES = {name: code for code, names in _TYPE_NAMES.items() for name in names}
_RIS_TYPES = frozenset(rispy.TYPE_OF_REFERENCE_MAPPING)


def type_code(names: Iterable[str]) -> str | None:
    """The RIS type code for exporters' type names (``"Journal Article"`` -> ``JOUR``).

    The first name that maps to a specific type wins; names that map to
    nothing known give ``GEN``; no names at all give ``None``.
    """
    seen = False
    for name in names:
        text = clean_text(name)
        if text is None:
            continue
        seen = True
        code = text.upper() if text.upper() in _RIS_TYPES else _TYPE_CODES.get(text.lower())
        if code is not None and code != "GEN":
            return code
    return "GEN" if seen else None


def _fixpoint(step: Callable[[str], str], value: str) -> str:
    """Apply ``step`` until the text stops changing (every step only shortens it)."""
    for _ in range(20):
        new = step(value)
        if new == value:
            break
        value = new
    return value


def _strip_markup(value: str) -> str:
    value = html.unescape(value)
    value = _INLINE_TAG.sub("", value)
    return _BLOCK_TAG.sub("\n", value)


def clean_text(value: str | None) -> str | None:
    """Unescape HTML, drop tags and collapse all whitespace to single spaces."""
    if value is None:
        return None
    if "<" in value or "&" in value:
        value = _fixpoint(_strip_markup, value)
    return " ".join(value.split()) or None


def clean_name(value: str | None) -> str | None:
    """A person's name as exported, without e-mail notes or stray commas."""
    text = clean_text(value)
    if text is None:
        return None
    if "@" in text:
        text = _fixpoint(lambda v: _EMAIL_NOTE.sub("", v).strip(" ,;"), text)
    return text.strip(" ,;") or None


def _drop_notices(value: str) -> str:
    if "opyright" in value:
        value = _COPYRIGHT_NOTICE.sub("", value).strip()
    return _ABSTRACT_LABEL.sub("", value)


def clean_abstract(value: str | None) -> str | None:
    """An abstract without markup, exporter notices or placeholder text.

    Line breaks between paragraphs are kept; runs of spaces are collapsed.
    EBSCO's "Copyright of ... is the property of ..." notice, ``NA`` and
    ``[No abstract available]`` become ``None``.
    """
    if value is None:
        return None
    if "<" in value or "&" in value:
        value = _fixpoint(_strip_markup, value)
    lines = (" ".join(line.split()) for line in value.split("\n"))
    text = _fixpoint(_drop_notices, "\n".join(line for line in lines if line))
    if not text or text.lower() in _JUNK_ABSTRACTS:
        return None
    return text


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1000/ABC.`` -> ``10.1000/abc`` (``None`` if no DOI)."""
    if value is None:
        return None
    value = value.replace("%2F", "/").replace("%2f", "/")
    match = _DOI_IN_FIELD.search(value)
    return _tidy_doi(match.group(0)) if match else None


def find_dois(text: str | None) -> list[str]:
    """Every DOI inside free text or URLs (notes, links, accession fields)."""
    if not text:
        return []
    text = text.replace("%2F", "/").replace("%2f", "/")
    found = (_tidy_doi(m.group(0)) for m in _DOI_IN_TEXT.finditer(text))
    return list(dict.fromkeys(doi for doi in found if doi))


def _tidy_doi(doi: str) -> str | None:
    def step(value: str) -> str:
        value = _DOI_TAIL.sub("", value).rstrip(".,;:'\"")
        for opener, closer in ("()", "[]", "{}"):
            if value.endswith(closer) and value.count(opener) < value.count(closer):
                value = value[:-1]
        return value

    doi = _fixpoint(step, doi.strip().lower())
    return doi if _DOI_IN_FIELD.fullmatch(doi) else None


def parse_year(value: str | None) -> int | None:
    """The first plausible year (1500-2099) in a date; ``0000`` is missing."""
    if not value:
        return None
    match = _YEAR.search(value) or _COMPACT_DATE.search(value)
    return int(match.group(1)) if match else None


def normalize_date(value: str | None) -> str | None:
    """RIS dates without trailing slashes: ``2005/03/01/`` -> ``2005/03/01``."""
    if value is None:
        return None
    text = " ".join(value.split()).rstrip("/ ")
    if not text or text.strip("0/ -") == "":
        return None
    return text


def split_pages(start: str | None, end: str | None = None) -> tuple[str | None, str | None]:
    """``("349-69", None)`` -> ``("349", "369")``; article numbers stay as start."""
    pages = _split_pages_once(start, end)
    for _ in range(5):  # e.g. ("-NA", None) -> ("NA", None) -> (None, None)
        again = _split_pages_once(*pages)
        if again == pages:
            break
        pages = again
    return pages


def _split_pages_once(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    first, last = (
        v if v and _PAGE_RANGE.sub("", v) else None for v in map(clean_text, (start, end))
    )
    joined = " ".join(p for p in (first, last) if p).lower()
    if not joined or joined in _NO_PAGES:
        return None, None
    if first is None:
        first, last = last, None
    parts = [p for p in _PAGE_RANGE.split(first or "") if p]
    first = parts[0]
    if last is None and len(parts) > 1:
        last = parts[-1]
    return first, _expand_end_page(first, last)


def _expand_end_page(first: str, last: str | None) -> str | None:
    if last is None:
        return None
    start_match = _PAGE_NUMBER.fullmatch(first)
    end_match = _PAGE_NUMBER.fullmatch(last)
    if start_match is None or end_match is None or end_match.group(1):
        return last
    prefix, digits = start_match.groups()
    tail = end_match.group(2)
    if len(tail) < len(digits):
        expanded = digits[: len(digits) - len(tail)] + tail
        if int(expanded) >= int(digits):
            return prefix + expanded
    return last


def normalize_language(value: str | None) -> str | None:
    """ISO 639-1 code where known (``English``/``eng`` -> ``en``), else lower case."""
    code = _language_once(value)
    for _ in range(5):  # lower-casing can turn text into an HTML entity; settle it
        again = _language_once(code)
        if again == code:
            break
        code = again
    return code


def _language_once(value: str | None) -> str | None:
    text = clean_text(value.lower() if value else value)
    if text is None:
        return None
    first = re.split(r"[;,/]|\s+and\s+", text.lower())[0].strip()
    if not first:
        return None
    return first if first in _LANGUAGES else _LANGUAGE_CODES.get(first, first)


def split_keywords(values: Iterable[str]) -> list[str]:
    """Keywords one per item: lines always split; ``;`` only when a value is a list.

    A value is a list when it is the only keyword or holds two or more ``;``.
    """
    keywords = _split_keywords_once(values)
    for _ in range(5):  # a split can leave a lone "a; b" behind; settle it
        again = _split_keywords_once(keywords)
        if again == keywords:
            break
        keywords = again
    return keywords


def _split_keywords_once(values: Iterable[str]) -> list[str]:
    lines = (clean_text(line) for value in values for line in value.split("\n"))
    items = list(dict.fromkeys(k for k in (line.strip(" ,;") for line in lines if line) if k))
    split: list[str] = []
    for item in items:
        if ";" in item and (len(items) == 1 or item.count(";") >= 2):
            split.extend(p.strip(" ,;") for p in item.split(";"))
        else:
            split.append(item)
    return list(dict.fromkeys(k for k in (clean_text(p) for p in split) if k))


def split_serials(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split ISSN/ISBN fields by pattern: ``(["0306-4530"], ["9780062976581"])``."""
    issns: list[str] = []
    isbns: list[str] = []
    for value in values:
        for token in _SERIAL_SPLIT.split(value.upper()):
            digits = token.replace("-", "").replace("\u2010", "")
            if _ISSN.fullmatch(digits):
                issns.append(f"{digits[:4]}-{digits[4:]}")
            elif _ISBN.fullmatch(digits):
                isbns.append(digits)
    return list(dict.fromkeys(issns)), list(dict.fromkeys(isbns))


def split_urls(values: Iterable[str]) -> list[str]:
    """URLs one per item, in order, without duplicates."""
    urls = (u.strip() for value in values for u in _URL_SPLIT.split(value))
    return list(dict.fromkeys(u for u in urls if u))
