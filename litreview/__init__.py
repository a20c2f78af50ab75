"""litreview: systematic literature reviews in the terminal."""

from __future__ import annotations

import typing

from litreview.errors import LitreviewError

if typing.TYPE_CHECKING:
    from litreview.storage.review import Review, create_review, open_review

__all__ = ["LitreviewError", "Review", "create_review", "open_review"]

#: Loaded on first use (PEP 562): the storage layer imports sqlite-utils (and pandas
#: where it is installed), which commands that never open a review, such as
#: ``simulate`` on a CSV, should not pay for at start-up.
_FROM_STORAGE = frozenset({"Review", "create_review", "open_review"})


def __getattr__(name: str) -> typing.Any:
    if name in _FROM_STORAGE:
        from litreview.storage import review  # lazy: start-up

        return getattr(review, name)
    raise AttributeError(f"module 'litreview' has no attribute {name!r}")
