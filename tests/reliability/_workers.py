"""Programs the reliability tests run in child processes (python -m tests.reliability._workers)."""

from __future__ import annotations

import sys
from pathlib import Path


def decide_forever(db: str, reviewer: str, parity: int) -> None:
    """Decide on works of one parity, printing each record id once its decision is stored."""
    from litreview.screening import session
    from litreview.storage.review import open_review

    review = open_review(Path(db))
    stage = review.protocol.stages[0].name
    for work_id in session.stage_works(review, stage):
        if work_id % 2 != parity:
            continue
        session.decide(
            review, work_id, "include" if work_id % 3 else "exclude", stage=stage, reviewer=reviewer
        )
        print(work_id, flush=True)


def write_slowly(target: str) -> None:
    """Write ``target`` through the one output path, stalling half-way (to be killed)."""
    import time

    from litreview.storage.output_files import open_output

    with open_output(target) as stream:
        stream.write("partial line\n" * 100_000)
        stream.flush()
        print("writing", flush=True)
        time.sleep(120)
        stream.write("end\n")


def backup_slowly(db: str, target: str) -> None:
    """Back the review up to ``target``, stalling after the first pages (to be killed)."""
    import time

    from litreview.storage.db import backup_review
    from litreview.storage.review import open_review

    def stall(status: int, remaining: int, total: int) -> None:
        print("copying", flush=True)
        time.sleep(120)

    review = open_review(Path(db))
    backup_review(review.db, Path(target), progress=stall)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write_slowly(sys.argv[2])
    elif sys.argv[1] == "backup":
        backup_slowly(sys.argv[2], sys.argv[3])
    else:
        decide_forever(sys.argv[1], sys.argv[2], int(sys.argv[3]))
