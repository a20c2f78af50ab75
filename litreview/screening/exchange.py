"""Moving one reviewer's decisions between copies of a review (offline dual screening).

Records are identified by their provenance (source file hash and position), and
events by a fingerprint of what they say, so merging the same file twice
changes nothing and a file from another review or protocol version is refused.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from litreview.errors import ImportFormatError, InvalidValue
from litreview.models import Event
from litreview.screening.incoming import IncomingEvent, check_incoming
from litreview.storage import events as events_store
from litreview.storage import protocols
from litreview.storage.output_files import write_text
from litreview.storage.records import record_provenance
from litreview.storage.review import Review

FORMAT = "litreview-decisions"
KINDS = ("decision", "resolution", "undo")


def _fingerprint(event: Event, where: tuple[str, int] | None, reverts: str | None) -> str:
    data = [
        event.kind,
        where,
        event.stage,
        event.value,
        event.reason,
        event.note,
        event.reviewer,
        event.created_at,
        reverts,
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def _fingerprints(review: Review) -> tuple[dict[int, str], dict[int, tuple[str, int]]]:
    """event id -> fingerprint for every exchangeable event of this copy."""
    where = record_provenance(review.db)
    found: dict[int, str] = {}
    for event in events_store.iter_events(review.db):
        if event.kind not in KINDS:
            continue
        reverts = found.get(event.reverts_event_id) if event.reverts_event_id else None
        key = where.get(event.record_id) if event.record_id is not None else None
        found[event.event_id] = _fingerprint(event, key, reverts)
    return found, where


def _protocol_sha(review: Review) -> str:
    return review.protocol.sha256


def export_decisions(review: Review, reviewer: str, path: Path) -> int:
    """Write ``reviewer``'s decisions, resolutions and undos to ``path``; returns the count."""
    prints, where = _fingerprints(review)
    rows: list[dict[str, Any]] = []
    for event in events_store.iter_events(review.db):
        if event.kind not in KINDS or event.reviewer != reviewer:
            continue
        rows.append(
            {
                "fingerprint": prints[event.event_id],
                "kind": event.kind,
                "record": list(where[event.record_id]) if event.record_id is not None else None,
                "stage": event.stage,
                "value": event.value,
                "reason": event.reason,
                "note": event.note,
                "reviewer": event.reviewer,
                "payload": event.payload,
                "created_at": event.created_at,
                "reverts": prints.get(event.reverts_event_id) if event.reverts_event_id else None,
            }
        )
    document = {
        "format": FORMAT,
        "version": 1,
        "review_id": review.review_id,
        "protocol_sha256": _protocol_sha(review),
        "protocol_versions": protocols.count_protocol_versions(review.db),
        "reviewer": reviewer,
        "events": rows,
    }
    write_text(path, json.dumps(document, indent=1, ensure_ascii=False))
    return len(rows)


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ImportFormatError(f"not a decisions file ({exc})", path=str(path)) from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportFormatError(
            "not a litreview decisions file",
            path=str(path),
            hint="make one with 'litreview export-decisions'",
        )
    return document


_ROW_TYPES: dict[str, tuple[type, ...]] = {
    "fingerprint": (str,),
    "kind": (str,),
    "record": (list, type(None)),
    "stage": (str, type(None)),
    "value": (str, type(None)),
    "reason": (str, type(None)),
    "note": (str, type(None)),
    "reviewer": (str, type(None)),
    "payload": (dict, type(None)),
    "created_at": (str,),
    "reverts": (str, type(None)),
}


def _row_shape(row: object) -> str | None:
    """What is wrong with the shape of one entry of ``events``, or None."""
    if not isinstance(row, dict):
        return "not an object"
    for key, types in _ROW_TYPES.items():
        if key not in row:
            return f"{key!r} is missing"
        if not isinstance(row[key], types):
            return f"{key!r} has the wrong type"
    place = row["record"]
    if place is not None and not (
        len(place) == 2
        and isinstance(place[0], str)
        and isinstance(place[1], int)
        and not isinstance(place[1], bool)
    ):
        return "'record' is not [source file hash, position]"
    return None


def _check_file(
    review: Review,
    path: Path,
    document: dict[str, Any],
    by_place: dict[tuple[str, int], int],
    known_prints: set[str],
) -> list[Any]:
    """The events of the file, every one checked against the protocol and the schema
    (``check_incoming``); the whole file is refused at the first problems."""
    rows = document.get("events")
    reviewer = document.get("reviewer")
    if not isinstance(rows, list):
        raise ImportFormatError(
            "'events' is not a list",
            path=str(path),
            hint="make the file with 'litreview export-decisions'",
        )
    extra: list[str] = []
    incoming: list[IncomingEvent] = []
    prints = set(known_prints)
    for number, row in enumerate(rows, 1):
        where = f"event {number}"
        shape = _row_shape(row)
        if shape is not None:
            extra.append(f"{where}: {shape}")
            continue
        place = tuple(row["record"]) if row["record"] is not None else None
        data = [
            row["kind"],
            row["record"],
            row["stage"],
            row["value"],
            row["reason"],
            row["note"],
            row["reviewer"],
            row["created_at"],
            row["reverts"],
        ]
        if hashlib.sha256(json.dumps(data).encode()).hexdigest() != row["fingerprint"]:
            extra.append(
                f"{where}: its fingerprint does not match what it says "
                "(the file was edited or damaged)"
            )
        incoming.append(
            IncomingEvent(
                where=where,
                kind=row["kind"],
                stage=row["stage"],
                value=row["value"],
                reason=row["reason"],
                note=row["note"],
                reviewer=row["reviewer"],
                created_at=row["created_at"],
                record_known=place is None or place in by_place,
                reverts_known=None if row["reverts"] is None else row["reverts"] in prints,
            )
        )
        if row["kind"] in ("decision", "resolution") and place is None:
            extra.append(f"{where}: a {row['kind']} must name its record")
        prints.add(row["fingerprint"])
    check_incoming(
        review.protocol,
        incoming,
        reviewer=reviewer if isinstance(reviewer, str) else "",
        kinds=KINDS,
        path=str(path),
        extra=extra,
    )
    return rows


def merge_decisions(review: Review, path: Path) -> dict[str, int]:
    """Append the events of ``path`` that this copy lacks. Idempotent.

    Every event is checked first (kind, stage, decision, reason, reviewer = the file's
    reviewer, time, fingerprint); one bad event refuses the whole file."""
    document = _load(path)
    if document.get("review_id") != review.review_id:
        raise InvalidValue(
            f"{path} comes from a different review",
            hint="merge only files exported from a copy of this review",
        )
    if document.get("protocol_sha256") != _protocol_sha(review):
        raise InvalidValue(
            f"{path} was made under a different protocol version",
            hint="bring both copies to the same protocol first",
        )
    prints, where = _fingerprints(review)
    by_print = {fp: event_id for event_id, fp in prints.items()}
    by_place = {place: rid for rid, place in where.items()}
    own = {
        prints[e.event_id]
        for e in events_store.iter_events(review.db)
        if e.event_id in prints and e.reviewer == document.get("reviewer")
    }
    rows = _check_file(review, path, document, by_place, own)  # an undo reverts its own
    added = skipped = 0
    with review.db.atomic():
        for row in rows:
            if row["fingerprint"] in by_print:
                skipped += 1
                continue
            record_id = None
            if row["record"] is not None:
                record_id = by_place[(row["record"][0], row["record"][1])]
            reverts = by_print[row["reverts"]] if row["reverts"] else None
            new_id = events_store.append_event(
                review.db,
                row["kind"],
                record_id=record_id,
                stage=row["stage"],
                value=row["value"],
                reason=row["reason"],
                note=row["note"],
                reviewer=row["reviewer"],
                payload=row["payload"],
                reverts_event_id=reverts,
                created_at=row["created_at"],
            )
            by_print[row["fingerprint"]] = new_id
            added += 1
    return {"added": added, "already_present": skipped}
