"""Wall time of ``litreview simulate`` against ASReview 3.0.8's ``asreview simulate``, side by side.

Issue 4's target: ``litreview simulate`` takes <= 0.5x the wall time of
``asreview simulate`` on the same file, seed and 1+1 priors, measured in one run.

ASReview is installed with pip into a scratch venv OUTSIDE the repo (default
/tmp/asreview-venv, reused when it already holds asreview 3.0.8); it is never a
litreview dependency. Per labelled CSV and repeat, the two commands run one
after the other (which goes first alternates between repeats), each timed with
``time.perf_counter`` around the whole subprocess (interpreter start, imports,
reading the file, the simulation, writing its output):

    asreview simulate FILE.csv -o OUT.asreview --seed S --prior-seed S \
        --n-prior-included 1 --n-prior-excluded 1        (model: ELAS u4, the default)
    litreview simulate FILE.csv --seeds S --prior-included 1 --prior-excluded 1 --json

Note the two do not screen the same number of records by default: ASReview stops
once the last relevant record is found, litreview screens every record (its
stopping-rule figures need the whole order). ``--asreview-full`` passes
``--n-stop -1`` so ASReview labels every record too (equal work).

Prints a markdown table (median seconds over ``--repeat``; ratio =
litreview/asreview, target <= 0.5) with both WSS@95 figures (ASReview's computed
from its project file with CLI.md's definition), and the load average.
Skips with a message (exit 0) when the data or asreview is unavailable.

    .venv/bin/python bench/asreview_compare.py [--sets van_de_Schoot_2018,Kitchenham_2010]
        [--seed 1] [--repeat 3] [--venv /tmp/asreview-venv] [--asreview-full]
        [--json-out FILE.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "screening"
ASREVIEW_VERSION = "3.0.8"


def skip(message: str) -> None:
    print(f"SKIP: {message}")
    sys.exit(0)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def base_python() -> str:
    """The interpreter to build the scratch venv from (not litreview's venv)."""
    return getattr(sys, "_base_executable", None) or sys.executable


def asreview_version(venv: Path) -> str | None:
    exe = venv / "bin" / "asreview"
    if not exe.exists():
        return None
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True)
    return done.stdout.strip().split()[-1] if done.returncode == 0 and done.stdout.strip() else None


def ensure_asreview(venv: Path) -> Path:
    """Create or reuse ``venv`` with asreview==3.0.8; skip the bench if that fails."""
    venv = venv.expanduser().resolve()
    if venv == ROOT or ROOT in venv.parents:
        sys.exit(f"Error: --venv must be outside the repo ({ROOT}), got {venv}")
    if asreview_version(venv) == ASREVIEW_VERSION:
        return venv / "bin" / "asreview"
    print(f"Installing asreview=={ASREVIEW_VERSION} into {venv} ...", file=sys.stderr)
    steps = [] if (venv / "bin" / "python").exists() else [[base_python(), "-m", "venv", str(venv)]]
    steps.append(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            f"asreview=={ASREVIEW_VERSION}",
        ]
    )
    for step in steps:
        try:
            done = subprocess.run(step, capture_output=True, text=True)
        except OSError as exc:
            skip(f"cannot install asreview ({' '.join(step[:3])}: {exc})")
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            skip(f"cannot install asreview=={ASREVIEW_VERSION} into {venv}:\n{tail}")
    found = asreview_version(venv)
    if found != ASREVIEW_VERSION:
        skip(f"{venv}/bin/asreview reports version {found!r}, not {ASREVIEW_VERSION}")
    return venv / "bin" / "asreview"


def find_litreview(given: str | None) -> str:
    for candidate in (given, str(ROOT / ".venv" / "bin" / "litreview"), shutil.which("litreview")):
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("Error: litreview executable not found (use --litreview PATH)")


def timed(cmd: list[str], timeout: float) -> tuple[float, str]:
    """Run ``cmd``; return (wall seconds, stdout). Exit with its stderr tail if it fails."""
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:])
        sys.exit(f"Error: {' '.join(cmd)} exited {done.returncode}:\n{tail}")
    return seconds, done.stdout


def asreview_figures(project: Path) -> dict[str, Any]:
    """WSS@95 (CLI.md's definition) and counts from an ASReview 3.x project file.

    Priors are the result rows with no querier; the others are in the order
    screened. N = records - priors, R = included records - included priors,
    WSS@95 = (N - n95)/N - 0.05 with n95 the records screened until ceil(0.95 R)
    relevant ones are found.
    """
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", tmp)
        con = sqlite3.connect(Path(tmp) / "results.db")
        try:
            records, included = con.execute(
                "SELECT count(*), coalesce(sum(included), 0) FROM record"
            ).fetchone()
            rows = con.execute(
                "SELECT label, querier IS NULL FROM results ORDER BY rowid"
            ).fetchall()
        finally:
            con.close()
    priors = [label for label, is_prior in rows if is_prior]
    screened = [label for label, is_prior in rows if not is_prior]
    n = records - len(priors)
    relevant = included - sum(priors)
    target = math.ceil(0.95 * relevant)
    found, n95 = 0, None
    for position, label in enumerate(screened, 1):
        found += label == 1
        if found >= target:
            n95 = position
            break
    return {
        "records": records,
        "labelled": len(rows),
        "priors": len(priors),
        "wss95": None if n95 is None or n == 0 else (n - n95) / n - 0.05,
    }


def run_asreview(exe: Path, csv: Path, args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="asreview-compare-") as tmp:
        out = Path(tmp) / f"{csv.stem}.asreview"
        cmd = [
            str(exe),
            "simulate",
            str(csv),
            "-o",
            str(out),
            "--seed",
            str(args.seed),
            "--prior-seed",
            str(args.seed),
            "--n-prior-included",
            str(args.prior_included),
            "--n-prior-excluded",
            str(args.prior_excluded),
        ]
        if args.asreview_full:
            cmd += ["--n-stop", "-1"]
        seconds, _ = timed(cmd, args.timeout)
        return seconds, asreview_figures(out)


def run_litreview(exe: str, csv: Path, args: argparse.Namespace) -> tuple[float, dict[str, Any]]:
    cmd = [
        exe,
        "simulate",
        str(csv),
        "--seeds",
        str(args.seed),
        "--prior-included",
        str(args.prior_included),
        "--prior-excluded",
        str(args.prior_excluded),
        "--json",
    ]
    seconds, stdout = timed(cmd, args.timeout)
    result = json.loads(stdout)[0]
    return seconds, {
        "records": result["records"],
        "wss95": result["wss95"],
        "internal_seconds": result.get("seconds"),
    }


def fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="labelled CSVs (default: --sets)")
    parser.add_argument("--sets", help="comma-separated names in --data-dir (default: every CSV)")
    parser.add_argument("--data-dir", type=Path, default=DATA)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prior-included", type=int, default=1)
    parser.add_argument("--prior-excluded", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="pairs per file; medians reported")
    parser.add_argument(
        "--venv",
        type=Path,
        default=Path("/tmp/asreview-venv"),
        help="scratch venv for asreview, outside the repo",
    )
    parser.add_argument("--litreview", help="litreview executable (default: .venv/bin/litreview)")
    parser.add_argument(
        "--asreview-full",
        action="store_true",
        help="asreview --n-stop -1: label every record, as litreview does",
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per command")
    parser.add_argument("--json-out", type=Path, help="also write every timing as JSON here")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")

    if args.files:
        files = args.files
        missing = [f for f in files if not f.is_file()]
        if missing:
            skip(f"labelled CSV not found: {', '.join(map(str, missing))}")
    else:
        if not args.data_dir.is_dir():
            skip(f"{args.data_dir} is absent (the shared labelled screening sets)")
        if args.sets:
            files = [args.data_dir / f"{name.strip()}.csv" for name in args.sets.split(",")]
            missing = [f.name for f in files if not f.is_file()]
            if missing:
                skip(f"not in {args.data_dir}: {', '.join(missing)}")
        else:
            files = sorted(args.data_dir.glob("*.csv"))
            if not files:
                skip(f"no CSV files in {args.data_dir}")

    litreview = find_litreview(args.litreview)
    asreview = ensure_asreview(args.venv)

    load_start = load()
    print(
        f"load average (1/5/15 min) at start: {load_start}; cpus: {os.cpu_count()}", file=sys.stderr
    )
    results: list[dict[str, Any]] = []
    for csv in files:
        entry: dict[str, Any] = {
            "file": csv.name,
            "asreview_seconds": [],
            "litreview_seconds": [],
            "load": [],
        }
        for repeat in range(args.repeat):
            entry["load"].append(os.getloadavg()[0])
            order = ["asreview", "litreview"] if repeat % 2 == 0 else ["litreview", "asreview"]
            for tool in order:
                if tool == "asreview":
                    seconds, figures = run_asreview(asreview, csv, args)
                    entry["asreview"] = figures
                else:
                    seconds, figures = run_litreview(litreview, csv, args)
                    entry["litreview"] = figures
                entry[f"{tool}_seconds"].append(seconds)
                print(f"{csv.name} #{repeat + 1} {tool}: {seconds:.2f} s", file=sys.stderr)
        entry["asreview_median"] = statistics.median(entry["asreview_seconds"])
        entry["litreview_median"] = statistics.median(entry["litreview_seconds"])
        entry["ratio"] = entry["litreview_median"] / entry["asreview_median"]
        results.append(entry)
    load_end = load()

    stop = "every record (--n-stop -1)" if args.asreview_full else "last relevant found (default)"
    print(
        f"asreview {ASREVIEW_VERSION} (ELAS u4) vs litreview simulate; seed {args.seed}, "
        f"priors {args.prior_included}+{args.prior_excluded}, median of {args.repeat} "
        f"pair(s); asreview stops at: {stop}\n"
    )
    print(
        "| file | records | asreview labelled | asreview s | litreview s | ratio (≤ 0.5) "
        "| WSS@95 asreview | WSS@95 litreview | load 1 min |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for e in results:
        a, lit = e["asreview"], e["litreview"]
        verdict = "ok" if e["ratio"] <= 0.5 else "MISS"
        print(
            f"| {e['file']} | {lit['records']} | {a['labelled']} | {e['asreview_median']:.2f} "
            f"| {e['litreview_median']:.2f} | {e['ratio']:.3f} {verdict} | {fmt(a['wss95'])} "
            f"| {fmt(lit['wss95'])} | {statistics.median(e['load']):.2f} |"
        )
    total_a = sum(e["asreview_median"] for e in results)
    total_l = sum(e["litreview_median"] for e in results)
    print(f"| **total** | | | {total_a:.2f} | {total_l:.2f} | {total_l / total_a:.3f} | | | |")
    print(
        f"\nload average (1/5/15 min): start {load_start}, end {load_end}; cpus: {os.cpu_count()}"
    )
    if args.json_out:
        args.json_out.write_text(
            json.dumps(
                {
                    "seed": args.seed,
                    "priors": [args.prior_included, args.prior_excluded],
                    "repeat": args.repeat,
                    "asreview_full": args.asreview_full,
                    "load_start": load_start,
                    "load_end": load_end,
                    "files": results,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
