"""Deduplicate 100,000 records built from the shared labelled dedup CSVs; report time and RSS.

Each labelled set is copied until there are enough records. Copy 0 is the
data as is; every other copy turns each true work into a new, different work
(a third of the title's words replaced, authors renamed, another year, volume,
pages and DOI), keeping the variation between the duplicates of that work. So
the truth stays known and quality is measured too.

    .venv/bin/python bench/dedup_bench.py [--records 100000] [--data ../shared/data/dedup]

Targets (issue 15, at 250,000 records): <= 60 s on 2 cores, peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

from litreview.dedup import DedupRecord, find_duplicates
from litreview.dedup.evaluate import load_labelled_csv, score_groups
from litreview.dedup.keys import words_of

ROOT = Path(__file__).resolve().parent.parent


def default_data() -> Path:
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    return (Path(env) if env else ROOT.parent / "shared" / "data") / "dedup"


def build(data: Path, target: int, seed: int = 7) -> tuple[list[DedupRecord], dict[int, str]]:
    base: list[tuple[DedupRecord, str]] = []
    for path in sorted(data.glob("*.csv")):
        labelled = load_labelled_csv(path)
        base += [(r, f"{path.stem}:{labelled.truth[r.record_id]}") for r in labelled.records]
    vocabulary = sorted({w for r, _ in base for w in words_of(r.title or "") if len(w) > 3})
    surnames = sorted({a.split(",")[0].split()[0] for r, _ in base for a in r.authors if a})
    rng = random.Random(seed)
    records: list[DedupRecord] = []
    truth: dict[int, str] = {}
    copy = 0
    while len(records) < target:
        variants: dict[str, dict[str, object]] = {}
        names = dict(zip(surnames, rng.sample(surnames, len(surnames)), strict=True))
        for record, work in base:
            if len(records) >= target:
                break
            if copy:
                change = variants.setdefault(work, _variant(rng, vocabulary, copy))
                record = _apply(record, change, names)
            new_id = len(records) + 1
            records.append(dataclasses.replace(record, record_id=new_id))
            truth[new_id] = f"{copy}:{work}"
        copy += 1
    return records, truth


def _variant(rng: random.Random, vocabulary: list[str], copy: int) -> dict[str, object]:
    return {
        "swap": rng.random(),
        "words": rng.sample(vocabulary, 12),
        "year": rng.randint(1980, 2024),
        "volume": str(rng.randint(1, 400)),
        "page": rng.randint(1, 3000),
        "doi": f"10.{9000 + copy}/bench.{rng.randrange(10**9)}",
    }


def _apply(record: DedupRecord, change: dict[str, object], names: dict[str, str]) -> DedupRecord:
    words = (record.title or "").split()
    swap_rng = random.Random(change["swap"])
    replacements = iter(change["words"])  # type: ignore[call-overload]
    for pos in sorted(swap_rng.sample(range(len(words)), max(1, len(words) // 3))):
        words[pos] = next(replacements, words[pos])
    authors = tuple(_rename(a, names) for a in record.authors)
    start = int(change["page"])  # type: ignore[call-overload]
    length = 0
    if record.start_page and record.end_page and record.start_page.isdigit():
        length = (
            max(0, int(record.end_page) - int(record.start_page))
            if record.end_page.isdigit()
            else 0
        )
    return dataclasses.replace(
        record,
        title=" ".join(words),
        authors=authors,
        year=int(change["year"]) if record.year else None,  # type: ignore[call-overload]
        volume=change["volume"] if record.volume else None,  # type: ignore[arg-type]
        start_page=str(start) if record.start_page else None,
        end_page=str(start + length) if record.end_page else None,
        doi=change["doi"] if record.doi else None,  # type: ignore[arg-type]
        journal=record.journal,
    )


def _rename(author: str, names: dict[str, str]) -> str:
    head = author.split(",")[0].split()[0] if author.strip() else ""
    return author.replace(head, names.get(head, head), 1) if head else author


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=default_data())
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 1
    records, truth = build(args.data, args.records)
    start, cpu = time.perf_counter(), time.process_time()
    result = find_duplicates(records)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = {
        "records": len(records),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),  # wall time is inflated when other work shares the cores
        "peak_rss_mb": round(peak_mb),
        "pairs_judged": len(result.pairs) + result.pairs_different,
        "needs_review": len(result.needs_review),
        **score_groups(result.groups, truth),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
