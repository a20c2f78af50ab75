"""SIGKILL in the middle of an import, a dedup run and a screening session loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from litreview.protocol import load_template
from litreview.storage.db import integrity_ok
from litreview.storage.review import create_review, open_review

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def litreview(db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "litreview", "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )


def run_ok(db: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "litreview", "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def new_review(path: Path) -> None:
    create_review(path, load_template("default")[0]).close()


def counts(db: Path) -> tuple[int, int, int]:
    with open_review(db) as review:
        assert integrity_ok(review.db)
        row = review.db.execute(
            "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM sources), "
            "(SELECT count(*) FROM dedup_groups)"
        ).fetchone()
    return tuple(row)


@pytest.mark.parametrize("delay", [0.4, 1.0, 2.0])
def test_killed_import_is_all_or_nothing(tmp_path: Path, make_ris, delay: float) -> None:
    db = tmp_path / "r.db"
    new_review(db)
    ris = make_ris(tmp_path / "big.ris", 20_000)
    proc = litreview(db, "import", str(ris))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    records, sources, _ = counts(db)
    assert (records, sources) in {(0, 0), (20_000, 1)}
    run_ok(db, "import", str(ris))
    assert counts(db)[:2] == (20_000, 1)


def test_killed_dedup_keeps_the_previous_groups(tmp_path: Path, make_ris) -> None:
    db = tmp_path / "r.db"
    new_review(db)
    ris = make_ris(tmp_path / "a.ris", 6_000)
    dup = make_ris(tmp_path / "b.ris", 6_000, tag="")  # same works again: 6,000 duplicates
    dup.write_text(dup.read_text(encoding="utf-8").replace("Abstract", "Summary"), encoding="utf-8")
    for path in (ris, dup):
        run_ok(db, "import", str(path))
    proc = litreview(db, "dedup")
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    groups = counts(db)[2]
    assert groups in (0, 12_000)
    run_ok(db, "dedup")
    assert counts(db)[2] == 12_000


def test_acknowledged_decisions_survive_a_kill(tmp_path: Path, make_ris) -> None:
    db = tmp_path / "r.db"
    new_review(db)
    run_ok(db, "import", str(make_ris(tmp_path / "a.ris", 3_000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability._workers", str(db), "ann", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
        cwd=REPO,
    )
    acknowledged = []
    deadline = time.monotonic() + 3.0
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert len(acknowledged) > 5
    with open_review(db) as review:
        assert integrity_ok(review.db)
        stored = [
            r[0]
            for r in review.db.execute(
                "SELECT record_id FROM events WHERE kind = 'decision' ORDER BY event_id"
            )
        ]
    assert stored[: len(acknowledged)] == acknowledged
    assert len(stored) == len(set(stored))
