"""Importing files into a review: parse everything first, then write in one transaction."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from litreview.errors import ImportFormatError, InvalidValue
from litreview.ingest import parse_bytes
from litreview.models import ImportIssue, ParsedFile
from litreview.review import Review
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store

ARMS = ("database", "register", "other")


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
    if options.reported_hits is not None and options.reported_hits < 0:
        raise InvalidValue("--reported-hits must be 0 or more")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise ImportFormatError("is a folder, not a file", path=str(path)) from exc
    except OSError as exc:
        raise ImportFormatError(f"cannot read: {exc.strerror}", path=str(path)) from exc


def _database_name(parsed: ParsedFile, options: ImportOptions, path: Path) -> str:
    if options.database:
        return options.database
    if parsed.database_hint:
        return parsed.database_hint
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


def import_files(
    review: Review, paths: list[Path], options: ImportOptions | None = None
) -> list[FileImport]:
    """Import ``paths``: all of them or, on any error, none of them."""
    options = options or ImportOptions()
    _validate(options)
    planned: list[tuple[FileImport, ParsedFile | None, str | None, int]] = []
    seen: set[str] = set()
    for path in paths:
        data = _read(path)
        digest = hashlib.sha256(data).hexdigest()
        existing = sources_store.find_source_by_sha256(review.db, digest)
        if existing is not None or digest in seen:
            n = existing.records_parsed if existing else 0
            name = existing.database if existing else ""
            fmt = existing.format if existing else ""
            planned.append((FileImport(str(path), fmt, name, n, True), None, digest, len(data)))
            continue
        parsed = parse_bytes(data, str(path))
        if options.strict and parsed.problems:
            raise _strict_failure(path, parsed.problems)
        seen.add(digest)
        result = FileImport(
            str(path),
            parsed.format,
            _database_name(parsed, options, path),
            len(parsed.records),
            False,
            list(parsed.problems),
        )
        planned.append((result, parsed, digest, len(data)))
    _write(review, planned, options)
    return [item[0] for item in planned]


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
    result = FileImport(parsed.path, parsed.format, _database_name(parsed, options,
                        Path(parsed.path)), len(parsed.records), False, list(parsed.problems))
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
                kind=kind,
                arm=options.arm,
                method=options.method,
                database=result.database,
                platform=options.platform,
                searched_on=options.searched_on,
                query=options.query,
                limits=options.limits,
                reported_hits=options.reported_hits,
                file_name=Path(result.path).name if kind == "file" else None,
                sha256=digest,
                size_bytes=size or None,
                format=parsed.format,
                encoding=parsed.encoding,
                records_parsed=len(parsed.records),
                problems=parsed.problems,
            )
            records_store.insert_records(review.db, result.source_id, parsed.records)
