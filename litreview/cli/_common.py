"""Shared pieces of the command modules: opening the review, printing JSON, output files.

Every command imports this module, so it imports nothing heavy at the top: the storage
layer that opens a review (sqlite-utils) loads inside ``open_from_context``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from litreview.errors import InvalidValue, RecordNotFound
from litreview.storage.output_files import check_output_folder, is_special

if TYPE_CHECKING:
    from litreview.storage.review import Review

F = TypeVar("F", bound=Callable[..., Any])


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


MAX_ID = 2**63 - 1  # SQLite's largest integer


class RecordIdType(click.ParamType):  # type: ignore[type-arg, unused-ignore]
    """A record id given on the command line: a whole number from 1 to 2**63 - 1.

    Anything outside that range cannot be a record, so it is "no record N" straight
    away; ``open_from_context`` then checks that every id given exists in the review.
    """

    name = "integer"  # shown as INTEGER in --help, like click's own int

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a record id (a whole number)", param, ctx)
        if not 1 <= number <= MAX_ID:
            raise RecordNotFound(
                f"no record {number} in this review",
                hint="record ids are whole numbers from 1; "
                "'litreview export --format csv' lists them",
            )
        return number


RECORD_ID = RecordIdType()


def open_from_context(ctx: click.Context) -> Review:
    # storage.review imports sqlite-utils (and pandas where installed): commands that
    # never open a review (simulate on a CSV, --help) do not pay for it
    from litreview.storage.review import open_review  # lazy: start-up

    review = open_review(ctx.obj["db_path"])
    ctx.call_on_close(review.close)
    _check_record_ids(ctx, review)
    return review


def _check_record_ids(ctx: click.Context, review: Review) -> None:
    """Every record id given to the command (``RECORD_ID`` parameters) exists."""
    from litreview.storage.records import get_record  # lazy: start-up (sqlite-utils)

    for param in ctx.command.params:
        if not isinstance(param.type, RecordIdType) or param.name is None:
            continue
        given = ctx.params.get(param.name)
        for record_id in given if isinstance(given, (tuple, list)) else [given]:
            if record_id is not None:
                get_record(review.db, record_id)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


_REVIEW_FILES = ("", "-wal", "-shm", "-journal")


def output_path(ctx: click.Context | None, value: str | Path) -> Path:
    """An output file of a command (``-o``, ``--svg``, ``--csv``, ``--groups-out``,
    ``--trace-out``, ``backup TARGET``), refused if writing it would destroy the review.

    The review (``--db``) and its journal files are protected by path, through
    symbolic links and hard links alike; a folder is refused too. Every command
    that writes a file calls this before writing anything.
    """
    given = Path(value).expanduser()
    target = given if is_special(given) else given.resolve()
    obj = (ctx or click.get_current_context()).find_root().obj
    db_path = obj.get("db_path") if isinstance(obj, dict) else None
    if db_path is not None:
        review = Path(db_path).expanduser().resolve()
        for suffix in _REVIEW_FILES:
            protected = review.with_name(review.name + suffix)
            if target == protected or _same_file(target, protected):
                raise InvalidValue(
                    f"refusing to write over the review file {protected}",
                    hint="choose another output file name",
                )
    if target.is_dir():
        raise InvalidValue(f"{value} is a folder", hint="give a file name")
    return check_output_folder(target)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: it cannot be the same file
        return False


def terminal_text(text: str | None) -> str:
    """Record text (from files anyone can write) made safe to print for a person to read.

    ANSI escape sequences, control characters (newline and tab kept) and bidi overrides
    are removed, by the same rules as the TUI; ``--json`` output is escaped by JSON instead.
    """
    from litreview.report.sanitize import sanitize  # lazy: start-up

    return sanitize(text)
