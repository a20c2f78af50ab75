"""House style is checked with the tests: ruff (E,F,I,B,UP,SIM) and mypy --strict."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=600)


def test_ruff() -> None:
    done = run("ruff", "check", "litreview", "tests", "bench", "docs", "--output-format",
               "concise")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict() -> None:
    done = run("mypy", "litreview")
    assert done.returncode == 0, done.stdout + done.stderr
