"""Checking events that come into the log from outside (a decisions file, a codes CSV).

``litreview decide`` checks each decision as it is made; a file merged from another
copy of the review (``merge-decisions``), a codes spreadsheet (``import-codes``) or a
decisions import would otherwise put whatever it holds straight into the event log,
where one ``banana`` makes a record vanish from every count. ``check_incoming`` holds
every such event to the protocol and to the event schema, and refuses the whole file,
naming its first few problems, before anything is stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from litreview.errors import ImportFormatError
from litreview.protocol import Protocol

__all__ = [
    "DECISION_KINDS",
    "DECISION_VALUES",
    "IncomingEvent",
    "check_incoming",
    "incoming_problems",
    "reviewer_problem",
]

DECISION_KINDS = ("decision", "resolution")
DECISION_VALUES = ("include", "exclude", "maybe")
SHOWN = 5  # problems named in the error; the rest are counted
MAX_TEXT = 100_000  # characters in a note or reason
MAX_REVIEWER = 200
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # litreview did not exist before this
FUTURE_SLACK = timedelta(days=1)  # clocks of two reviewers' machines may differ


@dataclass(frozen=True)
class IncomingEvent:
    """One event read from a file, before it is stored.

    ``where`` names it in messages ("event 3", "row 4 (line 5)"). ``record_known`` is
    False when the file names a record this copy does not have; ``reverts_known`` is
    None for events that revert nothing, else whether the reverted event was found.
    ``created_at`` None means "stamped when stored".
    """

    where: str
    kind: str
    stage: str | None = None
    value: str | None = None
    reason: str | None = None
    note: str | None = None
    reviewer: str | None = None
    created_at: str | None = None
    record_known: bool = True
    reverts_known: bool | None = None


def reviewer_problem(name: object) -> str | None:
    """What is wrong with a reviewer name, or None: a short, printable, non-blank text."""
    if not isinstance(name, str) or not name.strip():
        return "the reviewer is missing"
    if len(name) > MAX_REVIEWER:
        return f"the reviewer name is longer than {MAX_REVIEWER} characters"
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        return f"the reviewer name {name!r} holds control or format characters"
    return None


def _timestamp_problem(text: object, now: datetime) -> str | None:
    if not isinstance(text, str):
        return "created_at is missing"
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return f"created_at {text[:40]!r} is not an ISO 8601 time"
    if stamp.tzinfo is None:
        return f"created_at {text[:40]!r} has no time zone"
    if stamp < EARLIEST or stamp > now + FUTURE_SLACK:
        return f"created_at {text[:40]!r} is not a plausible time (before 2000 or in the future)"
    return None


def _text_problem(name: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return f"{name} is not text"
    if len(value) > MAX_TEXT:
        return f"{name} is longer than {MAX_TEXT:,} characters"
    return None


def incoming_problems(
    protocol: Protocol,
    event: IncomingEvent,
    *,
    reviewer: str,
    kinds: Collection[str],
    now: datetime | None = None,
) -> list[str]:
    """Everything wrong with ``event`` (empty when it may be stored).

    ``reviewer`` is the one person the file speaks for: every event must be theirs.
    ``kinds`` are the event kinds this kind of file may carry.
    """
    now = now or datetime.now(UTC)
    found: list[str] = []
    if event.kind not in kinds:
        found.append(f"kind {event.kind!r} cannot be imported (only {', '.join(kinds)})")
        return found
    if event.reviewer != reviewer:
        problem = reviewer_problem(event.reviewer)
        found.append(
            problem or f"reviewer {event.reviewer!r} is not the file's reviewer {reviewer!r}"
        )
    stages = {s.name: s for s in protocol.stages}
    stage = stages.get(event.stage) if isinstance(event.stage, str) else None
    if stage is None:
        found.append(f"stage {event.stage!r} is not a stage of the protocol ({', '.join(stages)})")
    if not event.record_known:
        found.append("it names a record this copy does not have")
    if event.kind in DECISION_KINDS:
        if event.value not in DECISION_VALUES:
            found.append(f"decision {event.value!r} is not include, exclude or maybe")
        elif stage is not None and event.value == "exclude":
            codes = [r.code for r in stage.exclusion_reasons]
            if event.reason is None and stage.reason_required:
                found.append(f"an exclusion at stage {stage.name!r} needs a reason")
            elif event.reason is not None and codes and event.reason not in codes:
                found.append(
                    f"reason {event.reason!r} is not an exclusion reason of stage "
                    f"{stage.name!r} ({', '.join(codes)})"
                )
        if event.reverts_known is not None:
            found.append(f"a {event.kind} cannot revert another event")
    elif event.kind == "undo":
        if event.value is not None or event.reason is not None:
            found.append("an undo carries no decision or reason")
        if event.reverts_known is None:
            found.append("an undo must name the event it reverts")
        elif not event.reverts_known:
            found.append("the event it reverts is neither in the file nor in this copy")
    for name, value in (("reason", event.reason), ("note", event.note)):
        problem = _text_problem(name, value)
        if problem:
            found.append(problem)
    problem = _timestamp_problem(event.created_at, now) if event.created_at is not None else None
    if problem:
        found.append(problem)
    return found


def check_incoming(
    protocol: Protocol,
    events: Sequence[IncomingEvent],
    *,
    reviewer: str,
    kinds: Collection[str],
    path: str,
    extra: Sequence[str] = (),
) -> None:
    """Refuse the whole file at ``path`` if any event (or ``extra``, problems found
    while reading it) is wrong, naming the first few problems; nothing is stored."""
    problem = reviewer_problem(reviewer)
    problems = list(extra) + ([f"file: {problem}"] if problem else [])
    now = datetime.now(UTC)
    for event in events:
        problems += [
            f"{event.where}: {p}"
            for p in incoming_problems(protocol, event, reviewer=reviewer, kinds=kinds, now=now)
        ]
    if not problems:
        return
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    raise ImportFormatError(
        f"{len(problems)} problem(s), nothing imported: " + "; ".join(problems[:SHOWN]) + more,
        path=path,
        hint="this file does not hold events litreview could have written for this review: "
        "export it again from the other copy (litreview export-decisions), or fix those "
        "entries",
    )
