"""BibTeX export, written by bibtexparser 2 with text fields LaTeX-encoded by pylatexenc.

- Text fields: LaTeX specials and accented Latin letters are encoded
  (``café`` -> ``caf{\\'e}``, ``50%`` -> ``50\\%``, ``$`` -> ``\\$``); typographic
  punctuation (’ “ – …) and letters of other scripts (Greek, Cyrillic, CJK, ...) stay
  UTF-8, which biber, XeLaTeX, LuaLaTeX and pdfLaTeX's utf8 input read (and BibTeX
  passes through). Braces in the text are written as
  ``\\{ \\}`` when they pair up and as ``\\textbraceleft{}``/``\\textbraceright{}``
  when they do not, so every field's braces balance (BibTeX counts ``\\{`` too).
- ``doi`` and ``url`` are verbatim (biblatex reads them so); a brace in a URL is
  percent-encoded.
- Paragraphs of an abstract are separated by a blank line (a LaTeX paragraph).
- Keywords are comma-separated, a keyword holding a comma or semicolon is braced
  (``{Smith, J.}``), as biblatex's separated lists expect.
- Entry types from the RIS type; an unknown type with a journal is ``@article``.
- Keys ``surnameYEAR`` transliterated to ASCII (anyascii: ``zhang2019`` from 张),
  ``a``, ``b``, ... added for repeats.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from anyascii import anyascii
from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field

from litreview.models import RecordFields
from litreview.report.citations import surname_of
from litreview.report.export_ris import ris_type

__all__ = ["bibtex_keys", "encode_latex", "render_bibtex"]

_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "INPR": "article",
    "MGZN": "article",
    "NEWS": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "RPRT": "techreport",
    "THES": "phdthesis",
    "UNPB": "unpublished",
}
_CONTAINER = {
    "article": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
    "book": "series",
}
# Latin letters and ASCII are LaTeX-encoded; punctuation such as ’ “ – … and other scripts
# stay UTF-8 (read by biber, XeLaTeX/LuaLaTeX, pdfLaTeX's utf8 inputenc, bibtexparser 1 and 2)
_SCRIPT_RUNS = re.compile(r"[\u0000-\u024f\u1e00-\u1eff]+")


@functools.cache
def _encoder(protection: str) -> object:
    from pylatexenc.latexencode import UnicodeToLatexEncoder  # heavy: pylatexenc

    return UnicodeToLatexEncoder(
        non_ascii_only=False,
        replacement_latex_protection=protection,
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


@functools.cache
def _decoder() -> object:
    from pylatexenc.latex2text import LatexNodes2Text  # heavy: pylatexenc

    return LatexNodes2Text()


@functools.cache
def _encode_char(char: str) -> str:
    """The LaTeX for one character, if it decodes back to that character; else the character
    (``‐`` U+2010 would come back as ``-``) or, for ASCII, the character in braces."""
    if char.isalnum() and char.isascii() or char == " ":
        return char
    # accented letters braced whole ({\\'a}), the form BibTeX styles and bibtexparser 1.x
    # expect; ASCII specials bare (\\&, \\%)
    protection = "braces-after-macro" if char.isascii() else "braces-all"
    encoded: str = _encoder(protection).unicode_to_latex(char)  # type: ignore[attr-defined]
    if encoded == char and char not in _LIGATURE_CHARS:
        return char
    if _decoder().latex_to_text(encoded) == char:  # type: ignore[attr-defined]
        return encoded
    return "{" + char + "}" if char.isascii() else char


_LIGATURE_CHARS = frozenset("\"-`',<>!?")
_LIGATURES = re.compile(r"(?<=[-`',<>!?])(?=[-`',<>])")  # TeX's --, ``, '', ,, << >> ?` !`


def _encode_latin(text: str) -> str:
    encoded = "".join(_encode_char(char) for char in text)
    return _LIGATURES.sub("{}", encoded)


def _braces_pair(text: str) -> bool:
    depth = 0
    for char in text:
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth < 0:
            return False
    return depth == 0


def encode_latex(text: str) -> str:
    """LaTeX for plain text: specials escaped, Latin letters encoded, other scripts kept."""
    paired = _braces_pair(text)
    out: list[str] = []
    last = 0
    for run in _SCRIPT_RUNS.finditer(text):
        out.append(text[last : run.start()])  # another script: kept as UTF-8
        out.append(_encode_latin(run.group()))
        last = run.end()
    out.append(text[last:])
    encoded = "".join(out)
    if not paired:
        encoded = encoded.replace(r"\{", r"\textbraceleft{}").replace(r"\}", r"\textbraceright{}")
    return encoded


def _one_line(text: str | None) -> str:
    return " ".join(str(text).split()) if text else ""


def _text(text: str | None) -> str:
    return encode_latex(_one_line(text)) if text else ""


def _abstract(text: str | None) -> str:
    if not text:
        return ""
    paragraphs = (" ".join(line.split()) for line in text.split("\n"))
    return "\n\n".join(encode_latex(p) for p in paragraphs if p)


def _verbatim(text: str | None) -> str:
    return _one_line(text).replace("{", "%7B").replace("}", "%7D")


def _keywords(keywords: list[str]) -> str:
    items = (_text(k) for k in keywords if _one_line(k))
    return ", ".join(f"{{{k}}}" if ("," in k or ";" in k) else k for k in items)


def _names(people: list[str]) -> str:
    return " and ".join(_text(p) for p in people if _one_line(p))


def entry_type(fields: RecordFields) -> str:
    kind = _TYPES.get(ris_type(fields.type))
    if kind is None:
        return "article" if fields.journal else "misc"
    return kind


def bibtex_keys(items: list[RecordFields]) -> list[str]:
    """``surnameYEAR`` keys in lower-case ASCII, unique in the export (a, b, ... for repeats)."""

    def base(f: RecordFields) -> str:
        if f.authors or f.editors:
            name = surname_of((f.authors or f.editors)[0])
        else:
            name = next(iter((f.title or "").split()), "")
        ascii_name = re.sub(r"[^A-Za-z0-9]", "", anyascii(name))
        return (ascii_name.lower() or "anon") + str(f.year or "")

    bases = [base(f) for f in items]
    counts = Counter(bases)
    seen: Counter[str] = Counter()
    keys = []
    for key in bases:
        if counts[key] > 1:
            seen[key] += 1
            n = seen[key] - 1
            key += chr(ord("a") + n % 26) + ("" if n < 26 else str(n // 26))
        keys.append(key)
    return keys


def _entry(fields: RecordFields, note: str, key: str) -> Entry:
    f = fields
    kind = entry_type(f)
    pages = "--".join(p for p in (_one_line(f.start_page), _one_line(f.end_page)) if p)
    values = [
        ("author", _names(f.authors)),
        ("editor", _names(f.editors)),
        ("title", _text(f.title)),
        ("year", str(f.year or "")),
        (_CONTAINER.get(kind, "howpublished"), _text(f.journal)),
        ("volume", _text(f.volume)),
        ("number", _text(f.issue)),
        ("pages", encode_latex(pages)),
        ("publisher", _text(f.publisher)),
        ("address", _text(f.place)),
        ("issn", _text("; ".join(f.issn))),
        ("isbn", _text("; ".join(f.isbn))),
        ("language", _text(f.language)),
        ("doi", _verbatim(f.doi)),
        ("url", _verbatim(f.urls[0] if f.urls else None)),
        ("abstract", _abstract(f.abstract)),
        ("keywords", _keywords(f.keywords)),
        ("pmid", _text(f.pmid)),
        ("note", _text(note)),
    ]
    return Entry(kind, key, [Field(name, value) for name, value in values if value])


def render_bibtex(entries: list[tuple[RecordFields, str]]) -> str:
    """BibTeX text for ``(fields, note)`` pairs, in order."""
    keys = bibtex_keys([fields for fields, _ in entries])
    library = Library([_entry(f, note, key) for (f, note), key in zip(entries, keys, strict=True)])
    text: str = write_string(library)
    return text
