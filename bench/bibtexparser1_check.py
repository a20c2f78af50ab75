"""Can bibtexparser 1.x (still what many tools pin) read litreview's BibTeX export?

Usage: .venv/bin/python bench/bibtexparser1_check.py [--venv /tmp/bibtexparser1-venv]

bibtexparser 1.x is pip-installed into a scratch venv outside the repo (never a litreview
dependency). Every shared RIS export is parsed and written as BibTeX by litreview; the
scratch interpreter reads it with ``bibtexparser.loads`` and its ``convert_to_unicode``
customisation, and the script counts entries read back and titles and DOIs that differ.
Prints ``SKIP: ...`` and exits 0 when the data or the package is unavailable.
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
READER = r"""
import json, sys
import bibtexparser
from bibtexparser.bparser import BibTexParser
from bibtexparser.customization import convert_to_unicode
parser = BibTexParser(common_strings=True)
parser.customization = convert_to_unicode
with open(sys.argv[1], encoding="utf-8") as fh:
    db = bibtexparser.loads(fh.read(), parser=parser)
print(json.dumps({"version": bibtexparser.__version__,
                  "entries": [{"key": e.get("ID"), "title": e.get("title"), "doi": e.get("doi")}
                              for e in db.entries]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", type=Path, default=Path("/tmp/bibtexparser1-venv"))
    args = parser.parse_args()
    if not (SHARED / "ris").is_dir():
        print(f"SKIP: no shared data at {SHARED}")
        return
    python = args.venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(args.venv)], check=True)
        done = subprocess.run([str(python), "-m", "pip", "install", "-q", "bibtexparser<2"])
        if done.returncode:
            print("SKIP: could not install bibtexparser<2")
            return
    sys.path.insert(0, str(REPO))
    from litreview.ingest import parse_file
    from litreview.report.export_bibtex import bibtex_keys, render_bibtex

    expected = json.loads((SHARED / "ris" / "EXPECTED_RECORDS.json").read_text())
    fields = [
        r.fields
        for name, n in sorted(expected.items())
        if n
        for r in parse_file(SHARED / "ris" / name).records
    ]
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "all.bib"
        notes = [f"litreview record {i}" for i in range(1, len(fields) + 1)]  # as the export has
        bib.write_text(render_bibtex(list(zip(fields, notes, strict=True))), encoding="utf-8")
        reader = Path(tmp) / "read.py"
        reader.write_text(READER, encoding="utf-8")
        out = subprocess.run(
            [str(python), str(reader), str(bib)], capture_output=True, text=True, check=True
        ).stdout
    data = json.loads(out)
    read = {e["key"]: e for e in data["entries"]}
    keys = bibtex_keys(fields)
    lost = [k for k in keys if k not in read]
    titles = [
        k
        for f, k in zip(fields, keys, strict=True)
        if k in read
        and " ".join((read[k]["title"] or "").replace("{", "").replace("}", "").split())
        != (f.title or "")
    ]
    dois = [
        k
        for f, k in zip(fields, keys, strict=True)
        if k in read and (read[k]["doi"] or None) != f.doi
    ]
    print(
        f"bibtexparser {data['version']}: {len(read)} of {len(fields)} entries read "
        f"(lost: {', '.join(lost[:10])}{' ...' if len(lost) > 10 else ''}); "
        f"titles differing {len(titles)} ({', '.join(titles[:5])}), "
        f"DOIs differing {len(dois)} ({', '.join(dois[:5])})"
    )
    by_key = dict(zip(keys, fields, strict=True))
    for key in titles[:5]:
        print(f"  {key}: {by_key[key].title!r}\n  {' ' * len(key)}  {read[key]['title']!r}")


if __name__ == "__main__":
    main()
