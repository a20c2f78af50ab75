"""Every stopping rule on every shared screening set, worst set first.

Runs ``litreview simulate``'s own code (``litreview.screening.simulate.simulate``)
on all sets in ../shared/data/screening x seeds 1-5 (1+1 priors), with the
``label_included`` labels and, for the sets that have them (Cohen 2006), the
``label_abstract_screening`` labels. Prints per set, worst first: WSS@95,
recall at 10%, and for every rule: runs reaching recall .95, worst recall,
mean work saved (share of non-prior records not screened; the random check's
records count as screened); then one summary row per rule and label column.

Each (set, seed, label column) result is cached in bench/out/screening_cache/
under a hash of the screening code, so a rerun after an interruption resumes
and a code change starts afresh. It takes a few minutes on 2 cores:

    nice .venv/bin/python bench/screening_bench.py > bench/out/screening.txt 2>&1 &
    [--seeds 1,2,3,4,5] [--sets Cohen_2006_Opiods,...] [--json]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litreview.screening.simulate import simulate  # noqa: E402
from litreview.screening.stopping import default_rule  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "screening"
CACHE = ROOT / "bench" / "out" / "screening_cache"
CODE = [
    "litreview/screening/simulate.py",
    "litreview/screening/stopping.py",
    "litreview/screening/rules.py",
    "litreview/screening/random_check.py",
    "litreview/screening/ranking.py",
]
COLUMNS = ("label_included", "label_abstract_screening")


def code_hash() -> str:
    digest = hashlib.sha256()
    for name in CODE:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:12]


def columns_of(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    return [c for c in COLUMNS if c in header]


def run_one(path: Path, seed: int, column: str, version: str) -> dict[str, Any]:
    cached = CACHE / f"{path.stem}__{column}__{seed}__{version}.json"
    if cached.exists():
        result: dict[str, Any] = json.loads(cached.read_text())
        return result
    result = simulate(path, seeds=[seed], label_column=column).to_json()
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_text(json.dumps(result))
    tmp.replace(cached)
    return result


def summarise(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Per rule over the runs: runs reaching .95, worst recall, mean work saved."""
    rules: dict[str, dict[str, list[float]]] = {}
    for res in results:
        n = res["records"] - 2  # non-prior records (1 + 1 priors)
        for run in res["runs"]:
            for name, stop in run["stops"].items():
                row = rules.setdefault(name, {"recall": [], "saved": []})
                after = n if stop["stopped_after"] is None else stop["stopped_after"]
                row["recall"].append(stop["recall"])
                row["saved"].append(1 - after / n)
    return {
        name: {
            "runs": len(row["recall"]),
            "ok": int(sum(r >= 0.95 for r in row["recall"])),
            "worst": float(min(row["recall"])),
            "saved": float(np.mean(row["saved"])),
        }
        for name, row in rules.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--sets", help="comma-separated file stems (default: all)")
    parser.add_argument("--json", action="store_true", help="also print one JSON document")
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"no shared data at {SHARED}")
    seeds = [int(s) for s in args.seeds.split(",")]
    paths = sorted(SHARED.glob("*.csv"))
    if args.sets:
        wanted = set(args.sets.split(","))
        paths = [p for p in paths if p.stem in wanted]
    version = code_hash()
    default = default_rule().name
    report: dict[str, Any] = {"code": version, "seeds": seeds, "columns": {}}
    for column in COLUMNS:
        per_set = []
        for path in paths:
            if column not in columns_of(path):
                continue
            results = [run_one(path, seed, column, version) for seed in seeds]
            print(f"done {path.stem} {column}", file=sys.stderr, flush=True)
            per_set.append(
                {
                    "set": path.stem,
                    "records": results[0]["records"],
                    "included": results[0]["included"],
                    "wss95": float(np.mean([r["wss95"] for r in results])),
                    "recall_at_10pct": float(np.mean([r["recall_at_10pct"] for r in results])),
                    "rules": summarise(results),
                    "results": results,
                }
            )
        if not per_set:
            continue
        # worst first: by the default rule's worst recall, then its saving, then WSS@95
        per_set.sort(
            key=lambda s: (s["rules"][default]["worst"], s["rules"][default]["saved"], s["wss95"])
        )
        rules = list(per_set[0]["rules"])
        print(
            f"\n## {column}: {len(per_set)} sets x {len(seeds)} seeds, worst set first "
            f"(default rule: {default})\n"
        )
        print(
            "| set | records | incl | WSS@95 | recall@10% | "
            + " | ".join(f"{r} ok/worst/saved" for r in rules)
            + " |"
        )
        print("|---|---|---|---|---|" + "---|" * len(rules))
        for s in per_set:
            cells = [
                f"{s['rules'][r]['ok']}/{s['rules'][r]['runs']} "
                f"{s['rules'][r]['worst']:.3f} {s['rules'][r]['saved']:.1%}"
                for r in rules
            ]
            print(
                f"| {s['set']} | {s['records']} | {s['included']} | {s['wss95']:.3f} | "
                f"{s['recall_at_10pct']:.3f} | " + " | ".join(cells) + " |"
            )
        everything = summarise([res for s in per_set for res in s["results"]])
        print(
            f"\n| rule (all {sum(v['runs'] for v in [everything[rules[0]]])} runs) | runs "
            "reaching .95 | worst recall | mean work saved |"
        )
        print("|---|---|---|---|")
        for r in rules:
            v = everything[r]
            mark = " (default)" if r == default else ""
            print(
                f"| {r}{mark} | {v['ok']}/{v['runs']} ({v['ok'] / v['runs']:.0%}) | "
                f"{v['worst']:.3f} | {v['saved']:.1%} |"
            )
        print(
            f"\nmean WSS@95 {np.mean([s['wss95'] for s in per_set]):.3f}, mean recall@10% "
            f"{np.mean([s['recall_at_10pct'] for s in per_set]):.3f}"
        )
        report["columns"][column] = {
            "sets": [{k: v for k, v in s.items() if k != "results"} for s in per_set],
            "all": everything,
        }
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
