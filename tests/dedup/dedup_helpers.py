"""Shared helpers of the dedup tests (a plain module: conftest is not importable)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from litreview.dedup import DedupRecord

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "dedup"
REPO = Path(__file__).resolve().parent.parent.parent


def shared_dedup_dir() -> Path:
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    return (Path(env) if env else REPO.parent / "shared" / "data") / "dedup"


def rec(record_id: int, **fields: Any) -> DedupRecord:
    """A DedupRecord with empty defaults for the fields a test does not care about."""
    base: dict[str, Any] = {
        "title": None,
        "authors": (),
        "year": None,
        "journal": None,
        "volume": None,
        "issue": None,
        "start_page": None,
        "end_page": None,
        "doi": None,
        "abstract": None,
        "isbn": None,
    }
    base.update(fields)
    return DedupRecord(record_id=record_id, **base)
