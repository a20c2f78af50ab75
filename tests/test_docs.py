from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from litreview.cli import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _render() -> str:
    # a fresh process: click caches help options on command objects other tests invoke
    done = subprocess.run(
        [sys.executable, str(DOCS / "make_cli_reference.py"), "--stdout"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_every_command_has_help() -> None:
    ctx = click.Context(cli, info_name="litreview")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, f"{name} has no help text"


def test_cli_reference_is_current() -> None:
    import difflib

    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    rendered = _render()
    diff = "".join(difflib.unified_diff(current.splitlines(True), rendered.splitlines(True)))
    assert not diff, "run: .venv/bin/python docs/make_cli_reference.py\n" + diff[:3000]
