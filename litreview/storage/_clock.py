from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    """The current time as ISO 8601 UTC with microseconds (event order is by id, not time)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
