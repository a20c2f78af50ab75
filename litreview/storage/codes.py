"""Codebook codes derived from the event log.

``litreview.coding.codes`` writes one ``code`` event per coding action: ``record_id`` =
the study (or the report, for dimensions with ``applies_to = "report"``),
``value`` = the dimensions set (comma-separated, for reading the log),
``payload`` = ``{"codes": {dimension: {"values": [...], "detail": str|null,
"text": str|null} | null}}`` where null clears the dimension. Later events
replace earlier ones dimension by dimension. Study codes are attributed to the
study their record belongs to *now* (``links``: report -> study).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from litreview.models import Event
from litreview.storage.events import append_event, iter_live_events
from litreview.storage.fulltext import to_work
from litreview.storage.works import group_map


@dataclass(frozen=True)
class CodeValue:
    """A study's code on one dimension: value *names* (choice dimensions), the coder's
    wording of them (``detail``), or free ``text`` (text dimensions)."""

    values: tuple[str, ...]
    detail: str | None = None
    text: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.values and not self.text and not self.detail


def _to_payload(code: CodeValue | None) -> dict[str, Any] | None:
    if code is None or code.is_empty:
        return None
    return {"values": list(code.values), "detail": code.detail, "text": code.text}


def _from_payload(data: Any) -> CodeValue | None:
    if data is None:
        return None
    return CodeValue(
        tuple(str(v) for v in data.get("values", [])), data.get("detail"), data.get("text")
    )


def append_codes(
    db: sqlite_utils.Database,
    target_id: int,
    codes: Mapping[str, CodeValue | None],
    *,
    reviewer: str | None,
    origin: str | None = None,
) -> int:
    """One event setting (or, with None / an empty CodeValue, clearing) ``codes``."""
    payload: dict[str, Any] = {"codes": {dim: _to_payload(c) for dim, c in codes.items()}}
    if origin is not None:
        payload["origin"] = origin
    return append_event(
        db, "code", record_id=target_id, value=",".join(codes), reviewer=reviewer, payload=payload
    )


def current_codes(
    db: sqlite_utils.Database,
    links: Mapping[int, int],
    *,
    reviewer: str | None = None,
    report_dimensions: Collection[str] = (),
) -> tuple[dict[int, dict[str, CodeValue]], dict[int, dict[str, CodeValue]]]:
    """(study id -> dimension -> code, report id -> dimension -> code) from live events;
    ``report_dimensions`` are kept per report, every other dimension per study."""
    groups = group_map(db)
    studies: dict[int, dict[str, CodeValue | None]] = {}
    reports: dict[int, dict[str, CodeValue | None]] = {}
    for event in iter_live_events(db, ("code",)):
        if reviewer is not None and event.reviewer != reviewer:
            continue
        work = to_work(groups, event.record_id)
        given = (event.payload or {}).get("codes", {})
        assert isinstance(given, dict)
        for dim, data in given.items():
            if dim in report_dimensions:
                reports.setdefault(work, {})[dim] = _from_payload(data)
            else:
                studies.setdefault(links.get(work, work), {})[dim] = _from_payload(data)
    return _drop_cleared(studies), _drop_cleared(reports)


def _drop_cleared(
    found: dict[int, dict[str, CodeValue | None]],
) -> dict[int, dict[str, CodeValue]]:
    kept = {key: {d: c for d, c in dims.items() if c is not None} for key, dims in found.items()}
    return {key: dims for key, dims in kept.items() if dims}


def find_last_code_event(
    db: sqlite_utils.Database,
    links: Mapping[int, int],
    *,
    reviewer: str | None,
    target_ids: Collection[int] | None = None,
) -> Event | None:
    """The newest live code event (by ``reviewer``; on ``target_ids`` if given, matched
    by the study or the report it was recorded on)."""
    groups = group_map(db)
    last = None
    for event in iter_live_events(db, ("code",)):
        if reviewer is not None and event.reviewer != reviewer:
            continue
        work = to_work(groups, event.record_id)
        if target_ids is None or work in target_ids or links.get(work, work) in target_ids:
            last = event
    return last
