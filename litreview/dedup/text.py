"""Text normalisation shared by the keys: case and accent folding, words, titles."""

from __future__ import annotations

import html
import re
import unicodedata

_GREEK = str.maketrans(
    {
        "α": " alpha ",
        "β": " beta ",
        "γ": " gamma ",
        "δ": " delta ",
        "ε": " epsilon ",
        "κ": " kappa ",
        "λ": " lambda ",
        "μ": " mu ",
        "π": " pi ",
        "σ": " sigma ",
        "τ": " tau ",
        "ω": " omega ",
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "đ": "d",
        "ł": "l",
    }
)
TAG = re.compile(r"<[^>]{1,40}>")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_ASCII = re.compile("[^\x00-\x7f]+")
_TRAILING_NOTE = re.compile(r"\s*\[[^\[\]]*\]?[\s.]*$")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
# Web of Science titles of corrections and reprints end with a note citing the original:
# "(vol 31, pg 23, 2007)", "(Jul, 1, 2022)", "(Reprinted from South J Appl For, vol 31, pg 23-7)"
_CITATION_NOTE = re.compile(
    rf"\s*\((?:vol\.?\s*\d+[^()]*\bpgs?\.?\s*[a-z]*\d+[^()]*|{_MONTH}\.?,?\s*\d{{1,2}},?\s*"
    rf"(?:19|20)\d\d|reprinted (?:from|in)\b[^()]*)\)[\s.]*$",
    re.IGNORECASE,
)
# a section heading exported as part of the title: "REVIEW ARTICLE: ...", "Case report - ..."
SECTION_LABELS = (
    "review article",
    "review",
    "invited review",
    "mini review",
    "minireview",
    "original article",
    "original research",
    "original research article",
    "original contribution",
    "original paper",
    "research article",
    "research paper",
    "research letter",
    "research report",
    "case report",
    "case reports",
    "clinical case report",
    "brief report",
    "brief communication",
    "short report",
    "short communication",
    "rapid communication",
    "clinical investigation",
    "clinical study",
    "clinical research",
    "special article",
    "special section",
    "special report",
    "feature article",
    "technical note",
    "full paper",
    "articles",
    "article",
)
_SECTION = re.compile(
    r"^\s*(?:"
    + "|".join(sorted((re.escape(x) for x in SECTION_LABELS), key=len, reverse=True))
    + r")\s*(?::|\s[-\u2013\u2014]|\.)\s+(?=\S)",
    re.IGNORECASE,
)

STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "with",
        "by",
        "at",
        "from",
        "as",
        "or",
        "&",
        "et",
        "de",
        "del",
        "der",
        "des",
        "di",
        "du",
        "la",
        "le",
        "les",
        "und",
        "fur",
        "i",
        "y",
        "e",
        "da",
        "do",
        "dos",
    }
)
JOURNAL_STOPWORDS = STOPWORDS - {"a", "i", "e", "y"}  # "U S A", "Serie A"
SURNAME_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "dos",
        "du",
        "le",
        "la",
        "ter",
        "ten",
    }
)
GENERIC_TITLES = frozenset(
    {
        "editorial",
        "editorials",
        "reply",
        "replies",
        "response",
        "responses",
        "correction",
        "corrections",
        "erratum",
        "errata",
        "corrigendum",
        "retraction",
        "comment",
        "comments",
        "commentary",
        "letter",
        "letters",
        "introduction",
        "preface",
        "foreword",
        "contents",
        "index",
        "abstracts",
        "news",
        "obituary",
        "acknowledgments",
        "acknowledgements",
        "acknowledgement",
        "reviewers",
        "discussion",
        "conclusion",
        "conclusions",
        "summary",
        "book review",
        "book reviews",
        "overview",
        "highlights",
        "announcement",
        "announcements",
        "notice",
        "in this issue",
        "guest editorial",
        "letter to the editor",
        "meeting abstracts",
    }
)
NOTICE_PREFIXES = (
    "erratum",
    "errata",
    "correction",
    "corrigendum",
    "retraction",
    "retracted",
    "expression of concern",
    "notice of retraction",
    "comment on",
    "comments on",
    "commentary on",
    "reply",
    "in reply",
    "author reply",
    "authors reply",
    "response to",
    "re ",
)
_NOTICE = re.compile("(" + "|".join(sorted(NOTICE_PREFIXES, key=len, reverse=True)) + ")")
GENERIC_PREFIXES = (
    "reply",
    "in reply",
    "author reply",
    "authors reply",
    "response",
    "comment on",
    "comments on",
    "correction",
    "erratum",
    "corrigendum",
    "retraction",
    "re ",
    "letter to the editor",
    "editorial",
    "expression of concern",
    "notice of retraction",
)


def fold(text: str) -> str:
    """Lower case, accents dropped, Greek letters spelled out."""
    text = text.lower()
    if text.isascii():
        return text
    text = _COMBINING.sub("", unicodedata.normalize("NFKD", text.translate(_GREEK)))
    # accents went; other non-ASCII characters (dashes, middle dots, no-break spaces) part words:
    # "2016–2019" must not become "20162019"
    return _NON_ASCII.sub(" ", text)


# every ASCII character that is not a lower-case letter or digit becomes a space
_ASCII_WORDS = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isdigit() or "a" <= chr(c) <= "z")}
)


def words_of(text: str) -> list[str]:
    """Lower-case ASCII words of ``text`` (accents folded); the same as splitting ``fold(text)``
    on every run of characters other than ``a-z0-9``."""
    return fold(text).translate(_ASCII_WORDS).split()


# --- titles ---------------------------------------------------------------------------


def split_title(title: str) -> tuple[str, str]:
    """``(title, note)``: markup, a leading section label and trailing notes dropped.

    ``note`` is ``"correction"`` or ``"reprint"`` when the title ended in a Web of
    Science note citing another publication ("(vol 31, pg 23, 2007)",
    "(Reprinted from ...)"), else ``""``.
    """
    if "&" in title:
        title = html.unescape(title)
    title = TAG.sub(_tag, title).strip()
    note = ""
    match = _CITATION_NOTE.search(title)
    if match and match.start() > 0:
        note = "reprint" if "reprint" in match.group(0).lower() else "correction"
        title = title[: match.start()]
    section = _SECTION.match(title)
    if section and len(words_of(title[section.end() :])) >= 3:
        title = title[section.end() :]
    return _clean(title), note


def _tag(match: re.Match[str]) -> str:
    """Markup goes ("<sup>"); a character Web of Science spells out ("<middle dot>") parts words."""
    inner = match.group(0)[1:-1]
    return " " if " " in inner and "=" not in inner else ""


def clean_title(title: str) -> str:
    """Drop markup, a leading section label ("REVIEW ARTICLE: ") and trailing notes
    ("[Russian]", "[Erratum appears in ...]", "(vol 31, pg 23, 2007)").

    A title wholly in brackets (a translated title) is unwrapped.
    """
    return split_title(title)[0]


def _clean(title: str) -> str:
    title = title.strip()
    for _ in range(3):
        match = _TRAILING_NOTE.search(title)
        if not match or match.start() == 0:
            break
        title = title[: match.start()].rstrip(" .")
    if title.startswith("[") and title.rstrip(" .").endswith("]"):
        title = title.rstrip(" .")[1:-1]
    return title.strip(" .")


def title_words(title: str | None) -> tuple[str, ...]:
    return tuple(words_of(clean_title(title))) if title else ()


def is_generic_title(words: tuple[str, ...], notice: str = "") -> bool:
    """Short or boilerplate titles ("Editorial", "Reply to ...") say little about the work."""
    if not words:
        return True
    text = " ".join(words)
    content = [w for w in words if w not in STOPWORDS]
    if len(content) <= 2 or len(text) < 20 or text in GENERIC_TITLES:
        return True
    return bool(notice) or text.startswith(("letter to the editor", "editorial", "guest editorial"))


_SEP = r"(?:\s*[:.\]\[]|\s+[-\u2013\u2014]|\s*$)"
_ALWAYS = r"erratum|errata|corrigendum|corrigenda"
_WITH_SEP = (
    r"correction|corrections|retraction|retracted|expression of concern|notice of retraction"
    r"|comments?|commentary|reply|replies|in reply|authors?'?\s*reply|response|re"
)
_WITH_WORD = (
    r"correction (?:to|of|for|regarding)\s*[:\"'\u201c\u2018]|correction (?:to|for|regarding)\b"
    r"|comments? on|commentary on|reply to|in reply to|response to (?:the |a |an )?"
    r"(?:letter|comment|commentary|editorial|correspondence|reviewer|critique|critics|article)"
    r"|retraction (?:of|note|notice)|notice of retraction|expression of concern"
)
_NOTICE_RAW = re.compile(
    rf"^\s*(?:(?P<always>{_ALWAYS})\b|(?P<sep>{_WITH_SEP}){_SEP}|(?P<word>{_WITH_WORD}))",
    re.IGNORECASE,
)


def notice_of(title: str) -> tuple[str, str]:
    """``(kind, about)`` of a notice about another work, from its cleaned title.

    "Erratum: <title>" gives ``("erratum", "<title>")``, "Reply to Smith" gives
    ``("reply", "smith")``; a title that is not a notice ("Correction of post-stroke
    deficits", "Re-greening Ethiopia") gives ``("", "")``. ``about`` is compact (no spaces).
    """
    match = _NOTICE_RAW.match(title)
    if not match:
        return "", ""
    phrase = match.group(0)
    kind = words_of(phrase)[0] if words_of(phrase) else "notice"
    if kind in ("in", "author", "authors"):
        kind = "reply"
    rest = re.sub(
        r"^\W*(?:to|on|of|for|regarding)?\s*(?:the\s+article\s*)?\W*",
        "",
        title[match.end() :],
        flags=re.IGNORECASE,
    )
    return kind, "".join(words_of(_clean(rest)))


def notice_kind(words: tuple[str, ...]) -> str:
    """``"erratum"`` for "Erratum: <title>", ``"reply"`` for "Reply to ...", else ``""``."""
    return notice_of(" ".join(words))[0]
