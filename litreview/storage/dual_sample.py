"""Which works are screened twice in ``dual-sample`` screening, kept as the ``dual_sample`` table.

Sample membership is a seeded hash (``in_sample``: sha256 of ``review_id:stage:work_id``
below the protocol's ``sample_share``). ``state.decisions`` applies the rule in Python; the
SQL views (``effective_decision_events``, ``work_decisions``) cannot compute a sha256 in the
plain ``sqlite3`` shell, so they read the table instead.

The table holds every *record* id whose draw falls in the sample, not only today's work ids:
a work's id is the smallest record id of its duplicate group, so whatever deduplication
merges or splits, the work's id is a record id already in (or rightly absent from) the table.
The table therefore changes only when the protocol changes (``sync_dual_sample``, a full
rebuild) or records are added (``extend_dual_sample``, the new records only).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable

import sqlite_utils

from litreview.storage import meta
from litreview.storage.view_settings import protocol_text

__all__ = ["DEFAULT_SAMPLE_SHARE", "extend_dual_sample", "in_sample", "sync_dual_sample"]

DEFAULT_SAMPLE_SHARE = 0.2  # what an unset ``sample_share`` means


def in_sample(review_id: str, stage: str, work_id: int, share: float) -> bool:
    """The one rule: whether ``work_id`` is in ``stage``'s dual sample of ``share``."""
    digest = hashlib.sha256(f"{review_id}:{stage}:{work_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _sample_stages(db: sqlite_utils.Database) -> list[str]:
    """The stages screened in ``dual-sample`` mode (``screening_stages`` follows the protocol)."""
    sql = "SELECT stage FROM screening_stages WHERE mode = 'dual-sample' ORDER BY position"
    return [str(r[0]) for r in db.execute(sql)]


def _share(db: sqlite_utils.Database) -> float:
    try:
        screening = tomllib.loads(protocol_text(db)).get("screening") or {}
        share = screening.get("sample_share")
        return DEFAULT_SAMPLE_SHARE if share is None else float(share)
    except (tomllib.TOMLDecodeError, AttributeError, TypeError, ValueError):
        return DEFAULT_SAMPLE_SHARE  # the text was validated when stored: not expected


def _insert(db: sqlite_utils.Database, stages: list[str], record_ids: Iterable[int]) -> None:
    review_id = meta.get_meta(db, "review_id") or ""  # what Review.review_id falls back to
    share = _share(db)
    ids = list(record_ids)
    for stage in stages:
        db.conn.executemany(
            "INSERT OR IGNORE INTO dual_sample (stage, work_id) VALUES (?, ?)",
            ((stage, r) for r in ids if in_sample(review_id, stage, r, share)),
        )


def sync_dual_sample(db: sqlite_utils.Database) -> None:
    """Rewrite ``dual_sample`` from the protocol in force; run after ``sync_view_settings``.

    The caller owns the transaction (about 0.3 s per dual-sample stage at 250,000 records).
    """
    db.execute("DELETE FROM dual_sample")
    stages = _sample_stages(db)
    if stages:
        _insert(db, stages, (int(r[0]) for r in db.execute("SELECT record_id FROM records")))


def extend_dual_sample(db: sqlite_utils.Database, after_record_id: int) -> None:
    """Add the records with ids above ``after_record_id`` (just imported) to ``dual_sample``.

    Costs one small query unless the protocol screens a dual sample. The caller owns the
    transaction, so records and their sample rows are stored together or not at all.
    """
    stages = _sample_stages(db)
    if stages:
        rows = db.execute("SELECT record_id FROM records WHERE record_id > ?", [after_record_id])
        _insert(db, stages, (int(r[0]) for r in rows))
