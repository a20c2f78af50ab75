"""Make untrusted text safe to put on a terminal.

Titles, abstracts and author names come from files anyone can write. Before
the TUI shows them they pass through :func:`sanitize`, which removes ANSI
escape sequences, C0/C1 control characters (keeping newline and tab) and the
bidirectional override/isolate characters that can make text display in a
different order than it is stored. Markup is a separate matter: the widgets
always wrap text in ``Content``/``Text`` objects, never parse it.
"""

from __future__ import annotations

import re

__all__ = ["one_line", "sanitize"]

# ESC-introduced sequences: CSI (ESC [ ... final), OSC/DCS/SOS/PM/APC strings
# (ESC ] ... BEL or ST, or the end of the line), and two-character escapes.
# 8-bit C1 controls (U+0080-009F) are simply removed one by one below.
_ESCAPES = re.compile(
    r"""
    \x1b\[ [0-?]* [ -/]* [@-~]?                             # CSI ... final byte
  | \x1b[\]PX^_] .*? (?:\x07|\x1b\\|\x9c|(?=\n)|\Z)          # OSC, DCS, ... up to ST/BEL/EOL
  | \x1b [ -/]* [0-~]?                                    # other escapes (nF, Fp, Fe, Fs)
    """,
    re.VERBOSE,
)

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")

# C0 controls except tab (0x09) and newline (0x0a), DEL, C1 controls, and the
# bidi embeddings/overrides (U+202A-202E) and isolates (U+2066-2069).
_REMOVE = dict.fromkeys(
    [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]
    + [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def sanitize(text: str | None) -> str:
    """Return ``text`` with escape sequences and control characters removed.

    Newlines (``\\r\\n``, ``\\r``, U+2028/2029/0085 all become ``\\n``) and tabs
    are kept; ``None`` becomes ``""``.
    """
    if not text:
        return ""
    text = _NEWLINES.sub("\n", text)
    text = _ESCAPES.sub("", text)
    return text.translate(_REMOVE)


_WHITESPACE = re.compile(r"\s+")


def one_line(text: str | None) -> str:
    """Like :func:`sanitize`, then fold every run of whitespace into one space."""
    return _WHITESPACE.sub(" ", sanitize(text)).strip()
