"""Replay screening on a labelled CSV: ``litreview simulate`` (CLI.md, Screening).

Per seed: draw the priors exactly as ASReview does (``RandomState(seed).choice``
over the included rows, then a fresh ``RandomState(seed)`` over the excluded
ones), then screen in the ranker's order, retraining on the model config's
schedule, and measure the order. Priors are not counted as screened and the
prior relevant records are not counted in recall.

Once every relevant record has been found the rest of the order cannot change
any figure (every later label is 0), so the tail keeps the last ranking instead
of retraining; the trace still lists every record.

The ranking figures (WSS, recall at 10%, ...) and the ranking-based rules read
the ranker's order. The default rule (a random check) changes what is screened:
:func:`checked_order` replays it, serving the check's records where the
reviewer would screen them and retraining on their labels after a failed
check, and that order is the trace.
"""

from __future__ import annotations

import csv
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from litreview.errors import ImportFormatError, InvalidValue
from litreview.screening.random_check import RandomCheckRun, first_proposal
from litreview.screening.ranking import Features, ModelConfig, build_features, rank
from litreview.screening.simulation_result import (
    CheckedStop,
    MeanStop,
    OrderMetrics,
    RecallBounds,
    RuleStop,
    SeedRun,
    SimulationResult,
)
from litreview.screening.stopping import StopOutcome, default_rule, make_rules

__all__ = [
    "CheckedStop",
    "LabelledSet",
    "MeanStop",
    "OrderMetrics",
    "RecallBounds",
    "RuleStop",
    "SeedRun",
    "SimulationResult",
    "active_learning_order",
    "checked_order",
    "draw_priors",
    "load_labelled_csv",
    "order_metrics",
    "simulate",
    "write_trace",
]

Scorer = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class LabelledSet:
    path: str
    texts: list[tuple[str, str]]
    labels: np.ndarray
    record_ids: list[str]


def load_labelled_csv(path: str | Path, label_column: str = "label_included") -> LabelledSet:
    """Read ``title, abstract, label_included`` (and optional ``record_id``)."""
    name = str(path)
    required = ("title", "abstract", label_column)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [c for c in required if c not in columns]
            if missing:
                raise ImportFormatError(
                    f"missing column(s) {', '.join(missing)}",
                    path=name,
                    line=1,
                    hint=f"simulate needs a header with title, abstract and {label_column} "
                    "(0/1), and optionally record_id; --label-column names another label "
                    f"column (this file has: {', '.join(columns) or 'no header'})",
                )
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            "not UTF-8 text", path=name, hint="save the file as UTF-8 CSV"
        ) from exc
    except FileNotFoundError as exc:
        raise ImportFormatError("no such file", path=name) from exc
    texts, labels, ids = [], [], []
    for line, row in enumerate(rows, start=2):
        value = (row.get(label_column) or "").strip()
        if value not in ("0", "1", "0.0", "1.0"):
            raise ImportFormatError(
                f"{label_column} is {value!r}, not 0 or 1",
                path=name,
                line=line,
                hint="label every row 0 (excluded) or 1 (included)",
            )
        labels.append(int(float(value)))
        texts.append(((row.get("title") or ""), (row.get("abstract") or "")))
        ids.append((row.get("record_id") or "").strip() or str(line - 1))
    if not rows:
        raise ImportFormatError("no records", path=name, hint="the CSV has a header only")
    return LabelledSet(name, texts, np.asarray(labels, dtype=np.int64), ids)


def draw_priors(labels: np.ndarray, seed: int, n_included: int, n_excluded: int) -> np.ndarray:
    """ASReview's prior draw: included first, then excluded, each with a fresh RandomState(seed)."""
    inc, exc = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
    if len(inc) < n_included or len(exc) < n_excluded:
        raise InvalidValue(
            f"asked for {n_included} included and {n_excluded} excluded priors, "
            f"the file has {len(inc)} included and {len(exc)} excluded records",
            hint="lower --prior-included / --prior-excluded",
        )
    parts = []
    if n_included > 0:
        parts.append(np.random.RandomState(seed).choice(inc, n_included, replace=False))
    if n_excluded > 0:
        parts.append(np.random.RandomState(seed).choice(exc, n_excluded, replace=False))
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def schedule_retrain(config: ModelConfig) -> Callable[[int, int], bool]:
    """Retrain after every label up to a count, then when labels grew by a fraction."""

    def due(n_labels: int, last_fit: int) -> bool:
        if n_labels <= config.retrain_every_label_until:
            return True
        return n_labels >= math.ceil(last_fit * (1 + config.retrain_growth))

    return due


def active_learning_order(
    labels: np.ndarray,
    priors: np.ndarray,
    scorer: Scorer,
    retrain_due: Callable[[int, int], bool],
    enough: Callable[[int, int], bool] | None = None,
) -> np.ndarray:
    """The screening order of the non-prior records.

    ``scorer(labelled_indices, their_labels)`` returns a score for every record;
    the highest-scored unlabelled record is screened next (lowest index on a
    tie). Retraining happens when ``retrain_due(n_labels, n_labels_at_last_fit)``.
    ``enough(screened, found)``, when given, ends the run early (after the record
    that made it true): the order then lists only the records screened.
    """
    n = len(labels)
    is_labelled = np.zeros(n, dtype=bool)
    is_labelled[priors] = True
    labelled = list(priors.tolist())
    relevant = left = int(labels.sum() - labels[priors].sum())
    order: list[int] = []
    queue: np.ndarray = np.zeros(0, dtype=np.int64)
    head, last_fit = 0, -1
    while len(labelled) < n:
        if last_fit < 0 or retrain_due(len(labelled), last_fit):
            idx = np.asarray(labelled, dtype=np.int64)
            scores = scorer(idx, labels[idx])
            pool = np.flatnonzero(~is_labelled)
            queue, head, last_fit = pool[np.argsort(-scores[pool], kind="stable")], 0, len(labelled)
        while is_labelled[queue[head]]:
            head += 1
        pick = int(queue[head])
        is_labelled[pick] = True
        labelled.append(pick)
        order.append(pick)
        left -= int(labels[pick])
        if enough is not None and enough(len(order), relevant - left):
            break
        if left == 0:  # the rest cannot change any figure: keep the last ranking
            order.extend(int(i) for i in queue[head:] if not is_labelled[i])
            break
    return np.asarray(order, dtype=np.int64)


@dataclass(frozen=True)
class CheckedRun:
    """The default rule replayed: the real screening order (``order``, non-prior record
    indices, every record listed; those after ``stopped_after`` were left unscreened, in
    the last ranking's order), which of them were random-check records, and the rule's
    state at the end."""

    order: np.ndarray
    is_check: np.ndarray
    stopped_after: int | None
    found: int
    run: RandomCheckRun


def checked_order(
    labels: np.ndarray,
    priors: np.ndarray,
    scorer: Scorer,
    retrain_due: Callable[[int, int], bool],
    ranked: np.ndarray,
    seed: int,
    recall_target: float = 0.95,
    confidence: float = 0.95,
) -> CheckedRun:
    """Screen as the default rule has the reviewer do: ranked order (``ranked``, the
    ranker's order without checks, identical up to the first check) until a check is
    proposed, then the check's random records; after a failed check the ranker
    retrains on every label so far and ranked screening resumes."""
    n_pool = len(ranked)
    done = np.zeros(len(labels), dtype=bool)
    done[priors] = True
    y = labels[ranked]
    run = RandomCheckRun(
        n_pool,
        [seed],
        recall_target,
        confidence,
        proposal_at=first_proposal(y, n_pool, recall_target, confidence),
    )
    order: list[int] = []
    flags: list[bool] = []
    queue: np.ndarray = ranked
    head, last_fit, follow_ranked = 0, -1, True
    labelled = list(priors.tolist())
    while len(order) < n_pool and run.stopped_after is None:
        pick = run.next_check_record(lambda: np.flatnonzero(~done).tolist())
        from_check = pick is not None
        if pick is None:
            if not follow_ranked and retrain_due(len(labelled), last_fit):
                idx = np.asarray(labelled, dtype=np.int64)
                scores = scorer(idx, labels[idx])
                pool = np.flatnonzero(~done)
                queue = pool[np.argsort(-scores[pool], kind="stable")]
                head, last_fit = 0, len(labelled)
            while done[queue[head]]:
                head += 1
            pick = int(queue[head])
        done[pick] = True
        labelled.append(pick)
        order.append(pick)
        flags.append(from_check)
        run.observe(int(labels[pick]), from_check)
        if from_check and not run.in_check and run.stopped_after is None:
            follow_ranked, last_fit = False, -1  # a failed check: retrain on its labels
    found = int(labels[order].sum())
    rest = [int(i) for i in queue if not done[i]]  # every unscreened record is in the queue
    full = np.asarray(order + rest, dtype=np.int64)
    is_check = np.asarray(flags + [False] * len(rest), dtype=bool)
    return CheckedRun(full, is_check, run.stopped_after, found, run)


def order_metrics(found: Sequence[int] | np.ndarray) -> OrderMetrics:
    """WSS@95/100, recall at 10%, ATD for the labels of non-prior records in screening order."""
    y = np.asarray(found, dtype=np.int64)
    n, r = len(y), int(y.sum())
    if r == 0:
        raise InvalidValue(
            "no relevant record is left once the priors are drawn",
            hint="lower --prior-included, or use a file with more included records",
        )
    pos = np.flatnonzero(y) + 1  # records screened when each relevant one was found
    n95 = int(pos[math.ceil(0.95 * r) - 1])
    n100 = int(pos[-1])
    top10 = max(1, math.floor(0.10 * n))
    return {
        "wss95": (n - n95) / n - 0.05,
        "wss100": (n - n100) / n,
        "recall_at_10pct": float(y[:top10].sum() / r),
        "atd_pct": float(pos.mean() / n * 100),
        "screened_to_95": n95,
        "screened_to_100": n100,
    }


def _stops(y: np.ndarray, seed: int, checked: CheckedRun | None = None) -> dict[str, RuleStop]:
    """Each rule's stop along the ranker's order ``y``; the default rule's from its own
    replay (``checked``), whose ``stopped_after`` counts the check's records too."""
    r = int(y.sum())
    out: dict[str, RuleStop] = {}
    for name, rule in make_rules(random_state=seed).items():
        if checked is not None and name == default_rule().name:
            after, found = checked.stopped_after, checked.found
            interval = checked.run.interval()
            out[name] = CheckedStop(
                stopped_after=after,
                recall=1.0 if after is None else found / r,
                checks=len(checked.run.checks or []),
                check_records=int(checked.is_check[: after or len(y)].sum()),
                recall_estimate=None
                if interval is None
                else RecallBounds(
                    round(interval.recall, 4), round(interval.lower, 4), round(interval.upper, 4)
                ),
            )
            continue
        outcome: StopOutcome = rule.stop_point(y, len(y))
        recall = 1.0 if outcome.stopped_after is None else outcome.found / r
        out[name] = RuleStop(outcome.stopped_after, recall)
    return out


def _mean_stops(runs: Sequence[SeedRun]) -> dict[str, MeanStop]:
    """Means over seeds; ``stopped_after`` is None if the rule never stopped in some run
    (a run that never stops screened everything, so its recall is 1)."""
    out: dict[str, MeanStop] = {}
    for name in runs[0].stops:
        stops = [run.stops[name] for run in runs]
        after = [s.stopped_after for s in stops if s.stopped_after is not None]
        out[name] = MeanStop(
            float(np.mean(after)) if len(after) == len(stops) else None,
            float(np.mean([s.recall for s in stops])),
        )
    return out


def _learned_scorer(features: Features, config: ModelConfig, seed: int) -> Scorer:
    def score(idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        labels = dict(zip(idx.tolist(), y.tolist(), strict=True))
        return rank(None, labels, config, seed, features=features).scores

    return score


def simulate(
    path: str | Path,
    *,
    seeds: Sequence[int] = (1, 2, 3, 4, 5),
    prior_included: int = 1,
    prior_excluded: int = 1,
    config: ModelConfig | None = None,
    trace: IO[str] | None = None,
    label_column: str = "label_included",
    progress: Callable[[int], None] | None = None,
) -> SimulationResult:
    """Simulate screening of one labelled CSV (``to_json()`` of the result is CLI.md's
    JSON object).

    ``progress(1)`` is called after each seed. The trace is the default rule's real
    screening order (random-check records where they were screened).
    """
    started = time.perf_counter()
    config = config or ModelConfig()
    data = load_labelled_csv(path, label_column)
    features = build_features(data.texts, config)
    runs: list[SeedRun] = []
    metrics: list[OrderMetrics] = []
    for seed in seeds:
        priors = draw_priors(data.labels, seed, prior_included, prior_excluded)
        scorer = _learned_scorer(features, config, seed)
        due = schedule_retrain(config)
        order = active_learning_order(data.labels, priors, scorer, due)
        y = data.labels[order]
        m = order_metrics(y)
        metrics.append(m)
        checked = checked_order(data.labels, priors, scorer, due, order, seed)
        runs.append(SeedRun(seed, m["wss95"], m["screened_to_95"], _stops(y, seed, checked)))
        if trace is not None:
            write_trace(trace, data, seed, priors, checked.order, checked.is_check)
        if progress is not None:
            progress(1)
    return SimulationResult(
        file=data.path,
        records=len(data.labels),
        included=int(data.labels.sum()),
        seeds=tuple(seeds),
        wss95=float(np.mean([m["wss95"] for m in metrics])),
        wss100=float(np.mean([m["wss100"] for m in metrics])),
        recall_at_10pct=float(np.mean([m["recall_at_10pct"] for m in metrics])),
        atd_pct=float(np.mean([m["atd_pct"] for m in metrics])),
        screened_to_95=float(np.mean([m["screened_to_95"] for m in metrics])),
        screened_to_100=float(np.mean([m["screened_to_100"] for m in metrics])),
        stops=_mean_stops(runs),
        default_stop=default_rule().name,
        seconds=round(time.perf_counter() - started, 3),
        runs=tuple(runs),
    )


TRACE_HEADER = "file,seed,position,record_id,label,is_prior,is_check\n"


def write_trace(
    out: IO[str],
    data: LabelledSet,
    seed: int,
    priors: np.ndarray,
    order: np.ndarray,
    is_check: np.ndarray | None = None,
) -> None:
    """Rows ``file,seed,position,record_id,label,is_prior,is_check``; priors have position
    0; ``is_check`` marks records screened as part of a random check."""
    writer = csv.writer(out, lineterminator="\n")
    flags = np.zeros(len(order), dtype=bool) if is_check is None else is_check
    for i in priors.tolist():
        writer.writerow([data.path, seed, 0, data.record_ids[i], int(data.labels[i]), 1, 0])
    for position, (i, check) in enumerate(
        zip(order.tolist(), flags.tolist(), strict=True), start=1
    ):
        writer.writerow(
            [data.path, seed, position, data.record_ids[i], int(data.labels[i]), 0, int(check)]
        )
