"""The command line: a thin shell over the stage functions.

``main()`` is the one error boundary: a ``LitreviewError`` becomes ``Error: ...``
(and ``Hint: ...``) on stderr with exit code 1; click usage errors exit 2.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import click

from litreview.errors import LitreviewError


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
@click.version_option(package_name="litreview")
@click.pass_context
def cli(ctx: click.Context, db_path: str, debug: bool, verbose: int) -> None:
    """litreview: systematic literature reviews in the terminal."""
    ctx.ensure_object(dict)
    ctx.obj["db_path"] = db_path
    ctx.obj["debug"] = debug
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(message)s")


def _register() -> None:
    from litreview.cli import (
        appraise_cmds,
        dedup_cmds,
        dedup_eval,
        demo,
        files_cmds,
        import_cmd,
        report_cmds,
        review_cmds,
        screen_cmds,
        search_cmds,
        simulate,
        team_cmds,
        tui_cmds,
    )

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
        search_cmds.query,
        search_cmds.search,
        search_cmds.chase,
        tui_cmds.tui,
        tui_cmds.screen,
        demo.demo,
    ):
        cli.add_command(command)


_register()


class _TerminalOut:
    """stdout for a person at a terminal: record text can hold ANSI escapes and bidi
    overrides from files anyone can write; they are removed before they reach the
    terminal (JSON escapes control characters itself, so it passes unchanged)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str | bytes) -> int:
        from litreview.cli._common import terminal_text

        if isinstance(text, bytes):
            text = text.decode(self._stream.encoding or "utf-8", errors="replace")
        self._stream.write(terminal_text(text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> None:
    """Console entry point with the error boundary."""
    if sys.stdout.isatty():
        sys.stdout = _TerminalOut(sys.stdout)
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="litreview", standalone_mode=False)
    except LitreviewError as exc:
        if debug:
            raise
        click.echo(f"Error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"Hint: {exc.hint}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
