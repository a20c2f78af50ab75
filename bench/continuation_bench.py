"""Parse time of one record whose abstract has N continuation lines, per tagged format.

    .venv/bin/python bench/continuation_bench.py --lines 20000 200000

Linear parsing means 10x the lines takes about 10x the time (issue 17: it was quadratic,
120 s for 200,000 RIS lines).
"""

from __future__ import annotations

import argparse
import time

from litreview.ingest import parse_bytes


def document(fmt: str, lines: int) -> bytes:
    body = "".join(f"      continued line {i} of a very long abstract\n" for i in range(lines))
    if fmt == "ris":
        return f"TY  - JOUR\nTI  - A title\nAB  - start\n{body}ER  - \n".encode()
    if fmt == "nbib":
        return f"PMID- 1\nTI  - A title\nAB  - start\n{body}".encode()
    return f"FN Clarivate\nVR 1.0\nPT J\nTI A title\nAB start\n{body}ER\nEF\n".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, nargs="+", default=[20_000, 200_000])
    args = parser.parse_args()
    for fmt, name in (("ris", "x.ris"), ("nbib", "x.nbib"), ("wos", "x.txt")):
        for lines in args.lines:
            data = document(fmt, lines)
            started = time.perf_counter()
            parsed = parse_bytes(data, name)
            elapsed = time.perf_counter() - started
            assert len(parsed.records) == 1
            print(f"{fmt:5} {lines:>9,} lines  {elapsed:7.2f} s")


if __name__ == "__main__":
    main()
