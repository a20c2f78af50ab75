from __future__ import annotations

import pytest

from litreview.report.sanitize import one_line, sanitize

HOSTILE = "[bold red]x[/] \x1b[31m[link=file:///etc/passwd]y[/link]"


def test_markup_is_kept_as_text_and_ansi_removed() -> None:
    assert sanitize(HOSTILE) == "[bold red]x[/] [link=file:///etc/passwd]y[/link]"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\x1b[1;31mred\x1b[0m b", "ared b"),
        ("a\x1b]8;;http://evil\x07link\x1b]8;;\x1b\\ b", "alink b"),
        ("title\x1b]0;pwned\nnext line", "title\nnext line"),  # unterminated OSC stops at EOL
        ("reset\x1bc here", "reset here"),
        ("nul\x00bell\x07bs\x08del\x7f", "nulbellbsdel"),
        ("c1\x9b31m\x85x", "c131m\nx"),
        ("evil\u202egnp.exe and \u2066iso\u2069", "evilgnp.exe and iso"),
        ("crlf\r\nand\rcr\u2028ls", "crlf\nand\ncr\nls"),
        ("keep\ttabs\nand newlines", "keep\ttabs\nand newlines"),
        ("Ünïcødé – “quotes” 中文 العربية", "Ünïcødé – “quotes” 中文 العربية"),
        (None, ""),
        ("", ""),
    ],
)
def test_sanitize(raw: str | None, clean: str) -> None:
    assert sanitize(raw) == clean


def test_sanitize_is_idempotent() -> None:
    once = sanitize(HOSTILE + "\x1b[2J\u202e\x9b")
    assert sanitize(once) == once


def test_no_control_characters_survive() -> None:
    every = "".join(chr(c) for c in range(0x00, 0xA0)) + "\u202a\u202b\u202c\u202d\u202e"
    out = sanitize(every + "\u2066\u2067\u2068\u2069")
    assert all(c in "\t\n" or 0x20 <= ord(c) < 0x7F for c in out)


def test_one_line_folds_whitespace() -> None:
    assert one_line("  A title\n  over two\tlines \x1b[1m ") == "A title over two lines"
