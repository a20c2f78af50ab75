"""Two reviewers deciding and an import running at once: no lock errors, no lost events."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from litreview.ingest.importer import import_files
from litreview.protocol import load_template
from litreview.storage.db import integrity_ok
from litreview.storage.review import create_review, open_review

REPO = Path(__file__).resolve().parents[2]
RUN_SECONDS = 32.0


def test_two_writers_and_an_importer(tmp_path: Path, make_ris) -> None:
    db = tmp_path / "r.db"
    review = create_review(db, load_template("default")[0])
    import_files(review, [make_ris(tmp_path / "base.ris", 40_000)])
    review.close()
    deciders = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.reliability._workers", str(db), name, str(parity)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, parity in (("ann", 0), ("bob", 1))
    ]
    imported = 0
    start = time.monotonic()
    while time.monotonic() - start < RUN_SECONDS:
        path = make_ris(tmp_path / f"more{imported}.ris", 2_000, tag=f"batch {imported} ")
        done = subprocess.run(
            [sys.executable, "-m", "litreview", "--db", str(db), "import", str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        imported += 1
    for proc in deciders:
        proc.terminate()
    outputs = [proc.communicate(timeout=60) for proc in deciders]
    for _, err in outputs:
        assert "locked" not in err.lower()
    acknowledged = {
        name: [int(x) for x in out.split()]
        for name, (out, _) in zip(("ann", "bob"), outputs, strict=True)
    }
    assert all(len(ids) > 20 for ids in acknowledged.values()), acknowledged
    assert imported >= 3
    with open_review(db) as review:
        assert integrity_ok(review.db)
        assert (
            review.db.execute("SELECT count(*) FROM records").fetchone()[0]
            == 40_000 + 2_000 * imported
        )
        for name, ids in acknowledged.items():
            stored = [
                r[0]
                for r in review.db.execute(
                    "SELECT record_id FROM events WHERE kind = 'decision' AND reviewer = ? "
                    "ORDER BY event_id",
                    [name],
                )
            ]
            assert stored[: len(ids)] == ids  # nothing acknowledged is lost
            assert len(stored) == len(set(stored))  # nothing is written twice
