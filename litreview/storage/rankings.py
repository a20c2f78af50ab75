"""Stored ranking runs: the model settings and the order they produced."""

from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from litreview.storage._clock import now_iso


@dataclass(frozen=True)
class StoredRanking:
    run_id: int
    stage: str
    mode: str
    config: str
    n_labels: int
    n_records: int
    ranked: list[tuple[int, float]]  # (work id, score), best first; unlabelled works only
    created_at: str


def save_ranking(
    db: sqlite_utils.Database,
    *,
    stage: str,
    mode: str,
    config: str,
    random_state: int | None,
    n_labels: int,
    ranked: list[tuple[int, float]],
    reviewer: str | None = None,
) -> int:
    cur = db.execute(
        "INSERT INTO ranking_runs (stage, reviewer, mode, config, random_state, n_labels, "
        "n_records, ranked, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            stage,
            reviewer,
            mode,
            config,
            random_state,
            n_labels,
            n_labels + len(ranked),
            json.dumps(ranked),
            now_iso(),
        ],
    )
    run_id = int(cur.lastrowid or 0)
    # keep every run's settings for the audit trail, but only the newest orders
    db.execute(
        "UPDATE ranking_runs SET ranked = '[]' WHERE stage = ? AND reviewer IS ? "
        "AND run_id < ? AND ranked != '[]'",
        [stage, reviewer, run_id - 1],
    )
    return run_id


def find_latest_ranking(
    db: sqlite_utils.Database, stage: str, reviewer: str | None = None
) -> StoredRanking | None:
    row = db.execute(
        "SELECT run_id, stage, mode, config, n_labels, n_records, ranked, created_at "
        "FROM ranking_runs WHERE stage = ? AND reviewer IS ? ORDER BY run_id DESC LIMIT 1",
        [stage, reviewer],
    ).fetchone()
    if row is None:
        return None
    run_id, stage_, mode, config, n_labels, n_records, ranked, created_at = row
    pairs = [(int(w), float(s)) for w, s in json.loads(ranked)]
    return StoredRanking(run_id, stage_, mode, config, n_labels, n_records, pairs, created_at)


def find_latest_ranking_id(
    db: sqlite_utils.Database, stage: str, reviewer: str | None = None
) -> int | None:
    row = db.execute(
        "SELECT max(run_id) FROM ranking_runs WHERE stage = ? AND reviewer IS ?",
        [stage, reviewer],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def get_ranked(db: sqlite_utils.Database, run_id: int) -> list[tuple[int, float]]:
    row = db.execute("SELECT ranked FROM ranking_runs WHERE run_id = ?", [run_id]).fetchone()
    return [] if row is None else [(int(w), float(s)) for w, s in json.loads(row[0])]


def get_ranking_created_at(db: sqlite_utils.Database, run_id: int) -> str | None:
    row = db.execute("SELECT created_at FROM ranking_runs WHERE run_id = ?", [run_id]).fetchone()
    return None if row is None else str(row[0])
