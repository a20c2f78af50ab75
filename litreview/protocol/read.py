"""Turn parsed protocol TOML into :class:`~litreview.protocol.Protocol`, checking every rule.

Each ``_read_*`` function reads one table; cross-references (stages named in
``[screening]``, dimensions named in ``[report]``, scale levels named by grades)
are checked against what was read before, and every failure names its key and
line through :class:`~litreview.protocol.lines.Reader`.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from litreview.models import RecordFields
from litreview.protocol.lines import Document, KeyPath, Reader, suggest
from litreview.protocol.model import (
    APPLIES_TO,
    CITATION_STYLES,
    DIMENSION_KINDS,
    FORMAT,
    GRADE_RULES,
    LIMITS,
    SCREENING_MODES,
    SOURCE_KINDS,
    STAGE_KINDS,
    Criteria,
    Dimension,
    DimValue,
    Eligibility,
    GradeRule,
    Highlight,
    NoteField,
    Protocol,
    Quality,
    QualityCriterion,
    Reason,
    ReportSettings,
    ScaleLevel,
    ScreeningSettings,
    Stage,
    TableColumn,
    split_source,
)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_LANGUAGE = re.compile(r"[a-z]{2}")
_RIS_TYPE = re.compile(r"[A-Z][A-Z0-9]{1,5}")
_LANGUAGE_NAMES = {
    "english": "en",
    "french": "fr",
    "german": "de",
    "spanish": "es",
    "portuguese": "pt",
    "italian": "it",
    "dutch": "nl",
    "chinese": "zh",
    "japanese": "ja",
    "swedish": "sv",
    "norwegian": "no",
    "danish": "da",
}
RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(RecordFields)) + ("pages",)

# Every key a protocol may use, by table (array indices left out). docs/protocol.md documents
# each one, and a test keeps the two in step.
KEYS: dict[str, tuple[str, ...]] = {
    "": (
        "format",
        "title",
        "question",
        "version",
        "eligibility",
        "criteria",
        "highlight",
        "screening",
        "stages",
        "quality",
        "codebook",
        "report",
        "fulltext_notes",
    ),
    "eligibility": ("year_from", "year_to", "languages", "document_types"),
    "criteria": ("inclusion", "exclusion"),
    "highlight": ("include", "exclude"),
    "screening": ("mode", "sample_share", "blinded", "stopping_rule", "recall_target", "stages"),
    "stages": ("name", "label", "kind", "exclusion_reasons", "reason_required", "criteria_text"),
    "stages.exclusion_reasons": ("code", "label", "limit"),
    "fulltext_notes": ("name", "label", "description"),
    "quality": ("scale", "criteria", "grades", "rule", "fallback", "description"),
    "quality.scale": ("name", "score", "description"),
    "quality.criteria": ("name", "label", "description"),
    "quality.grades": ("name", "min_score", "description", "min_each", "required"),
    "codebook": (
        "name",
        "label",
        "kind",
        "values",
        "max_values",
        "applies_to",
        "description",
        "detail",
    ),
    "codebook.values": ("name", "label", "description", "keywords"),
    "report": (
        "studies_columns",
        "studies_sort",
        "studies_filter",
        "matrix_rows",
        "matrix_cols",
        "matrix_row_values",
        "matrix_col_values",
        "matrix_cell_text",
        "citation_style",
    ),
    "report.studies_columns": ("header", "source", "separator", "fallback"),
}


def read_protocol(doc: Document, data: dict[str, Any]) -> Protocol:
    r = Reader(doc, data, (), KEYS[""])
    fmt = r.integer("format", FORMAT)
    if fmt != FORMAT:
        r.fail(
            "format",
            f"format {fmt} is not supported (this litreview reads {FORMAT})",
            "upgrade litreview, or write the protocol for format 1",
        )
    version = r.integer("version", 1)
    assert version is not None
    if version < 1:
        r.fail("version", "must be 1 or more", "count protocol amendments from 1")
    eligibility = _eligibility(r.table("eligibility", KEYS["eligibility"]))
    stages = _stages(r.tables("stages", KEYS["stages"], required=True), eligibility)
    quality = _quality(r.table("quality", KEYS["quality"]))
    note_r = r.tables("fulltext_notes", KEYS["fulltext_notes"])
    notes = tuple(NoteField(*x) for x in _named(note_r, "note"))
    codebook = _codebook(r.tables("codebook", KEYS["codebook"]))
    return Protocol(
        title=r.required_text("title"),
        question=r.text("question"),
        version=version,
        stages=stages,
        criteria=_criteria(r.table("criteria", KEYS["criteria"])),
        eligibility=eligibility,
        highlight=_highlight(r.table("highlight", KEYS["highlight"])),
        screening=_screening(r.table("screening", KEYS["screening"]), stages),
        quality=quality,
        codebook=codebook,
        report=_report(r.table("report", KEYS["report"]), codebook, notes, quality),
        fulltext_notes=notes,
        text=doc.text,
        path=doc.path,
    )


def _name(r: Reader, key: str) -> str:
    value = r.required_text(key)
    if not _NAME.fullmatch(value):
        r.fail(
            key,
            f"'{value}' is not a valid name",
            "use letters, digits, '_' and '-', starting with a letter or digit",
        )
    return value


def _unique(readers: Sequence[Reader], values: Sequence[str], key: str, what: str) -> None:
    seen: dict[str, Reader] = {}
    for r, value in zip(readers, values, strict=True):
        if value in seen:
            first = r.doc.line_of(seen[value].at(key))
            r.fail(key, f"duplicate {what} '{value}'", f"first defined at line {first}")
        seen[value] = r


def _named(readers: list[Reader], what: str) -> list[tuple[str, str, str]]:
    """(name, label, description) of a list of tables; names unique; label defaults to name."""
    names = [_name(r, "name") for r in readers]
    _unique(readers, names, "name", f"{what} name")
    return [
        (n, r.text("label", default=n) or n, r.text("description", default="") or "")
        for n, r in zip(names, readers, strict=True)
    ]


def _eligibility(r: Reader) -> Eligibility:
    years = {}
    for key in ("year_from", "year_to"):
        year = r.integer(key)
        if year is not None and not 1000 <= year <= 2999:
            r.fail(key, f"{year} is not a plausible publication year")
        years[key] = year
    if years["year_from"] and years["year_to"] and years["year_from"] > years["year_to"]:
        r.fail("year_to", "is earlier than year_from")
    languages = r.strings("languages")
    for i, code in enumerate(languages):
        if not _LANGUAGE.fullmatch(code):
            hint = "use two-letter ISO 639-1 codes, e.g. 'en'"
            if code.lower() in _LANGUAGE_NAMES:
                hint = f"use the ISO 639-1 code '{_LANGUAGE_NAMES[code.lower()]}'"
            r.doc.fail(r.at("languages") + (i,), f"'{code}' is not an ISO 639-1 code", hint)
    types = r.strings("document_types")
    for i, code in enumerate(types):
        if not _RIS_TYPE.fullmatch(code):
            r.doc.fail(
                r.at("document_types") + (i,),
                f"'{code}' is not a RIS type code",
                "use codes such as JOUR, BOOK, CHAP, RPRT, THES, CONF",
            )
    return Eligibility(years["year_from"], years["year_to"], languages, types)


def _criteria(r: Reader) -> Criteria:
    return Criteria(r.strings("inclusion"), r.strings("exclusion"))


def _terms(r: Reader, key: str) -> tuple[str, ...]:
    terms = r.strings(key)
    for i, term in enumerate(terms):
        if re.search(r"\*(?=\w)|(?<!\w)\*", term):
            r.doc.fail(
                r.at(key) + (i,),
                f"'{term}': '*' may only end a word",
                "write e.g. 'collaborat*' to match collaborate, collaboration, ...",
            )
    return terms


def _highlight(r: Reader) -> Highlight:
    include, exclude = _terms(r, "include"), _terms(r, "exclude")
    lowered = {t.lower() for t in include}
    for i, term in enumerate(exclude):
        if term.lower() in lowered:
            r.doc.fail(r.at("exclude") + (i,), f"'{term}' is also an include term")
    return Highlight(include, exclude)


def _stages(readers: list[Reader], eligibility: Eligibility) -> tuple[Stage, ...]:
    names = [_name(r, "name") for r in readers]
    _unique(readers, names, "name", "stage name")
    stages: list[Stage] = []
    for r, name in zip(readers, names, strict=True):
        kind = r.choice("kind", STAGE_KINDS)
        if kind == "screening" and stages and stages[-1].kind == "fulltext":
            r.fail(
                "kind",
                f"screening stage '{name}' comes after a full-text stage",
                "list title/abstract stages before full-text stages",
            )
        reason_readers = r.tables("exclusion_reasons", KEYS["stages.exclusion_reasons"])
        reasons = tuple(_reason(x, eligibility) for x in reason_readers)
        _unique(reason_readers, [x.code for x in reasons], "code", "reason code")
        _unique(reason_readers, [x.label for x in reasons], "label", "reason label")
        required = r.boolean("reason_required", kind == "fulltext")
        if required and not reasons:
            r.fail(
                "reason_required",
                f"stage '{name}' requires a reason but lists none",
                "add [[stages.exclusion_reasons]] tables, or set reason_required = false",
            )
        stages.append(
            Stage(
                name,
                r.text("label", default=name.capitalize()) or name,
                kind,
                reasons,
                required,
                r.text("criteria_text"),
            )
        )
    return tuple(stages)


def _reason(r: Reader, eligibility: Eligibility) -> Reason:
    code = _name(r, "code")
    limit = r.text("limit")
    if limit is not None:
        limit = r.choice("limit", LIMITS)
        is_set = {
            "year": eligibility.year_from is not None or eligibility.year_to is not None,
            "language": bool(eligibility.languages),
            "document_type": bool(eligibility.document_types),
        }[limit]
        if not is_set:
            r.fail(
                "limit",
                f"reason '{code}' applies the {limit} limit, which [eligibility] does not set",
                "set the limit in [eligibility] or remove 'limit'",
            )
    return Reason(code, r.required_text("label"), limit)


def _screening(r: Reader, stages: tuple[Stage, ...]) -> ScreeningSettings:
    mode = r.choice("mode", SCREENING_MODES, "single")
    share = r.number("sample_share")
    if mode == "dual-sample" and share is None:
        r.fail("mode", "dual-sample needs sample_share", "add sample_share = 0.2 (20% twice)")
    if share is not None and mode != "dual-sample":
        r.fail("sample_share", f'only used with mode = "dual-sample" (mode is "{mode}")')
    if share is not None and not 0 < share < 1:
        r.fail("sample_share", "must be between 0 and 1 (exclusive)")
    blinded = r.boolean("blinded", False)
    if blinded and mode == "single":
        r.fail("blinded", "blinding needs two reviewers", 'set mode = "dual" or "dual-sample"')
    recall = r.number("recall_target")
    if recall is not None and not 0 < recall <= 1:
        r.fail("recall_target", "must be above 0 and at most 1, e.g. 0.95")
    rule = r.text("stopping_rule")
    if rule is not None and not _NAME.fullmatch(rule):
        r.fail("stopping_rule", f"'{rule}' is not a valid rule name")
    known = [s.name for s in stages]
    names = r.strings("stages")
    for i, name in enumerate(names):
        if name not in known:
            r.doc.fail(
                r.at("stages") + (i,),
                f"unknown stage '{name}'",
                suggest(name, known, "the stages are"),
            )
    return ScreeningSettings(
        mode, share, blinded, rule, 0.95 if recall is None else recall, names or tuple(known)
    )


def _quality(r: Reader) -> Quality:
    if not r.data:
        return Quality()
    scale_r = r.tables("scale", KEYS["quality.scale"], required=True)
    scale = []
    for (name, _, desc), s in zip(_named(scale_r, "scale level"), scale_r, strict=True):
        score = s.integer("score")
        if score is None:
            s.fail("score", "missing required key 'score'", "add score = <an integer>")
        scale.append(ScaleLevel(name, score, desc))
    criteria = tuple(
        QualityCriterion(*x)
        for x in _named(r.tables("criteria", KEYS["quality.criteria"], required=True), "criterion")
    )
    levels = {s.name: s.score for s in scale}
    grade_r = r.tables("grades", KEYS["quality.grades"], required=True)
    grades = tuple(
        _grade(g, n, d, levels, [c.name for c in criteria])
        for (n, _, d), g in zip(_named(grade_r, "grade"), grade_r, strict=True)
    )
    _reachable(grade_r, grades)
    quality = Quality(
        tuple(scale),
        criteria,
        grades,
        r.choice("rule", GRADE_RULES, "sum"),
        r.text("fallback"),
        r.text("description"),
    )
    if quality.fallback is not None and quality.fallback not in [g.name for g in grades]:
        r.fail(
            "fallback",
            f"unknown grade '{quality.fallback}'",
            suggest(quality.fallback, [g.name for g in grades], "the grades are"),
        )
    lowest = min(scale, key=lambda level: level.score)
    if quality.fallback is None and quality.match({c.name: lowest.name for c in criteria}) is None:
        worst = quality.score({c.name: lowest.name for c in criteria})
        grade_r[-1].fail(
            "min_score",
            f"ratings all '{lowest.name}' (score {worst:g}) get no grade",
            f"lower the last grade's min_score to {worst:g}, or set quality.fallback",
        )
    return quality


def _grade(
    g: Reader, name: str, description: str, levels: dict[str, int], criteria: list[str]
) -> GradeRule:
    min_score = g.number("min_score", required=True)
    assert min_score is not None
    min_each = g.text("min_each")
    if min_each is not None and min_each not in levels:
        g.fail("min_each", f"unknown scale level '{min_each}'", suggest(min_each, levels))
    required = g.table("required", criteria)
    pairs = []
    for criterion in required.data:
        level = required.required_text(criterion)
        if level not in levels:
            required.fail(criterion, f"unknown scale level '{level}'", suggest(level, levels))
        pairs.append((criterion, level))
    return GradeRule(name, min_score, description, min_each, tuple(pairs))


def _reachable(readers: list[Reader], grades: tuple[GradeRule, ...]) -> None:
    for j, later in enumerate(grades):
        for earlier in grades[:j]:
            if (
                not earlier.required
                and earlier.min_each is None
                and earlier.min_score <= later.min_score
            ):
                readers[j].fail(
                    "min_score",
                    f"grade '{later.name}' can never be given: "
                    f"'{earlier.name}' comes first and takes every score "
                    f">= {earlier.min_score:g}",
                    "list grades from best to worst",
                )


def _codebook(readers: list[Reader]) -> tuple[Dimension, ...]:
    dims = []
    for (name, label, desc), r in zip(_named(readers, "dimension"), readers, strict=True):
        kind = r.choice("kind", DIMENSION_KINDS)
        value_r = r.tables("values", KEYS["codebook.values"])
        if kind == "text" and value_r:
            r.fail("values", "a text dimension has no values", 'use kind = "single" or "multi"')
        if kind != "text" and not value_r:
            r.fail("kind", f"a {kind} dimension needs values", "add [[codebook.values]] tables")
        values = tuple(
            DimValue(n, lb, d, _terms(v, "keywords"))
            for (n, lb, d), v in zip(_named(value_r, "value"), value_r, strict=True)
        )
        _unique(value_r, [v.label for v in values], "label", "value label")
        max_values = r.integer("max_values")
        if max_values is not None and kind != "multi":
            r.fail("max_values", "only a multi dimension takes max_values")
        if max_values is not None and not 1 <= max_values <= len(values):
            r.fail("max_values", f"must be between 1 and the number of values ({len(values)})")
        detail = r.boolean("detail", False)
        if detail and kind == "text":
            r.fail("detail", "a text dimension is free text already")
        dims.append(
            Dimension(
                name,
                label,
                kind,
                values,
                max_values,
                r.choice("applies_to", APPLIES_TO, "study"),
                desc,
                detail,
            )
        )
    return tuple(dims)


def _report(
    r: Reader, codebook: tuple[Dimension, ...], notes: tuple[NoteField, ...], quality: Quality
) -> ReportSettings:
    refs = _Refs(codebook, notes, quality)
    column_r = r.tables("studies_columns", KEYS["report.studies_columns"])
    columns = []
    for c in column_r:
        source = refs.check(c, c.at("source"), c.required_text("source"))
        fallback = c.text("fallback")
        if fallback is not None:
            fallback = refs.check(c, c.at("fallback"), fallback)
        columns.append(
            TableColumn(
                c.required_text("header"),
                source,
                c.text("separator", default="; ") or "; ",
                fallback,
            )
        )
    _unique(column_r, [c.header for c in columns], "header", "column header")
    if not columns:
        columns = [TableColumn("Study", "citation")] + [
            TableColumn(d.label, f"dimension:{d.name}") for d in codebook
        ]
    sort, filters = r.strings("studies_sort"), r.strings("studies_filter")
    for i, source in enumerate(sort):
        refs.check(r, r.at("studies_sort") + (i,), source.removeprefix("-"))
    for i, source in enumerate(filters):
        refs.check(r, r.at("studies_filter") + (i,), source, allow_value=True)
    rows, row_values = _axis(r, "row", refs)
    cols, col_values = _axis(r, "col", refs)
    cell = r.text("matrix_cell_text")
    if cell is not None:
        refs.check(r, r.at("matrix_cell_text"), cell)
    return ReportSettings(
        tuple(columns),
        sort,
        filters,
        rows,
        cols,
        row_values,
        col_values,
        cell,
        r.choice("citation_style", CITATION_STYLES, "author-year"),
    )


def _axis(r: Reader, axis: str, refs: _Refs) -> tuple[str | None, tuple[str, ...]]:
    """``matrix_rows`` / ``matrix_cols`` and the value subset that goes with it."""
    key, values_key = f"matrix_{axis}s", f"matrix_{axis}_values"
    name, values = r.text(key), r.strings(values_key)
    if name is None:
        if values:
            r.fail(values_key, f"set {key} first")
        return None, values
    if name not in refs.dims:
        r.fail(
            key,
            f"unknown codebook dimension '{name}'",
            suggest(name, refs.dims, "the dimensions are"),
        )
    dim = refs.dims[name]
    if not dim.is_choice:
        r.fail(key, f"'{name}' is free text; a matrix needs a single or multi dimension")
    known = [v.name for v in dim.values]
    for i, value in enumerate(values):
        if value not in known:
            r.doc.fail(
                r.at(values_key) + (i,),
                f"'{name}' has no value '{value}'",
                suggest(value, known, "its values are"),
            )
    return name, values


class _Refs:
    """Checks source strings (``citation``, ``dimension:NAME``, ...) against the protocol."""

    def __init__(
        self, codebook: tuple[Dimension, ...], notes: tuple[NoteField, ...], quality: Quality
    ) -> None:
        self.dims = {d.name: d for d in codebook}
        self.names = {
            "dimension": list(self.dims),
            "note": [n.name for n in notes],
            "field": list(RECORD_FIELDS),
        }
        self.has_grades = bool(quality.grades)

    def check(self, r: Reader, path: KeyPath, source: str, allow_value: bool = False) -> str:
        kind, name, value = split_source(source)
        if kind not in SOURCE_KINDS:
            r.doc.fail(
                path,
                f"unknown source '{source}'",
                "use citation, grade, dimension:NAME, note:NAME or field:NAME",
            )
        if kind in ("citation", "grade") and (name or value):
            r.doc.fail(path, f"'{kind}' takes no name")
        if kind == "grade" and not self.has_grades:
            r.doc.fail(path, "'grade' needs [quality] grades")
        if kind in self.names and name not in self.names[kind]:
            r.doc.fail(
                path,
                f"unknown {kind} '{name}'",
                suggest(name or "", self.names[kind], f"{kind} names"),
            )
        if value is not None:
            dim = self.dims[name or ""] if kind == "dimension" else None
            if not allow_value or dim is None or not dim.is_choice:
                r.doc.fail(
                    path,
                    "'=VALUE' is only allowed in studies_filter, on a single or multi dimension",
                )
            known = [v.name for v in dim.values]
            if value not in known:
                r.doc.fail(
                    path,
                    f"'{name}' has no value '{value}'",
                    suggest(value, known, "its values are"),
                )
        return source
