from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from litreview.cli import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _render() -> str:
    spec = importlib.util.spec_from_file_location("make_cli", DOCS / "make_cli_reference.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.render())


def test_every_command_has_help() -> None:
    ctx = click.Context(cli, info_name="litreview")
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None and command.help, f"{name} has no help text"


def test_cli_reference_is_current() -> None:
    current = (DOCS / "cli.md").read_text(encoding="utf-8")
    assert current == _render(), "run: .venv/bin/python docs/make_cli_reference.py"
