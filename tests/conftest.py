from __future__ import annotations

from pathlib import Path

import pytest
from shared_paths import shared_data_dir

from litreview.storage.review import Review, create_review

DATA = Path(__file__).resolve().parent / "data"


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
