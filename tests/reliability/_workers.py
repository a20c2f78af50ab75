"""Programs the reliability tests run in child processes (python -m tests.reliability._workers)."""

from __future__ import annotations

import sys
from pathlib import Path


def decide_forever(db: str, reviewer: str, parity: int) -> None:
    """Decide on works of one parity, printing each record id once its decision is stored."""
    from litreview.review import open_review
    from litreview.screen import session

    review = open_review(Path(db))
    stage = review.protocol.stages[0].name
    for work_id in session.stage_works(review, stage):
        if work_id % 2 != parity:
            continue
        session.decide(review, work_id, "include" if work_id % 3 else "exclude",
                       stage=stage, reviewer=reviewer)
        print(work_id, flush=True)


if __name__ == "__main__":
    decide_forever(sys.argv[1], sys.argv[2], int(sys.argv[3]))
