"""Labelled dedup sets that point into real exports instead of copying their records.

A label file is a CSV with ``file,position,group``: the export's file name (relative
to a folder of exports), the record's 1-based position in that file, and the
record's true work (any text; records with the same text are one work). Every
record of every file named must be labelled, so a file that changes is noticed.
Only ids and verdicts live in the repository; the records are read from the
exports, whose licences vary.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from litreview.dedup.records import DedupRecord
from litreview.errors import ImportFormatError
from litreview.ingest import parse_file

COLUMNS = ("file", "position", "group")


@dataclass(frozen=True)
class RisSet:
    records: list[DedupRecord]
    truth: dict[int, str]  # record id -> true work
    origin: dict[int, tuple[str, int]]  # record id -> (file, position)


def read_labels(path: Path) -> list[tuple[str, int, str]]:
    """``(file, position, group)`` rows of a label file, checked."""
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ImportFormatError(
                f"columns are {reader.fieldnames}",
                path=str(path),
                line=1,
                hint="a label file has exactly the columns file,position,group",
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            if not row["position"].isdigit() or not row["group"] or not row["file"]:
                raise ImportFormatError(
                    "needs a file name, a positive position and a group",
                    path=str(path),
                    line=line,
                    hint="fill the row in or delete it",
                )
            rows.append((row["file"], int(row["position"]), row["group"]))
    return rows


def load_ris_set(path: Path, exports: Path) -> RisSet:
    """Records of every export a label file names, ids 1..n in label-file order."""
    labels = read_labels(path)
    parsed = {name: parse_file(exports / name) for name in sorted({f for f, _, _ in labels})}
    records, truth, origin = [], {}, {}
    seen: set[tuple[str, int]] = set()
    for number, (name, position, group) in enumerate(labels, start=1):
        found = parsed[name].records
        if not 1 <= position <= len(found) or (name, position) in seen:
            raise ImportFormatError(
                f"position {position} of {name} is out of range or labelled twice",
                path=str(path),
                line=number + 1,
                hint="label each record once",
            )
        seen.add((name, position))
        records.append(DedupRecord.from_fields(number, found[position - 1].fields))
        truth[number] = group
        origin[number] = (name, position)
    missing = sum(len(p.records) for p in parsed.values()) - len(seen)
    if missing:
        raise ImportFormatError(
            f"{missing} record(s) of the named exports have no label",
            path=str(path),
            hint="label every record of each export the file names",
        )
    return RisSet(records, truth, origin)
