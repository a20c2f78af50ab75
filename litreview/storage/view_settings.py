"""What the SQL views (migration ``m005_views``) need from the protocol, kept as tables.

The views replay the event log in SQL, so they must know each stage's position, kind
and screening mode, and the labels of its exclusion reasons. These rows are written
from the newest stored protocol text whenever one is saved (and by the migration for
reviews made before it). The text was validated when it was stored; it is only read
here, never interpreted further.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

import sqlite_utils

__all__ = ["protocol_text", "sync_view_settings"]


def _stage_rows(data: dict[str, Any]) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    screening = data.get("screening") or {}
    mode = str(screening.get("mode") or "single")
    dual_stages = set(screening.get("stages") or [])
    stages: list[tuple[object, ...]] = []
    reasons: list[tuple[object, ...]] = []
    for position, stage in enumerate(data.get("stages") or []):
        name = str(stage.get("name"))
        dual = mode != "single" and (not dual_stages or name in dual_stages)
        kind = str(stage.get("kind") or "screening")
        stages.append((name, position, kind, mode if dual else "single"))
        for number, reason in enumerate(stage.get("exclusion_reasons") or [], start=1):
            reasons.append((name, number, str(reason.get("code")), str(reason.get("label"))))
    return stages, reasons


def protocol_text(db: sqlite_utils.Database) -> str:
    """The newest stored protocol text, or the default template's (what Review.protocol reads)."""
    row = db.execute("SELECT text FROM protocols ORDER BY protocol_id DESC LIMIT 1").fetchone()
    if row is None:
        return (
            resources.files("litreview")
            .joinpath("templates", "default.toml")
            .read_text(encoding="utf-8")
        )
    return str(row[0])


def sync_view_settings(db: sqlite_utils.Database) -> None:
    """Rewrite ``screening_stages`` and ``exclusion_reasons`` from the newest protocol."""
    try:
        stages, reasons = _stage_rows(tomllib.loads(protocol_text(db)))
    except (tomllib.TOMLDecodeError, AttributeError, TypeError):
        stages, reasons = [], []  # the views then read every stage as single-reviewer
    db.execute("DELETE FROM screening_stages")
    db.execute("DELETE FROM exclusion_reasons")
    db.conn.executemany("INSERT INTO screening_stages VALUES (?, ?, ?, ?)", stages)
    db.conn.executemany("INSERT INTO exclusion_reasons VALUES (?, ?, ?, ?)", reasons)
