"""Exporting works (deduplicated records) as RIS, CSV or BibTeX.

- **RIS** is read back by rispy and by ``litreview import``; each record's decisions
  are in an ``N1`` note (``litreview record 12; title: include; abstract: exclude
  (Unrelated topic)``), its own notes follow in further ``N1`` lines.
- **CSV** has ``record_id`` and ``label_included`` (1 included, 0 excluded, empty
  undecided) so ASReview and spreadsheets can read it, plus each stage's decision and
  reason; cells are neutralised against formula injection.
- **BibTeX** entries keyed ``surnameYEAR`` (with a/b for repeats), text escaped.

Selection: every work; with ``stage`` the works in that stage; with ``decision`` those
whose decision at the stage (the last stage if none is given) is that one.
``label_included`` is the decision at ``stage`` if given, else the final outcome:
1 for works included at the last stage, 0 for works excluded at any stage or
outside the eligibility limits.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from litreview.errors import InvalidValue
from litreview.models import RecordFields
from litreview.report.formats import write_csv_rows
from litreview.review import Review
from litreview.storage.decisions import CurrentDecision

EXPORT_FORMATS = ("ris", "csv", "bibtex")
DECISIONS = ("include", "exclude", "maybe")


@dataclass(frozen=True)
class ExportedWork:
    work_id: int
    fields: RecordFields
    decisions: dict[str, CurrentDecision]  # stage -> decision that counts, where decided
    label: int | None  # label_included


def _reason_label(review: Review, stage: str, code: str | None) -> str | None:
    if code is None:
        return None
    reasons = {r.code: r.label for r in review.protocol.stage(stage).exclusion_reasons}
    return reasons.get(code, code)


def _final_label(
    review: Review, work: int, decisions: dict[str, CurrentDecision], ineligible: set[int]
) -> int | None:
    if work in ineligible:
        return 0
    last = review.protocol.stages[-1].name
    if any(d.value == "exclude" for d in decisions.values()):
        return 0
    found = decisions.get(last)
    return 1 if found is not None and found.value == "include" else None


def select_works(
    review: Review, *, stage: str | None = None, decision: str | None = None
) -> list[ExportedWork]:
    """The works to export, in work-id order, with their decisions and label."""
    from litreview.screen.session import stage_works
    from litreview.screen.team import effective_decisions
    from litreview.storage import views, works

    names = [s.name for s in review.protocol.stages]
    if stage is not None and stage not in names:
        raise InvalidValue(f"unknown stage {stage!r}", hint=f"stages: {', '.join(names)}")
    if decision is not None and decision not in DECISIONS:
        raise InvalidValue(f"unknown decision {decision!r}", hint="include, exclude or maybe")
    if decision is not None and stage is None:
        stage = names[-1]
    current = {name: effective_decisions(review, name) for name in names}
    pools = {name: set(stage_works(review, name)) for name in names}
    chosen = (
        stage_works(review, stage) if stage else works.list_work_ids(review.db, eligible_only=False)
    )
    ineligible = set(works.ineligible_reasons(review.db))
    found = []
    for work in chosen:
        decided = {n: current[n][work] for n in names if work in pools[n] and work in current[n]}
        if decision is not None and (stage not in decided or decided[stage].value != decision):
            continue
        if stage is not None:
            value = decided[stage].value if stage in decided else None
            label = {"include": 1, "exclude": 0}.get(value or "")
        else:
            label = _final_label(review, work, decided, ineligible)
        found.append(ExportedWork(work, views.work_fields(review.db, work), decided, label))
    return found


def describe_decisions(review: Review, item: ExportedWork) -> str:
    parts = [f"litreview record {item.work_id}"]
    for stage, d in item.decisions.items():
        reason = _reason_label(review, stage, d.reason)
        parts.append(f"{stage}: {d.value}" + (f" ({reason})" if reason else ""))
    return "; ".join(parts)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _ris_record(review: Review, item: ExportedWork) -> list[str]:
    f = item.fields
    tags: list[tuple[str, str | None]] = [("TY", f.type or "GEN"), ("TI", f.title)]
    tags += [("AU", a) for a in f.authors] + [("ED", e) for e in f.editors]
    tags += [
        ("PY", str(f.year) if f.year else None),
        ("DA", f.date),
        ("T2", f.journal),
        ("J2", f.journal_abbrev),
        ("VL", f.volume),
        ("IS", f.issue),
        ("SP", f.start_page),
        ("EP", f.end_page),
        ("DO", f.doi),
        ("AB", f.abstract),
    ]
    tags += [("KW", k) for k in f.keywords] + [("SN", s) for s in f.issn]
    tags += [("SN", s) for s in f.isbn] + [("UR", u) for u in f.urls]
    tags += [
        ("LA", f.language),
        ("PB", f.publisher),
        ("CY", f.place),
        ("AN", f.accession),
        ("DB", f.database),
        ("N1", describe_decisions(review, item)),
    ]
    tags += [("N1", n) for n in f.notes]
    lines = [f"{tag}  - {_one_line(value)}" for tag, value in tags if value and _one_line(value)]
    return [*lines, "ER  - ", ""]


def render_ris(review: Review, items: list[ExportedWork]) -> str:
    from litreview.fulltext_files import file_paths

    pdfs = file_paths(review)  # L1: the attached PDF, which Zotero and EndNote pick up
    lines = []
    for item in items:
        record = _ris_record(review, item)
        if item.work_id in pdfs:
            record[-2:-2] = [f"L1  - {pdfs[item.work_id]}"]
        lines += record
    return "\n".join(lines) + "\n"


def render_csv(review: Review, items: list[ExportedWork]) -> str:
    stages = [s.name for s in review.protocol.stages]
    header = [
        "record_id",
        "title",
        "abstract",
        "authors",
        "year",
        "journal",
        "volume",
        "issue",
        "pages",
        "doi",
        "keywords",
        "type",
        "label_included",
    ]
    header += [col for s in stages for col in (f"{s}_decision", f"{s}_reason")]
    header.append("pdf_path")
    from litreview.fulltext_files import file_paths

    pdfs = file_paths(review)
    rows: list[list[str]] = [header]
    for item in items:
        f = item.fields
        pages = "-".join(p for p in (f.start_page, f.end_page) if p)
        row = [
            str(item.work_id),
            f.title or "",
            f.abstract or "",
            "; ".join(f.authors),
            str(f.year or ""),
            f.journal or "",
            f.volume or "",
            f.issue or "",
            pages,
            f.doi or "",
            "; ".join(f.keywords),
            f.type or "",
            "" if item.label is None else str(item.label),
        ]
        for s in stages:
            d = item.decisions.get(s)
            row += [d.value if d else "", (_reason_label(review, s, d.reason) or "") if d else ""]
        row.append(pdfs.get(item.work_id, ""))
        rows.append(row)
    out = io.StringIO()
    write_csv_rows(out, rows)
    return out.getvalue()


_BIBTEX_TYPES = {
    "JOUR": "article",
    "JFULL": "article",
    "EJOUR": "article",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "incollection",
    "ECHAP": "incollection",
    "CONF": "inproceedings",
    "CPAPER": "inproceedings",
    "RPRT": "techreport",
    "THES": "phdthesis",
}
_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_BIBTEX_RE = re.compile("|".join(re.escape(k) for k in _BIBTEX_SPECIAL))


def escape_bibtex(text: str) -> str:
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], _one_line(text))


def _bibtex_keys(items: list[ExportedWork]) -> dict[int, str]:
    from litreview.report.citations import surname_of

    def base(f: RecordFields) -> str:
        name = surname_of(f.authors[0]) if f.authors else (f.title or "anon").split()[0]
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        return (re.sub(r"[^A-Za-z0-9]", "", ascii_name).lower() or "anon") + str(f.year or "")

    bases = {i.work_id: base(i.fields) for i in items}
    counts = Counter(bases.values())
    seen: Counter[str] = Counter()
    keys = {}
    for item in items:
        key = bases[item.work_id]
        if counts[key] > 1:
            seen[key] += 1
            key += chr(ord("a") + (seen[key] - 1) % 26) + (
                "" if seen[key] <= 26 else str(seen[key])
            )
        keys[item.work_id] = key
    return keys


def _bibtex_entry(review: Review, item: ExportedWork, key: str) -> str:
    f = item.fields
    kind = _BIBTEX_TYPES.get((f.type or "").upper(), "misc")
    container = {
        "article": "journal",
        "incollection": "booktitle",
        "inproceedings": "booktitle",
    }.get(kind, "howpublished")
    pages = "--".join(p for p in (f.start_page, f.end_page) if p)
    values = [
        ("author", " and ".join(f.authors)),
        ("editor", " and ".join(f.editors)),
        ("title", f.title),
        ("year", str(f.year or "")),
        (container, f.journal),
        ("volume", f.volume),
        ("number", f.issue),
        ("pages", pages),
        ("publisher", f.publisher),
        ("address", f.place),
        ("doi", f.doi),
        ("url", f.urls[0] if f.urls else None),
        ("abstract", f.abstract),
        ("keywords", ", ".join(f.keywords)),
        ("note", describe_decisions(review, item)),
    ]
    body = ",\n".join(
        f"  {name} = {{{escape_bibtex(value)}}}"
        for name, value in values
        if value and _one_line(value)
    )
    return f"@{kind}{{{key},\n{body}\n}}\n"


def render_bibtex(review: Review, items: list[ExportedWork]) -> str:
    keys = _bibtex_keys(items)
    return "\n".join(_bibtex_entry(review, item, keys[item.work_id]) for item in items)


def export_records(
    review: Review, fmt: str, *, stage: str | None = None, decision: str | None = None
) -> tuple[str, int]:
    """(the export text, how many works it holds)."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidValue(
            f"unknown export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}"
        )
    items = select_works(review, stage=stage, decision=decision)
    render = {"ris": render_ris, "csv": render_csv, "bibtex": render_bibtex}[fmt]
    return render(review, items), len(items)
