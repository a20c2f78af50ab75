"""litreview: systematic literature reviews in the terminal."""

from __future__ import annotations

from litreview.errors import LitreviewError
from litreview.storage.review import Review, create_review, open_review

__all__ = ["LitreviewError", "Review", "create_review", "open_review"]
