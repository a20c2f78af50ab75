"""``dedup-eval``: run deduplication on labelled CSVs and measure it.

A labelled CSV has ``record_id`` and ``group_id`` (the true duplicate group)
plus any of ``title, author, year, journal, volume, number, pages, doi,
abstract, isbn, entrytype``.

Besides pair precision/recall, mixed clusters and lost works, this reports
record-level sensitivity and specificity the way ASySD does (Hair et al.
2023, BMC Biology 21:189): TP are duplicates rightly removed, TN the records
rightly kept (unique records and the one record kept of each duplicate set).
Each predicted group keeps its representative and removes the rest: a removed
record is a TP when the record kept for it is the same work, else a FP; of the
records kept for one work the first is a TN and any other a FN (a duplicate
left in). Sensitivity = TP / (TP + FN), specificity = TN / (TN + FP).
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypedDict

from litreview.dedup.engine import find_duplicates
from litreview.dedup.records import DedupRecord, DedupResult
from litreview.errors import ImportFormatError
from litreview.storage.output_files import open_output

REQUIRED = ("record_id", "group_id")
# Hair et al. 2023, BMC Biology 21:189 (ASySD), Diabetes set
ASYSD_PUBLISHED = {"diabetes": {"sensitivity": 0.998, "specificity": 1.0}}


class RecordScores(TypedDict):
    """Record-level counts as ASySD reports them (see the module docstring)."""

    sensitivity: float
    specificity: float
    tp: int
    fp: int
    tn: int
    fn: int


class GroupScores(RecordScores):
    """Predicted groups against true groups: pairs, mixed clusters, lost works, and the
    record-level counts."""

    records: int
    true_works: int
    predicted_works: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    mixed_clusters: int
    lost_works: int


@dataclass(frozen=True)
class DedupMetrics:
    """One labelled file scored; ``to_json()`` is the object CLI.md documents for
    ``litreview dedup-eval --json`` (its keys first, in order, then the ASySD-style ones)."""

    file: str
    records: int
    true_works: int
    predicted_works: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    mixed_clusters: int
    lost_works: int
    needs_review: int
    seconds: float
    sensitivity: float
    specificity: float
    tp: int
    fp: int
    tn: int
    fn: int
    needs_review_true_duplicates: int  # pairs left for review that are true duplicates

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LabelledSet:
    records: list[DedupRecord]
    labels: dict[int, str]  # record id -> original record_id text
    truth: dict[int, str]  # record id -> true group


@dataclass(frozen=True)
class Evaluation:
    metrics: DedupMetrics
    result: DedupResult
    labels: dict[int, str]


def load_labelled_csv(path: str | Path) -> LabelledSet:
    """Read a labelled CSV into records with integer ids (digits of ``record_id`` if unique)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportFormatError(
                    f"missing column(s): {', '.join(missing)}",
                    path=str(path),
                    line=1,
                    hint="a labelled CSV needs record_id, group_id and bibliographic columns",
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ImportFormatError(f"cannot read: {exc}", path=str(path)) from exc
    names = [row["record_id"].strip() for row in rows]
    numbers = [_digits(name) for name in names]
    if None in numbers or len(set(numbers)) != len(numbers):
        numbers = list(range(1, len(rows) + 1))
    records, labels, truth = [], {}, {}
    for number, name, row in zip(numbers, names, rows, strict=True):
        assert number is not None
        records.append(DedupRecord.from_row(number, row))
        labels[number] = name
        truth[number] = (row.get("group_id") or "").strip() or name
    return LabelledSet(records, labels, truth)


def _digits(name: str) -> int | None:
    match = re.fullmatch(r"\D*(\d+)", name)
    return int(match.group(1)) if match else None


def evaluate_file(path: str | Path) -> DedupMetrics:
    """Metrics for one labelled CSV, keys as in CLI.md ``dedup-eval`` (plus ASySD-style ones)."""
    return run_evaluation(path).metrics


def run_evaluation(path: str | Path) -> Evaluation:
    data = load_labelled_csv(path)
    start = time.perf_counter()
    result = find_duplicates(data.records)
    seconds = time.perf_counter() - start
    scores = score_groups(result.groups, data.truth)
    metrics = DedupMetrics(
        file=str(path),
        records=scores["records"],
        true_works=scores["true_works"],
        predicted_works=scores["predicted_works"],
        pair_precision=scores["pair_precision"],
        pair_recall=scores["pair_recall"],
        pair_f1=scores["pair_f1"],
        mixed_clusters=scores["mixed_clusters"],
        lost_works=scores["lost_works"],
        needs_review=len(result.needs_review),
        seconds=round(seconds, 3),
        sensitivity=scores["sensitivity"],
        specificity=scores["specificity"],
        tp=scores["tp"],
        fp=scores["fp"],
        tn=scores["tn"],
        fn=scores["fn"],
        needs_review_true_duplicates=sum(
            1 for p in result.needs_review if data.truth[p.a] == data.truth[p.b]
        ),
    )
    return Evaluation(metrics, result, data.labels)


def score_groups(groups: Mapping[int, int], truth: Mapping[int, str]) -> GroupScores:
    """Compare predicted groups (id -> canonical id) with true groups (id -> label)."""
    cells = Counter((truth[r], canonical) for r, canonical in groups.items())
    true_sizes = Counter(truth[r] for r in groups)
    pred_sizes = Counter(groups.values())
    both = sum(_pairs(n) for n in cells.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    works_per_group: dict[int, set[str]] = defaultdict(set)
    for label, canonical in cells:
        works_per_group[canonical].add(label)
    kept = set(groups.values())
    represented = {truth[r] for r in kept}
    return {
        "records": len(groups),
        "true_works": len(true_sizes),
        "predicted_works": len(pred_sizes),
        "pair_precision": round(precision, 4),
        "pair_recall": round(recall, 4),
        "pair_f1": round(f1, 4),
        "mixed_clusters": sum(1 for works in works_per_group.values() if len(works) > 1),
        "lost_works": len(true_sizes) - len(represented),
        **asysd_scores(groups, truth),
    }


def asysd_scores(groups: Mapping[int, int], truth: Mapping[int, str]) -> RecordScores:
    """Record-level TP/FP/TN/FN, sensitivity and specificity as ASySD counts them."""
    tp = fp = 0
    kept_per_work: Counter[str] = Counter()
    for record, canonical in groups.items():
        if record == canonical:
            kept_per_work[truth[record]] += 1
        elif truth[record] == truth[canonical]:
            tp += 1
        else:
            fp += 1
    tn = len(kept_per_work)
    fn = sum(kept_per_work.values()) - tn
    return {
        "sensitivity": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        "specificity": round(tn / (tn + fp), 4) if tn + fp else 1.0,
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
    }


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def write_groups_csv(path: str | Path, evaluations: Sequence[Evaluation]) -> None:
    """``record_id,predicted_group_id`` for every record, ids as in the input files."""
    with open_output(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "predicted_group_id"])
        for ev in evaluations:
            for record, canonical in sorted(ev.result.groups.items()):
                writer.writerow([ev.labels[record], ev.labels[canonical]])
