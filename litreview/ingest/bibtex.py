"""BibTeX files, read with bibtexparser v2.

``raw`` keeps every field as written (keys in their original case, enclosing
braces removed, LaTeX untouched); the mapped fields are LaTeX-decoded to
Unicode, with braces removed and ``and``-joined names split.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
import unicodedata
from typing import Any

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import (
    LatexDecodingMiddleware,
    NormalizeFieldKeys,
    RemoveEnclosingMiddleware,
    SeparateCoAuthors,
)
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.model import (
    Block,
    Entry,
    ExplicitComment,
    Field,
    ImplicitComment,
    ParsingFailedBlock,
)

from litreview.ingest import normalize as n
from litreview.ingest._tagged import ParseResult
from litreview.models import ImportIssue, ParsedRecord, RecordFields

__all__ = ["parse_bibtex"]

# Problems are reported as ImportIssues; keep bibtexparser's own warnings off stderr
# unless the application configures logging (the library-logging convention).
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_PMID_NOTE = re.compile(r"\bPMID:?\s*(\d{1,9})", re.IGNORECASE)
_SOURCES = (
    (re.compile(r"\bWOS:\d", re.IGNORECASE), "Web of Science"),
    (re.compile(r"scopus", re.IGNORECASE), "Scopus"),
    (re.compile(r"ebsco", re.IGNORECASE), "EBSCOhost"),
    (re.compile(r"pubmed", re.IGNORECASE), "PubMed"),
)
_ENTRY_HEAD = re.compile(r"\s*@(\w+)\s*[{(]\s*([^,\s]*)\s*,")
_FIELD_LINE = re.compile(r"^\s*([A-Za-z][\w:.-]*)\s*=\s*[{\"]?(.*?)[}\"]?,?\s*$", re.MULTILINE)
_VERBATIM = frozenset({"url", "doi", "eprint", "pdf", "file", "unique-id", "eid"})
_BARE_AMPERSAND = re.compile(r"(?<!\\)&")
_COMMENTS = (ImplicitComment, ExplicitComment)
_AND = re.compile(r"\s+and\s+")
_TEXT_BRACE = re.compile(r"\\textbrace(left|right)(?:\{\}|(?![A-Za-z])\s*)|\\([{}])")
_OPEN, _CLOSE = "\ue000", "\ue001"  # private use: never in exported text
_TEXT_BRACES = {"left": _OPEN, "right": _CLOSE, "{": _OPEN, "}": _CLOSE}
Fields = dict[str, "str | list[str]"]


@functools.cache
def _middlewares() -> tuple[BlockMiddleware, BlockMiddleware, BlockMiddleware]:
    return (
        NormalizeFieldKeys(),
        LatexDecodingMiddleware(keep_braced_groups=True),
        SeparateCoAuthors(),
    )


# what pylatexenc would change in a value: macros, math, ties, comments, TeX ligatures
# (--, ``, '', ?` !`). A value without any is decoded as it is (braces are dropped later):
# most fields of real exports, and the decoder is 90 % of the parse time.
_LATEX_SIGNS = re.compile(r"[\\$~%]|--|``|''|[?!]`")


def parse_bibtex(text: str, path: str) -> ParseResult:
    library = parse_string(text)
    records: list[ParsedRecord] = []
    issues: list[ImportIssue] = []
    blocks = library.blocks
    for index, block in enumerate(blocks):
        line = block.start_line + 1 if block.start_line is not None else None
        position = len(records) + 1
        entry = block.ignore_error_block if isinstance(block, ParsingFailedBlock) else block
        if isinstance(entry, Entry):
            if isinstance(block, ParsingFailedBlock):
                issues.append(
                    ImportIssue(line, f"BibTeX entry read despite: {block.error}", position)
                )
                entry = RemoveEnclosingMiddleware().transform_entry(copy.deepcopy(entry), library)
            raw = [("ENTRYTYPE", entry.entry_type), ("ID", entry.key)]
            raw += [(f.key, str(f.value)) for f in entry.fields]
            fields = bibtex_fields(entry.entry_type, _decoded(entry, library, issues, line))
            records.append(ParsedRecord(position, line, fields, raw))
        elif isinstance(block, ParsingFailedBlock):
            record = _salvage(_block_text(text, blocks, index), position, line)
            if record is None:
                issues.append(ImportIssue(line, f"unreadable BibTeX block skipped: {block.error}"))
                continue
            issues.append(
                ImportIssue(line, "malformed BibTeX entry: fields read line by line", position)
            )
            records.append(record)
    return records, issues, None


def _block_text(text: str, blocks: list[Block], index: int) -> str:
    """The source of ``blocks[index]`` up to the next entry (comments after it included)."""
    following = (b.start_line for b in blocks[index + 1 :] if not isinstance(b, _COMMENTS))
    start = blocks[index].start_line or 0
    end = next((line for line in following if line is not None), None)
    return "\n".join(text.split("\n")[start:end])


def _salvage(block: str, position: int, line: int | None) -> ParsedRecord | None:
    """Read a block bibtexparser rejected (unbalanced braces) one ``key = {value}`` line a time."""
    head = _ENTRY_HEAD.match(block)
    if head is None:
        return None
    raw = [("ENTRYTYPE", head.group(1)), ("ID", head.group(2))]
    raw += [(m.group(1), m.group(2).strip()) for m in _FIELD_LINE.finditer(block)]
    fields: Fields = {key.lower(): value for key, value in raw[2:]}
    for key in ("author", "editor"):
        if isinstance(value := fields.get(key), str):
            fields[key] = [p.replace("{", "").replace("}", "") for p in _AND.split(value)]
    return ParsedRecord(position, line, bibtex_fields(head.group(1), fields), raw)


def _decoded(entry: Entry, library: Library, issues: list[ImportIssue], line: int | None) -> Fields:
    """Lower-case keys, LaTeX decoded, names split, braces dropped."""
    block = Entry(entry.entry_type, entry.key, [Field(f.key, f.value) for f in entry.fields])
    verbatim = {f.key.lower(): f.value for f in entry.fields if f.key.lower() in _VERBATIM}
    for field in block.fields:
        if isinstance(field.value, str):
            if "\\textbrace" in field.value or "\\{" in field.value or "\\}" in field.value:
                # literal braces survive decoding and unbracing as placeholders
                field.value = _TEXT_BRACE.sub(_brace_placeholder, field.value)
            if _LATEX_SIGNS.search(field.value):  # exporters rarely escape "&" (a tab stop)
                field.value = _BARE_AMPERSAND.sub(r"\\&", field.value)
    normalize, _, coauthors = _middlewares()
    block = _apply(normalize, block, library, issues, line)
    for field in block.fields:
        if isinstance(field.value, str) and _LATEX_SIGNS.search(field.value):
            field.value = _decode_latex(field.value)
    block = _apply(coauthors, block, library, issues, line)
    decoded = {
        f.key.lower(): _split_keywords(f.value)
        if f.key.lower() in _KEYWORD_FIELDS
        else _unbrace(f.value)
        for f in block.fields
    }
    return decoded | {key: _unbrace(value) for key, value in verbatim.items()}


_WHITE = re.compile(r"(\s+)")
_ESCAPED = re.compile(r"\\[{}$]")


def _pieces(text: str) -> list[str]:
    """``text`` cut at white space outside braces and math; the white space kept as pieces."""
    out: list[str] = []
    open_piece: list[str] = []
    depth, dollars = 0, 0
    for piece in _WHITE.split(text):
        if open_piece or ("{" in piece or "$" in piece):
            bare = _ESCAPED.sub("", piece)
            depth += bare.count("{") - bare.count("}")
            dollars += bare.count("$")
            open_piece.append(piece)
            if depth <= 0 and dollars % 2 == 0:
                out.append("".join(open_piece))
                open_piece, depth, dollars = [], 0, 0
        else:
            out.append(piece)
    if open_piece:
        out.append("".join(open_piece))
    return out


def _decode_latex(text: str) -> str:
    """LaTeX to Unicode as bibtexparser's decoding middleware does it, piece by piece: only
    the pieces with LaTeX in them go through pylatexenc (slow on long text), and repeated
    pieces (accented names, ``--``) are decoded once. Accents and letters written the
    common way (``\\'e``, ``{\\"o}``, ``\\ss{}``, ``\\&``) are decoded by table first."""
    if "\\" in text and not _LATEX_SIGNS.search(_SIMPLE_MACRO.sub(" ", text)):
        return _by_table(text)
    return "".join(_decode_piece(p) if _LATEX_SIGNS.search(p) else p for p in _pieces(text))


def _by_table(text: str) -> str:
    return unicodedata.normalize("NFC", _SIMPLE_MACRO.sub(_simple_macro, text))


_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
}
_LETTERS = {
    "o": "ø",
    "O": "Ø",
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_NAMED = {
    "textendash": "\u2013",
    "textemdash": "\u2014",
    "textquoteleft": "\u2018",
    "textquoteright": "\u2019",
    "textquotedblleft": "\u201c",
    "textquotedblright": "\u201d",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textquestiondown": "\u00bf",
    "textexclamdown": "\u00a1",
    "textdegree": "\u00b0",
    "textbullet": "\u2022",
    "textellipsis": "\u2026",
    "textless": "<",
    "textgreater": ">",
    "textbar": "|",
}
_SIMPLE_MACRO = re.compile(
    r"\\([&%$_#])"  # escaped specials
    r"|\\(['`^\"~=.])\s*(?:\{([A-Za-z]|\\[ij])\}|([A-Za-z]|\\[ij](?![A-Za-z])))"  # accents
    r"|\\([uvHckr])(?:\{([A-Za-z]|\\[ij])\}|\s+([A-Za-z]))"  # letter-named accents
    r"|\\(ss|ae|AE|oe|OE|aa|AA|[oOlL])(?:\{\}|(?![A-Za-z])\s?)"  # letters
    r"|\\(" + "|".join(sorted(_NAMED, key=len, reverse=True)) + r")(?:\{\}|(?![A-Za-z])\s?)"
    r'|(\{"\})'  # a quote mark kept from TeX's ligatures
)


def _simple_macro(match: re.Match[str]) -> str:
    special, accent, braced, bare, named, named_braced, named_bare, letter, macro, quote = (
        match.groups()
    )
    if special:
        return special
    if macro:
        return _NAMED[macro]
    if quote:
        return '"'
    if letter:
        return _LETTERS[letter]
    mark = _ACCENTS[accent or named]
    base = braced or bare or named_braced or named_bare
    base = base[1:] if base.startswith("\\") else base  # \\'\\i is í, as pylatexenc has it
    return base + mark


@functools.lru_cache(maxsize=1 << 16)
def _decode_piece(piece: str) -> str:
    if not _LATEX_SIGNS.search(_SIMPLE_MACRO.sub(" ", piece)):
        return _by_table(piece)
    try:
        return str(_latex_decoder().latex_to_text(piece))
    except Exception:  # what bibtexparser's middleware does too: the text stays as written
        return piece


@functools.cache
def _latex_decoder() -> Any:
    """The pylatexenc decoder bibtexparser's ``LatexDecodingMiddleware`` builds."""
    return LatexDecodingMiddleware(keep_braced_groups=True)._decoder


def _apply(
    middleware: BlockMiddleware,
    entry: Entry,
    library: Library,
    issues: list[ImportIssue],
    line: int | None,
) -> Entry:
    result = middleware.transform_entry(entry, library)
    if isinstance(result, ParsingFailedBlock):
        issues.append(ImportIssue(line, f"entry {entry.key!r}: {result.error}"))
        result = result.ignore_error_block
    return result if isinstance(result, Entry) else entry


_KEYWORD_FIELDS = ("keywords", "author_keywords", "author-keywords", "keywords-plus")


def _split_keywords(value: object) -> list[str]:
    """A separated list: at ``;`` (if any at the top level) else ``,``; never inside braces."""
    text = str(value)
    depth, top_level = 0, []
    for char in text:
        depth += 1 if char == "{" else -1 if char == "}" else 0
        top_level.append(char if depth == 0 else "")
    separator = ";" if ";" in top_level else ","
    parts, start = [], 0
    for i, char in enumerate(top_level):
        if char == separator:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [str(_unbrace(p)).strip() for p in parts if p.strip()]


def _unbrace(value: object) -> str | list[str]:
    if isinstance(value, list):
        return [_literal_braces(str(v).replace("{", "").replace("}", "")) for v in value]
    return _literal_braces(str(value).replace("{", "").replace("}", ""))


def _brace_placeholder(match: re.Match[str]) -> str:
    return _TEXT_BRACES[match.group(1) or match.group(2)]


def _literal_braces(text: str) -> str:
    return text.replace(_OPEN, "{").replace(_CLOSE, "}")


def _text(fields: Fields, *keys: str) -> str | None:
    for key in keys:
        value = fields.get(key)
        text = n.clean_text(" ".join(value) if isinstance(value, list) else value)
        if text is not None:
            return text
    return None


def _people(fields: Fields, key: str) -> list[str]:
    value = fields.get(key)
    people = value if isinstance(value, list) else [value] if value else []
    cleaned = (n.clean_name(p) for p in people)
    return [p for p in cleaned if p]


def bibtex_fields(entry_type: str, fields: Fields) -> RecordFields:
    sp, ep = n.split_pages(_text(fields, "pages", "art_number", "article-number", "eid"))
    issn, isbn = n.split_serials(
        t for t in (_text(fields, "issn"), _text(fields, "eissn"), _text(fields, "isbn")) if t
    )
    note = _text(fields, "note")
    urls = [
        u
        for u in (_text(fields, "url"), _text(fields, "eprint"), _text(fields, "pdf"))
        if u and u.startswith("http")
    ]
    return RecordFields(
        type=n.type_code([entry_type]),
        title=_text(fields, "title"),
        authors=_people(fields, "author"),
        editors=_people(fields, "editor"),
        year=n.parse_year(_text(fields, "year", "date")),
        date=n.normalize_date(
            _text(fields, "date")
            or " ".join(t for t in (_text(fields, "year"), _text(fields, "month")) if t)
        ),
        journal=_text(fields, "journal", "journaltitle", "booktitle", "series")
        or _howpublished(fields),
        journal_abbrev=_text(fields, "journal-iso", "shortjournal", "abbrev_source_title"),
        volume=_text(fields, "volume"),
        issue=_text(fields, "number", "issue"),
        start_page=sp,
        end_page=ep,
        doi=n.normalize_doi(_text(fields, "doi")) or next(iter(n.find_dois(" ".join(urls))), None),
        abstract=_abstract(fields),
        keywords=_keywords(fields),
        language=n.normalize_language(_text(fields, "language", "langid")),
        database=_database(fields),
        accession=_text(fields, "unique-id", "eid", "accession-number"),
        urls=n.split_urls(urls),
        issn=issn,
        isbn=isbn,
        publisher=_text(fields, "publisher"),
        place=_text(fields, "address", "location"),
        pmid=_pmid(fields, note),
        notes=[note] if note else [],
    )


def _abstract(fields: Fields) -> str | None:
    """Paragraphs kept (a blank line in LaTeX); other line breaks are spaces."""
    value = fields.get("abstract")
    if not value:
        return None
    text = "\n".join(value) if isinstance(value, list) else value
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", text))
    return n.clean_abstract("\n".join(p for p in paragraphs if p))


def _howpublished(fields: Fields) -> str | None:
    text = _text(fields, "howpublished")
    return text if text and not re.match(r"(?:\\url|https?:|www\.)", text) else None


def _keywords(fields: Fields) -> list[str]:
    found: list[str] = []
    for key in _KEYWORD_FIELDS:
        value = fields.get(key)
        if value:
            items = value if isinstance(value, list) else _split_keywords(value)
            found.extend(k for k in (n.clean_text(v) for v in items) if k)
    return list(dict.fromkeys(found))


def _database(fields: Fields) -> str | None:
    source = _text(fields, "source")
    if source and source.lower() not in {"crossref"}:
        return source
    text = " ".join(t for t in (_text(fields, k) for k in ("unique-id", "url", "note")) if t)
    return next((name for pattern, name in _SOURCES if pattern.search(text)), None)


def _pmid(fields: Fields, note: str | None) -> str | None:
    pmid = _text(fields, "pmid", "pubmed")
    if pmid and pmid.isdigit():
        return pmid
    match = _PMID_NOTE.search(note or "")
    return match.group(1) if match else None
