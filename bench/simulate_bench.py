"""Our ranker vs ASReview u4 on the shared screening sets, plus every stopping rule.

Per set and seed (1+1 priors drawn as ASReview does): WSS@95, recall at 10%,
and each stopping rule's recall and work saved (share of the non-prior records
not screened). Prints a markdown table, then one JSON document, on stdout.
u4 runs are cached in bench/out/u4_cache.json (they take minutes).

    nice .venv/bin/python bench/simulate_bench.py [--seeds 1,2,3,4,5]
        [--config '{"pseudo_negatives": 100}'] [--sets Kitchenham_2010,...]
        [--orders-out bench/out/orders.json] [--buscarpy-python /tmp/venv/bin/python]

A set written NAME:COLUMN uses another label column, e.g.
Cohen_2006_ACEInhibitors:label_abstract_screening (183 includes at the abstract
stage), a check on a labelling the defaults were not developed on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asreview_u4 import SETS, SHARED, u4_features, u4_order  # noqa: E402

from litreview.screening.ranking import ModelConfig, build_features  # noqa: E402
from litreview.screening.simulate import (  # noqa: E402
    _learned_scorer,
    active_learning_order,
    draw_priors,
    load_labelled_csv,
    order_metrics,
    schedule_retrain,
)
from litreview.screening.stopping import Buscar, default_rule, make_rules  # noqa: E402

CACHE = ROOT / "bench" / "out" / "u4_cache.json"


def load(name: str) -> Any:
    """``NAME`` or ``NAME:COLUMN`` (another label column, e.g. Cohen's abstract-stage labels)."""
    stem, _, column = name.partition(":")
    return load_labelled_csv(SHARED / f"{stem}.csv", column or "label_included")


def u4_runs(name: str, seeds: list[int]) -> dict[int, dict[str, Any]]:
    cache: dict[str, Any] = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    missing = [s for s in seeds if f"{name}/{s}" not in cache]
    if missing:
        data = load(name)
        X = u4_features(data.texts)
        for seed in missing:
            y = data.labels[u4_order(X, data.labels, seed)]
            cache[f"{name}/{seed}"] = order_metrics(y)
        CACHE.parent.mkdir(exist_ok=True)
        CACHE.write_text(json.dumps(cache))
    return {s: cache[f"{name}/{s}"] for s in seeds}


def our_runs(name: str, seeds: list[int], config: ModelConfig) -> dict[int, dict[str, Any]]:
    data = load(name)
    features = build_features(data.texts, config)
    out = {}
    for seed in seeds:
        started = time.perf_counter()
        priors = draw_priors(data.labels, seed, 1, 1)
        scorer = _learned_scorer(features, config, seed)
        order = active_learning_order(data.labels, priors, scorer, schedule_retrain(config))
        y = data.labels[order]
        out[seed] = {
            **order_metrics(y),
            "labels": y.tolist(),
            "seconds": time.perf_counter() - started,
        }
    return out


def stop_table(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per rule over all runs: mean recall, share of runs with recall >= .95, work saved."""
    table: dict[str, dict[str, list[float]]] = {}
    for run in runs:
        y = np.asarray(run["labels"])
        r, n = int(y.sum()), len(y)
        for name, rule in make_rules(random_state=run["seed"]).items():
            out = rule.stop_point(y, n)
            after = n if out.stopped_after is None else out.stopped_after
            row = table.setdefault(name, {"recall": [], "ok": [], "saved": []})
            recall = out.found / r if out.stopped_after is not None else 1.0
            row["recall"].append(recall)
            row["ok"].append(float(recall >= 0.95))
            row["saved"].append(1 - after / n)
    return {k: {m: float(np.mean(v)) for m, v in row.items()} for k, row in table.items()}


BUSCARPY_STOPS = """
import json, sys
from buscarpy import calculate_h0
orders = json.load(open(sys.argv[1]))
out = {}
for key, labels in orders.items():
    n = len(labels)
    out[key] = next((m for m in range(1, n + 1) if calculate_h0(labels[:m], n) < 0.05), None)
print(json.dumps(out))
"""


def check_buscarpy(python: str, orders: dict[str, list[int]]) -> dict[str, Any]:
    """Stop points of buscarpy (run by ``python``, a scratch venv) vs ours on the same orders."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(orders, handle)
    done = subprocess.run(
        [python, "-c", BUSCARPY_STOPS, handle.name], capture_output=True, text=True, check=True
    )
    theirs = json.loads(done.stdout)
    ours = {k: Buscar().stop_point(v, len(v)).stopped_after for k, v in orders.items()}
    return {
        "runs": len(ours),
        "identical": sum(ours[k] == theirs[k] for k in ours),
        "differ": {k: [ours[k], theirs[k]] for k in ours if ours[k] != theirs[k]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--config", default="{}", help="ModelConfig overrides as JSON")
    parser.add_argument("--no-stops", action="store_true")
    parser.add_argument("--orders-out", type=Path)
    parser.add_argument(
        "--buscarpy-python",
        help="a python with buscarpy installed (scratch "
        "venv): compare its buscar stop points with ours",
    )
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    config = ModelConfig(**json.loads(args.config))
    rows, all_runs, orders = [], [], {}
    for name in args.sets.split(","):
        ours, u4 = our_runs(name, seeds, config), u4_runs(name, seeds)
        rows.append(
            {
                "set": name,
                "wss95": float(np.mean([ours[s]["wss95"] for s in seeds])),
                "u4_wss95": float(np.mean([u4[s]["wss95"] for s in seeds])),
                "recall_at_10pct": float(np.mean([ours[s]["recall_at_10pct"] for s in seeds])),
                "u4_recall_at_10pct": float(np.mean([u4[s]["recall_at_10pct"] for s in seeds])),
                "seconds_per_run": float(np.mean([ours[s]["seconds"] for s in seeds])),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        all_runs += [{"set": name, "seed": s, "labels": ours[s]["labels"]} for s in seeds]
        orders.update({f"{name}/{s}": ours[s]["labels"] for s in seeds})
    if args.orders_out:
        args.orders_out.write_text(json.dumps(orders))
    stops = {} if args.no_stops else stop_table(all_runs)
    if args.buscarpy_python:
        print("buscarpy check:", json.dumps(check_buscarpy(args.buscarpy_python, orders)))
    mean = {k: float(np.mean([r[k] for r in rows])) for k in rows[0] if k != "set"}
    print("| set | WSS@95 | u4 WSS@95 | recall@10% | u4 recall@10% | s/run |")
    print("|---|---|---|---|---|---|")
    for r in [*rows, {"set": "mean", **mean}]:
        print(
            f"| {r['set']} | {r['wss95']:.3f} | {r['u4_wss95']:.3f} | {r['recall_at_10pct']:.3f}"
            f" | {r['u4_recall_at_10pct']:.3f} | {r['seconds_per_run']:.1f} |"
        )
    if stops:
        print(
            f"\n| rule ({len(all_runs)} runs) | mean recall | runs with recall >= .95 "
            "| work saved |"
        )
        print("|---|---|---|---|")
        for name, s in stops.items():
            mark = " (default)" if name == default_rule().name else ""
            print(f"| {name}{mark} | {s['recall']:.3f} | {s['ok']:.0%} | {s['saved']:.1%} |")
    print(
        json.dumps(
            {"config": json.loads(config.to_json()), "sets": rows, "mean": mean, "stops": stops}
        )
    )


if __name__ == "__main__":
    main()
