"""Tagged-line formats (RIS, Web of Science, MEDLINE, EndNote, Ovid) on rispy's record loop.

Every format here is "a tag, then a value, with continuation lines". The
records are found by the format module first; each one is then fed to a
subclass of ``rispy.RisParser`` on which every tag is a list tag, nothing is
split on delimiters, and every ``(tag, value)`` is also kept in file order
with its line number, so repeated and unknown tags are never lost.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import rispy

from litreview.errors import ImportFormatError
from litreview.ingest import normalize as n
from litreview.models import ImportIssue, ParsedRecord

__all__ = [
    "LINES",
    "LineCounter",
    "ParseResult",
    "RAW",
    "RecordWalker",
    "TaggedFormat",
    "TaggedParser",
    "first",
    "issue",
    "iter_tagged_records",
    "map_tagged",
    "outside_issue",
    "parse_tagged",
    "values",
    "year_issue",
]

ParseResult = tuple[list[ParsedRecord], list[ImportIssue], str | None]  # records, problems, hint
RAW = "__raw__"  # rispy record key holding [(tag, value), ...] in file order
LINES = "__lines__"  # rispy record key holding the 1-based line of each raw value
_NON_BLANK = re.compile(r"\S")
_END = "\x00end\x00"  # sentinel line fed to rispy after every record (NUL never survives decoding)


class TaggedParser(rispy.RisParser):  # type: ignore[misc]
    """rispy's record loop over one pre-split record, keeping every value.

    Subclasses give the line grammar (``split_line``) and the tag mapping.
    Continuation lines extend the previous value (joined with ``JOINER``), or
    become values of their own for tags in ``SEPARATE_CONTINUATIONS``.
    """

    START_TAG = ""
    END_TAG = _END
    UNKNOWN_TAG = "__unknown__"
    JOINER: ClassVar[str] = "\n"
    SEPARATE_CONTINUATIONS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, mapping: dict[str, str]) -> None:
        super().__init__(
            mapping={**mapping, self.UNKNOWN_TAG: "unknown_tag"},
            list_tags=list(mapping),
            delimiter_tags_mapping={},
            ignore=[],
            skip_unknown_tags=False,
            enforce_list_tags=True,
        )
        self.list_tags = frozenset(mapping)  # rispy only tests membership
        self._line = 0
        # continuation lines of the last value, joined once when the value ends:
        # joining per line made a 200,000-line abstract quadratic
        self._pending: list[str] = []
        self._pending_record: dict[str, Any] | None = None

    def split_line(self, line: str) -> tuple[str, str] | None:
        raise NotImplementedError

    def parse_line(self, line: str) -> tuple[str | None, str]:
        self._line += 1  # rispy reads each line through here exactly once
        split = self.split_line(line)
        if split is not None:
            return split
        return (_END, "") if line is _END else (None, line.strip())

    def parse_record(self, lines: list[str], first_line: int) -> list[dict[str, Any]]:
        """rispy's parse of one record; a correct record gives a list of one dict."""
        self._line = first_line - 1
        self._pending, self._pending_record = [], None
        result: list[dict[str, Any]] = self.parse_lines(itertools.chain(lines, (_END,)))
        self._join_pending()
        return result

    def _iter_till_start(self, lines: Iterator[str]) -> dict[str, Any]:
        while True:
            tag, value = self.parse_line(next(lines))
            if tag is not None and tag != _END:
                record: dict[str, Any] = {RAW: [], LINES: []}
                self._add_tag(record, tag, value)
                return record

    def _add_tag(
        self, record: dict[str, Any], tag: str | None, content: str, extend_multiline: bool = False
    ) -> None:
        raw: list[tuple[str, str]] = record[RAW]
        if extend_multiline or tag is None:
            if not content or not raw:
                return
            tag, previous = raw[-1]
            if tag not in self.SEPARATE_CONTINUATIONS:
                if self._pending_record is not record:
                    self._join_pending()
                    self._pending, self._pending_record = [previous], record
                self._pending.append(content)
                return
        self._join_pending()
        raw.append((tag, content))
        record[LINES].append(self._line)
        super()._add_tag(record, tag, content)

    def _join_pending(self) -> None:
        """Store the value whose continuation lines were collected, joined once."""
        record, parts = self._pending_record, self._pending
        if record is None:
            return
        self._pending, self._pending_record = [], None
        raw: list[tuple[str, str]] = record[RAW]
        tag = raw[-1][0]
        joined = self.JOINER.join(part for part in parts if part)  # only the first can be ""
        raw[-1] = (tag, joined)
        self._bucket(record, tag)[-1] = joined

    def _bucket(self, record: dict[str, Any], tag: str) -> list[str]:
        name = self.mapping.get(tag)
        bucket: list[str] = record[name] if name else record["unknown_tag"][tag]
        return bucket


def values(record: dict[str, Any], *names: str) -> list[str]:
    """Every non-blank value of the named rispy fields, in the order named."""
    return [v for name in names for v in record.get(name, ()) if v and not v.isspace()]


def first(
    record: dict[str, Any], *names: str, clean: Callable[[str], str | None] = n.clean_text
) -> str | None:
    """The first value of the named rispy fields that is not empty once cleaned."""
    for name in names:
        for value in record.get(name, ()):
            cleaned = clean(value) if value else None
            if cleaned is not None:
                return cleaned
    return None


@dataclass(frozen=True)
class TaggedFormat:
    """What the record walker needs to read one tagged format, whole or streamed.

    ``starts`` is a multi-line pattern whose match (group ``group``) begins a
    record; ``to_record`` maps rispy's dictionary of the record at a 1-based
    position to a ``ParsedRecord``, appending its problems to the list given.
    """

    starts: re.Pattern[str]
    end: re.Pattern[str] | None
    make_parser: Callable[[], TaggedParser]
    to_record: Callable[[dict[str, Any], int, list[ImportIssue]], ParsedRecord]
    hint: str | None = None
    ignorable: re.Pattern[str] | None = None
    group: int = 0

    def find_starts(self, text: str) -> list[int]:
        return [match.start(self.group) for match in self.starts.finditer(text)]


def parse_tagged(fmt: TaggedFormat, text: str, path: str) -> ParseResult:
    """Every record of a whole decoded file, records found with ``fmt.starts``."""
    return map_tagged(fmt, text, fmt.find_starts(text), path)


def map_tagged(fmt: TaggedFormat, text: str, starts: list[int], path: str) -> ParseResult:
    """The records beginning at ``starts`` in ``text``, mapped with ``fmt.to_record``."""
    issues: list[ImportIssue] = []
    parsed = iter_tagged_records(
        text, starts, fmt.end, fmt.make_parser(), path, issues, fmt.ignorable
    )
    records = [
        fmt.to_record(record, position, issues) for position, record in enumerate(parsed, start=1)
    ]
    return records, issues, fmt.hint


def iter_tagged_records(
    text: str,
    starts: list[int],
    end: re.Pattern[str] | None,
    parser: TaggedParser,
    path: str,
    issues: list[ImportIssue],
    ignorable: re.Pattern[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Parse, one by one, the records whose first lines start at the offsets ``starts``.

    A record runs to its end line (``end``, a multi-line pattern; ``None``
    for formats without one) or to the next start. Non-blank text between
    records is reported in ``issues`` (lines matching ``ignorable``
    excepted), not parsed. Records are yielded so that the caller can map
    each one and drop rispy's dictionary straight away.
    """
    walker = RecordWalker(end, parser, path, issues, ignorable)
    counter = LineCounter(text)
    if starts:
        walker.lead_in(text, starts[0], counter)
    return walker.walk(text, starts, len(text), counter)


class RecordWalker:
    """Walks records region by region, numbering them across regions (for streaming)."""

    def __init__(
        self,
        end: re.Pattern[str] | None,
        parser: TaggedParser,
        path: str,
        issues: list[ImportIssue],
        ignorable: re.Pattern[str] | None = None,
    ) -> None:
        self.end, self.parser, self.path = end, parser, path
        self.issues, self.ignorable = issues, ignorable
        self.position = 0

    def lead_in(self, text: str, first_start: int, counter: LineCounter) -> None:
        """Report the non-blank text before the file's first record."""
        self.issues.extend(outside_issue(text, 0, first_start, counter, self.ignorable))

    def walk(
        self, text: str, starts: list[int], limit: int, counter: LineCounter
    ) -> Iterator[dict[str, Any]]:
        """The records at ``starts``; the last one runs to ``limit``."""
        bounds = [*starts, limit]
        for start, stop_before in zip(bounds, bounds[1:], strict=False):
            self.position += 1
            line = counter.line_at(start)
            stop = _find_end(text, start, stop_before, self.end)
            yield self._parse_one(text[start : stop_before if stop is None else stop], line)
            if stop is None and self.end is not None:
                self.issues.append(issue(line, self.position, "record has no end (ER) line"))
            elif stop is not None:
                after = text.find("\n", stop, stop_before)
                if after != -1:
                    self.issues.extend(
                        outside_issue(text, after + 1, stop_before, counter, self.ignorable)
                    )

    def _parse_one(self, text: str, line: int) -> dict[str, Any]:
        parsed = self.parser.parse_record(text.split("\n"), line)
        if len(parsed) != 1:
            raise ImportFormatError(
                f"record {self.position} starting here could not be parsed "
                f"({len(parsed)} records read from one record start)",
                path=self.path,
                line=line,
            )
        return parsed[0]


def _find_end(text: str, start: int, limit: int, end: re.Pattern[str] | None) -> int | None:
    """Offset of the record's end line, searched from its second line."""
    if end is None:
        return None
    second = text.find("\n", start, limit)
    match = end.search(text, second + 1, limit) if second != -1 else None
    return match.start() if match else None


class LineCounter:
    """1-based line numbers of increasing offsets, counted incrementally."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._text = text
        self._offset = 0
        self._line = first_line

    def line_at(self, offset: int) -> int:
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def issue(
    line: int | None, record: int | None, message: str, tag: str | None = None
) -> ImportIssue:
    return ImportIssue(line=line, message=message, record=record, tag=tag)


def outside_issue(
    text: str, begin: int, end: int, counter: LineCounter, ignorable: re.Pattern[str] | None
) -> list[ImportIssue]:
    """One issue for the non-blank text between records (``text[begin:end]``)."""
    if _NON_BLANK.search(text, begin, end) is None:
        return []
    base = counter.line_at(begin)
    lines = text[begin:end].split("\n")
    kept = [
        (i, line)
        for i, line in enumerate(lines)
        if line.strip() and not (ignorable and ignorable.match(line))
    ]
    if not kept:
        return []
    first_line, preview = base + kept[0][0], kept[0][1].strip()[:60]
    message = f"{len(kept)} line(s) outside any record ignored: {preview!r}"
    return [issue(first_line, None, message)]


def year_issue(record: dict[str, Any], tags: tuple[str, ...], position: int) -> list[ImportIssue]:
    """An issue for the first non-empty date tag when no year could be read."""
    for (tag, value), line in zip(record[RAW], record[LINES], strict=True):
        if tag in tags and value.strip() and value.strip().strip("0/ -"):
            return [issue(line, position, f"cannot read a year from {value.strip()!r}", tag)]
    return []
