"""`litreview -V` and the shell completion script click generates (documented in README)."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version

from click.testing import CliRunner

from litreview.cli import cli


def test_dash_capital_v_prints_the_version() -> None:
    for flag in ("-V", "--version"):
        result = CliRunner().invoke(cli, [flag])
        assert result.exit_code == 0 and result.stdout.strip().endswith(version("litreview"))
    assert CliRunner().invoke(cli, ["-v", "status", "--help"]).exit_code == 0  # -v is verbose


def test_bash_completion_script_and_completions() -> None:
    env = {**os.environ, "_LITREVIEW_COMPLETE": "bash_source"}
    script = subprocess.run(
        [sys.executable, "-m", "litreview"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "_litreview_completion" in script and "complete -o nosort" in script
    env = {
        **os.environ,
        "_LITREVIEW_COMPLETE": "bash_complete",
        "COMP_WORDS": "litreview exp",
        "COMP_CWORD": "1",
    }
    words = subprocess.run(
        [sys.executable, "-m", "litreview"], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert words == ["plain,export", "plain,export-codes", "plain,export-decisions"]
