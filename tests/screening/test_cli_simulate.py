"""The simulate command: CLI.md's options and JSON; no sklearn at import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from litreview.cli.simulate import simulate
from litreview.errors import ImportFormatError

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"


def test_json_has_exactly_the_documented_keys(tiny_csv: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace.csv"
    result = CliRunner().invoke(
        simulate,
        [
            str(tiny_csv),
            "--seeds",
            "1,2",
            "--prior-included",
            "1",
            "--prior-excluded",
            "1",
            "--trace-out",
            str(trace),
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0
    (doc,) = json.loads(result.stdout)
    assert set(doc) == {
        "file",
        "records",
        "included",
        "seeds",
        "wss95",
        "wss100",
        "recall_at_10pct",
        "atd_pct",
        "screened_to_95",
        "screened_to_100",
        "stops",
        "default_stop",
        "seconds",
        "runs",
    }
    assert doc["seeds"] == [1, 2] and len(doc["runs"]) == 2
    lines = trace.read_text().splitlines()
    assert lines[0] == "file,seed,position,record_id,label,is_prior,is_check"
    assert len(lines) == 1 + 2 * 12


def test_human_summary(tiny_csv: Path) -> None:
    result = CliRunner().invoke(simulate, [str(tiny_csv), "--seeds", "1"])
    assert result.exit_code == 0
    assert "WSS@95" in result.stdout and "(default)" in result.stdout


def test_bad_seeds_is_a_usage_error(tiny_csv: Path) -> None:
    result = CliRunner().invoke(simulate, [str(tiny_csv), "--seeds", "1,x"])
    assert result.exit_code == 2


def test_bad_file_raises_the_user_error() -> None:
    result = CliRunner().invoke(simulate, [str(DATA / "missing_abstract_column.csv")])
    assert isinstance(result.exception, ImportFormatError)


def test_importing_the_command_does_not_load_sklearn() -> None:
    code = (
        "import sys, litreview.cli.simulate; "
        "print(','.join(m for m in ('sklearn', 'scipy', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_label_column_names_the_labels_to_replay(tiny_csv: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "abstract.csv"
    renamed.write_text(
        tiny_csv.read_text(encoding="utf-8").replace(
            "label_included", "label_abstract_screening", 1
        ),
        encoding="utf-8",
    )
    ok = CliRunner().invoke(
        simulate,
        [str(renamed), "--seeds", "1", "--label-column", "label_abstract_screening", "--json"],
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)[0]["included"] == 4
    with_default = CliRunner().invoke(simulate, [str(renamed), "--seeds", "1"])
    error = with_default.exception
    assert isinstance(error, ImportFormatError) and "label_included" in str(error)
    assert error.hint and "label_abstract_screening" in error.hint  # the columns it has
