"""Build the demo review's search exports from the worked example's bibliography.

    python -m tools.demo.make_exports ../shared/data/thesis [--out litreview/demo]

Reads ``bibliography.csv`` (397 references of Quin 2015) and writes, deterministically:

- ``proquest.ris``, ``wos.ris``, ``ebsco.ris``: what three database searches could have
  exported, each in its exporter's RIS dialect, overlapping the way real searches do;
- ``other_methods.ris``: the reviewer's Zotero export of what came from other methods (hand
  search, citation chasing, web sites), so that the demo holds every reference;
- ``truth.csv``: ``file,position,bib_id,work_id`` for every record written;
- ``codes.csv``: the studies of the thesis's Table 14 and Table 8 (by ``bib_id``) with the
  codebook values their cells name, in the safeguarding template's value names. The tables'
  own wording is not copied (it is not ours to ship); ``litreview demo --thesis-data DIR``
  reads it from a local copy of the thesis data instead.

Every random choice is seeded by the reference id, so adding a reference leaves every other
record as it was.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from litreview.demo import DEMO_DIR
from litreview.demo.coding import CODES_FILE
from litreview.storage.output_files import write_bytes
from tools.demo._exporters import (
    EBSCO_STYLE,
    PROQUEST_STYLE,
    WOS_STYLE,
    ZOTERO_STYLE,
    Listing,
    Style,
    Tags,
    ebsco_record,
    proquest_record,
    serialize,
    wos_record,
    zotero_record,
)
from tools.demo._refs import Ref, load_refs
from tools.demo._vocab import canonical_journal

SEED = "quin2015-demo-v1"
DATABASES = ("proquest", "wos", "ebsco")
OTHER = "other_methods"
FILES = (*DATABASES, OTHER)
SEARCH_LIMIT_YEAR = 2000  # the review's searches were limited to 2000 onwards
HAND_SEARCHED_JOURNALS = frozenset({"Child Abuse Review"})
# The thesis lists one article twice (2005a and 2005b); both ids name the same work.
SAME_WORK_AS = {"darlington2005b": "darlington2005a"}

# Social-work and child-welfare journals that all three databases index; others are drawn.
CORE_JOURNALS = frozenset(
    {
        "British Journal of Social Work",
        "Child & Family Social Work",
        "Child Abuse & Neglect",
        "Child Abuse Review",
        "Children and Youth Services Review",
        "Children & Society",
        "Health and Social Care in the Community",
        "Journal of Interprofessional Care",
        "Child Maltreatment",
        "Child Welfare",
        "Families in Society",
        "Journal of Social Work",
        "Qualitative Social Work",
        "European Journal of Social Work",
        "Social Service Review",
        "International Journal of Social Welfare",
        "Research on Social Work Practice",
        "Journal of Social Policy",
        "Critical Social Policy",
        "Journal of Child Sexual Abuse",
    }
)
JOURNAL_COVERAGE = {"proquest": 0.85, "wos": 0.6, "ebsco": 0.8}
RETRIEVED_IF_INDEXED = 0.88
NON_JOURNAL_ODDS = {
    "BOOK": {"proquest": 0.2, "ebsco": 0.1},
    "CHAP": {"proquest": 0.2, "ebsco": 0.1},
    "RPRT": {"proquest": 0.12, "ebsco": 0.04},
}
PROQUEST_DATABASES = (
    ("ASSIA: Applied Social Sciences Index and Abstracts", 0.45),
    ("Social Services Abstracts", 0.30),
    ("Sociological Abstracts", 0.25),
)
EBSCO_DATABASES = (("Academic Search Complete", 0.6), ("SocINDEX with Full Text", 0.4))
STYLES: dict[str, Style] = {
    "proquest": PROQUEST_STYLE,
    "wos": WOS_STYLE,
    "ebsco": EBSCO_STYLE,
    OTHER: ZOTERO_STYLE,
}
TABLES = (
    (
        "table14.csv",
        [
            "Report",
            "Safeguarding context",
            "Nature of study",
            "Data source(s)",
            "How success is conceptualised",
            "bib_id",
        ],
    ),
    ("table8.csv", ["concept", "domain", "finding_text", "citation", "bib_id"]),
)


def _rng(*parts: str) -> random.Random:
    return random.Random("|".join((SEED, *parts)))


def work_id(ref: Ref) -> str:
    return SAME_WORK_AS.get(ref.bib_id, ref.bib_id)


# --- which files hold which reference ------------------------------------------------------


def sources_for(ref: Ref) -> set[str]:
    """The files a reference appears in: database exports, and/or other methods."""
    if ref.bib_id in SAME_WORK_AS:
        return {OTHER}
    found = _database_hits(ref)
    hand_searched = canonical_journal(ref.container) in HAND_SEARCHED_JOURNALS
    if not found or (ref.ris_type == "JOUR" and hand_searched):
        found.add(OTHER)
    return found


def _database_hits(ref: Ref) -> set[str]:
    if ref.year < SEARCH_LIMIT_YEAR:
        return set()
    if ref.ris_type == "JOUR":
        journal = canonical_journal(ref.container)
        return {
            db
            for db in DATABASES
            if _indexes(db, journal)
            and _rng("retrieved", db, ref.bib_id).random() < RETRIEVED_IF_INDEXED
        }
    if not ref.has_person_author or ref.subtype:
        return set()
    odds = NON_JOURNAL_ODDS.get(ref.ris_type, {})
    return {db for db, p in odds.items() if _rng("retrieved", db, ref.bib_id).random() < p}


def _indexes(db: str, journal: str) -> bool:
    return journal in CORE_JOURNALS or _rng("covers", db, journal).random() < JOURNAL_COVERAGE[db]


# --- how each database lists a reference ---------------------------------------------------


def _pick(choices: tuple[tuple[str, float], ...], rng: random.Random) -> str:
    names = [name for name, _ in choices]
    return rng.choices(names, weights=[weight for _, weight in choices])[0]


def sub_database(db: str, ref: Ref) -> str:
    rng = _rng("database", db, ref.bib_id)
    if db == "wos":
        return "Social Science Citation Index (SSCI)"
    if db == "proquest":
        if ref.ris_type == "JOUR":
            return _pick(PROQUEST_DATABASES, rng)
        books = ref.ris_type in {"BOOK", "CHAP"}
        return "Sociological Abstracts" if books else PROQUEST_DATABASES[0][0]
    return _pick(EBSCO_DATABASES, rng) if ref.ris_type == "JOUR" else EBSCO_DATABASES[1][0]


def _accession_guess(db: str, ref: Ref) -> int:
    rng, age = _rng("accession", db, ref.bib_id), ref.year - 2000
    if db == "proquest":  # docview ids grow with the record's age in the platform
        return int(57_000_000 * 1.28**age) + rng.randint(0, 4_000_000)
    if db == "wos":  # UT: 000 + issue-batch number + item number
        batch = 165_000 + 14_000 * age + rng.randint(0, 13_999)
        return batch * 1_000_000 + rng.randint(1, 99_999)
    return 5_000_000 + 7_000_000 * age + rng.randint(0, 6_999_999)


def list_works(db: str, refs: Sequence[Ref]) -> list[Listing]:
    """Listings for one database, each with a unique accession number, in export order."""
    used: set[int] = set()
    listings: list[Listing] = []
    for ref in sorted(refs, key=lambda r: r.bib_id):
        accession = _accession_guess(db, ref)
        while accession in used:
            accession += 1
        used.add(accession)
        listings.append(Listing(ref, sub_database(db, ref), accession))
    return sorted(listings, key=lambda item: _rng("order", db, item.ref.bib_id).random())


def render(db: str, item: Listing) -> Tags:
    rng = _rng("style", db, item.ref.bib_id)
    if db == "proquest":
        return proquest_record(item)
    if db == "wos":
        return wos_record(item, rng)
    return ebsco_record(item, rng)


# --- building the files --------------------------------------------------------------------


def build(thesis_dir: Path) -> dict[str, bytes]:
    """Every demo file's name and bytes, built from the thesis data folder."""
    refs = load_refs(thesis_dir / "bibliography.csv")
    members: dict[str, list[Ref]] = {name: [] for name in FILES}
    for ref in refs:
        for name in sources_for(ref):
            members[name].append(ref)
    files: dict[str, bytes] = {}
    truth: list[tuple[str, int, str, str]] = []
    for name in FILES:
        ordered = _ordered_records(name, members[name])
        files[f"{name}.ris"] = serialize([tags for _, tags in ordered], STYLES[name])
        truth += [
            (f"{name}.ris", i, ref.bib_id, work_id(ref))
            for i, (ref, _) in enumerate(ordered, start=1)
        ]
    files["truth.csv"] = _csv_bytes(["file", "position", "bib_id", "work_id"], truth)
    known = {ref.bib_id for ref in refs}
    tables = [_checked_table(thesis_dir / table, columns, known) for table, columns in TABLES]
    files[CODES_FILE] = _codes_bytes(*tables)
    return files


def _codes_bytes(table14: list[dict[str, str]], table8: list[dict[str, str]]) -> bytes:
    """``codes.csv``: each study's codebook values (our value names), none of the thesis's
    wording, which is not ours to ship."""
    from litreview.demo.coding import codes_rows, plan_from_tables
    from litreview.protocol import load_template

    protocol = load_template("safeguarding")[1]
    rows = codes_rows(protocol, plan_from_tables(protocol, table14, table8))
    return _csv_bytes(rows[0], rows[1:])


def _ordered_records(name: str, refs: list[Ref]) -> list[tuple[Ref, Tags]]:
    if name == OTHER:
        ordered = sorted(refs, key=lambda r: _rng("order", OTHER, r.bib_id).random())
        return [(ref, zotero_record(ref)) for ref in ordered]
    return [(item.ref, render(name, item)) for item in list_works(name, refs)]


def _csv_bytes(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _checked_table(path: Path, columns: list[str], known: set[str]) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8"))))
    if not rows or list(rows[0]) != columns:
        raise SystemExit(f"{path}: expected columns {columns}")
    cited = {bib_id.strip() for row in rows for bib_id in row["bib_id"].split(";")}
    if missing := sorted(cited - known):
        raise SystemExit(f"{path}: bib_id not in bibliography.csv: {', '.join(missing)}")
    return rows


def summarise(files: dict[str, bytes]) -> str:
    """Record counts per file and how many works appear in 0-3 database exports."""
    rows = list(csv.DictReader(io.StringIO(files["truth.csv"].decode("utf-8"))))
    where: dict[str, set[str]] = {}
    for row in rows:
        where.setdefault(row["work_id"], set()).add(row["file"].removesuffix(".ris"))
    per_file = Counter(row["file"] for row in rows)
    in_dbs = Counter(len(found & set(DATABASES)) for found in where.values())
    lines = [f"{name}: {count} records" for name, count in sorted(per_file.items())]
    lines.append(f"records: {len(rows)}; distinct works: {len(where)}")
    lines += [f"works in {n} database export(s): {in_dbs[n]}" for n in range(4)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("thesis_dir", type=Path, help="folder holding bibliography.csv")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEMO_DIR,
        help="output folder (default: the package's demo folder)",
    )
    args = parser.parse_args(argv)
    files = build(args.thesis_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        write_bytes(args.out / name, data)
    print(summarise(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
