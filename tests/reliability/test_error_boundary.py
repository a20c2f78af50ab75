"""The one error boundary: whatever the system refuses (a read-only or full disk, a missing
folder), whatever id is typed, and whatever a hostile file holds, the user gets ``Error:`` and
``Hint:`` with exit 1, never a traceback, never a raw escape sequence, and nothing changed."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from litreview.protocol import load_template
from litreview.storage.review import create_review

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "LITREVIEW_REVIEWER": "ann"}
THREE = REPO / "tests" / "data" / "three.ris"
OSC52 = "\\u001b]52;c;ZXZpbA==\\u0007"  # TOML escapes for an OSC 52 clipboard write


def cli(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "litreview", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
        input=stdin,
    )


def clean_error(done: subprocess.CompletedProcess[str], code: int = 1) -> None:
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "\x1b" not in done.stderr
    if code == 1:
        assert done.stderr.startswith("Error: ") and "\nHint: " in done.stderr, done.stderr


def new_review(folder: Path, ris: Path = THREE) -> Path:
    db = folder / "r.db"
    create_review(db, load_template("default")[0]).close()
    done = cli(db, "import", str(ris))
    assert done.returncode == 0, done.stderr
    return db


def digest(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


# ---- record ids at the command-line edge ------------------------------------------------------

HUGE = str(2**63)
ID_COMMANDS = [
    ("fulltext", "{id}"),
    ("note", "{id}", "--reviewer", "ann"),
    ("link-report", "{id}", "--study", "1"),
    ("link-report", "1", "--study", "{id}"),
    ("appraise", "{id}"),
    ("code", "{id}"),
    ("suggest", "{id}"),
    ("merge", "1", "{id}"),
    ("not-duplicate", "{id}", "1"),
    ("unmerge", "{id}"),
    ("decide", "{id}", "include"),
    ("resolve", "{id}", "include", "--stage", "title"),
    ("chase", "{id}"),
]


@pytest.fixture(scope="module")
def three_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return new_review(tmp_path_factory.mktemp("ids"))


@pytest.mark.parametrize("value", ["0", HUGE, str(10**30), "999"])
@pytest.mark.parametrize("command", ID_COMMANDS, ids=lambda c: " ".join(c))
def test_every_id_that_is_no_record_says_so(
    three_db: Path, command: tuple[str, ...], value: str
) -> None:
    before = digest(three_db)
    args = [a.replace("{id}", value) for a in command]
    done = cli(three_db, *args)
    clean_error(done)
    assert f"no record {value}" in done.stderr
    assert digest(three_db) == before


def test_fulltext_0_is_no_such_record_under_json_too(three_db: Path) -> None:
    done = cli(three_db, "fulltext", "0", "--json")
    clean_error(done)
    answer = json.loads(done.stdout)
    assert answer["error"] == "no record 0 in this review" and answer["hint"]


def test_errors_under_json_are_one_json_object_on_stdout(tmp_path: Path) -> None:
    done = cli(tmp_path / "missing.db", "status", "--json")
    clean_error(done)
    assert set(json.loads(done.stdout)) == {"error", "hint"}
    usage = cli(tmp_path / "missing.db", "decide", "--json")
    clean_error(usage, code=2)
    assert "error" in json.loads(usage.stdout)


def test_status_json_is_deterministic(three_db: Path) -> None:
    first, second = cli(three_db, "status", "--json"), cli(three_db, "status", "--json")
    assert first.returncode == 0 and first.stdout == second.stdout


# ---- escape sequences in files the user was sent -----------------------------------------------


def test_an_osc52_value_in_a_protocol_is_shown_escaped_never_raw(tmp_path: Path) -> None:
    text = load_template("default")[0].replace('mode = "single"', f'mode = "{OSC52}"')
    protocol = tmp_path / "p.toml"
    protocol.write_text(text, encoding="utf-8")
    done = cli(tmp_path / "r.db", "init", "--protocol", str(protocol))
    clean_error(done)
    assert "\\x1b]52" in done.stderr and "\x07" not in done.stderr


def test_an_osc52_value_in_a_query_is_shown_escaped_never_raw(tmp_path: Path) -> None:
    text = (REPO / "queries" / "software_testing.toml").read_text(encoding="utf-8")
    query = tmp_path / "q.toml"
    query.write_text(text.replace('combine = "and"', f'combine = "{OSC52}"'), encoding="utf-8")
    done = cli(tmp_path / "r.db", "query", "render", str(query), "--platform", "scopus")
    clean_error(done)
    assert "\\x1b]52" in done.stderr


# ---- read-only and full disks ------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode(errors='replace')}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def read_only_review(tmp_path: Path) -> Iterator[Path]:
    """A review on a read-only mount (root; CI runs as root), else a chmod-ed one."""
    source = new_review(tmp_path)
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        shutil.copy(source, folder / "r.db")
        (folder / "r.db").chmod(0o444)
        folder.chmod(0o555)
        yield folder / "r.db"
        folder.chmod(0o755)
        return
    with tmpfs(tmp_path / "ro", "8m") as folder:
        shutil.copy(source, folder / "r.db")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder / "r.db"


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("status", "--json"),
        ("decide", "1", "include"),
        ("import", str(THREE)),
        ("dedup",),
        ("undo",),
        ("next",),
        ("export",),
        ("backup", "/tmp/never-written.db"),
    ],
)
def test_a_read_only_review_is_a_clear_error(read_only_review: Path, args: tuple[str, ...]) -> None:
    before = digest(read_only_review)
    done = cli(read_only_review, *args)
    clean_error(done)
    assert "read-only" in done.stderr
    assert digest(read_only_review) == before


def test_a_disk_that_fills_during_an_import_changes_nothing(tmp_path: Path, make_ris) -> None:
    big = make_ris(tmp_path / "big.ris", 5000)
    source = new_review(tmp_path)
    with tmpfs(tmp_path / "small", "1m") as folder:
        db = folder / "r.db"
        shutil.copy(source, db)
        done = cli(db, "import", str(big))
        clean_error(done)
        assert "disk is full" in done.stderr
        status = cli(db, "status", "--json")
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout)["records"] == 3  # all or nothing: nothing


def test_a_terminal_that_cannot_show_a_title_gets_replacement_marks(tmp_path: Path) -> None:
    ris = tmp_path / "u.ris"
    ris.write_text("TY  - JOUR\nTI  - Ünïcödé 中文 title\nER  - \n", encoding="utf-8")
    db = new_review(tmp_path, ris)
    done = subprocess.run(
        [sys.executable, "-m", "litreview", "--db", str(db), "export"],
        capture_output=True,
        env={**ENV, "PYTHONIOENCODING": "ascii"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert b"TI  - ?n?c?d? ?? title" in done.stdout


def test_a_decisions_file_nested_too_deep_is_refused(tmp_path: Path) -> None:
    db = new_review(tmp_path)
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    done = cli(db, "merge-decisions", str(deep))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "not a decisions file" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("export", "-o", "{f}/x.ris"),
        ("backup", "{f}/b.db"),
        ("table", "sources", "-o", "{f}/t.xlsx"),
    ],
)
def test_output_on_a_read_only_disk_is_a_clear_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = new_review(tmp_path)
    with tmpfs(tmp_path / "ro", "1m") as folder:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        done = cli(db, *[a.replace("{f}", str(folder)) for a in args])
        clean_error(done)
        assert "read-only" in done.stderr.lower()
        assert list(folder.iterdir()) == []
