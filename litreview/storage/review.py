"""A review: one SQLite file plus the protocol stored in it."""

from __future__ import annotations

import hashlib
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import sqlite_utils

from litreview.protocol import load_protocol, load_template
from litreview.storage import db as storage_db
from litreview.storage import meta, protocols

if TYPE_CHECKING:
    from litreview.protocol import Protocol


class Review:
    """An open review file. Use as a context manager or call ``close()``."""

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path

    @cached_property
    def protocol(self) -> Protocol:

        text = protocols.find_protocol_text(self.db)
        if text is None:
            return load_template("default")[1]
        return load_protocol(text, path=f"{self.path} (stored protocol)")

    @property
    def review_id(self) -> str:
        return meta.get_meta(self.db, "review_id") or ""

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Review:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_review(path: str | Path) -> Review:
    """Open an existing review; raises ReviewNotFound or SchemaTooNew."""
    path = Path(path)
    return Review(storage_db.open_db(path), path)


def create_review(path: str | Path, protocol_text: str, *, force: bool = False) -> Review:
    """Create a review file holding ``protocol_text`` (already validated by the caller)."""
    import uuid  # heavy: uuid

    protocol = load_protocol(protocol_text)
    path = Path(path)
    db = storage_db.open_db(path, create=True, force=force)
    with db.atomic():
        meta.set_meta(db, "review_id", str(uuid.uuid4()))
        digest = hashlib.sha256(protocol_text.encode("utf-8")).hexdigest()
        protocols.save_protocol_text(db, protocol_text, digest, protocol.title)
    return Review(db, path)
