"""Import 100,000 records built from the shared RIS exports; report time and peak RSS.

Usage: .venv/bin/python bench/import_bench.py [--records 100000]
Target (issue 2): <= 30 s on 2 cores, peak RSS <= 2 GB. Also times rispy's own
parse of the same text for comparison. Each measurement runs in a fresh process.

    .venv/bin/python bench/import_bench.py --bibtex [--repeat 3]

compares BibTeX with RIS on the same records (issue 18: BibTeX within 2x of RIS): every
shared RIS export is parsed, written once as RIS (rispy) and once as BibTeX (bibtexparser,
LaTeX-encoded), and each file is parsed by ``parse_file`` in fresh processes; the best
of ``--repeat`` runs is reported, as the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("LITREVIEW_SHARED_DATA", REPO.parent / "shared" / "data"))


def build_file(target: int, out: Path) -> int:
    """Concatenate the RIS exports that have TY lines until `target` records."""
    expected = json.loads((SHARED / "ris" / "EXPECTED_RECORDS.json").read_text())
    chunks: list[tuple[str, int]] = []
    for name, count in sorted(expected.items()):
        if count < 5:
            continue
        raw = (SHARED / "ris" / name).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        starts = sum(1 for line in text.splitlines() if line.startswith("TY  -"))
        if starts != count:
            continue
        chunks.append((text.rstrip("\n") + "\n\n", count))
    total = 0
    with out.open("w", encoding="utf-8") as fh:
        while total < target:
            for text, count in chunks:
                fh.write(text)
                total += count
                if total >= target:
                    break
    return total


def measure(code: str) -> dict[str, float]:
    script = (
        "import resource, time, json, sys\n"
        "t = time.perf_counter()\n"
        f"{code}\n"
        "elapsed = time.perf_counter() - t\n"
        "rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': elapsed, 'peak_rss_mb': rss, 'n': n}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bibtex_against_ris(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ris, bib = Path(tmp) / "same.ris", Path(tmp) / "same.bib"
        subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    "import json, sys\n"
                    "from pathlib import Path\n"
                    "from litreview.ingest import parse_file\n"
                    "from litreview.report.export_bibtex import render_bibtex\n"
                    "from litreview.report.export_ris import render_ris\n"
                    f"shared = Path({str(SHARED / 'ris')!r})\n"
                    "expected = json.loads((shared / 'EXPECTED_RECORDS.json').read_text())\n"
                    "fields = [r.fields for name, n in sorted(expected.items()) if n\n"
                    "          for r in parse_file(shared / name).records]\n"
                    f"Path({str(ris)!r}).write_text(render_ris([(f, []) for f in fields]))\n"
                    f"Path({str(bib)!r}).write_text(render_bibtex([(f, '') for f in fields]))\n"
                ),
            ],
            check=True,
        )
        times = {}
        for path in (ris, bib):
            runs = [
                measure(
                    "from litreview.ingest import parse_file\n"
                    f"n = len(parse_file({str(path)!r}).records)"
                )
                for _ in range(repeat)
            ]
            times[path.suffix] = min(r["seconds"] for r in runs)
            print(
                f"{path.suffix[1:]:>4}: {runs[0]['n']} records, best of {repeat}: "
                f"{times[path.suffix]:.2f} s (runs: "
                + ", ".join(f"{r['seconds']:.2f}" for r in runs)
                + ")"
            )
        print(f"BibTeX / RIS: {times['.bib'] / times['.ris']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--bibtex", action="store_true", help="BibTeX against RIS, same records")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SHARED.is_dir():
        sys.exit(f"no shared data at {SHARED}")
    if args.bibtex:
        bibtex_against_ris(args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        ris = Path(tmp) / "big.ris"
        n = build_file(args.records, ris)
        db = Path(tmp) / "review.db"
        ours = measure(
            "from pathlib import Path\n"
            "from litreview.protocol import load_template\n"
            "from litreview.storage.review import create_review\n"
            "from litreview.ingest.importer import import_files\n"
            f"r = create_review({str(db)!r}, load_template('default')[0])\n"
            f"n = import_files(r, [Path({str(ris)!r})])[0].records\n"
            "r.close()"
        )
        parse_only = measure(
            f"from litreview.ingest import parse_file\nn = len(parse_file({str(ris)!r}).records)"
        )
        rispy_only = measure(
            "import rispy\n"
            "try:\n"
            f"    n = len(rispy.loads(open({str(ris)!r}, encoding='utf-8').read(),"
            " enforce_list_tags=False))\n"
            "except Exception as exc:\n"
            "    n = f'failed: {type(exc).__name__}'"
        )
    print(f"file: {n} records ({ris.name})")
    print(
        f"litreview import (parse + SQLite): {ours['seconds']:.1f} s, "
        f"peak RSS {ours['peak_rss_mb']:.0f} MB, {ours['n']} records"
    )
    print(
        f"litreview parse only:              {parse_only['seconds']:.1f} s, "
        f"peak RSS {parse_only['peak_rss_mb']:.0f} MB"
    )
    print(
        f"rispy.loads (repeated tags kept):  {rispy_only['seconds']:.1f} s, "
        f"peak RSS {rispy_only['peak_rss_mb']:.0f} MB, {rispy_only['n']} records"
    )


if __name__ == "__main__":
    main()
