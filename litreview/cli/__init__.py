"""The command line: a thin shell over the stage functions.

``main()`` is the one error boundary: a ``LitreviewError`` (and any ``OSError``,
SQLite error or overflow, described by ``cli.failures``) becomes ``Error: ...`` (and
``Hint: ...``) on stderr with exit code 1, and under ``--json`` also a JSON object
``{"error": ..., "hint": ...}`` on stdout; click usage errors exit 2.

Commands load lazily (click's "Lazily Loading Subcommands" pattern): ``COMMANDS`` maps
each name to ``module:attribute`` in this package, and running one command imports only
its own module and what that needs, so ``litreview simulate`` on a CSV never loads the
storage layer (sqlite-utils), the HTTP clients or the TUI. ``litreview --help`` (and
shell completion of command names) still imports every command module for the help
texts, so a command imports the core it needs inside itself, marked ``# lazy: start-up``:
importing it all at the top made ``litreview --help`` ~25% slower (467 -> 593 ms median).
tests/cli/test_startup.py keeps ``COMMANDS`` equal to the modules' own commands.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import os
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any, TextIO

import click

from litreview.cli._common import terminal_text
from litreview.errors import (
    SYSTEM_ERRORS,
    EnvironmentFailure,
    LitreviewError,
    describe_environment_error,
)

#: Every command: its name -> ``module:attribute`` in ``litreview.cli``. The names and the
#: set are the contract of CLI.md; ``--help`` lists them sorted, as click always did.
COMMANDS: dict[str, str] = {
    "init": "review_cmds:init",
    "status": "review_cmds:status",
    "backup": "review_cmds:backup",
    "import": "import_cmd:import_",
    "dedup": "dedup_cmds:dedup",
    "dedup-eval": "dedup_eval:dedup_eval",
    "duplicates": "dedup_cmds:duplicates",
    "merge": "dedup_cmds:merge",
    "unmerge": "dedup_cmds:unmerge",
    "not-duplicate": "dedup_cmds:not_duplicate",
    "next": "screen_cmds:next_",
    "decide": "screen_cmds:decide",
    "undo": "screen_cmds:undo",
    "stop": "screen_cmds:stop",
    "simulate": "simulate:simulate",
    "conflicts": "team_cmds:conflicts",
    "resolve": "team_cmds:resolve",
    "agreement": "team_cmds:agreement",
    "export-decisions": "team_cmds:export_decisions",
    "merge-decisions": "team_cmds:merge_decisions",
    # appraise_cmds.COMMANDS
    "fulltext": "appraise_cmds:fulltext",
    "note": "appraise_cmds:note",
    "link-report": "appraise_cmds:link_report",
    "appraise": "appraise_cmds:appraise",
    "code": "appraise_cmds:code",
    "suggest": "appraise_cmds:suggest",
    "export-codes": "appraise_cmds:export_codes",
    "import-codes": "appraise_cmds:import_codes",
    # files_cmds.COMMANDS
    "attach": "files_cmds:attach",
    "grep": "files_cmds:grep",
    "find-fulltext": "files_cmds:find_fulltext",
    "prisma": "report_cmds:prisma",
    "table": "report_cmds:table",
    "export": "report_cmds:export",
    "plot": "plot_cmds:plot",
    "report": "plot_cmds:report",
    "query": "search_cmds:query",
    "search": "search_cmds:search",
    "chase": "search_cmds:chase",
    "tui": "tui_cmds:tui",
    "screen": "tui_cmds:screen",
    "demo": "demo:demo",
}


class LazyGroup(click.Group):
    """A group whose commands are imported when first asked for, from a static map of
    name -> ``module:attribute`` (click's documented "Lazily Loading Subcommands")."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy_commands.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        return load_command(target)


def load_command(target: str) -> click.Command:
    """The command object that ``module:attribute`` (in ``litreview.cli``) names."""
    module_name, attribute = target.split(":")
    module = importlib.import_module(f"litreview.cli.{module_name}")
    command = getattr(module, attribute)
    if not isinstance(command, click.Command):  # a wrong map entry: a bug, not user error
        raise TypeError(f"litreview.cli.{module_name}.{attribute} is not a click command")
    return command


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    except SYSTEM_ERRORS as exc:
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
