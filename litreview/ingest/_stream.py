"""Records from decoded text that arrives in chunks, with bounded memory.

``iter_tagged_stream`` finds record starts in a sliding window and hands each
complete record to the same ``RecordWalker`` that parses whole files, so a
streamed file gives exactly the records, line numbers and problems of
``parse_bytes``. Only the text of the record being read (plus one chunk) is
held; a single record larger than ``MAX_RECORD_CHARS`` is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from litreview.errors import ImportFormatError
from litreview.ingest._tagged import LineCounter, RecordWalker, TaggedFormat
from litreview.models import ImportIssue, ParsedRecord

__all__ = ["MAX_RECORD_CHARS", "iter_lines", "iter_tagged_stream"]

MAX_RECORD_CHARS = 1 << 26  # 64 M characters: far above any real record (a 5 MB abstract is fine)
_RESCAN = 1024  # characters re-searched for starts split across chunks (multi-line patterns)


def iter_tagged_stream(
    fmt: TaggedFormat,
    chunks: Iterable[str],
    path: str,
    issues: list[ImportIssue],
    *,
    max_record_chars: int = MAX_RECORD_CHARS,
) -> Iterator[ParsedRecord]:
    """The records of a tagged file whose decoded text arrives as ``chunks``."""
    window = _Window(fmt, path, issues, max_record_chars)
    for chunk in chunks:
        for record in window.add(chunk):
            yield fmt.to_record(record, window.walker.position, issues)
    for record in window.finish():
        yield fmt.to_record(record, window.walker.position, issues)


class _Window:
    """The text from the last record start found to the end of what has been read."""

    def __init__(
        self, fmt: TaggedFormat, path: str, issues: list[ImportIssue], max_chars: int
    ) -> None:
        self.fmt, self.path, self.max_chars = fmt, path, max_chars
        self.walker = RecordWalker(fmt.end, fmt.make_parser(), path, issues, fmt.ignorable)
        self.text = ""
        self.starts: list[int] = []  # record starts found in ``text``
        self.scan_from = 0
        self.first_line = 1  # line number of ``text[0]``
        self.seen_start = False

    def add(self, chunk: str) -> Iterator[dict[str, Any]]:
        self.text += chunk
        complete = self.text.rfind("\n") + 1  # search whole lines only
        if complete == 0:
            self._check_size()
            return
        self._find_starts(complete)
        if len(self.starts) >= 2:
            yield from self._walk(self.starts[:-1], self.starts[-1])
            self._drop_before(self.starts[-1], complete)
        else:
            self._check_size()
            self.scan_from = max(self.scan_from, _line_start(self.text, complete - _RESCAN))

    def finish(self) -> Iterator[dict[str, Any]]:
        self._find_starts(len(self.text))
        if self.starts:
            yield from self._walk(self.starts, len(self.text))

    def _find_starts(self, end: int) -> None:
        last = self.starts[-1] if self.starts else -1
        found = self.fmt.starts.finditer(self.text, self.scan_from, end)
        self.starts += [s for s in (m.start(self.fmt.group) for m in found) if s > last]

    def _walk(self, starts: list[int], limit: int) -> Iterator[dict[str, Any]]:
        counter = LineCounter(self.text, self.first_line)
        if not self.seen_start:
            self.walker.lead_in(self.text, starts[0], counter)
            self.seen_start = True
        yield from self.walker.walk(self.text, starts, limit, counter)
        self.first_line = counter.line_at(limit)

    def _drop_before(self, cut: int, complete: int) -> None:
        """Keep the text from ``cut`` (the last start) on; ``first_line`` is already its line."""
        self.text = self.text[cut:]
        self.starts = [0]
        self.scan_from = max(1, _line_start(self.text, complete - cut - _RESCAN))

    def _check_size(self) -> None:
        if len(self.text) > self.max_chars:
            record = self.walker.position + 1
            raise ImportFormatError(
                f"record {record} is larger than {self.max_chars // (1 << 20)} M characters: "
                "the file is damaged or not a reference export",
                path=self.path,
                hint="check the file; export the references again in smaller parts",
            )


def _line_start(text: str, offset: int) -> int:
    """The start of the line holding ``offset`` (0 for offsets before the text)."""
    if offset <= 0:
        return 0
    return text.rfind("\n", 0, offset) + 1


def iter_lines(chunks: Iterable[str]) -> Iterator[str]:
    """Lines ending in ``\\n`` (the last one perhaps not), from text arriving in chunks."""
    partial = ""
    for chunk in chunks:
        if "\n" not in chunk:
            partial += chunk
            continue
        lines = (partial + chunk).split("\n")
        partial = lines.pop()
        for line in lines:
            yield line + "\n"
    if partial:
        yield partial
