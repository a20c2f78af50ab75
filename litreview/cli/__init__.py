"""The command line: a thin shell over the stage functions.

``main()`` is the one error boundary: a ``LitreviewError`` (and any ``OSError``,
SQLite error or overflow, described by ``cli.failures``) becomes ``Error: ...`` (and
``Hint: ...``) on stderr with exit code 1, and under ``--json`` also a JSON object
``{"error": ..., "hint": ...}`` on stdout; click usage errors exit 2.

Every command module is imported at start-up (to register its command), so a command
imports the core it needs inside itself, marked ``# lazy: start-up``: importing it all
at the top made ``litreview --help`` ~25% slower (467 -> 593 ms median).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import sys
import unicodedata
from collections.abc import Iterator
from typing import TextIO

import click

from litreview.cli import (
    appraise_cmds,
    dedup_cmds,
    dedup_eval,
    demo,
    files_cmds,
    import_cmd,
    plot_cmds,
    report_cmds,
    review_cmds,
    screen_cmds,
    search_cmds,
    simulate,
    team_cmds,
    tui_cmds,
)
from litreview.cli._common import terminal_text
from litreview.errors import EnvironmentFailure, LitreviewError, describe_environment_error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    envvar="LITREVIEW_DB",
    default="review.db",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The review file (env LITREVIEW_DB).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr.")
@click.version_option(None, "-V", "--version", package_name="litreview")
@click.pass_context
def cli(ctx: click.Context, db_path: str, debug: bool, verbose: int) -> None:
    """litreview: systematic literature reviews in the terminal."""
    # --debug is read by main(), the error boundary, before click parses anything
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(message)s")


def _register() -> None:
    for command in (
        review_cmds.init,
        review_cmds.status,
        review_cmds.backup,
        import_cmd.import_,
        dedup_cmds.dedup,
        dedup_eval.dedup_eval,
        dedup_cmds.duplicates,
        dedup_cmds.merge,
        dedup_cmds.unmerge,
        dedup_cmds.not_duplicate,
        screen_cmds.next_,
        screen_cmds.decide,
        screen_cmds.undo,
        screen_cmds.stop,
        simulate.simulate,
        team_cmds.conflicts,
        team_cmds.resolve,
        team_cmds.agreement,
        team_cmds.export_decisions,
        team_cmds.merge_decisions,
        *appraise_cmds.COMMANDS,
        *files_cmds.COMMANDS,
        report_cmds.prisma,
        report_cmds.table,
        report_cmds.export,
        plot_cmds.plot,
        plot_cmds.report,
        search_cmds.query,
        search_cmds.search,
        search_cmds.chase,
        tui_cmds.tui,
        tui_cmds.screen,
        demo.demo,
    ):
        cli.add_command(command)


_register()


class _Stdout:
    """stdout with two guards. A write or flush that the system refuses (a full disk,
    ``/dev/full``) becomes an error that names the standard output. At a terminal,
    record text can hold ANSI escapes and bidi overrides from files anyone can write;
    they are removed before they reach it (JSON escapes control characters itself, so
    it passes unchanged)."""

    def __init__(
        self, stream: TextIO, *, terminal: bool, name: str = "the standard output"
    ) -> None:
        self._stream = stream
        self._terminal = terminal
        self._name = name
        self.failure: LitreviewError | None = None  # kept: a caller may swallow the raise

    def write(self, text: str | bytes) -> int:
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")  # click encodes as UTF-8
        shown = terminal_text(text) if self._terminal else text
        with self._errors():
            try:
                self._stream.write(shown)
            except UnicodeEncodeError:  # a terminal or pipe that cannot show every character
                encoding = self._stream.encoding or "ascii"
                self._stream.write(shown.encode(encoding, "replace").decode(encoding))
        return len(text)

    def flush(self) -> None:
        with self._errors():
            self._stream.flush()

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except BrokenPipeError:
            raise
        except OSError as exc:
            failure = describe_environment_error(exc)
            self.failure = EnvironmentFailure(
                f"cannot write {self._name}: {failure.message}", hint=failure.hint
            )
            raise self.failure from exc

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _wants_json(argv: list[str]) -> bool:
    """``--json`` among the options (before a ``--`` that ends them)."""
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in options


def _report(message: str, hint: str | None, *, as_json: bool) -> None:
    """``Error:``/``Hint:`` on stderr (sanitised: messages can quote files anyone can
    write) and, under ``--json``, ``{"error": ..., "hint": ...}`` on stdout too."""
    click.echo(f"Error: {_visible(message)}", err=True)
    if hint:
        click.echo(f"Hint: {_visible(hint)}", err=True)
    if as_json:
        _report_json(message, hint)


def _visible(text: str) -> str:
    """A message safe for a terminal that still shows what was there: control and format
    characters (an ESC starting an OSC 52 clipboard write, bidi overrides) become visible
    escapes such as ``\\x1b``; then the terminal sanitiser runs over it all."""
    shown = "".join(
        c
        if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf")
        else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )
    return terminal_text(shown)


def main(argv: list[str] | None = None) -> None:
    """Console entry point with the error boundary.

    A ``LitreviewError``, and any ``OSError`` (disk full, read-only file, permission,
    missing folder), SQLite error or integer overflow from the environment, becomes
    ``Error:`` + ``Hint:`` with exit code 1; ``--debug`` shows the traceback instead.
    """
    args = list(argv if argv is not None else sys.argv[1:])
    if not isinstance(sys.stdout, _Stdout):
        sys.stdout = _Stdout(sys.stdout, terminal=sys.stdout.isatty())
    debug = "--debug" in args
    as_json = _wants_json(args)
    try:
        try:
            cli.main(args=args, prog_name="litreview", standalone_mode=False)
        finally:
            sys.stdout.flush()  # a full disk under stdout shows up here, inside the boundary
        failed = getattr(sys.stdout, "failure", None)
        if failed is not None:
            raise failed
    except LitreviewError as exc:
        if debug:
            raise
        if getattr(sys.stdout, "failure", None) is not None:
            _quiet_stdout()  # so that Python's own flush at exit cannot fail again
        _report(exc.message, exc.hint, as_json=as_json)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        if as_json:
            _report_json(exc.format_message(), None)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        _quiet_stdout()  # the reader went away (| head): nothing to report
        sys.exit(1)
    except (OSError, sqlite3.Error, OverflowError, MemoryError) as exc:
        if debug:
            raise
        failure = describe_environment_error(exc)
        if not _stdout_works():
            _quiet_stdout()
        _report(failure.message, failure.hint, as_json=as_json)
        sys.exit(1)


def _report_json(message: str, hint: str | None) -> None:
    # stdout itself may be what failed (e.g. /dev/full): stderr has the message then
    with contextlib.suppress(OSError):
        click.echo(json.dumps({"error": message, "hint": hint}, ensure_ascii=False))


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so Python's own flush at exit cannot fail again."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def _stdout_works() -> bool:
    try:
        sys.stdout.flush()
    except OSError:
        return False
    return True
