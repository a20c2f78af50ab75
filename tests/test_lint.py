"""House style is checked with the tests: ruff (E,F,I,B,UP,SIM), ruff format, mypy --strict and
the import contracts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=600
    )


def test_ruff() -> None:
    done = run(
        "ruff",
        "check",
        "litreview",
        "tests",
        "bench",
        "docs",
        "tools",
        "--output-format",
        "concise",
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    """The tree is as `ruff format litreview tests bench docs tools` writes it."""
    done = run("ruff", "format", "--check", "litreview", "tests", "bench", "docs", "tools")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = run("mypy", "litreview")
    assert done.returncode == 0, done.stdout + done.stderr


def test_import_contracts() -> None:
    """The layers and the textual ban in pyproject.toml's [tool.importlinter] hold."""
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
