from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "screen"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def tiny_csv() -> Path:
    return DATA / "tiny.csv"


@pytest.fixture
def screening_dir() -> Path:
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    root = Path(env) if env else REPO.parent / "shared" / "data"
    path = root / "screening"
    if not path.is_dir():
        pytest.skip("shared screening data is not here")
    return path
