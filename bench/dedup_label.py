"""Draft a self-labelled dedup set from real exports, and list every pair the tools disagree on.

    .venv/bin/python bench/dedup_label.py NAME FILE.ris [FILE.ris ...] [--decisions D.txt]

Runs our engine and bib-dedupe (cached, as in bibdedupe_compare.py) on all records of
the named exports in ``../shared/data/ris``. Records are one work in the draft when
both tools group them, or when a hand decision says so. The decisions file holds
lines ``A B same`` or ``A B different`` (record numbers as printed: 1..n in file
order). Every pair the tools disagree on, and every pair either tool leaves for
review, is printed with both records so it can be judged by hand; pairs already
decided are not printed again. Writes ``tests/data/dedup/ris_sets/NAME.csv``
(file, position, group) with ``--write``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bibdedupe_compare import (  # noqa: E402
    OUT,
    ROOT,
    BenchSet,
    _row,
    ensure_venv,
    run_bibdedupe,
    shared_dir,
)

from litreview.dedup import DedupRecord, find_duplicates  # noqa: E402
from litreview.dedup.cluster import Groups  # noqa: E402
from litreview.ingest import parse_file  # noqa: E402


def show(r: DedupRecord, origin: tuple[str, int]) -> str:
    authors = "; ".join(r.authors[:3])
    return (
        f"    [{origin[0][:28]}#{origin[1]}] {r.year} | {r.title}\n"
        f"        {authors} | {r.journal} {r.volume}({r.issue}) {r.start_page}-{r.end_page}"
        f" | doi {r.doi} | {r.type}"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("files", nargs="+")
    parser.add_argument("--decisions", type=Path)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    exports = shared_dir() / "ris"
    records: list[DedupRecord] = []
    origin: dict[int, tuple[str, int]] = {}
    for name in args.files:
        for parsed in parse_file(exports / name).records:
            number = len(records) + 1
            records.append(DedupRecord.from_fields(number, parsed.fields))
            origin[number] = (name, parsed.position)
    bench = BenchSet(args.name, records, {}, [_row(r) for r in records])
    theirs = run_bibdedupe(ensure_venv(OUT / "bibdedupe-venv"), bench, refresh=False)
    ours = find_duplicates(records)
    ours_group = ours.groups
    bd_group = {r.record_id: r.record_id for r in records}
    for members in theirs["groups"]:
        ids = sorted(int(m) for m in members)
        for m in ids:
            bd_group[m] = ids[0]
    decided: dict[tuple[int, int], str] = {}
    if args.decisions and args.decisions.exists():
        for line in args.decisions.read_text().splitlines():
            parts = line.split("#")[0].split()
            if len(parts) == 3:
                a, b = sorted((int(parts[0]), int(parts[1])))
                decided[(a, b)] = parts[2]
    index = {r.record_id: i for i, r in enumerate(records)}
    truth = Groups(len(records))
    by_pair: dict[tuple[int, int], None] = {}
    ours_members = ours.members()
    for members in ours_members.values():
        for pos, a in enumerate(members):
            for b in members[pos + 1 :]:
                if bd_group[a] == bd_group[b]:
                    by_pair[(a, b)] = None
    for (a, b), verdict in decided.items():
        if verdict == "same":
            by_pair[(a, b)] = None
    for a, b in by_pair:
        truth.union(index[a], index[b])
    roots = truth.roots()
    contested: set[tuple[int, int]] = set()
    for groups in (ours_group, bd_group):
        members: dict[int, list[int]] = {}
        for rid, g in groups.items():
            members.setdefault(g, []).append(rid)
        for ms in members.values():
            ms.sort()
            for pos, a in enumerate(ms):
                for b in ms[pos + 1 :]:
                    if ours_group[a] != ours_group[b] or bd_group[a] != bd_group[b]:
                        contested.add((a, b))
    contested |= {(p.a, p.b) for p in ours.needs_review}
    contested |= {tuple(sorted((int(a), int(b)))) for a, b in theirs["maybe"]}  # type: ignore[misc]
    for a, b in sorted(contested):
        if (a, b) in decided:
            if decided[(a, b)] == "different" and roots[index[a]] == roots[index[b]]:
                print(f"CONFLICT: {a} {b} decided different but grouped", file=sys.stderr)
            continue
        if roots[index[a]] == roots[index[b]]:
            continue
        tag = ("lr" if ours_group[a] == ours_group[b] else "") + (
            "bd" if bd_group[a] == bd_group[b] else ""
        )
        print(f"{a} {b} ?   # {tag or 'review'}")
        print(show(records[index[a]], origin[a]))
        print(show(records[index[b]], origin[b]))
    n_works = len(set(roots.values()))
    print(f"# {len(records)} records, {n_works} works in the draft", file=sys.stderr)
    if args.write:
        target = ROOT / "tests" / "data" / "dedup" / "ris_sets" / f"{args.name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "position", "group"])
            for r in records:
                name, position = origin[r.record_id]
                work = records[roots[index[r.record_id]]].record_id
                writer.writerow([name, position, f"w{work}"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
