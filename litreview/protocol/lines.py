"""Reading a protocol's TOML so that every error names its key and its line.

``tomllib`` returns plain dicts without positions. :func:`locate_keys` scans the
(already valid) text once more and maps each key path, such as
``("stages", 1, "exclusion_reasons", 0, "code")``, to the line where it is
written; :class:`Reader` wraps one table of the parsed data and raises
:class:`~litreview.errors.ProtocolError` with that key and line on any problem.
"""

from __future__ import annotations

import bisect
import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from litreview.errors import ProtocolError

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_COORDS = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_DECLARED = re.compile(r"\('((?:[^'\\]|\\.)*)',?\)")
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
_LINE_KEY = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_LINE_HEADER = re.compile(r"\s*\[\[?\s*([^\]\n]+?)\s*\]")
_MAX_DEPTH = 64


def format_key(path: KeyPath) -> str:
    """``("stages", 1, "label")`` -> ``stages[1].label``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else '"' + part.replace('"', '\\"') + '"'
            out += f".{name}" if out else name
    return out


def suggest(word: str, choices: Iterable[str], what: str = "valid names") -> str:
    """A hint naming the closest choice, or listing them all."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if not options:
        return f"there are no {what}"
    return f"{what}: " + ", ".join(options)


class _Scanner:
    """Maps key paths to 1-based lines in valid TOML. Never raises; always ends."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self._newlines = [m.start() for m in re.finditer("\n", text)]
        self.lines: dict[KeyPath, int] = {}
        self._arrays: dict[KeyPath, int] = {}  # array-of-tables path -> element count

    def line(self, pos: int | None = None) -> int:
        return bisect.bisect_left(self._newlines, self.i if pos is None else pos) + 1

    def run(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self.i >= len(self.s):
                return self.lines
            start = self.i
            if self.s[self.i] == "[":
                table = self._header()
            else:
                self._key_value(table, 0)
            self._skip_to_eol()
            if self.i == start:
                self.i += 1

    def _record(self, path: KeyPath, line: int) -> None:
        self.lines.setdefault(path, line)

    def _skip(self, newlines: bool = False) -> None:
        chars = " \t\r\n" if newlines else " \t"
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in chars:
                self.i += 1
            elif c == "#":
                self._skip_to_eol(comment=True)
            else:
                return

    def _skip_to_eol(self, comment: bool = False) -> None:
        end = self.s.find("\n", self.i)
        self.i = len(self.s) if end < 0 else end + (0 if comment else 1)

    def _key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip()
            c = self.s[self.i] if self.i < len(self.s) else ""
            if c in ('"', "'"):
                start = self.i + 1
                self._string()
                parts.append(self.s[start : max(start, self.i - 1)])
            else:
                m = _BARE_KEY.match(self.s, self.i)
                if not m:
                    return tuple(parts)
                parts.append(m.group())
                self.i = m.end()
            self._skip()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
            else:
                return tuple(parts)

    def _header(self) -> KeyPath:
        line = self.line()
        is_array = self.s.startswith("[[", self.i)
        self.i += 2 if is_array else 1
        names = self._key()
        path: KeyPath = ()
        for n, name in enumerate(names):
            path += (name,)
            last = n == len(names) - 1
            if last and is_array:
                count = self._arrays.get(path, 0)
                self._arrays[path] = count + 1
                self._record(path, line)
                path += (count,)
            elif path in self._arrays:
                path += (self._arrays[path] - 1,)
        self._record(path, line)
        return path

    def _key_value(self, table: KeyPath, depth: int) -> None:
        line = self.line()
        names = self._key()
        self._skip()
        if not names or self.i >= len(self.s) or self.s[self.i] != "=":
            return
        self.i += 1
        path = table + names
        self._record(path, line)
        self._value(path, depth)

    def _value(self, path: KeyPath, depth: int) -> None:
        self._skip()
        if self.i >= len(self.s):
            return
        c = self.s[self.i]
        if c in ('"', "'"):
            self._string()
        elif c in "[{" and depth >= _MAX_DEPTH:
            self._skip_balanced()
        elif c == "[":
            self.i += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self.i >= len(self.s) or self.s[self.i] in "]}":
                    self.i += 1
                    return
                start = self.i
                self._record(path + (index,), self.line())
                self._value(path + (index,), depth + 1)
                index += 1
                self._skip(newlines=True)
                if self.i == start or (self.i < len(self.s) and self.s[self.i] == ","):
                    self.i += 1
        elif c == "{":
            self.i += 1
            while True:
                self._skip(newlines=True)
                if self.i >= len(self.s) or self.s[self.i] in "}]\n":
                    self.i += 1
                    return
                start = self.i
                self._key_value(path, depth + 1)
                self._skip()
                if self.i == start or (self.i < len(self.s) and self.s[self.i] == ","):
                    self.i += 1
        else:
            while self.i < len(self.s) and self.s[self.i] not in ",]}\n#":
                self.i += 1

    def _string(self) -> None:
        quote = self.s[self.i]
        triple = self.s.startswith(quote * 3, self.i)
        self.i += 3 if triple else 1
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and quote == '"':
                self.i += 2
            elif c == "\n" and not triple:
                return
            elif c == quote and (not triple or self.s.startswith(quote * 3, self.i)):
                self.i += 3 if triple else 1
                while triple and self.i < len(self.s) and self.s[self.i] == quote:
                    self.i += 1  # up to two quotes may close a multi-line string
                return
            else:
                self.i += 1

    def _skip_balanced(self) -> None:
        depth = 0
        while self.i < len(self.s):
            c = self.s[self.i]
            if c in ('"', "'"):
                self._string()
                continue
            depth += (c in "[{") - (c in "]}")
            self.i += 1
            if depth <= 0:
                return


def locate_keys(text: str) -> dict[KeyPath, int]:
    """Every key path written in ``text`` (valid TOML) with its 1-based line."""
    return _Scanner(text).run()


class Document:
    """The protocol text, where it came from, and the lines of its keys."""

    def __init__(self, text: str, path: str | None) -> None:
        self.text = text
        self.path = path
        self._lines: dict[KeyPath, int] | None = None

    def parse(self) -> dict[str, Any]:
        """``tomllib.loads`` with syntax errors turned into ``ProtocolError``."""
        try:
            return tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as exc:
            raise self._syntax_error(str(exc)) from exc
        except RecursionError as exc:
            raise ProtocolError(
                "values are nested too deeply",
                path=self.path,
                hint="protocol values nest at most 3 deep",
            ) from exc

    def _syntax_error(self, message: str) -> ProtocolError:
        m = _COORDS.search(message)
        text_lines = self.text.split("\n")
        line = len(self.text.rstrip().split("\n"))
        detail = message
        if m:
            detail = message[: m.start()]
            if m.group(1):
                line = int(m.group(1))
                detail += f" (column {m.group(2)})"
        key = None
        declared = _DECLARED.search(detail)
        if declared:
            key = declared.group(1)
        elif 0 < line <= len(text_lines):
            key = _key_on_line(text_lines, line - 1)
        return ProtocolError(
            f"invalid TOML: {detail}",
            path=self.path,
            line=line,
            key=key,
            hint="check quotes, brackets and '=' on this line (TOML syntax: https://toml.io)",
        )

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest written parent."""
        if self._lines is None:
            self._lines = locate_keys(self.text)
        for end in range(len(path), 0, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None

    def fail(self, path: KeyPath, message: str, hint: str | None = None) -> NoReturn:
        raise ProtocolError(
            message, path=self.path, line=self.line_of(path), key=format_key(path), hint=hint
        )


def _key_on_line(lines: Sequence[str], index: int) -> str | None:
    """Best effort for syntax errors: the key written on a line, inside its table."""
    table: KeyPath = ()
    for h in range(index, -1, -1):
        if _LINE_HEADER.match(lines[h]):
            # The text up to this header is usually valid, so the scanner can index it.
            found = locate_keys("\n".join(lines[: h + 1]))
            table = max((k for k, line in found.items() if line == h + 1), key=len, default=())
            break
    m = _LINE_KEY.match(lines[index])
    if m and not _LINE_HEADER.match(lines[index]):
        names = [p.strip().strip("\"'") for p in re.split(r"\s*\.\s*", m.group(1))]
        return format_key(table + tuple(names))
    return format_key(table) if table else None


_TYPE_NAMES = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "an array",
    dict: "a table",
}


def type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            return name
    return f"a {type(value).__name__}"


class Reader:
    """One TOML table with typed getters; unknown keys fail at construction."""

    def __init__(self, doc: Document, data: dict[str, Any], path: KeyPath, keys: Sequence[str]):
        self.doc = doc
        self.data = data
        self.path = path
        for key in data:
            if key not in keys:
                doc.fail(path + (key,), f"unknown key '{key}'", suggest(key, keys, "valid keys"))

    def at(self, key: str | int) -> KeyPath:
        return self.path + (key,)

    def fail(self, key: str | int, message: str, hint: str | None = None) -> NoReturn:
        self.doc.fail(self.at(key), message, hint)

    def _get(self, key: str, kinds: tuple[type, ...], what: str, required: bool) -> Any:
        if key not in self.data:
            if required:
                self.fail(key, f"missing required key '{key}'", f"add {key} = <{what}>")
            return None
        value = self.data[key]
        if type(value) not in kinds:
            self.fail(key, f"expected {what}, got {type_name(value)}")
        return value

    def text(self, key: str, *, required: bool = False, default: str | None = None) -> str | None:
        value = self._get(key, (str,), "a string", required)
        if value is not None and not value.strip():
            if required:
                self.fail(key, "must not be empty")
            value = None
        return default if value is None else value

    def required_text(self, key: str) -> str:
        value = self.text(key, required=True)
        assert value is not None
        return value

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self._get(key, (int,), "an integer", False)
        return default if value is None else int(value)

    def number(self, key: str, *, required: bool = False) -> float | None:
        value = self._get(key, (int, float), "a number", required)
        return None if value is None else float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, (bool,), "true or false", False)
        return default if value is None else bool(value)

    def choice(self, key: str, options: Sequence[str], default: str | None = None) -> str:
        value = self.text(key, required=default is None, default=default)
        assert value is not None
        if value not in options:
            self.fail(
                key, f"'{value}' is not one of: {', '.join(options)}", suggest(value, options)
            )
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self._get(key, (list,), "an array of strings", False) or []
        for i, value in enumerate(values):
            if type(value) is not str:
                self.doc.fail(self.at(key) + (i,), f"expected a string, got {type_name(value)}")
            if not value.strip():
                self.doc.fail(self.at(key) + (i,), "must not be empty")
        return tuple(values)

    def table(self, key: str, keys: Sequence[str]) -> Reader:
        value = self._get(key, (dict,), f"a table ([{key}])", False)
        return Reader(self.doc, value or {}, self.at(key), keys)

    def tables(self, key: str, keys: Sequence[str], *, required: bool = False) -> list[Reader]:
        what = f"an array of tables ([[{format_key(self.at(key))}]])"
        values = self._get(key, (list,), what, required) or []
        if required and not values:
            self.fail(key, f"needs at least one entry: {what}")
        out = []
        for i, value in enumerate(values):
            if type(value) is not dict:
                self.doc.fail(self.at(key) + (i,), f"expected a table, got {type_name(value)}")
            out.append(Reader(self.doc, value, self.at(key) + (i,), keys))
        return out


def read_toml_text(path: str | Path, what: str) -> str:
    """The text of a UTF-8 TOML file (a BOM is allowed); ``what`` names it in errors."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ProtocolError(f"cannot read the {what}: {exc.strerror}", path=str(path)) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            f"not UTF-8 (byte {exc.start})",
            path=str(path),
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="save the file as UTF-8",
        ) from exc
