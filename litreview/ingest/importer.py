"""Importing files into a review: all of them in one transaction, or none.

Files are scanned first (hashed, decoded, format detected) so that bytes
already imported are skipped before any parsing. Records are then parsed as
they are read and written in batches inside the one transaction, so memory
stays bounded whatever the file size; any error rolls everything back.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import stat
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from litreview.errors import ImportFormatError, InvalidValue
from litreview.ingest import FileScan, StreamedFile, iter_parse_file, scan_file
from litreview.models import ImportIssue, ParsedFile
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage.review import Review

ARMS = ("database", "register", "other")
BATCH = 2000  # records per executemany while streaming
Progress = Callable[[str, int, int], None]  # (phase, bytes done, bytes in all)


@dataclass(frozen=True)
class ImportOptions:
    database: str | None = None
    platform: str | None = None
    searched_on: str | None = None
    query: str | None = None
    limits: str | None = None
    reported_hits: int | None = None
    arm: str = "database"
    method: str | None = None
    strict: bool = False


@dataclass
class FileImport:
    path: str
    format: str
    database: str
    records: int
    already_imported: bool
    problems: list[ImportIssue] = field(default_factory=list)
    source_id: int | None = None


def _validate(options: ImportOptions) -> None:
    if options.searched_on is not None:
        try:
            date.fromisoformat(options.searched_on)
        except ValueError as exc:
            raise InvalidValue(
                f"--searched-on {options.searched_on!r} is not an ISO date",
                hint="write it as YYYY-MM-DD, e.g. 2015-03-31",
            ) from exc
    if options.arm not in ARMS:
        raise InvalidValue(f"unknown arm {options.arm!r}", hint=f"use one of {', '.join(ARMS)}")
    if options.reported_hits is not None and not 0 <= options.reported_hits < 2**63:
        raise InvalidValue(
            "--reported-hits must be a count from 0 to 2**63 - 1",
            hint="give the number of hits the database reported",
        )


def _database_name(parsed: ParsedFile | StreamedFile, options: ImportOptions, path: Path) -> str:
    if options.database:
        return options.database
    if parsed.database_hint:
        return parsed.database_hint
    if isinstance(parsed, ParsedFile):
        named = Counter(r.fields.database for r in parsed.records if r.fields.database)
        if named:
            return named.most_common(1)[0][0]
    return path.stem


def _strict_failure(path: Path, problems: list[ImportIssue]) -> ImportFormatError:
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ImportFormatError(
        f"{first.message}{more}",
        path=str(path),
        line=first.line,
        hint="fix the file, or import without --strict to accept these warnings",
    )


STDIN = "-"  # the path that means standard input


@contextlib.contextmanager
def spooled_inputs(
    paths: list[Path], stdin: BinaryIO | None = None
) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """``paths`` with every input that cannot be read twice (``-`` for standard input, a
    FIFO, ``<(...)``, a character device) copied once to a temporary file of the same
    name; the import reads every file twice (scan, then parse). Also yields temporary
    path -> the name the user gave, for messages. The copies are removed afterwards."""
    if sum(1 for p in paths if str(p) == STDIN) > 1:
        raise InvalidValue(
            "'-' (standard input) is given more than once",
            hint="standard input can be read only once",
        )
    if not any(str(p) == STDIN or _is_stream(p) for p in paths):
        yield paths, {}
        return
    with tempfile.TemporaryDirectory(prefix="litreview-import-") as folder:
        ready: list[Path] = []
        names: dict[str, str] = {}
        for index, path in enumerate(paths):
            if str(path) != STDIN and not _is_stream(path):
                ready.append(path)
                continue
            given = "<stdin>" if str(path) == STDIN else str(path)
            copy = Path(folder) / str(index) / ("stdin" if str(path) == STDIN else path.name)
            copy.parent.mkdir()
            _spool(path, copy, stdin)
            ready.append(copy)
            names[str(copy)] = given
        yield ready, names


def _is_stream(path: Path) -> bool:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # scan_file says why it cannot be read
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


_SPOOL_CHUNK = 1 << 20
_NUL_RUN = b"\x00" * 16  # never in text, UTF-16 included; /dev/zero through a pipe is all NULs


def _spool(path: Path, copy: Path, stdin: BinaryIO | None) -> None:
    if str(path) == STDIN:
        if stdin is None:
            _check_stdin()
        _copy(stdin if stdin is not None else sys.stdin.buffer, copy, "<stdin>")
        return
    if not stat.S_ISFIFO(os.stat(path).st_mode):
        raise ImportFormatError(
            "is a device or a socket, not a file",
            path=str(path),
            hint="import a reference file; to pipe one in, use '-' (cat FILE | litreview import -)",
        )
    try:
        stream = open(path, "rb")  # noqa: SIM115 (closed just below)
    except OSError as exc:
        raise ImportFormatError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    with stream:
        _copy(stream, copy, str(path))


def _check_stdin() -> None:
    if sys.stdin is None or sys.stdin.isatty():
        raise InvalidValue(
            "'-' reads the file from standard input, but it is a terminal",
            hint="pipe the file in: cat export.ris | litreview import -",
        )
    if stat.S_ISCHR(os.fstat(sys.stdin.fileno()).st_mode):
        raise ImportFormatError(
            "standard input is a device, not a file",
            path="<stdin>",
            hint="redirect a reference file into it: litreview import - < export.ris",
        )


def _copy(source: BinaryIO, copy: Path, name: str) -> None:
    """Copy ``source`` to ``copy``, refusing binary input as soon as it shows."""
    with open(copy, "wb") as out:  # not an output: a spool in a temporary folder
        while chunk := source.read(_SPOOL_CHUNK):
            if _NUL_RUN in chunk:
                raise ImportFormatError(
                    "contains NUL bytes: it is binary, not a reference export",
                    path=name,
                    hint="export the references from your database as RIS, MEDLINE/nbib, "
                    "BibTeX or CSV",
                )
            out.write(chunk)


def import_files(
    review: Review,
    paths: list[Path],
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
    stdin: BinaryIO | None = None,
) -> list[FileImport]:
    """Import ``paths``: all of them or, on any error, none of them.

    ``-`` is standard input (``stdin`` if given); it and other inputs that can be read
    only once (FIFOs, ``<(...)``) are spooled once to a temporary file first.
    ``progress(phase, done, total)`` is called as bytes are read, with phase
    ``"scan"`` or ``"import"`` and byte counts over all files.
    """
    options = options or ImportOptions()
    _validate(options)
    with spooled_inputs(paths, stdin) as (ready, names):
        try:
            results = _import_files(review, ready, options, progress)
        except ImportFormatError as exc:
            if exc.path in names:
                raise ImportFormatError(
                    exc.detail, path=names[exc.path], line=exc.line, hint=exc.hint
                ) from exc
            raise
        for result in results:
            result.path = names.get(result.path, result.path)
    return results


def _import_files(
    review: Review, paths: list[Path], options: ImportOptions, progress: Progress | None
) -> list[FileImport]:
    results: list[FileImport] = []
    planned: list[tuple[FileImport, FileScan]] = []
    seen: set[str] = set()
    total = sum(_size(path) for path in paths)
    done = 0
    for path in paths:
        scan = scan_file(path)
        done += scan.size
        if progress:
            progress("scan", done, total)
        existing = sources_store.find_source_by_sha256(review.db, scan.sha256)
        if existing is not None or scan.sha256 in seen:
            n = existing.records_parsed if existing else 0
            name = existing.database if existing else ""
            fmt = existing.format if existing else ""
            results.append(FileImport(str(path), fmt, name, n, True))
            continue
        seen.add(scan.sha256)
        result = FileImport(str(path), scan.format, "", 0, False)
        results.append(result)
        planned.append((result, scan))
    if planned:
        with review.db.atomic():
            _stream_files(review, planned, options, progress)
    return results


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # scan_file reports why it cannot be read


def _stream_files(
    review: Review,
    planned: list[tuple[FileImport, FileScan]],
    options: ImportOptions,
    progress: Progress | None,
) -> None:
    """Write each planned file; the caller owns the transaction."""
    total = sum(scan.size for _, scan in planned)
    before = 0
    for result, scan in planned:
        path = Path(scan.path)
        streamed = iter_parse_file(path, scan)
        source_id = sources_store.insert_source(
            review.db,
            **_source_values(options, "file", path.stem),
            file_name=path.name,
            sha256=scan.sha256,
            size_bytes=scan.size or None,
            format=scan.format,
            encoding=scan.encoding,
            records_parsed=0,
        )
        while batch := list(itertools.islice(streamed.records, BATCH)):
            records_store.insert_records(review.db, source_id, batch)
            if progress:
                progress("import", before + streamed.bytes_read, total)
        before += scan.size
        if options.strict and streamed.problems:
            raise _strict_failure(path, streamed.problems)
        result.database = _database_name(streamed, options, path)
        result.records = streamed.count
        result.problems = list(streamed.problems)
        result.source_id = source_id
        sources_store.update_source(
            review.db,
            source_id,
            database=result.database,
            records_parsed=streamed.count,
            problems=result.problems,
        )


def _source_values(options: ImportOptions, kind: str, database: str) -> dict[str, object]:
    return {
        "kind": kind,
        "arm": options.arm,
        "method": options.method,
        "database": database,
        "platform": options.platform,
        "searched_on": options.searched_on,
        "query": options.query,
        "limits": options.limits,
        "reported_hits": options.reported_hits,
    }


def import_parsed(
    review: Review,
    parsed: ParsedFile,
    options: ImportOptions,
    *,
    kind: str = "api",
    sha256: str | None = None,
) -> FileImport:
    """Store records already parsed (e.g. from an API search) as one new source."""
    _validate(options)
    if not parsed.records:
        raise ImportFormatError("no records to import", path=parsed.path)
    result = FileImport(
        parsed.path,
        parsed.format,
        _database_name(parsed, options, Path(parsed.path)),
        len(parsed.records),
        False,
        list(parsed.problems),
    )
    _write(review, [(result, parsed, sha256, 0)], options, kind=kind)
    return result


def _write(
    review: Review,
    planned: list[tuple[FileImport, ParsedFile | None, str | None, int]],
    options: ImportOptions,
    *,
    kind: str = "file",
) -> None:
    with review.db.atomic():
        for result, parsed, digest, size in planned:
            if parsed is None:
                continue
            result.source_id = sources_store.insert_source(
                review.db,
                **_source_values(options, kind, result.database),
                file_name=Path(result.path).name if kind == "file" else None,
                sha256=digest,
                size_bytes=size or None,
                format=parsed.format,
                encoding=parsed.encoding,
                records_parsed=len(parsed.records),
                problems=parsed.problems,
            )
            records_store.insert_records(review.db, result.source_id, parsed.records)
