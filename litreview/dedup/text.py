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
_TRAILING_NOTE = re.compile(r"\s*\[[^\[\]]*\]?[\s.]*$")

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
    text = text.translate(_GREEK)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words_of(text: str) -> list[str]:
    return _NON_ALNUM.sub(" ", fold(text)).split()


# --- titles ---------------------------------------------------------------------------


def clean_title(title: str) -> str:
    """Drop markup and bracketed notes ("[Russian]", "[Erratum appears in ...]").

    A title wholly in brackets (a translated title) is unwrapped.
    """
    if "&" in title:
        title = html.unescape(title)
    title = TAG.sub("", title).strip()
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


def is_generic_title(words: tuple[str, ...]) -> bool:
    """Short or boilerplate titles ("Editorial", "Reply to ...") say little about the work."""
    if not words:
        return True
    text = " ".join(words)
    content = [w for w in words if w not in STOPWORDS]
    if len(content) <= 2 or len(text) < 20 or text in GENERIC_TITLES:
        return True
    return text.startswith(GENERIC_PREFIXES)


def notice_kind(words: tuple[str, ...]) -> str:
    """``"erratum"`` for "Erratum: <title>", ``"reply"`` for "Reply to ...", else ``""``."""
    match = _NOTICE.match(" ".join(words))
    return match.group(1).split()[0] if match else ""
