from __future__ import annotations

import os
from pathlib import Path

import pytest

from litreview.review import Review, create_review

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def shared_data_dir() -> Path:
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    return Path(env) if env else REPO.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip("../shared/data is not here")
    return path


@pytest.fixture
def review_path(tmp_path: Path) -> Path:
    return tmp_path / "review.db"


@pytest.fixture
def review(review_path: Path) -> Review:
    from litreview.protocol import load_template

    text, _ = load_template("default")
    r = create_review(review_path, text)
    yield r
    r.close()
