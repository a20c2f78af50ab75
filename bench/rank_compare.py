"""Our ranker against the ASReview u4 replica, side by side, on every shared screening set.

For each set x seed (1 included + 1 excluded prior drawn as ASReview draws them) and each
model, screen in the model's order and measure WSS@95 and recall at 10% screened (CLI.md's
definitions; priors not counted). ``u4`` is the faithful replica in ``asreview_u4.py``
(retrains after every label); every other model is a named ``ModelConfig`` run through
``litreview.screening.ranking.rank`` on the retrain schedule ``litreview simulate`` uses.
A run stops as soon as both figures are fixed (95% of the relevant records found and 10% of
the records screened), which gives the same two figures as a full run at a fraction of the cost.

Every run is cached as JSON under bench/out/rank/ (gitignored), keyed by label column, model
name, the model's settings and the code of this script's scorer, set and seed; rerunning
only computes what is missing. Runs go one (model, set) at a time through ``--jobs``
worker processes (default 1; the machine is shared, so run it niced in the background).

    nice .venv/bin/python bench/rank_compare.py                     # default model vs u4
    nice .venv/bin/python bench/rank_compare.py --models current,pn400 --label-column
        label_abstract_screening
    nice .venv/bin/python bench/rank_compare.py --loso current,pn400,title_block,char_fusion
    nice .venv/bin/python bench/rank_compare.py --cold-start          # topic text, no priors

Tables: per set, worst difference to u4 first, then the mean over sets (each set weighs the
same). ``--loso A,B,...`` chooses, for each set in turn, the candidate with the best mean
WSS@95 difference to u4 on the OTHER sets (ties: the earlier in the list) and reports that
choice's figures on the held-out set. ``--cold-start`` ranks with no priors from the set's
topic text (the "review / topic" column of ../shared/data/README.md, written by the data's
curators before any of these runs) until the first include and exclude, then learns.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from asreview_u4 import u4_features, u4_weights  # noqa: E402

from litreview.screening.ranking import ModelConfig, build_features, rank  # noqa: E402
from litreview.screening.simulate import (  # noqa: E402
    LabelledSet,
    active_learning_order,
    draw_priors,
    load_labelled_csv,
    schedule_retrain,
)

DATA = ROOT.parent / "shared" / "data" / "screening"
OUT = ROOT / "bench" / "out" / "rank"
SEEDS = (1, 2, 3, 4, 5)

#: The topic of each set as the data README's "review / topic" column states it.
TOPICS = {
    "van_de_Schoot_2018": "PTSD trajectories",
    "Appenzeller-Herzog_2019": "Wilson disease",
    "Kitchenham_2010": "software engineering (tertiary study)",
    "Cohen_2006_ACEInhibitors": "ACE inhibitors",
    "Cohen_2006_Antihistamines": "antihistamines",
    "Cohen_2006_BetaBlockers": "beta blockers",
    "Cohen_2006_CalciumChannelBlockers": "calcium channel blockers",
    "Cohen_2006_Estrogens": "estrogens",
    "Cohen_2006_NSAIDS": "NSAIDs",
    "Cohen_2006_Opiods": "opioids",
    "Cohen_2006_OralHypoglycemics": "oral hypoglycemics",
    "Cohen_2006_Triptans": "triptans",
}

#: The default before issue 14 (title twice, pseudo-negatives drawn from the whole pool).
BEFORE_14: dict[str, Any] = {"title_repeat": 2, "pseudo_negative_pool": 1.0}

#: Candidate rankers: ModelConfig() with these fields changed. The first five after
#: ``current`` were fixed before any of them was run on these sets; the rest were added
#: after seeing those (see docs/ranking.md, "How the default was chosen").
CANDIDATES: dict[str, dict[str, Any]] = {
    "default": {},  # whatever ModelConfig() is now
    "current": {**BEFORE_14},
    "pn400": {**BEFORE_14, "pseudo_negatives": 400, "pseudo_negative_share": 0.2},
    "title_block": {**BEFORE_14, "title_block": 0.5},
    "char_fusion": {**BEFORE_14, "char_fusion": 0.5},
    "title1": {**BEFORE_14, "title_repeat": 1},
    "every_label": {**BEFORE_14, "retrain_every_label_until": 10**9},
    # added after seeing the first five on all 12 sets (pseudo-negatives hurt where relevant
    # records are common): draw them from the half of the pool least like the includes
    "pn_reliable": {**BEFORE_14, "pseudo_negative_pool": 0.5},
    # and the old default without its pseudo-negatives, to see what they add set by set
    "no_pn": {**BEFORE_14, "pseudo_negatives": 0},
    # the two single changes that came out best on all 12 (title once, reliable pool) together
    "title1_pn_reliable": {"title_repeat": 1, "pseudo_negative_pool": 0.5},
    # the same with a stricter pool (the quarter least like the includes)
    "title1_pn_reliable25": {"title_repeat": 1, "pseudo_negative_pool": 0.25},
    # round 3, fixed before any of them was run (docs/ranking.md, "Round 3"): the default
    # fused by rank percentile with a u4-style member, a naive Bayes member, or both
    "ensemble_u4": {"ensemble": "u4"},
    "ensemble_nb": {"ensemble": "nb"},
    "ensemble_u4_nb": {"ensemble": "u4+nb"},
    # round 4, fixed before any of them was run (docs/ranking.md, "Round 4"): a nearest-include
    # member, and the pseudo-negative draw averaged over five fits
    "knn": {"ensemble": "knn"},
    "u4_knn": {"ensemble": "u4+knn"},
    "pn_bag5": {"pseudo_negative_bags": 5},
    "pn_bag5_knn": {"pseudo_negative_bags": 5, "ensemble": "knn"},
}


def config_of(model: str) -> ModelConfig:
    if model not in CANDIDATES:
        raise SystemExit(f"unknown model {model!r}; known: u4, {', '.join(CANDIDATES)}")
    return replace(ModelConfig(), **CANDIDATES[model])


def cache_key(model: str, label_column: str, cold: bool) -> str:
    if model == "u4":
        settings = "u4"
    else:
        fields = asdict(config_of(model))
        if not fields["ensemble"]:  # added in round 3; keeps the earlier runs' keys
            del fields["ensemble"]
        if fields["pseudo_negative_bags"] == 1:  # added in round 4; likewise
            del fields["pseudo_negative_bags"]
        settings = json.dumps(fields, sort_keys=True)
    digest = hashlib.sha1(f"{settings}|{cold}".encode()).hexdigest()[:10]
    return f"{label_column}/{model}{'@cold' if cold else ''}-{digest}"


def screen_until_fixed(
    labels: np.ndarray,
    priors: np.ndarray,
    scorer: Callable[[np.ndarray, np.ndarray], np.ndarray],
    retrain_due: Callable[[int, int], bool],
) -> dict[str, Any]:
    """Active learning (``simulate.active_learning_order``) stopped once WSS@95 and
    recall@10% are both fixed (95% of the relevant found and 10% screened); returns both."""
    n = len(labels) - len(priors)
    relevant = int(labels.sum() - labels[priors].sum())
    need = math.ceil(0.95 * relevant)
    top10 = max(1, math.floor(0.10 * n))
    order = active_learning_order(
        labels,
        priors,
        scorer,
        retrain_due,
        enough=lambda screened, found: found >= need and screened >= top10,
    )
    hits = np.cumsum(labels[order])
    n95 = int(np.argmax(hits >= need)) + 1
    first_hit = int(np.argmax(hits >= 1)) + 1 if relevant else 0
    return {
        "wss95": (n - n95) / n - 0.05,
        "recall_at_10pct": int(hits[top10 - 1]) / relevant,
        "screened_to_95": n95,
        "first_relevant_at": first_hit,
        "records": n,
    }


def u4_scorer(X: Any, seed: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    from sklearn.svm import LinearSVC

    def score(idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        clf = LinearSVC(C=0.11, loss="squared_hinge", random_state=seed)
        clf.fit(X[idx], y, sample_weight=u4_weights(y))
        return np.asarray(clf.decision_function(X))

    return score


def our_scorer(
    features: Any, config: ModelConfig, seed: int, topic: str | None
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    def score(idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        labels = dict(zip(idx.tolist(), y.tolist(), strict=True))
        return rank(None, labels, config, seed, features=features, topic=topic).scores

    return score


def run_group(task: tuple[str, str, str, tuple[int, ...], bool]) -> list[dict[str, Any]]:
    """All seeds of one (model, set): features built once, each seed cached as it finishes."""
    model, name, label_column, seeds, cold = task
    folder = OUT / cache_key(model, label_column, cold)
    folder.mkdir(parents=True, exist_ok=True)
    results, todo = [], []
    for seed in seeds:
        cached = folder / f"{name}-s{seed}.json"
        if cached.exists():
            results.append(json.loads(cached.read_text()))
        else:
            todo.append(seed)
    if not todo:
        return results
    data: LabelledSet = load_labelled_csv(DATA / f"{name}.csv", label_column)
    started = time.perf_counter()
    if model == "u4":
        X = u4_features(data.texts)
    else:
        config = config_of(model)
        features = build_features(data.texts, config)
    build = time.perf_counter() - started
    for seed in todo:
        started = time.perf_counter()
        priors = np.zeros(0, dtype=np.int64) if cold else draw_priors(data.labels, seed, 1, 1)
        if model == "u4":
            figures = screen_until_fixed(
                data.labels, priors, u4_scorer(X, seed), lambda n, last: True
            )
        else:
            scorer = our_scorer(features, config, seed, TOPICS.get(name) if cold else None)
            figures = screen_until_fixed(data.labels, priors, scorer, schedule_retrain(config))
        row = {
            "model": model,
            "set": name,
            "seed": seed,
            "label_column": label_column,
            "cold": cold,
            **figures,
            "seconds": round(time.perf_counter() - started + build / len(todo), 2),
        }
        (folder / f"{name}-s{seed}.json").write_text(json.dumps(row))
        print(json.dumps(row), file=sys.stderr, flush=True)
        results.append(row)
    return results


def collect(
    models: list[str], sets: list[str], args: argparse.Namespace, cold: bool = False
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    tasks = [(m, s, args.label_column, tuple(args.seeds), cold) for m in models for s in sets]
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            for task, rows in zip(tasks, pool.map(run_group, tasks), strict=True):
                out[(task[0], task[1])] = rows
    else:
        for task in tasks:
            out[(task[0], task[1])] = run_group(task)
    return out


def mean(rows: list[dict[str, Any]], key: str) -> float:
    return float(np.mean([r[key] for r in rows]))


def per_set(
    runs: dict[tuple[str, str], list[dict[str, Any]]], model: str, sets: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for name in sets:
        ours, base = runs[(model, name)], runs[("u4", name)]
        rows.append(
            {
                "set": name,
                "records": ours[0]["records"],
                "u4_wss95": mean(base, "wss95"),
                "wss95": mean(ours, "wss95"),
                "u4_r10": mean(base, "recall_at_10pct"),
                "r10": mean(ours, "recall_at_10pct"),
                "u4_seconds": mean(base, "seconds"),
                "seconds": mean(ours, "seconds"),
            }
        )
        rows[-1]["diff"] = rows[-1]["wss95"] - rows[-1]["u4_wss95"]
        rows[-1]["r10_diff"] = rows[-1]["r10"] - rows[-1]["u4_r10"]
    return sorted(rows, key=lambda r: r["diff"])


def print_table(title: str, rows: list[dict[str, Any]], label: str = "model") -> None:
    print(f"\n### {title}\n")
    print(
        f"| set (worst first) | records | u4 WSS@95 | {label} WSS@95 | diff | u4 r@10% "
        f"| {label} r@10% | diff |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        extra = f" ({r['chosen']})" if "chosen" in r else ""
        print(
            f"| {r['set']}{extra} | {r['records']:,} | {r['u4_wss95']:.3f} | {r['wss95']:.3f} "
            f"| {r['diff']:+.3f} | {r['u4_r10']:.3f} | {r['r10']:.3f} | {r['r10_diff']:+.3f} |"
        )
    keys = ("u4_wss95", "wss95", "diff", "u4_r10", "r10", "r10_diff")
    m = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    print(
        f"| **mean of {len(rows)} sets** | | {m['u4_wss95']:.3f} | {m['wss95']:.3f} "
        f"| **{m['diff']:+.3f}** | {m['u4_r10']:.3f} | {m['r10']:.3f} | {m['r10_diff']:+.3f} |"
    )
    worst = rows[0]
    print(
        f"\nworst set: {worst['set']} {worst['diff']:+.3f}; sets below u4 - .02: "
        f"{sum(r['diff'] < -0.02 for r in rows)}; sets with lower r@10%: "
        f"{sum(r['r10_diff'] < 0 for r in rows)}"
    )


def print_summary(tables: dict[str, list[dict[str, Any]]]) -> None:
    """One line per model, the model with the worst set first."""
    print("\n### Summary (each model vs u4, mean over sets; worst set first)\n")
    print(
        "| model | worst set | its diff | sets below u4 - .02 | mean WSS@95 diff "
        "| mean r@10% diff | meets the targets |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for model, rows in sorted(tables.items(), key=lambda item: item[1][0]["diff"]):
        wss, r10 = np.mean([r["diff"] for r in rows]), np.mean([r["r10_diff"] for r in rows])
        # issue 14's targets, the round-3 selection rule on one label column
        meets = wss >= 0.015 and rows[0]["diff"] >= -0.02 and r10 >= 0
        print(
            f"| {model} | {rows[0]['set']} | {rows[0]['diff']:+.3f} "
            f"| {sum(r['diff'] < -0.02 for r in rows)} | {wss:+.3f} | {r10:+.4f} "
            f"| {'yes' if meets else 'no'} |"
        )


def loso(
    runs: dict[tuple[str, str], list[dict[str, Any]]], candidates: list[str], sets: list[str]
) -> list[dict[str, Any]]:
    tables = {c: {r["set"]: r for r in per_set(runs, c, sets)} for c in candidates}
    held = []
    for name in sets:
        others = [s for s in sets if s != name]
        score = {c: float(np.mean([tables[c][s]["diff"] for s in others])) for c in candidates}
        best = max(candidates, key=lambda c: (score[c], -candidates.index(c)))
        held.append({**tables[best][name], "chosen": best})
    return sorted(held, key=lambda r: r["diff"])


def cold_table(
    runs: dict[tuple[str, str], list[dict[str, Any]]],
    warm: dict[tuple[str, str], list[dict[str, Any]]],
    model: str,
    sets: list[str],
) -> None:
    print(f"\n### Cold start from the topic text ({model}, no priors) vs 1+1 random priors\n")
    print(
        "| set | topic | first relevant at (median) | worst | r@10% cold | r@10% 1+1 priors "
        "| WSS@95 cold | WSS@95 1+1 priors |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    rows = []
    for name in sets:
        c, w = runs[(model, name)], warm[(model, name)]
        firsts = [r["first_relevant_at"] for r in c]
        rows.append(
            (
                name,
                float(np.median(firsts)),
                max(firsts),
                mean(c, "recall_at_10pct"),
                mean(w, "recall_at_10pct"),
                mean(c, "wss95"),
                mean(w, "wss95"),
            )
        )
    for name, med, worst, rc, rw, wc, ww in sorted(rows, key=lambda r: r[5] - r[6]):
        print(
            f"| {name} | {TOPICS[name]} | {med:.0f} | {worst} | {rc:.3f} | {rw:.3f} "
            f"| {wc:.3f} | {ww:.3f} |"
        )
    print(
        f"| **mean** | | | | {np.mean([r[3] for r in rows]):.3f} "
        f"| {np.mean([r[4] for r in rows]):.3f} | {np.mean([r[5] for r in rows]):.3f} "
        f"| {np.mean([r[6] for r in rows]):.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models",
        default="default",
        help=f"comma-separated, compared with u4 (known: {', '.join(CANDIDATES)})",
    )
    parser.add_argument("--loso", help="comma-separated candidates for leave-one-set-out choice")
    parser.add_argument(
        "--cold-start",
        action="store_true",
        help="also run --models from the topic text with no priors",
    )
    parser.add_argument("--sets", help="comma-separated set names (default: every CSV in the data)")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--label-column", default="label_included")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--no-anchor",
        action="store_true",
        help="only compute --models' runs into the cache (no u4, no tables), "
        "for a second process while another one runs u4",
    )
    parser.add_argument("--json-out", type=Path, help="also write the per-set rows here")
    args = parser.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    if not DATA.is_dir():
        print(f"SKIP: no data at {DATA}")
        return
    sets = args.sets.split(",") if args.sets else sorted(p.stem for p in DATA.glob("*.csv"))
    if args.label_column != "label_included":
        sets = [
            s
            for s in sets
            if args.label_column in (DATA / f"{s}.csv").open(encoding="utf-8-sig").readline()
        ]
    models = args.models.split(",")
    candidates = args.loso.split(",") if args.loso else []
    if args.no_anchor:
        collect(models, sets, args)
        return
    wanted = ["u4"] + [m for m in dict.fromkeys(models + candidates)]
    runs = collect(wanted, sets, args)
    dump: dict[str, Any] = {}
    print(f"label column: {args.label_column}; seeds {args.seeds}; 1+1 priors")
    for model in models:
        rows = per_set(runs, model, sets)
        print_table(f"{model} vs u4 ({len(sets)} sets x {len(args.seeds)} seeds)", rows, model)
        dump[model] = rows
    if len(models) > 1:
        print_summary({m: dump[m] for m in models})
    if candidates:
        held = loso(runs, candidates, sets)
        print_table(
            f"leave-one-set-out choice among {', '.join(candidates)} "
            "(each set scored by the candidate chosen on the other sets)",
            held,
            "LOSO",
        )
        dump["loso"] = held
    if args.cold_start:
        cold = collect(models, sets, args, cold=True)
        for model in models:
            cold_table(cold, runs, model, sets)
    if args.json_out:
        args.json_out.write_text(json.dumps(dump, indent=1))


if __name__ == "__main__":
    main()
