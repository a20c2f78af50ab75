"""Attach N generated PDFs to a review of N works: wall time and peak memory of the real
``litreview attach`` command, and (``--compare``) pypdf vs pdfminer.six extraction speed.

    .venv/bin/python bench/attach_bench.py --n 1000 --pages 8 [--compare 50] [--keep DIR]

Needs reportlab (the test extra). A third of the PDFs carry the DOI in the file name, a
third on the first page (two-column layout), a third only the title on the first page.
``attach`` runs as a subprocess, so its peak RSS (ru_maxrss of the child) is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

WORDS = [
    "children",
    "families",
    "outcomes",
    "support",
    "services",
    "trial",
    "cohort",
    "parents",
    "care",
    "school",
    "health",
    "visits",
    "nurses",
    "counselling",
    "wellbeing",
    "survey",
    "primary",
    "randomised",
    "analysis",
    "effect",
]


def title_of(n: int) -> str:
    w = [WORDS[(n * 7 + k * 3) % len(WORDS)] for k in range(6)]
    return f"Study {n}: {' '.join(w)} in setting {n * 13 % 997}"


def generate(folder: Path, n: int, pages: int) -> Path:
    from pdf_helpers import write_pdf

    ris = folder / "works.ris"
    pdfs = folder / "pdfs"
    pdfs.mkdir()
    with ris.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f"TY  - JOUR\nTI  - {title_of(i)}\nPY  - 2020\nDO  - 10.5555/bench.{i}\n")
            out.write("ER  - \n\n")
    body = "\n".join(" ".join(WORDS[(i + k) % len(WORDS)] for k in range(12)) for i in range(40))
    for i in range(n):
        kind = i % 3
        name = f"10.5555_bench.{i}.pdf" if kind == 0 else f"paper-{i}.pdf"
        first = title_of(i) + ("\n" + f"doi:10.5555/bench.{i}" if kind == 1 else "")
        write_pdf(
            pdfs / name,
            [first + "\n" + body] + [f"page {p}\n{body}" for p in range(2, pages + 1)],
            columns=2 if kind == 1 else 1,
        )
    return ris


def compare(pdfs: list[Path]) -> dict[str, float]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer
    from pypdf import PdfReader

    started = time.perf_counter()
    for path in pdfs:
        for page in PdfReader(path).pages:
            page.extract_text()
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for path in pdfs:
        for layout in extract_pages(path):
            "".join(e.get_text() for e in layout if isinstance(e, LTTextContainer))
    theirs = time.perf_counter() - started
    return {"pypdf_s": round(ours, 2), "pdfminer_s": round(theirs, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--compare", type=int, default=0, help="PDFs for pypdf vs pdfminer")
    parser.add_argument("--keep", type=Path, help="work here and keep the files")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="attach-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "litreview"]
    db = folder / "review.db"
    started = time.perf_counter()
    ris = generate(folder, args.n, args.pages)
    made = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (folder / "pdfs").iterdir())
    subprocess.run([*exe, "--db", str(db), "init"], check=True, capture_output=True)
    subprocess.run(
        [*exe, "--db", str(db), "import", str(ris), "--database", "Bench"],
        check=True,
        capture_output=True,
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [*exe, "--db", str(db), "attach", str(folder / "pdfs"), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    outcomes = json.loads(done.stdout)
    result = {
        "pdfs": args.n,
        "pages_each": args.pages,
        "mb_of_pdfs": round(size / 1e6, 1),
        "generate_s": round(made, 1),
        "attach_s": round(wall, 1),
        "per_pdf_ms": round(1000 * wall / args.n, 1),
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
        "attached": sum(o["status"] == "attached" for o in outcomes),
        "not_attached": [o["source"] for o in outcomes if o["status"] != "attached"][:5],
    }
    if args.compare:
        result |= compare(sorted((folder / "pdfs").iterdir())[: args.compare])
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
