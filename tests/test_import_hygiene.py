"""The core never imports textual; the CLI starts without sklearn or textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "litreview.cli",
    "litreview.ingest.importer",
    "litreview.report.status",
    "litreview.storage.db",
    "litreview.ingest",
    "litreview.protocol",
]


@pytest.mark.parametrize("module", CORE)
def test_module_does_not_pull_heavy_imports(module: str) -> None:
    code = (
        f"import sys, {module}; "
        "bad = [m for m in ('textual', 'sklearn', 'rich') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
