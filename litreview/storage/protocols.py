"""The protocol text, stored verbatim; the newest row is in force."""

from __future__ import annotations

import sqlite_utils

from litreview.storage._clock import now_iso
from litreview.storage.dual_sample import sync_dual_sample
from litreview.storage.view_settings import sync_view_settings


def save_protocol_text(db: sqlite_utils.Database, text: str, sha256: str, title: str | None) -> int:

    cur = db.execute(
        "INSERT INTO protocols (title, text, sha256, loaded_at) VALUES (?, ?, ?, ?)",
        [title, text, sha256, now_iso()],
    )
    sync_view_settings(db)  # the SQL views follow the protocol in force
    sync_dual_sample(db)  # (mode, sample_share and stages decide the dual sample)
    return int(cur.lastrowid or 0)


def find_protocol_text(db: sqlite_utils.Database) -> str | None:
    row = db.execute("SELECT text FROM protocols ORDER BY protocol_id DESC LIMIT 1").fetchone()
    return None if row is None else str(row[0])


def count_protocol_versions(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM protocols").fetchone()[0])
