"""Write the second example's records (``examples/NAME.csv.gz``) from a labelled
screening set, e.g. ``python -m tools.demo.make_examples ../shared/data/screening``.

Only sets whose licence allows shipping are listed in ``litreview.demo.examples``; the
output keeps the columns a newcomer's review needs (title, abstract, DOI, year) and the
published label, sorted by the set's ``record_id``, gzip'd without a timestamp so that
every run writes the same bytes.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

from litreview.demo.examples import EXAMPLES, EXAMPLES_DIR
from litreview.storage.output_files import write_bytes

COLUMNS = ("record_id", "title", "abstract", "doi", "year", "label_included")


def build(screening_dir: Path) -> dict[str, bytes]:
    """file name -> bytes, for every shipped example."""
    files = {}
    for example in EXAMPLES:
        with (screening_dir / example.source_file).open(encoding="utf-8", newline="") as stream:
            rows = sorted(csv.DictReader(stream), key=lambda r: int(r["record_id"]))
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([row[c] for c in COLUMNS] for row in rows)
        files[example.data_file] = gzip.compress(text.getvalue().encode("utf-8"), 9, mtime=0)
    return files


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    for name, data in build(Path(argv[0])).items():
        write_bytes(EXAMPLES_DIR / name, data)
        print(f"wrote {EXAMPLES_DIR / name} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
