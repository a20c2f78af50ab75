"""Screening decisions made in another tool, recorded as litreview events.

``litreview import FILE --decisions --stage STAGE`` imports FILE's records as usual and
then records the decisions the same file carries, so a team moves over without
screening again. Three kinds of file are understood, recognised from their content:

- **litreview's own CSV export**: the ``<stage>_decision`` and ``<stage>_reason``
  columns of the chosen stage (the reason as its label or code);
- **Rayyan** (RIS ``N1`` notes or the CSV ``notes`` column):
  ``RAYYAN-INCLUSION: {"Ann"=>"Included", "Bob"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS:
  wrong population``: each reviewer's decision under that reviewer's name (``--reviewer``
  takes only that reviewer's); each exclusion reason must name one of the stage's
  reasons by label or code, or the file is refused with the list;
- **ASReview** (or any file with a ``label_included`` or ``included`` column): 1 is
  include, 0 exclude, empty undecided; one reviewer, named by ``--reviewer``.

Matching: a decision goes to the work that **the same file's record** was imported as
(the file's records are matched by their position in the file, through the file's
SHA-256: importing a file a second time with ``--decisions`` finds the records of the
first import). Duplicates merged later keep the decision, as for any decision.

Every decision goes through ``litreview.screening.session.decide``, the function behind
``litreview decide``: unknown stages, works not in the stage and reasons that are not
the protocol's are refused the same way. Excludes without a reason get
``--exclude-reason`` (a number, code or label), which is required when the stage
requires reasons. A file's records and decisions are written in one transaction:
any refusal leaves the review as it was.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from litreview.errors import InvalidTransition, InvalidValue, RecordNotFound
from litreview.ingest import parse_file, scan_file
from litreview.ingest.importer import FileImport, ImportOptions, import_files
from litreview.models import ParsedRecord
from litreview.screening.session import decide
from litreview.screening.team import is_dual_stage
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage.review import Review

__all__ = [
    "DecisionsImport",
    "FileDecision",
    "import_with_decisions",
    "read_decisions",
]

_RAYYAN_INCLUSION = re.compile(r"RAYYAN-INCLUSION:\s*\{(.*?)\}", re.DOTALL)
_RAYYAN_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_RAYYAN_REASONS = re.compile(r"RAYYAN-EXCLUSION-REASONS:\s*([^|]*)")
_RAYYAN_VALUES = {"included": "include", "excluded": "exclude", "maybe": "maybe"}
_LABEL_COLUMNS = ("label_included", "included")
_LABEL_VALUES = {"1": "include", "0": "exclude", "1.0": "include", "0.0": "exclude"}
_DECISIONS = ("include", "exclude", "maybe")


@dataclass(frozen=True)
class FileDecision:
    """One decision as a file states it."""

    position: int  # the record's 1-based position in the file
    line: int | None
    decision: str  # include | exclude | maybe
    reviewer: str | None
    reasons: tuple[str, ...] = ()  # as the file names them


@dataclass(frozen=True)
class DecisionsImport:
    """What ``import --decisions`` recorded from one file."""

    path: str
    kind: str  # litreview | rayyan | asreview
    stage: str
    events: int
    decisions: dict[str, int]  # include/exclude/maybe -> count
    reviewers: tuple[str, ...]
    undecided: int  # records the file leaves undecided


def _raw(record: ParsedRecord) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in record.raw:
        found.setdefault(key.strip().lower(), []).append(value)
    return found


def _kind(records: list[ParsedRecord], stage: str) -> str | None:
    keys = {key for r in records[:50] for key in _raw(r)}
    if f"{stage.lower()}_decision" in keys:
        return "litreview"
    if any("RAYYAN-INCLUSION" in value for r in records for _, value in r.raw):
        return "rayyan"
    if keys & set(_LABEL_COLUMNS):
        return "asreview"
    return None


def _first(raw: dict[str, list[str]], *keys: str) -> str:
    for key in keys:
        for value in raw.get(key, []):
            if value.strip():
                return value.strip()
    return ""


def _rayyan(record: ParsedRecord, reviewer: str | None, path: str) -> list[FileDecision]:
    text = " | ".join(value for _, value in record.raw if "RAYYAN-" in value)
    inclusion = _RAYYAN_INCLUSION.search(text)
    if inclusion is None:
        return []
    reasons_text = _RAYYAN_REASONS.search(text)
    reasons = tuple(
        r.strip() for r in (reasons_text.group(1) if reasons_text else "").split(",") if r.strip()
    )
    found = []
    for name, said in _RAYYAN_PAIR.findall(inclusion.group(1)):
        decision = _RAYYAN_VALUES.get(said.strip().lower())
        if decision is None:
            if said.strip().lower() in ("undecided", ""):
                continue
            raise InvalidValue(
                f"{path}: record {record.position} (line {record.line}): Rayyan decision "
                f"{said!r} of {name!r} is not Included, Excluded or Maybe",
            )
        if reviewer is None or name == reviewer:
            found.append(
                FileDecision(
                    record.position,
                    record.line,
                    decision,
                    name,
                    reasons if decision == "exclude" else (),
                )
            )
    return found


def read_decisions(
    records: list[ParsedRecord], stage: str, *, reviewer: str | None, path: str
) -> tuple[str, list[FileDecision]]:
    """(kind of file, the decisions it states at ``stage``), in file order."""
    kind = _kind(records, stage)
    if kind is None:
        raise InvalidValue(
            f"{path}: no decisions found",
            hint=f"expected a {stage}_decision column (litreview's CSV export), Rayyan's "
            "RAYYAN-INCLUSION notes, or a label_included/included column (ASReview)",
        )
    found: list[FileDecision] = []
    for record in records:
        raw = _raw(record)
        if kind == "rayyan":
            found += _rayyan(record, reviewer, path)
            continue
        if kind == "litreview":
            value = _first(raw, f"{stage.lower()}_decision").lower()
            reason = _first(raw, f"{stage.lower()}_reason")
            if value and value not in _DECISIONS:
                raise InvalidValue(
                    f"{path}: line {record.line}: decision {value!r} is not one of "
                    "include, exclude, maybe"
                )
        else:
            label = _first(raw, *_LABEL_COLUMNS)
            value = _LABEL_VALUES.get(label, "")
            reason = ""
            if label and not value:
                raise InvalidValue(
                    f"{path}: line {record.line}: label {label!r} is not 1, 0 or empty",
                    hint="ASReview marks included records 1 and excluded records 0",
                )
        if value:
            found.append(
                FileDecision(
                    record.position, record.line, value, reviewer, (reason,) if reason else ()
                )
            )
    return kind, found


def _reason_codes(review: Review, stage: str) -> dict[str, str]:
    """Every way the file may name a reason (code, label, number; any case) -> its code."""
    reasons = review.protocol.stage(stage).exclusion_reasons
    names: dict[str, str] = {}
    for number, reason in enumerate(reasons, start=1):
        names[str(number)] = reason.code
        names[reason.code.casefold()] = reason.code
        names[reason.label.casefold()] = reason.code
    return names


def _reason_list(review: Review, stage: str) -> str:
    reasons = review.protocol.stage(stage).exclusion_reasons
    return "; ".join(f"{i}={r.code} ({r.label})" for i, r in enumerate(reasons, 1))


def _resolve_reasons(
    review: Review,
    stage: str,
    decisions: list[FileDecision],
    exclude_reason: str | None,
    path: str,
) -> list[tuple[FileDecision, str | None, str | None]]:
    """(decision, the reason code to record, a note) for each decision; refuses unknown
    reasons and missing ones where the stage requires them."""
    stage_def = review.protocol.stage(stage)
    names = _reason_codes(review, stage)
    unknown = sorted({r for d in decisions for r in d.reasons if r.casefold() not in names})
    if unknown and stage_def.exclusion_reasons:
        raise InvalidValue(
            f"{path}: exclusion reasons not in the protocol's stage {stage!r}: "
            + "; ".join(unknown),
            hint="rename them in the file, or add them to the protocol; the stage's "
            f"reasons are {_reason_list(review, stage)}",
        )
    fallback = None
    if exclude_reason is not None:
        fallback = names.get(exclude_reason.casefold())
        if fallback is None:
            raise InvalidValue(
                f"--exclude-reason {exclude_reason!r} is not a reason of stage {stage!r}",
                hint=f"use one of {_reason_list(review, stage)}",
            )
    bare = [d for d in decisions if d.decision == "exclude" and not d.reasons]
    if bare and fallback is None and stage_def.reason_required:
        raise InvalidValue(
            f"{path}: {len(bare)} excludes carry no reason and stage {stage!r} requires one "
            f"(first at line {bare[0].line})",
            hint=f"give --exclude-reason with one of {_reason_list(review, stage)}",
        )
    resolved: list[tuple[FileDecision, str | None, str | None]] = []
    for d in decisions:
        if d.decision != "exclude":
            resolved.append((d, None, None))
            continue
        codes = [names.get(r.casefold(), r) for r in d.reasons]
        note = f"reasons given: {'; '.join(d.reasons)}" if len(d.reasons) > 1 else None
        resolved.append((d, codes[0] if codes else fallback, note))
    return resolved


def _check_single_reviewer_stage(
    review: Review, stage: str, decisions: list[FileDecision], path: str
) -> None:
    if is_dual_stage(review, stage):
        return
    values: dict[int, set[str]] = {}
    for d in decisions:
        values.setdefault(d.position, set()).add(d.decision)
    split = [p for p, v in values.items() if len(v) > 1]
    if split:
        raise InvalidValue(
            f"{path}: reviewers disagree on {len(split)} records (first: record {split[0]}) "
            f"and stage {stage!r} takes one decision per record",
            hint="give --reviewer NAME to take one reviewer's decisions, or set "
            '[screening] mode = "dual" in the protocol to keep each reviewer\'s',
        )


def _need_reviewer(review: Review, stage: str, reviewer: str | None, path: str) -> None:
    if reviewer is None and is_dual_stage(review, stage):
        raise InvalidValue(
            f"{path}: whose decisions are these? stage {stage!r} is screened by two reviewers",
            hint="give --reviewer NAME",
        )


def _record_ids(review: Review, source_id: int) -> dict[int, int]:
    return {r.position: r.record_id for r in records_store.iter_records(review.db, source_id)}


def _source_of(review: Review, result: FileImport) -> int:
    if result.source_id is not None:
        return result.source_id

    found = sources_store.find_source_by_sha256(review.db, scan_file(result.path).sha256)
    assert found is not None, result.path  # import_files said it was imported before
    return found.source_id


def import_with_decisions(
    review: Review,
    paths: Iterable[Path],
    options: ImportOptions,
    *,
    stage: str,
    reviewer: str | None,
    exclude_reason: str | None = None,
) -> tuple[list[FileImport], list[DecisionsImport]]:
    """Import ``paths`` and record the decisions they carry at ``stage``: all or nothing."""
    names = [s.name for s in review.protocol.stages]
    if stage not in names:
        raise InvalidValue(f"unknown stage {stage!r}", hint=f"stages: {', '.join(names)}")
    paths = list(paths)
    summaries: list[DecisionsImport] = []
    with review.db.atomic():
        results = import_files(review, paths, options)
        for path, result in zip(paths, results, strict=True):
            parsed = parse_file(path)
            kind, decisions = read_decisions(
                parsed.records, stage, reviewer=reviewer, path=str(path)
            )
            if kind != "rayyan":
                _need_reviewer(review, stage, reviewer, str(path))
                decisions = [
                    FileDecision(d.position, d.line, d.decision, reviewer, d.reasons)
                    for d in decisions
                ]
            _check_single_reviewer_stage(review, stage, decisions, str(path))
            resolved = _resolve_reasons(review, stage, decisions, exclude_reason, str(path))
            record_ids = _record_ids(review, _source_of(review, result))
            for d, reason, note in resolved:
                try:
                    decide(
                        review,
                        record_ids[d.position],
                        d.decision,
                        stage=stage,
                        reviewer=d.reviewer,
                        reason=reason,
                        note=note,
                    )
                except (InvalidValue, InvalidTransition, RecordNotFound) as exc:
                    raise type(exc)(
                        f"{path}: line {d.line or '?'}: {exc.message}", hint=exc.hint
                    ) from exc
            decided = {d.position for d in decisions}
            summaries.append(
                DecisionsImport(
                    str(path),
                    kind,
                    stage,
                    len(decisions),
                    dict(Counter(d.decision for d in decisions)),
                    tuple(sorted({d.reviewer for d in decisions if d.reviewer})),
                    len(parsed.records) - len(decided),
                )
            )
    return results, summaries
