"""litreview's dedup engine vs bib-dedupe 0.11.0, side by side on every labelled set.

    .venv/bin/python bench/bibdedupe_compare.py                 # every set, both tools
    .venv/bin/python bench/bibdedupe_compare.py --sets stroke --json-out bench/out/cmp.json

Sets: the labelled CSVs in ``../shared/data/dedup`` and the self-labelled sets in
``tests/data/dedup/ris_sets`` (each names real RIS exports in ``../shared/data/ris``
and labels their records by file and position; the records themselves are read
from the shared files, never copied into the repository).

bib-dedupe is pip-installed into a scratch venv under ``bench/out/`` (gitignored;
``--venv`` to move it) and is never a litreview dependency. It runs in a child
process: ``prep -> block -> match -> cluster`` on the same rows our engine gets,
and its output (groups, "maybe" pairs, seconds) is cached per set and input hash
in ``bench/out/bibdedupe-cache/``, so a re-run only times it again with
``--refresh``. Our engine runs in this process; each time is wall time around
the deduplication call only (records already in memory, for both tools).

Per set and tool: pair precision/recall, mixed clusters (a predicted group
holding two true works), record-level sensitivity/specificity (ASySD's
counting), pairs left for a reviewer (ours: the review queue; bib-dedupe: its
"maybe" pairs whose records are not already grouped), and seconds. Rows are
sorted worst first by our recall minus bib-dedupe's.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litreview.dedup import DedupRecord, find_duplicates  # noqa: E402
from litreview.dedup.evaluate import load_labelled_csv, score_groups  # noqa: E402
from litreview.dedup.ris_sets import load_ris_set  # noqa: E402

VERSION = "0.11.0"
OUT = ROOT / "bench" / "out"
COLUMNS = (
    "ID",
    "ENTRYTYPE",
    "title",
    "author",
    "year",
    "journal",
    "volume",
    "number",
    "pages",
    "doi",
    "abstract",
    "isbn",
)

RUNNER = r"""
import json, sys, time
import pandas as pd
from bib_dedupe.bib_dedupe import prep, block, match, cluster
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
start = time.perf_counter()
records = prep(df, verbosity_level=0, cpu=1)
pairs = block(records, verbosity_level=0, cpu=1)
matched = match(pairs, verbosity_level=0, cpu=1)
groups = cluster(matched, verbosity_level=0)
seconds = time.perf_counter() - start
maybe = []
if len(matched):
    rows = matched[matched["duplicate_label"] == "maybe"]
    maybe = [[str(a), str(b)] for a, b in zip(rows["ID_1"], rows["ID_2"])]
json.dump({"groups": [[str(x) for x in g] for g in groups], "maybe": maybe,
           "seconds": seconds}, open(sys.argv[2], "w"))
"""


@dataclass
class BenchSet:
    name: str
    records: list[DedupRecord]
    truth: dict[int, str]
    rows: list[dict[str, str]]  # the same records as bib-dedupe reads them


def shared_dir() -> Path:
    env = os.environ.get("LITREVIEW_SHARED_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def _row(record: DedupRecord) -> dict[str, str]:
    pages = record.start_page or ""
    if record.start_page and record.end_page and record.end_page != record.start_page:
        pages = f"{record.start_page}--{record.end_page}"
    return {
        "ID": str(record.record_id),
        "ENTRYTYPE": record.type or "article",
        "title": record.title or "",
        "author": " and ".join(record.authors),
        "year": str(record.year or ""),
        "journal": record.journal or "",
        "volume": record.volume or "",
        "number": record.issue or "",
        "pages": pages,
        "doi": record.doi or "",
        "abstract": record.abstract or "",
        "isbn": record.isbn or "",
    }


def load_sets(data: Path, wanted: set[str] | None) -> Iterator[BenchSet]:
    for path in sorted((data / "dedup").glob("*.csv")):
        if wanted and path.stem not in wanted:
            continue
        labelled = load_labelled_csv(path)
        with open(path, encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.DictReader(handle))
        rows = []
        for record, source in zip(labelled.records, raw, strict=True):
            row = {c: (source.get(c) or "") for c in COLUMNS[2:]}
            row["ID"] = str(record.record_id)
            row["ENTRYTYPE"] = source.get("entrytype") or "article"
            rows.append(row)
        yield BenchSet(path.stem, labelled.records, labelled.truth, rows)
    for path in sorted((ROOT / "tests" / "data" / "dedup" / "ris_sets").glob("*.csv")):
        if wanted and path.stem not in wanted:
            continue
        ris = load_ris_set(path, data / "ris")
        yield BenchSet(path.stem, ris.records, ris.truth, [_row(r) for r in ris.records])


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    probe = [str(python), "-c", "import importlib.metadata as m; print(m.version('bib-dedupe'))"]
    if python.exists():
        found = subprocess.run(probe, capture_output=True, text=True)
        if found.stdout.strip() == VERSION:
            return python
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"bib-dedupe=={VERSION}"], check=True
    )
    return python


def run_bibdedupe(python: Path, bench: BenchSet, refresh: bool) -> dict[str, Any]:
    cache = OUT / "bibdedupe-cache"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".csv", newline="", encoding="utf-8", delete=False
    ) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(bench.rows)
        source = Path(handle.name)
    digest = hashlib.sha256(source.read_bytes() + VERSION.encode()).hexdigest()[:16]
    cached = cache / f"{bench.name}-{digest}.json"
    if refresh or not cached.exists():
        runner = cache / "runner.py"
        runner.write_text(RUNNER, encoding="utf-8")
        subprocess.run(
            [str(python), str(runner), str(source), str(cached)],
            check=True,
            capture_output=True,
            text=True,
        )
    source.unlink()
    out: dict[str, Any] = json.loads(cached.read_text(encoding="utf-8"))
    return out


def score_bibdedupe(bench: BenchSet, found: dict[str, Any]) -> dict[str, Any]:
    groups = {r.record_id: r.record_id for r in bench.records}
    for members in found["groups"]:
        ids = sorted(int(m) for m in members)
        for m in ids:
            groups[m] = ids[0]
    metrics = score_groups(groups, bench.truth)
    metrics["needs_review"] = sum(1 for a, b in found["maybe"] if groups[int(a)] != groups[int(b)])
    metrics["seconds"] = round(float(found["seconds"]), 3)
    return metrics


def score_ours(bench: BenchSet) -> dict[str, Any]:
    start = time.perf_counter()
    result = find_duplicates(bench.records)
    seconds = time.perf_counter() - start
    metrics = score_groups(result.groups, bench.truth)
    metrics["needs_review"] = len(result.needs_review)
    metrics["seconds"] = round(seconds, 3)
    return metrics


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| set | records | dups | recall lr / bd | precision lr / bd | mixed lr / bd | "
        "sens lr / bd | spec lr / bd | review pairs lr / bd | seconds lr / bd |"
    )
    lines = [head, "|" + "---|" * 10]
    for row in rows:
        ours, theirs = row["litreview"], row["bib_dedupe"]

        def pair(key: str, fmt: str = ".3f", ours: Any = ours, theirs: Any = theirs) -> str:
            return f"{ours[key]:{fmt}} / {theirs[key]:{fmt}}"

        lines.append(
            f"| {row['set']} | {ours['records']} | {ours['records'] - ours['true_works']} | "
            f"{pair('pair_recall')} | {pair('pair_precision')} | {pair('mixed_clusters', 'd')} | "
            f"{pair('sensitivity')} | {pair('specificity')} | {pair('needs_review', 'd')} | "
            f"{pair('seconds', '.2f')} |"
        )
    ours_s = sum(r["litreview"]["seconds"] for r in rows)
    theirs_s = sum(r["bib_dedupe"]["seconds"] for r in rows)
    ratio = theirs_s / ours_s if ours_s else float("inf")
    lines.append(
        f"\ntotal seconds: litreview {ours_s:.2f}, bib-dedupe {theirs_s:.2f} "
        f"(litreview {ratio:.0f}x faster)"
    )
    return "\n".join(lines)


def ablate(sets: list[BenchSet]) -> str:
    """Each rule added for issue 15 switched off in turn, on every set: what it buys."""
    from litreview.dedup import compare

    full = {b.name: score_ours(b) for b in sets}
    lines = [
        "| rule off | set | recall (all rules) | recall (rule off) | mixed (rule off) | "
        "review pairs (all / off) |",
        "|---|---|---|---|---|---|",
    ]
    try:
        for rule in sorted(compare.RULES_ADDED):
            compare.RULES = compare.RULES_ADDED - {rule}
            rows = []
            for b in sets:
                off = score_ours(b)
                on = full[b.name]
                if (off["pair_recall"], off["mixed_clusters"], off["needs_review"]) != (
                    on["pair_recall"],
                    on["mixed_clusters"],
                    on["needs_review"],
                ):
                    rows.append((off["pair_recall"] - on["pair_recall"], b.name, on, off))
            for _, name, on, off in sorted(rows, key=lambda r: r[0]):
                lines.append(
                    f"| {rule} | {name} | {on['pair_recall']:.3f} | "
                    f"{off['pair_recall']:.3f} | {off['mixed_clusters']} | "
                    f"{on['needs_review']} / {off['needs_review']} |"
                )
            if not rows:
                lines.append(f"| {rule} | (no set changes) | | | | |")
    finally:
        compare.RULES = compare.RULES_ADDED
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=shared_dir())
    parser.add_argument("--sets", help="comma-separated set names (default: all)")
    parser.add_argument("--venv", type=Path, default=OUT / "bibdedupe-venv")
    parser.add_argument("--refresh", action="store_true", help="re-run bib-dedupe (no cache)")
    parser.add_argument("--ours-only", action="store_true", help="skip bib-dedupe")
    parser.add_argument("--json-out", type=Path)
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="switch each rule added for issue 15 off in turn (ours only)",
    )
    args = parser.parse_args(argv)
    if not (args.data / "dedup").is_dir():
        print(f"SKIP: no data at {args.data}", file=sys.stderr)
        return 0
    wanted = set(args.sets.split(",")) if args.sets else None
    if args.ablate:
        print(ablate(list(load_sets(args.data, wanted))))
        return 0
    python = None if args.ours_only else ensure_venv(args.venv)
    rows = []
    for bench in load_sets(args.data, wanted):
        ours = score_ours(bench)
        empty = {k: 0 for k in ours}
        theirs = (
            score_bibdedupe(bench, run_bibdedupe(python, bench, args.refresh)) if python else empty
        )
        rows.append({"set": bench.name, "litreview": ours, "bib_dedupe": theirs})
        print(
            f"{bench.name}: recall {ours['pair_recall']:.3f} vs {theirs['pair_recall']:.3f}, "
            f"mixed {ours['mixed_clusters']} vs {theirs['mixed_clusters']}",
            file=sys.stderr,
        )
    rows.sort(
        key=lambda r: (
            r["litreview"]["pair_recall"] - r["bib_dedupe"]["pair_recall"],
            -r["litreview"]["mixed_clusters"],
        )
    )
    print(table(rows))
    if args.json_out:
        args.json_out.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
