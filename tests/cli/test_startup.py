"""Commands load lazily (issue 14): running one command imports only its own module and
what that needs, while ``--help`` and the generated reference still list every command.

Timings are never asserted here; what a command imports is, in a fresh process."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import litreview.cli
from litreview.cli import COMMANDS, cli, load_command, main

DATA = Path(__file__).resolve().parent.parent / "data"
TINY_CSV = DATA / "screen" / "tiny.csv"  # the labelled CSV the simulate tests use

# what a command that never talks to the network, the terminal UI or a reference file
# must not load; sqlite_utils is the storage layer, which simulate on a CSV never needs
HEAVY = ("sqlite_utils", "httpx", "textual", "rispy")


def eager_commands() -> dict[str, click.Command]:
    """Every top-level click command the command modules define, collected by importing
    them all (what the CLI registered before it loaded lazily); a group's own
    subcommands (``query render``) stay under their group."""
    found: dict[str, click.Command] = {}
    for info in pkgutil.iter_modules(litreview.cli.__path__):
        module = importlib.import_module(f"litreview.cli.{info.name}")
        for value in vars(module).values():
            members = value if isinstance(value, list | tuple) else [value]
            for command in members:
                if isinstance(command, click.Command) and command is not cli:
                    assert command.name is not None
                    assert found.get(command.name, command) is command, command.name
                    found[command.name] = command
    nested = {
        id(sub)
        for group in found.values()
        if isinstance(group, click.Group)
        for sub in group.commands.values()
    }
    return {name: command for name, command in found.items() if id(command) not in nested}


def test_the_map_is_exactly_the_commands_the_modules_define() -> None:
    eager = eager_commands()
    lazy = {name: load_command(target) for name, target in COMMANDS.items()}
    assert sorted(lazy) == sorted(eager)
    for name, command in lazy.items():
        assert command is eager[name], name
        assert command.name == name  # the map's key is the name the command gives itself


def test_the_group_lists_and_resolves_every_command_of_the_map() -> None:
    ctx = click.Context(cli, info_name="litreview")
    assert cli.list_commands(ctx) == sorted(eager_commands())
    for name in cli.list_commands(ctx):
        assert cli.get_command(ctx, name) is eager_commands()[name]


def test_the_list_kept_by_two_modules_is_in_the_map() -> None:
    from litreview.cli import appraise_cmds, files_cmds

    for command in (*appraise_cmds.COMMANDS, *files_cmds.COMMANDS):
        assert command.name is not None
        assert load_command(COMMANDS[command.name]) is command


def test_a_map_entry_that_is_not_a_command_is_refused() -> None:
    with pytest.raises(TypeError, match="litreview.cli._common.RECORD_ID is not a click command"):
        load_command("_common:RECORD_ID")


def test_an_unknown_command_is_still_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    assert "No such command 'no-such-command'" in capsys.readouterr().err


# ---- in a fresh process ------------------------------------------------------------------

_RUN = """
import json, sys
from litreview.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
loaded = {
    "cli": sorted(m for m in sys.modules if m == "litreview.cli" or m.startswith("litreview.cli.")),
    "heavy": [m for m in %r if m in sys.modules],
    "storage": "litreview.storage.review" in sys.modules,
    "code": code,
}
print(json.dumps(loaded), file=sys.stderr)
"""


def run_fresh(*args: str, cwd: Path) -> tuple[dict[str, object], str, str]:
    """Run the CLI's ``main`` with ``args`` in a new interpreter: (what it loaded, stdout,
    stderr without that last line)."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN % (HEAVY,), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *err, last = done.stderr.splitlines()
    return json.loads(last), done.stdout, "\n".join(err)


def test_simulate_on_a_csv_loads_no_storage_network_or_ui(tmp_path: Path) -> None:
    loaded, out, err = run_fresh("simulate", str(TINY_CSV), "--seeds", "1", "--json", cwd=tmp_path)
    assert loaded["code"] == 0, err
    assert json.loads(out)[0]["records"] > 0  # it did run
    assert loaded["heavy"] == []
    assert loaded["storage"] is False
    assert loaded["cli"] == ["litreview.cli", "litreview.cli._common", "litreview.cli.simulate"]


def test_an_error_in_a_lazily_loaded_command_goes_through_the_boundary(tmp_path: Path) -> None:
    bad = DATA / "screen" / "missing_abstract_column.csv"
    loaded, out, err = run_fresh("simulate", str(bad), "--json", cwd=tmp_path)
    assert loaded["code"] == 1
    assert err.startswith("Error: ") and "abstract" in err
    assert "Traceback" not in err
    assert json.loads(out)["error"]


@pytest.mark.parametrize(
    ("command", "modules"),
    [
        ("status", ["litreview.cli.review_cmds"]),
        ("prisma", ["litreview.cli._output_format", "litreview.cli.report_cmds"]),
    ],
)
def test_a_review_command_loads_only_its_own_module(
    tmp_path: Path, command: str, modules: list[str]
) -> None:
    db = tmp_path / "r.db"
    made = CliRunner().invoke(cli, ["--db", str(db), "init", "--template", "default"])
    assert made.exit_code == 0, made.output
    loaded, out, err = run_fresh("--db", str(db), command, "--json", cwd=tmp_path)
    assert loaded["code"] == 0, err
    assert isinstance(json.loads(out), dict)
    assert loaded["cli"] == sorted(["litreview.cli", "litreview.cli._common", *modules])
    assert "sqlite_utils" in loaded["heavy"]  # it opened the review
    assert "httpx" not in loaded["heavy"] and "textual" not in loaded["heavy"]


def test_help_in_a_fresh_process_lists_every_command(tmp_path: Path) -> None:
    loaded, out, err = run_fresh("--help", cwd=tmp_path)
    assert loaded["code"] == 0, err
    listed = out.split("\nCommands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed if line.strip()] == sorted(COMMANDS)
