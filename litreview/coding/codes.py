"""Coding included studies against the protocol's codebook.

Dimensions are ``single`` (one value), ``multi`` (several, at most ``max_values``)
or ``text`` (free text); choice dimensions with ``detail = true`` also keep the
coder's own wording of the chosen values. Every coding action is a ``code`` event
(who, when, what), so coding is auditable and two coders can be compared;
``undo_coding`` reverts one. ``export_codes`` / ``import_codes`` move codes
through a CSV with one row per study and one column per dimension.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from litreview.errors import ImportFormatError, InvalidValue
from litreview.fulltext.reports import (
    Study,
    get_included_study,
    get_study_links,
    list_included_studies,
)
from litreview.ingest.tabular import check_runaway
from litreview.models import Event, RecordFields
from litreview.protocol import Dimension, Protocol
from litreview.protocol.lines import suggest
from litreview.screening.incoming import reviewer_problem
from litreview.storage import codes as store
from litreview.storage.codes import CodeValue as CodeValue  # re-exported
from litreview.storage.fulltext import list_event_history, revert_event
from litreview.storage.output_files import open_output
from litreview.storage.review import Review
from litreview.storage.works import work_of

VALUE_SEPARATOR = "; "
DETAIL_SUFFIX = ".detail"  # dimension names never contain a dot
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def find_dimension(protocol: Protocol, name: str) -> Dimension:
    for dimension in protocol.codebook:
        if dimension.name == name:
            return dimension
    names = [d.name for d in protocol.codebook]
    raise InvalidValue(
        f"the codebook has no dimension {name!r}", hint=suggest(name, names, "its dimensions are")
    )


def resolve_value(dimension: Dimension, given: str) -> str:
    """A value name from its name or label (case-insensitive), else InvalidValue."""
    token = given.strip()
    for value in dimension.values:
        if token == value.name:
            return value.name
    for value in dimension.values:
        if token.casefold() in (value.name.casefold(), value.label.casefold()):
            return value.name
    raise InvalidValue(
        f"{token!r} is not a value of {dimension.name}",
        hint=suggest(token, [v.name for v in dimension.values], "its values are"),
    )


def check_code(dimension: Dimension, code: CodeValue | None) -> CodeValue | None:
    """``code`` checked against the dimension, with value names resolved; None clears."""
    if code is None or code.is_empty:
        return None
    name = dimension.name
    if dimension.kind == "text":
        if code.values or code.detail:
            raise InvalidValue(f"{name} is a free-text dimension", hint=f"--set {name}=TEXT")
        return CodeValue((), None, (code.text or "").strip() or None)
    if code.text:
        raise InvalidValue(
            f"{name} takes values, not free text",
            hint=suggest("", [v.name for v in dimension.values], "its values are"),
        )
    values = tuple(dict.fromkeys(resolve_value(dimension, v) for v in code.values))
    if not values:
        raise InvalidValue(f"detail for {name} needs at least one value")
    if dimension.kind == "single" and len(values) > 1:
        raise InvalidValue(f"{name} takes one value, not {len(values)}")
    if dimension.max_values is not None and len(values) > dimension.max_values:
        raise InvalidValue(f"{name} takes at most {dimension.max_values} values, not {len(values)}")
    detail = (code.detail or "").strip() or None
    if detail and not dimension.detail:
        raise InvalidValue(
            f"{name} takes no detail", hint="set detail = true on the dimension in the protocol"
        )
    return CodeValue(values, detail)


def parse_assignments(
    protocol: Protocol,
    sets: Iterable[str],
    details: Iterable[str] = (),
    clears: Iterable[str] = (),
) -> dict[str, CodeValue | None]:
    """``DIMENSION=VALUE`` options (multi: repeat them or join values with ``;``),
    ``DIMENSION=TEXT`` details and dimensions to clear -> unchecked codes."""
    values: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for item in sets:
        dim, value = _split_assignment(protocol, item, "--set")
        if dim.kind == "text":
            if dim.name in texts:
                raise InvalidValue(f"{dim.name} is set twice")
            texts[dim.name] = value
        else:
            values.setdefault(dim.name, []).extend(v.strip() for v in value.split(";") if v.strip())
    detail_texts = dict(_split_assignment(protocol, d, "--detail") for d in details)
    codes: dict[str, CodeValue | None] = {n: None for n in clears}
    for dim in protocol.codebook:
        detail = next((t for d, t in detail_texts.items() if d.name == dim.name), None)
        if dim.name in values or dim.name in texts or detail is not None:
            codes[dim.name] = CodeValue(
                tuple(values.get(dim.name, ())), detail, texts.get(dim.name)
            )
    for name in clears:
        find_dimension(protocol, name)
    return codes


def _split_assignment(protocol: Protocol, item: str, option: str) -> tuple[Dimension, str]:
    name, eq, value = item.partition("=")
    if not eq:
        raise InvalidValue(f"{option} takes DIMENSION=VALUE, not {item!r}")
    return find_dimension(protocol, name.strip()), value


def set_codes(
    review: Review,
    record_id: int,
    codes: Mapping[str, CodeValue | None],
    *,
    reviewer: str | None = None,
    origin: str | None = None,
) -> list[int]:
    """Code the included study holding ``record_id`` (None or an empty code clears a
    dimension); returns the event ids (report-level dimensions go on the report)."""
    study = get_included_study(review, record_id)
    checked = {
        name: check_code(find_dimension(review.protocol, name), code)
        for name, code in codes.items()
    }
    if not checked:
        raise InvalidValue("nothing to code", hint="--set DIMENSION=VALUE")
    report = _report_of(review, record_id, study)
    with review.db.atomic():
        return _store_codes(review, study.study_id, report, checked, reviewer, origin)


def _store_codes(
    review: Review,
    study_id: int,
    report_id: int,
    checked: Mapping[str, CodeValue | None],
    reviewer: str | None,
    origin: str | None,
) -> list[int]:
    per_target: dict[int, dict[str, CodeValue | None]] = {}
    for name, code in checked.items():
        applies = find_dimension(review.protocol, name).applies_to
        per_target.setdefault(report_id if applies == "report" else study_id, {})[name] = code
    return [
        store.append_codes(review.db, target, dims, reviewer=reviewer, origin=origin)
        for target, dims in per_target.items()
    ]


def _report_of(review: Review, record_id: int, study: Study) -> int:
    work = work_of(review.db, record_id)
    return work if work in study.report_ids else study.report_ids[0]


def _report_dimensions(protocol: Protocol) -> list[str]:
    return [d.name for d in protocol.codebook if d.applies_to == "report"]


def current_codes(
    review: Review, *, reviewer: str | None = None
) -> dict[int, dict[str, CodeValue]]:
    """study id -> dimension -> code, for included studies (report-level dimensions
    combine their reports' codes, the study's own report first)."""
    report_dims = _report_dimensions(review.protocol)
    studies, reports = store.current_codes(
        review.db, get_study_links(review), reviewer=reviewer, report_dimensions=report_dims
    )
    found: dict[int, dict[str, CodeValue]] = {}
    for study in list_included_studies(review):
        dims = dict(studies.get(study.study_id, {}))
        for name in report_dims:
            combined = _combine([reports.get(r, {}).get(name) for r in study.report_ids])
            if combined is not None:
                dims[name] = combined
        if dims:
            found[study.study_id] = {
                d.name: dims[d.name] for d in review.protocol.codebook if d.name in dims
            }
    return found


def _combine(codes: Sequence[CodeValue | None]) -> CodeValue | None:
    present = [c for c in codes if c is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    values = tuple(dict.fromkeys(v for c in present for v in c.values))
    details = [c.detail for c in present if c.detail]
    texts = [c.text for c in present if c.text]
    return CodeValue(
        values, VALUE_SEPARATOR.join(details) or None, VALUE_SEPARATOR.join(texts) or None
    )


def get_codes(review: Review, record_id: int) -> dict[str, CodeValue]:
    study = get_included_study(review, record_id)
    return current_codes(review).get(study.study_id, {})


def list_code_disagreements(
    review: Review, reviewer_a: str, reviewer_b: str
) -> list[tuple[int, str, CodeValue | None, CodeValue | None]]:
    """(study, dimension, a's code, b's code) wherever two coders differ on a study
    both have coded."""
    a, b = current_codes(review, reviewer=reviewer_a), current_codes(review, reviewer=reviewer_b)
    found = []
    for study in sorted(set(a) & set(b)):
        for dim in review.protocol.codebook:
            mine, theirs = a[study].get(dim.name), b[study].get(dim.name)
            if mine != theirs:
                found.append((study, dim.name, mine, theirs))
    return found


def list_coding_history(review: Review, record_id: int) -> list[tuple[Event, int | None]]:
    """Every code event on the study's reports (undone ones with their undo's id)."""
    study = get_included_study(review, record_id)
    targets = {study.study_id, *study.report_ids}
    targets |= {r for r, s in get_study_links(review).items() if s == study.study_id}
    return list_event_history(review.db, ("code",), targets)


def undo_coding(
    review: Review, *, reviewer: str | None, record_id: int | None = None
) -> Event | None:
    """Revert the newest live coding action (by ``reviewer``; on the record's study if
    given); returns the reverted event, or None."""
    links = get_study_links(review)
    targets = None
    if record_id is not None:
        study = get_included_study(review, record_id)
        targets = {study.study_id, *study.report_ids}
    with review.db.atomic():
        last = store.find_last_code_event(review.db, links, reviewer=reviewer, target_ids=targets)
        if last is not None:
            revert_event(review.db, last, reviewer=reviewer)
    return last


# --- CSV ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodesImport:
    rows: int
    studies_changed: int
    events: int


def format_citation(fields: RecordFields) -> str:
    """A plain "Author et al., Year" label for a spreadsheet row (not for publication)."""
    surnames = [a.split(",")[0].strip() for a in fields.authors if a.strip()]
    if not surnames:
        who = (fields.title or "Untitled")[:60]
    elif len(surnames) == 1:
        who = surnames[0]
    elif len(surnames) == 2:
        who = f"{surnames[0]} and {surnames[1]}"
    else:
        who = f"{surnames[0]} et al."
    return f"{who}, {fields.year or 'n.d.'}"


def format_cell(code: CodeValue | None) -> str:
    if code is None:
        return ""
    return code.text if code.text is not None else VALUE_SEPARATOR.join(code.values)


def _protect(cell: str) -> str:
    """A leading ' keeps spreadsheets from reading a cell as a formula; import strips it."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _unprotect(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def list_csv_columns(protocol: Protocol) -> list[str]:
    columns = ["study_id", "citation"]
    for dim in protocol.codebook:
        columns.append(dim.name)
        if dim.detail:
            columns.append(dim.name + DETAIL_SUFFIX)
    return columns


def write_codes_csv(review: Review, stream: IO[str]) -> int:
    """Write every included study's codes as CSV; returns the number of rows."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(list_csv_columns(review.protocol))
    codes = current_codes(review)
    studies = list_included_studies(review)
    for study in studies:
        mine = codes.get(study.study_id, {})
        row = [str(study.study_id), format_citation(study.fields)]
        for dim in review.protocol.codebook:
            row.append(format_cell(mine.get(dim.name)))
            if dim.detail:
                code = mine.get(dim.name)
                row.append(code.detail or "" if code else "")
        writer.writerow([_protect(cell) for cell in row])
    return len(studies)


def export_codes(review: Review, path: str | Path) -> int:
    """Write the codes CSV to ``path``; returns the number of studies."""
    try:
        with open_output(path) as stream:
            return write_codes_csv(review, stream)
    except OSError as exc:
        raise InvalidValue(f"cannot write {path}: {exc.strerror}") from exc


def import_codes(review: Review, path: str | Path, *, reviewer: str | None = None) -> CodesImport:
    """Read a codes CSV; every cell is checked first and nothing is stored if any is bad.
    Columns left out of the file leave those codes as they are; an empty cell clears."""
    header, rows = _read_csv(path)
    plan, problems = _plan_import(review, header, rows)
    if reviewer is not None and (problem := reviewer_problem(reviewer)):
        problems.insert(0, problem)
    if problems:
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise ImportFormatError(
            f"{len(problems)} problem(s), nothing imported: " + "; ".join(problems[:5]) + more,
            path=str(path),
            hint="fix those cells and import the file again",
        )
    main_reports = {s.study_id: s.report_ids[0] for s in list_included_studies(review)}
    events = 0
    with review.db.atomic():
        for study_id, dims in plan:
            events += len(
                _store_codes(
                    review, study_id, main_reports[study_id], dims, reviewer, "import-codes"
                )
            )
    return CodesImport(rows=len(rows), studies_changed=len(plan), events=events)


def _read_csv(path: str | Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.reader(stream)
            header = [h.strip() for h in next(reader, [])]
            rows = []
            line = 2
            for row in reader:
                start, line = line, reader.line_num + 1
                if any(cell.strip() for cell in row):
                    check_runaway(row, header, ",", str(path), start)  # a stray quote
                    rows.append((start, dict(zip(header, row, strict=False))))
    except OSError as exc:
        raise ImportFormatError(f"cannot read the file: {exc.strerror}", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            "not UTF-8 text", path=str(path), hint="save the spreadsheet as CSV UTF-8"
        ) from exc
    except csv.Error as exc:
        raise ImportFormatError(f"not a readable CSV ({exc})", path=str(path)) from exc
    if "study_id" not in header:
        raise ImportFormatError(
            "no study_id column",
            path=str(path),
            line=1,
            hint="export-codes writes the columns import-codes reads",
        )
    return header, rows


def _plan_import(
    review: Review, header: list[str], rows: list[tuple[int, dict[str, str]]]
) -> tuple[list[tuple[int, dict[str, CodeValue | None]]], list[str]]:
    known = list_csv_columns(review.protocol)
    problems = [
        f"unknown column {h!r} ({suggest(h, known, 'the columns are')})"
        for h in header
        if h not in known
    ]
    problems += [
        f"column {h!r} appears twice" for h in dict.fromkeys(header) if header.count(h) > 1
    ]
    included = {s.study_id for s in list_included_studies(review)}
    current = current_codes(review)
    plan: list[tuple[int, dict[str, CodeValue | None]]] = []
    seen: set[int] = set()
    for number, (line, row) in enumerate(rows, 1):
        where = f"row {number} (line {line})"
        cell = _unprotect((row.get("study_id") or "").strip())
        if not cell.isdigit() or int(cell) not in included:
            problems.append(f"{where}, column 'study_id': {cell!r} is not an included study")
            continue
        study_id = int(cell)
        if study_id in seen:
            problems.append(f"{where}, column 'study_id': study {study_id} is listed twice")
        seen.add(study_id)
        changes = _row_changes(
            review.protocol, header, row, current.get(study_id, {}), where, problems
        )
        if changes:
            plan.append((study_id, changes))
    return plan, problems


def _row_changes(
    protocol: Protocol,
    header: list[str],
    row: Mapping[str, str],
    current: Mapping[str, CodeValue],
    where: str,
    problems: list[str],
) -> dict[str, CodeValue | None]:
    changes: dict[str, CodeValue | None] = {}
    for dim in protocol.codebook:
        if dim.name not in header:
            continue
        cell = _unprotect(row.get(dim.name) or "").strip()
        detail_column = dim.name + DETAIL_SUFFIX
        detail = None
        if detail_column in header:
            detail = _unprotect(row.get(detail_column) or "").strip()
        try:
            code = _parse_cell(dim, cell, detail, current.get(dim.name))
        except InvalidValue as exc:
            column = detail_column if "detail" in exc.message else dim.name
            problems.append(f"{where}, column {column!r}: {exc.message}")
            continue
        if code != current.get(dim.name):
            changes[dim.name] = code
    return changes


def _parse_cell(
    dim: Dimension, cell: str, detail: str | None, current: CodeValue | None
) -> CodeValue | None:
    """A cell (and its detail cell; None = no detail column) as a checked code."""
    if dim.kind == "text":
        return check_code(dim, CodeValue((), None, cell or None))
    values = tuple(v for v in cell.split(";") if v.strip())
    code = check_code(dim, CodeValue(values, detail))
    if (
        detail is None
        and code is not None
        and current is not None
        and code.values == current.values
    ):
        return CodeValue(code.values, current.detail)  # no detail column: keep the detail
    return code
