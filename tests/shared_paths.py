"""Where ../shared/data is (used by path, never copied into the repository)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"
