from __future__ import annotations

import os
from pathlib import Path

import pytest

from litreview.ingest import parse_file
from litreview.models import ParsedFile

DATA = Path(__file__).resolve().parents[1] / "data" / "ingest"


def shared_data_dir() -> Path:
    """../shared/data beside the repository, or $LITREVIEW_SHARED_DATA."""
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


SHARED_RIS = shared_data_dir() / "ris"
needs_shared = pytest.mark.skipif(not SHARED_RIS.is_dir(), reason="../shared/data is not here")


def parse_fixture(name: str) -> ParsedFile:
    return parse_file(DATA / name)
