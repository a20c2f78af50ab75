"""Output files: one atomic write path, kills that leave the old file intact, backups that
never leave a dead database under the final name, and clear errors on full or missing disks."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from litreview.errors import OutputFileError
from litreview.protocol import load_template
from litreview.storage.output_files import open_output, write_bytes, write_text
from litreview.storage.review import create_review

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
THREE = REPO / "tests" / "data" / "three.ris"


def cli(db: Path, *args: str, stdout: object = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "litreview", "--db", str(db), *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        timeout=600,
    )


def review_with_records(tmp_path: Path, ris: Path = THREE) -> Path:
    db = tmp_path / "r.db"
    create_review(db, load_template("default")[0]).close()
    done = cli(db, "import", str(ris))
    assert done.returncode == 0, done.stderr
    return db


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# ---- the write path itself ------------------------------------------------------------------


def test_write_replaces_whole_and_keeps_the_mode(tmp_path: Path) -> None:
    target = tmp_path / "keep.ris"
    target.write_text("old\n")
    target.chmod(0o640)
    write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_an_error_inside_the_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "keep.csv"
    target.write_text("good\n")
    with pytest.raises(RuntimeError), open_output(target) as stream:
        stream.write("half")
        raise RuntimeError("the renderer failed")
    assert target.read_text() == "good\n"
    assert leftovers(tmp_path) == []


def test_a_missing_folder_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError) as err:
        write_text(tmp_path / "no" / "such" / "out.ris", "x")
    assert "does not exist" in err.value.message and err.value.hint
    assert not (tmp_path / "no").exists()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputFileError):
        write_bytes(tmp_path, b"x")


def test_a_symlink_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_directly_never_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text(fifo, "through the pipe\n")
    reader.join(10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dev_full_is_a_clear_error() -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(OutputFileError) as err:
        write_text("/dev/full", "x" * 100_000)
    assert "/dev/full" in err.value.message and "space" in (err.value.hint or "")
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # never replaced


_WRITES = re.compile(r"\.write_text\(|\.write_bytes\(|open\([^)]*[\"'][wax]b?[\"']|\.save\(str\(")


def test_no_output_is_written_outside_the_one_write_path() -> None:
    """Every command writes through litreview/storage/output_files.py (grep for the other ways;
    a temporary copy that is no output says so with a ``# not an output`` comment)."""
    found = []
    for path in (REPO / "litreview").rglob("*.py"):
        if path.name == "output_files.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _WRITES.search(line) and "# not an output" not in line:
                found.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert found == []


# ---- SIGKILL mid-write ----------------------------------------------------------------------


def _worker(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability._workers", *args],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )


def _kill_after(proc: subprocess.Popen[str], word: str) -> None:
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == word  # the writer is mid-write now
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()


def test_output_killed_mid_write_leaves_the_old_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "keep.ris"
    good = "TY  - JOUR\nTI  - the good file\nER  - \n" * 50_000
    target.write_text(good)
    proc = _worker("write", str(target))
    _kill_after(proc, "writing")
    assert target.read_text() == good  # 1.3 MB of the new file were written, elsewhere


def test_backup_killed_mid_copy_leaves_nothing_under_the_final_name(
    tmp_path: Path, make_ris
) -> None:
    db = review_with_records(tmp_path, make_ris(tmp_path / "many.ris", 3000))
    target = tmp_path / "backup.db"
    proc = _worker("backup", str(db), str(target))
    _kill_after(proc, "copying")
    assert not target.exists()
    done = cli(db, "backup", str(target))  # the re-run is not refused
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 3000
    conn.close()


def test_backup_killed_mid_copy_leaves_an_existing_file_alone(tmp_path: Path) -> None:
    db = review_with_records(tmp_path)
    target = tmp_path / "old-backup.db"
    target.write_bytes(b"an older backup")
    proc = _worker("backup", str(db), str(target))
    _kill_after(proc, "copying")
    assert target.read_bytes() == b"an older backup"


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5])
def test_export_killed_at_any_moment_leaves_old_or_whole_new(
    tmp_path: Path, make_ris, delay: float
) -> None:
    db = review_with_records(tmp_path, make_ris(tmp_path / "many.ris", 4000))
    target = tmp_path / "keep.ris"
    target.write_text("OLD\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "litreview", "--db", str(db), "export", "-o", str(target)],
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    text = target.read_text()
    assert text == "OLD\n" or text.count("\nER  - ") == 4000


# ---- errors from the system: Error/Hint, exit 1, no traceback ---------------------------------


def _clean_error(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    # Lines printed before the failure (e.g. prisma's "In progress" banner) may come first;
    # the error itself starts a line and carries its hint.
    error_at = done.stderr.find("Error: ")
    assert error_at == 0 or (error_at > 0 and done.stderr[error_at - 1] == "\n"), done.stderr
    assert "\nHint: " in done.stderr[error_at:]


@pytest.mark.parametrize(
    "args",
    [
        ("export", "-o", "/dev/full"),
        ("export", "--format", "csv", "-o", "/dev/full"),
        ("table", "sources", "-o", "/dev/full", "--format", "md"),
        ("table", "sources", "-o", "/dev/full", "--format", "docx"),
        ("table", "sources", "-o", "/dev/full", "--format", "xlsx"),
        ("export-codes", "-o", "/dev/full"),
        ("export-decisions", "--reviewer", "ann", "-o", "/dev/full"),
        ("prisma", "--partial", "--csv", "/dev/full"),
    ],
)
def test_writing_to_a_full_disk_is_a_clear_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = cli(review_with_records(tmp_path), *args)
    _clean_error(done)
    assert "space" in done.stderr


@pytest.mark.parametrize(
    "args", [("status",), ("status", "--json"), ("export",), ("prisma", "--partial", "--json")]
)
def test_a_full_standard_output_is_a_clear_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    db = review_with_records(tmp_path)
    with open("/dev/full", "w") as full:
        done = cli(db, *args, stdout=full)
    _clean_error(done)
    assert "standard output" in done.stderr


@pytest.mark.parametrize("option", ["-o", "--svg"])
def test_a_missing_output_folder_is_named(tmp_path: Path, option: str) -> None:
    db = review_with_records(tmp_path)
    args = ("export", "-o") if option == "-o" else ("prisma", "--partial", "--svg")
    done = cli(db, *args, str(tmp_path / "nowhere" / "out.file"))
    _clean_error(done)
    assert "nowhere" in done.stderr and "does not exist" in done.stderr


def test_backup_into_a_missing_folder_or_over_a_file_is_refused(tmp_path: Path) -> None:
    db = review_with_records(tmp_path)
    _clean_error(cli(db, "backup", str(tmp_path / "nowhere" / "b.db")))
    (tmp_path / "b.db").write_bytes(b"mine")
    _clean_error(cli(db, "backup", str(tmp_path / "b.db")))
    assert (tmp_path / "b.db").read_bytes() == b"mine"


def test_a_read_only_output_file_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "protected.ris"
    target.write_text("keep me")
    target.chmod(0o444)
    with pytest.raises(OutputFileError) as err:
        write_text(target, "new")
    assert "read-only" in err.value.message
    assert target.read_text() == "keep me"


def test_an_output_folder_that_refuses_writes_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: permissions do not stop writes")
        with pytest.raises(OutputFileError) as err:
            write_text(folder / "x.ris", "x")
        assert "Permission denied" in err.value.message and err.value.hint
    finally:
        folder.chmod(0o755)
