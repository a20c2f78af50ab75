"""Write docs/cli.md from the commands' --help. Run: .venv/bin/python docs/make_cli_reference.py

tests/test_docs.py fails when docs/cli.md is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

HEADER = """# litreview command reference

Generated from `--help` by `docs/make_cli_reference.py`; do not edit by hand.
The contract these commands keep is ../shared/docs/CLI.md (options and JSON keys are never
renamed or dropped).
"""


def render() -> str:
    from litreview.cli import cli

    ctx = click.Context(
        cli,
        info_name="litreview",
        terminal_width=100,
        max_content_width=100,
        help_option_names=["-h", "--help"],
    )
    parts = [HEADER, "## litreview\n", "```text", cli.get_help(ctx), "```\n"]
    for name in sorted(cli.list_commands(ctx)):
        command = cli.get_command(ctx, name)
        assert command is not None
        sub = click.Context(
            command, info_name=name, parent=ctx, terminal_width=100, max_content_width=100
        )
        parts += [f"## litreview {name}\n", "```text", command.get_help(sub), "```\n"]
    return "\n".join(parts)


def main() -> None:
    if "--stdout" in sys.argv:
        sys.stdout.write(render())
        return
    target = Path(__file__).resolve().parent / "cli.md"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
