"""Exporting works (deduplicated records) as RIS, CSV or BibTeX.

- **RIS** is written by ``rispy.dumps`` (``report/export_ris.py``) and read back by
  rispy and by ``litreview import``; each record's decisions are in an ``N1`` note
  (``litreview record 12; title: include; abstract: exclude (Unrelated topic)``), its
  own notes follow in further ``N1`` lines.
- **CSV** has ``record_id`` and ``label_included`` (1 included, 0 excluded, empty
  undecided) so ASReview and spreadsheets can read it, plus each stage's decision and
  reason; cells are neutralised against formula injection.
- **BibTeX** is written by bibtexparser 2 with LaTeX-encoded text
  (``report/export_bibtex.py``), keys ``surnameYEAR`` in ASCII (a/b for repeats).

Selection: every work; with ``stage`` the works in that stage; with ``decision`` those
whose decision at the stage (the last stage if none is given) is that one.
``label_included`` is the decision at ``stage`` if given, else the final outcome:
1 for works included at the last stage, 0 for works excluded at any stage or
outside the eligibility limits.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from litreview.errors import InvalidValue
from litreview.fulltext.files import file_paths
from litreview.models import RecordFields
from litreview.report.formats import write_csv_rows, write_xlsx
from litreview.report.model import Table
from litreview.screening.session import stage_works
from litreview.screening.team import effective_decisions
from litreview.storage import views, works
from litreview.storage.decisions import CurrentDecision
from litreview.storage.output_files import write_text
from litreview.storage.review import Review

EXPORT_FORMATS = ("ris", "csv", "bibtex", "xlsx")
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


def render_ris(review: Review, items: list[ExportedWork]) -> str:
    from litreview.report.export_ris import render_ris as write_ris  # heavy: rispy

    pdfs = file_paths(review)  # L1: the attached PDF, which Zotero and EndNote pick up
    return write_ris(
        [(i.fields, [describe_decisions(review, i), *i.fields.notes]) for i in items],
        [pdfs.get(i.work_id) for i in items],
    )


def csv_rows(review: Review, items: list[ExportedWork]) -> list[list[str]]:
    """The CSV export's header and rows (also the xlsx export's)."""
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
    return rows


def render_csv(review: Review, items: list[ExportedWork]) -> str:
    out = io.StringIO()
    write_csv_rows(out, csv_rows(review, items))
    return out.getvalue()


def write_xlsx_export(review: Review, items: list[ExportedWork], path: Path) -> None:
    """The CSV export's columns as a worksheet: numbers as numbers, text as text."""

    header, *rows = csv_rows(review, items)
    write_xlsx(
        Table("records", "litreview export", tuple(header), tuple(tuple(r) for r in rows)), path
    )


def render_bibtex(review: Review, items: list[ExportedWork]) -> str:
    from litreview.report.export_bibtex import render_bibtex as write_bibtex  # heavy: bibtexparser

    return write_bibtex([(i.fields, describe_decisions(review, i)) for i in items])


def _check_format(fmt: str) -> None:
    if fmt not in EXPORT_FORMATS:
        raise InvalidValue(
            f"unknown export format {fmt!r}", hint=f"use one of {', '.join(EXPORT_FORMATS)}"
        )


def export_to_file(
    review: Review,
    fmt: str,
    path: Path,
    *,
    stage: str | None = None,
    decision: str | None = None,
) -> int:
    """Write the export to ``path``; returns how many works it holds."""
    _check_format(fmt)
    if fmt != "xlsx":
        text, n = export_records(review, fmt, stage=stage, decision=decision)

        write_text(path, text)
        return n
    items = select_works(review, stage=stage, decision=decision)
    write_xlsx_export(review, items, path)
    return len(items)


def export_records(
    review: Review, fmt: str, *, stage: str | None = None, decision: str | None = None
) -> tuple[str, int]:
    """(the export text, how many works it holds)."""
    _check_format(fmt)
    if fmt == "xlsx":
        raise InvalidValue("--format xlsx writes a file", hint="give -o FILE")
    items = select_works(review, stage=stage, decision=decision)
    render = {"ris": render_ris, "csv": render_csv, "bibtex": render_bibtex}[fmt]
    return render(review, items), len(items)
