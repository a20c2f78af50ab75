"""Report tables of the included studies: ``studies`` (the appendix table), ``matrix``
(one codebook dimension by another) and ``grades``; :func:`build_table` also
dispatches to the log tables (``sources``, ``exclusions``, ``searches``).

What a table shows comes from the protocol's ``[report]`` settings, never from code:
columns, filters and sort keys are *sources* (``citation``, ``grade``,
``dimension:NAME[=VALUE]``, ``note:NAME``, ``field:NAME``; docs/protocol.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litreview.appraisal.ratings import current_appraisals, current_grades
from litreview.errors import InvalidValue
from litreview.fulltext.reports import current_notes, list_included_studies
from litreview.models import RecordFields
from litreview.protocol import Dimension, DimValue, Protocol, split_source
from litreview.protocol.lines import suggest
from litreview.report import log_tables
from litreview.report.citations import cite_studies
from litreview.report.model import Table
from litreview.storage.review import Review
from litreview.storage.views import work_fields

TABLES = ("studies", "matrix", "grades", "sources", "exclusions", "searches")
EMPTY_CELL = "-"


@dataclass(frozen=True)
class StudyData:
    """Everything the study tables read, loaded once."""

    order: tuple[int, ...]  # study ids in the order they were first included
    fields: dict[int, RecordFields]  # study id -> fields of its main report
    citations: dict[int, str]
    codes: dict[int, dict[str, Any]]  # study id -> dimension -> CodeValue
    notes: dict[int, dict[str, str]]
    grades: dict[int, str]


def load_study_data(review: Review) -> StudyData:
    from litreview.coding.codes import current_codes  # heavy: loads bibtexparser, pylatexenc, rispy

    studies = list_included_studies(review)
    reports = {s.study_id: s.report_ids for s in studies}
    fields = {r: work_fields(review.db, r) for ids in reports.values() for r in ids}
    return StudyData(
        order=tuple(s.study_id for s in studies),
        fields={s.study_id: s.fields for s in studies},
        citations=cite_studies(reports, fields),
        codes=current_codes(review),
        notes=current_notes(review),
        grades=current_grades(review),
    )


def _value_label(dimension: Dimension, name: str) -> str:
    return next((v.label for v in dimension.values if v.name == name), name)


def format_code(dimension: Dimension, code: Any, separator: str = "; ") -> str:
    """A code as a table shows it: the coder's detail, else the labels, or the text."""
    if code is None:
        return ""
    if dimension.kind == "text":
        return str(code.text or code.detail or "")
    if code.detail:
        return str(code.detail)
    return separator.join(_value_label(dimension, v) for v in code.values)


def format_field(fields: RecordFields, name: str) -> str:
    if name == "pages":
        pages = [p for p in (fields.start_page, fields.end_page) if p]
        return "-".join(pages)
    value = getattr(fields, name, None)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def source_text(
    protocol: Protocol, data: StudyData, study_id: int, source: str, separator: str = "; "
) -> str:
    """The text a source gives for one study ('' when it has none)."""
    kind, name, _ = split_source(source)
    if kind == "citation":
        return data.citations.get(study_id, "")
    if kind == "grade":
        return data.grades.get(study_id, "")
    if kind == "dimension" and name:
        code = data.codes.get(study_id, {}).get(name)
        return format_code(protocol.dimension(name), code, separator)
    if kind == "note" and name:
        return data.notes.get(study_id, {}).get(name, "")
    if kind == "field" and name:
        return format_field(data.fields[study_id], name)
    raise InvalidValue(
        f"unknown table source {source!r}",
        hint="citation, grade, dimension:NAME, note:NAME or field:NAME",
    )


def _passes(protocol: Protocol, data: StudyData, study_id: int, source: str) -> bool:
    kind, name, value = split_source(source)
    if kind == "dimension" and name and value is not None:
        code = data.codes.get(study_id, {}).get(name)
        return code is not None and value in code.values
    return bool(source_text(protocol, data, study_id, source).strip())


def _sort_value(protocol: Protocol, data: StudyData, study_id: int, source: str) -> Any:
    """A comparable value, or None when the study has none."""
    kind, name, _ = split_source(source)
    if kind == "dimension" and name and protocol.dimension(name).is_choice:
        code = data.codes.get(study_id, {}).get(name)
        names = [v.name for v in protocol.dimension(name).values]
        positions = sorted(
            names.index(v) if v in names else len(names) for v in (code.values if code else ())
        )
        return tuple(positions) or None
    if kind == "grade":
        order = [g.name for g in protocol.quality.grades]
        grade = data.grades.get(study_id)
        return None if grade is None else (order.index(grade) if grade in order else len(order))
    if kind == "field" and name == "year":
        return data.fields[study_id].year
    text = source_text(protocol, data, study_id, source)
    return text.casefold() if text else None


def sort_studies(
    protocol: Protocol, data: StudyData, ids: list[int], keys: tuple[str, ...]
) -> list[int]:
    """Stable sort by each key in turn; ``-`` sorts descending; studies with no value last."""
    ordered = list(ids)
    for source in reversed(keys):
        descending = source.startswith("-")
        values = {s: _sort_value(protocol, data, s, source) for s in ordered}
        present = [s for s in ordered if values[s] is not None]
        missing = [s for s in ordered if values[s] is None]
        present.sort(key=lambda s: values[s], reverse=descending)
        ordered = present + missing
    return ordered


def _default_columns(protocol: Protocol) -> list[tuple[str, str, str, str | None]]:
    columns: list[tuple[str, str, str, str | None]] = [("Study", "citation", "; ", None)]
    return columns + [(d.label, f"dimension:{d.name}", "; ", None) for d in protocol.codebook]


def studies_table(review: Review, data: StudyData | None = None) -> Table:
    """The appendix study table: the protocol's columns, filter and sort."""
    protocol = review.protocol
    data = data or load_study_data(review)
    report = protocol.report
    columns = [(c.header, c.source, c.separator, c.fallback) for c in report.studies_columns]
    columns = columns or _default_columns(protocol)
    ids = [
        s for s in data.order if all(_passes(protocol, data, s, f) for f in report.studies_filter)
    ]
    ids = sort_studies(protocol, data, ids, report.studies_sort)
    rows = tuple(
        tuple(
            source_text(protocol, data, s, source, sep)
            or (source_text(protocol, data, s, fallback, sep) if fallback else "")
            for _, source, sep, fallback in columns
        )
        for s in ids
    )
    notes = (f"{len(ids)} of {len(data.order)} included studies.", *filter_notes(protocol, data))
    return Table("studies", "Included studies", tuple(c[0] for c in columns), rows, notes)


def filter_notes(protocol: Protocol, data: StudyData) -> tuple[str, ...]:
    """Which ``report.studies_filter`` entry left out how many included studies, so a
    table the protocol's filter empties says why."""
    notes = []
    for source in protocol.report.studies_filter:
        left_out = [s for s in data.order if not _passes(protocol, data, s, source)]
        if left_out:
            kind, name, value = split_source(source)
            what = f"no {name} code {value!r}" if value is not None else "no value recorded"
            notes.append(
                f"{len(left_out)} left out by the protocol's report.studies_filter "
                f"{source!r} ({what})."
            )
    return tuple(notes)


@dataclass(frozen=True)
class MatrixEntry:
    study_id: int
    citation: str
    text: str  # the cell text source's text for the study ('' if none)

    def render(self) -> str:
        return f"{self.text} ({self.citation})" if self.text else self.citation


@dataclass(frozen=True)
class Matrix:
    rows: Dimension
    cols: Dimension
    row_values: tuple[DimValue, ...]
    col_values: tuple[DimValue, ...]
    cells: dict[tuple[str, str], list[MatrixEntry]]  # (row value, col value) -> entries


def _choice_dimension(protocol: Protocol, name: str | None, option: str) -> Dimension:
    if not name:
        raise InvalidValue(
            f"say which dimension goes in the {option[2:]}",
            hint=f"give {option} DIMENSION, or set report.matrix_{option[2:]} in the protocol",
        )
    known = [d.name for d in protocol.codebook]
    if name not in known:
        raise InvalidValue(
            f"{option} {name!r} is not a codebook dimension",
            hint=suggest(name, known, "the dimensions are"),
        )
    dimension = protocol.dimension(name)
    if not dimension.is_choice:
        raise InvalidValue(
            f"{option} {name!r} is a free-text dimension",
            hint="a matrix needs single or multi choice dimensions",
        )
    return dimension


def _pick_values(dimension: Dimension, wanted: tuple[str, ...]) -> tuple[DimValue, ...]:
    return tuple(dimension.value(n) for n in wanted) if wanted else dimension.values


def build_matrix(
    review: Review, rows: str | None = None, cols: str | None = None, data: StudyData | None = None
) -> Matrix:
    """Studies by two codebook dimensions; each cell lists the studies with both values."""
    protocol = review.protocol
    report = protocol.report
    row_dim = _choice_dimension(protocol, rows or report.matrix_rows, "--rows")
    col_dim = _choice_dimension(protocol, cols or report.matrix_cols, "--cols")
    row_values = _pick_values(
        row_dim, report.matrix_row_values if row_dim.name == report.matrix_rows else ()
    )
    col_values = _pick_values(
        col_dim, report.matrix_col_values if col_dim.name == report.matrix_cols else ()
    )
    data = data or load_study_data(review)
    cells: dict[tuple[str, str], list[MatrixEntry]] = {
        (r.name, c.name): [] for r in row_values for c in col_values
    }
    for study in data.order:
        codes = data.codes.get(study, {})
        row_code, col_code = codes.get(row_dim.name), codes.get(col_dim.name)
        if row_code is None or col_code is None:
            continue
        text = (
            source_text(protocol, data, study, report.matrix_cell_text)
            if report.matrix_cell_text
            else ""
        )
        entry = MatrixEntry(study, data.citations[study], text)
        for r in row_code.values:
            for c in col_code.values:
                if (r, c) in cells:
                    cells[(r, c)].append(entry)
    return Matrix(row_dim, col_dim, row_values, col_values, cells)


def matrix_table(matrix: Matrix) -> Table:
    headers = (matrix.rows.label, *(v.label for v in matrix.col_values))
    rows = tuple(
        (
            r.label,
            *(
                "\n".join(e.render() for e in matrix.cells[(r.name, c.name)]) or EMPTY_CELL
                for c in matrix.col_values
            ),
        )
        for r in matrix.row_values
    )
    placed = {e.study_id for entries in matrix.cells.values() for e in entries}
    title = f"{matrix.rows.label} by {matrix.cols.label}"
    return Table("matrix", title, headers, rows, (f"{len(placed)} studies placed.",))


def grades_table(review: Review, data: StudyData | None = None) -> Table:
    """Quality appraisal of each appraised study: ratings, score, grade."""

    quality = review.protocol.quality
    data = data or load_study_data(review)
    appraisals = current_appraisals(review)
    order = [g.name for g in quality.grades]
    ids = [s for s in data.order if s in appraisals]
    rank = {grade: i for i, grade in enumerate(order)}
    ids.sort(
        key=lambda s: (
            rank.get(appraisals[s].grade or "", len(order)),
            data.citations[s].casefold(),
        )
    )
    headers = ("Study", *(c.label for c in quality.criteria), "Score", "Grade")
    rows = []
    for s in ids:
        a = appraisals[s]
        score = "" if a.score is None else f"{a.score:g}"
        grade = a.grade or ""
        if a.override:
            grade += f" (override: {a.override_reason or 'no reason'})"
        rows.append(
            (
                data.citations[s],
                *(a.ratings.get(c.name, "") for c in quality.criteria),
                score,
                grade,
            )
        )
    counts = {g: sum(1 for s in ids if appraisals[s].grade == g) for g in order}
    summary = ", ".join(f"{g} {n}" for g, n in counts.items())
    notes = (f"{len(ids)} of {len(data.order)} included studies appraised: {summary}.",)
    return Table("grades", "Quality appraisal", headers, tuple(rows), notes)


def build_table(
    review: Review, name: str, *, rows: str | None = None, cols: str | None = None
) -> Table:
    """The report table ``name`` (one of :data:`TABLES`)."""

    if name not in TABLES:
        raise InvalidValue(f"unknown table {name!r}", hint=suggest(name, TABLES, "tables are"))
    if (rows or cols) and name != "matrix":
        raise InvalidValue("--rows and --cols only apply to the matrix table")
    if name == "studies":
        return studies_table(review)
    if name == "matrix":
        return matrix_table(build_matrix(review, rows, cols))
    if name == "grades":
        return grades_table(review)
    builders = {
        "sources": log_tables.sources_table,
        "exclusions": log_tables.exclusions_table,
        "searches": log_tables.searches_table,
    }
    return builders[name](review)
