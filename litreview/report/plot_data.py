"""The numbers behind ``litreview plot``: what each figure draws, as typed values.

Kept apart from the drawing (``report.plots``) so the figures' numbers can be
checked against the JSON the CLI prints (``status --json``, ``agreement --json``,
``simulate --json``) without a plotting library, and reused by the HTML report.
Every value comes from the functions those commands use, never from a second count.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.errors import ImportFormatError, InvalidValue
from litreview.report.log_tables import works_by_source_label
from litreview.report.status import review_status
from litreview.screening.progress import labels_in_screening_order
from litreview.screening.simulate import order_metrics
from litreview.screening.stopping import default_rule, make_rules
from litreview.screening.team import stage_agreement
from litreview.storage import decisions as decisions_store
from litreview.storage import events as events_store
from litreview.storage.review import Review

TRACE_COLUMNS = ("file", "seed", "position", "record_id", "label", "is_prior")


@dataclass(frozen=True)
class StopMark:
    rule: str
    stopped_after: int | None  # records screened when it said stop; None: never stopped
    found: int | None


@dataclass(frozen=True)
class SeedCurve:
    """One simulated screening order: includes found after each record screened."""

    seed: int
    found: tuple[int, ...]  # found[i] = relevant records among the first i + 1 screened
    relevant: int
    wss95: float
    screened_to_95: int
    stops: tuple[StopMark, ...]

    @property
    def records(self) -> int:
        return len(self.found)


@dataclass(frozen=True)
class TraceRecall:
    """Curves of one labelled file from a ``simulate --trace-out`` file."""

    file: str
    curves: tuple[SeedCurve, ...]
    default_rule: str


@dataclass(frozen=True)
class LiveRecall:
    """Includes found so far in one screening stage, and what the stopping rules say."""

    stage: str
    label: str
    found: tuple[int, ...]  # cumulative includes after each screened record
    total: int  # records in the stage (screened + left)
    default_rule: str
    default_says_stop: bool
    recall: float | None
    recall_lower: float | None
    recall_upper: float | None
    recall_target: float
    stopped: bool

    @property
    def screened(self) -> int:
        return len(self.found)

    @property
    def includes(self) -> int:
        return self.found[-1] if self.found else 0


@dataclass(frozen=True)
class Progress:
    """Decisions per day per reviewer, and includes per block of 100 screened."""

    stage: str
    days: tuple[str, ...]  # ISO dates, oldest first, every day with a decision
    per_reviewer: dict[str, tuple[int, ...]]  # reviewer -> decisions on each of ``days``
    block: int
    includes_per_block: tuple[int, ...]  # includes among records 1-100, 101-200, ...
    block_sizes: tuple[int, ...]  # records in each block (the last may be short)


@dataclass(frozen=True)
class SourceOverlap:
    """Per source: distinct works; per combination of sources: works found by exactly it."""

    sources: tuple[str, ...]
    works: dict[str, int]  # source -> works it found (after deduplication)
    records: dict[str, int]  # source -> records imported from it
    combinations: tuple[tuple[tuple[str, ...], int], ...]  # exact set -> works, largest first


@dataclass(frozen=True)
class AgreementTable:
    """The two reviewers' decisions side by side, with the agreement statistics."""

    stage: str
    reviewers: tuple[str, str]
    categories: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # counts[i][j]: first said categories[i], second j
    both_decided: int
    percent_agreement: float | None
    cohen_kappa: float | None
    pabak: float | None


# ---- recall from a simulate trace ------------------------------------------------------


def read_trace(path: str | Path) -> list[TraceRecall]:
    """The curves of a ``simulate --trace-out`` file, one ``TraceRecall`` per labelled file.

    Columns beyond the six of CLI.md are ignored; a row that breaks the format is
    reported by its line."""

    name = str(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    rows: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in TRACE_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportFormatError(
                    f"missing column(s) {', '.join(missing)}",
                    path=name,
                    line=1,
                    hint="give the file 'litreview simulate --trace-out FILE' wrote",
                )
            for line, row in enumerate(reader, start=2):
                try:
                    seed, position = int(row["seed"]), int(row["position"])
                    label, prior = int(row["label"]), int(row["is_prior"])
                except (TypeError, ValueError):
                    raise ImportFormatError(
                        "seed, position, label and is_prior must be whole numbers",
                        path=name,
                        line=line,
                        hint="give the file 'litreview simulate --trace-out FILE' wrote",
                    ) from None
                if not prior:
                    rows[(row["file"], seed)].append((position, label))
    except FileNotFoundError as exc:
        raise ImportFormatError("no such file", path=name) from exc
    except UnicodeDecodeError as exc:
        raise ImportFormatError("not UTF-8 text", path=name) from exc
    if not rows:
        raise ImportFormatError(
            "no screened records", path=name, hint="the trace has a header only"
        )
    by_file: dict[str, list[SeedCurve]] = defaultdict(list)
    for (file, seed), positioned in rows.items():
        labels = [label for _, label in sorted(positioned)]
        relevant = sum(labels)
        if relevant == 0:
            continue
        metrics = order_metrics(labels)
        stops = tuple(
            StopMark(rule, outcome.stopped_after, outcome.found)
            for rule, outcome in (
                (n, r.stop_point(_array(labels), len(labels)))
                for n, r in make_rules(random_state=seed).items()
            )
        )
        by_file[file].append(
            SeedCurve(
                seed,
                _cumulative(labels),
                relevant,
                float(metrics["wss95"]),
                int(metrics["screened_to_95"]),
                stops,
            )
        )
    if not by_file:
        raise InvalidValue(
            f"{name}: no run found a relevant record", hint="simulate a file with included records"
        )
    return [
        TraceRecall(file, tuple(sorted(curves, key=lambda c: c.seed)), default_rule().name)
        for file, curves in by_file.items()
    ]


def _array(labels: Sequence[int]) -> Any:
    import numpy as np  # heavy: numpy

    return np.asarray(labels, dtype=np.int64)


def _cumulative(labels: Sequence[int]) -> tuple[int, ...]:
    out, total = [], 0
    for y in labels:
        total += int(y)
        out.append(total)
    return tuple(out)


# ---- the live review -------------------------------------------------------------------


def screening_stages(review: Review) -> list[str]:
    return [s.name for s in review.protocol.stages if s.kind == "screening"]


def _check_stage(review: Review, stage: str | None, kinds: Sequence[str]) -> str:
    names = [s.name for s in review.protocol.stages if s.kind in kinds]
    if stage is None:
        if not names:
            raise InvalidValue("the protocol has no screening stage")
        return names[0]
    if stage not in names:
        raise InvalidValue(f"no stage {stage!r} to plot", hint=f"stages: {', '.join(names)}")
    return stage


def live_recall(
    review: Review, stage: str | None = None, status: dict[str, Any] | None = None
) -> LiveRecall:
    """Includes found so far at ``stage`` (default: the first screening stage), with the
    recall estimate and the default rule's verdict exactly as ``status --json`` says."""

    stage = _check_stage(review, stage, ("screening",))
    status = status if status is not None else review_status(review)
    report = status["stopping"][stage]
    estimate = report.get("recall_estimate") or {}
    rule = str(report["default_rule"])
    verdict = report.get("rules", {}).get(rule, {})
    return LiveRecall(
        stage=stage,
        label=review.protocol.stage(stage).label,
        found=_cumulative(labels_in_screening_order(review, stage)),
        total=int(report["total"]),
        default_rule=rule,
        default_says_stop=bool(verdict.get("stop")),
        recall=estimate.get("recall"),
        recall_lower=estimate.get("lower"),
        recall_upper=estimate.get("upper"),
        recall_target=float(report["recall_target"]),
        stopped=bool(report.get("stopped")),
    )


def cumulative_includes(review: Review, stage: str) -> tuple[int, ...]:
    """Includes found after each record screened at ``stage``, in screening order."""

    return _cumulative(labels_in_screening_order(review, stage))


def progress(review: Review, stage: str | None = None, block: int = 100) -> Progress:
    """Each reviewer's current decision on each record at ``stage``, counted on the day
    (UTC) it was made (a changed decision counts once, on the day of the change), and the
    includes among each ``block`` records screened, in screening order. With one reviewer
    the days add up to ``status``'s screened count."""

    stage = _check_stage(review, stage, ("screening", "fulltext"))

    day_of = {
        e.event_id: e.created_at[:10]
        for e in events_store.iter_live_events(review.db, ("decision",), stage=stage)
    }
    per_day: dict[str, Counter[str]] = defaultdict(Counter)
    for decisions in decisions_store.decisions_by_reviewer(review.db, stage).values():
        for reviewer, decision in decisions.items():
            per_day[reviewer or "(unnamed)"][day_of[decision.event_id]] += 1
    days = tuple(sorted({d for counts in per_day.values() for d in counts}))
    labels = labels_in_screening_order(review, stage)
    blocks = [labels[i : i + block] for i in range(0, len(labels), block)]
    return Progress(
        stage=stage,
        days=days,
        per_reviewer={r: tuple(per_day[r][d] for d in days) for r in sorted(per_day)},
        block=block,
        includes_per_block=tuple(sum(b) for b in blocks),
        block_sizes=tuple(len(b) for b in blocks),
    )


def source_overlap(review: Review) -> SourceOverlap:
    """Works (after deduplication) per source and per exact combination of sources, with
    the labels and counts of ``litreview table sources``."""

    found, records, arms = works_by_source_label(review)
    names = tuple(sorted(found, key=lambda lb: (arms[lb] == "other", lb.casefold())))
    by_work: dict[int, set[str]] = defaultdict(set)
    for label, works in found.items():
        for work in works:
            by_work[work].add(label)
    combos = Counter(tuple(n for n in names if n in labels) for labels in by_work.values())
    ordered = sorted(combos.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    return SourceOverlap(
        names, {n: len(found[n]) for n in names}, {n: records[n] for n in names}, tuple(ordered)
    )


def agreement_table(review: Review, stage: str | None = None) -> AgreementTable:
    """The decision table of the pair ``agreement --json`` reports, with its statistics."""

    if stage is None:
        dual = [
            s.name
            for s in review.protocol.stages
            if stage_agreement(review, s.name)["both_decided"]
        ]
        if not dual:
            raise InvalidValue(
                "no record was decided by two reviewers",
                hint="agreement needs dual screening (litreview agreement)",
            )
        stage = dual[0]
    stage = _check_stage(review, stage, ("screening", "fulltext"))
    stats = stage_agreement(review, stage)
    if not stats["both_decided"]:
        raise InvalidValue(
            f"no record at {stage!r} was decided by two reviewers",
            hint="choose a dual-screening stage with --stage",
        )
    first, second = (str(r) for r in stats["reviewers"])  # type: ignore[attr-defined]
    pairs = [
        (d[first].value, d[second].value)
        for d in decisions_store.decisions_by_reviewer(review.db, stage).values()
        if first in d and second in d
    ]
    order = ["include", "maybe", "exclude"]
    seen = {v for pair in pairs for v in pair}
    categories = tuple([c for c in order if c in seen or c != "maybe"] + sorted(seen - set(order)))
    counts = tuple(
        tuple(sum(1 for p in pairs if p == (a, b)) for b in categories) for a in categories
    )
    return AgreementTable(
        stage,
        (first, second),
        categories,
        counts,
        int(stats["both_decided"]),  # type: ignore[call-overload]
        _float(stats["percent_agreement"]),
        _float(stats["cohen_kappa"]),
        _float(stats["pabak"]),
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
