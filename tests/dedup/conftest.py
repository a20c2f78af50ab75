from __future__ import annotations

from pathlib import Path

import pytest
from dedup_helpers import shared_dedup_dir


@pytest.fixture
def shared_dedup() -> Path:
    path = shared_dedup_dir()
    if not path.is_dir():
        pytest.skip("../shared/data/dedup is not here")
    return path
