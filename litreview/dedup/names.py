"""Author names in any export format: splitting a field, and the surname key."""

from __future__ import annotations

import re
from functools import lru_cache

from litreview.dedup.text import SURNAME_PARTICLES, words_of

ANONYMOUS = frozenset({"anonymous", "anon", "unknown", "nd", "na", "null", "none"})
MAX_AUTHORS = 10  # authors compared per record
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")


_RUN_TOGETHER = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z\u00c0-\u024f'])")
_VANCOUVER = re.compile(r"^[^\W\d][\w'\- ]*\s[A-Z]{1,3}\.?$")


def split_author_field(text: str) -> list[str]:
    """One author string of an export -> names.

    Handles ``"Smith, J. and Jones, K."``, ``"Smith J; Jones K"``, Vancouver
    ``"Smith J, Jones K"`` and run-together ``"Adeli K.Lewis G. F."``.
    """
    text = text.strip()
    if not text:
        return []
    if re.search(r"\s+and\s+", text):
        parts = re.split(r"\s+and\s+", text)
    elif ";" in text or "\n" in text:
        parts = re.split(r"[;\n]", text)
    elif "," in text and all(_VANCOUVER.match(p.strip()) for p in text.split(",")):
        parts = text.split(",")
    elif "," not in text and _RUN_TOGETHER.search(text):
        parts = _RUN_TOGETHER.split(text)
    else:
        parts = [text]
    return [p.strip() for p in parts if p.strip()]


@lru_cache(maxsize=1 << 16)
def surname_key(name: str) -> str:
    """The normalised surname of one author name in any common format ("" if unknown).

    ``"Smith, J."``, ``"J Smith"``, ``"SMITH J"``, ``"Smith JA"`` -> ``"smith"``;
    particles are dropped (``"De Ruiter"`` and ``"Ruiter De"`` -> ``"ruiter"``).
    """
    name = name.strip().strip(".")
    if not name:
        return ""
    if "," in name:
        surname = name.split(",", 1)[0]
    else:
        tokens = name.split()
        if len(tokens) == 1:
            surname = tokens[0]
        elif _INITIALS.match(tokens[-1]) and not _INITIALS.match(tokens[0]):
            end = len(tokens)
            while end > 1 and _INITIALS.match(tokens[end - 1]):
                end -= 1
            surname = " ".join(tokens[:end])
        elif _INITIALS.match(tokens[0]):
            start = 0
            while start < len(tokens) - 1 and _INITIALS.match(tokens[start]):
                start += 1
            surname = " ".join(tokens[start:])
        else:
            surname = tokens[-1]
    words = [w for w in words_of(surname) if w not in SURNAME_PARTICLES] or words_of(surname)
    key = "".join(words)
    return "" if key in ANONYMOUS else key
