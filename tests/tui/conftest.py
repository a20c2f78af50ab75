from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_helpers import DATA, protocol_text

from litreview.storage.review import Review, create_review


@pytest.fixture
def tui_review(tmp_path: Path) -> Iterator[Review]:
    """Eight records (one with a hostile title) in a fresh review, nothing screened."""
    from litreview.ingest.importer import import_files

    review = create_review(tmp_path / "r.db", protocol_text())
    import_files(review, [DATA / "screening.ris"])
    yield review
    review.close()
