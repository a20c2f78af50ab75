"""The review protocol: a TOML file the reviewer writes, read into frozen dataclasses.

Everything review-specific (stages and exclusion reasons, eligibility limits,
quality criteria and grading, the codebook, the study table) lives in the
protocol, never in code. ``docs/protocol.md`` documents every key. Invalid
protocols raise :class:`~litreview.errors.ProtocolError` naming the key and line;
unknown keys are errors too, so a typo never passes silently.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from litreview.errors import InvalidValue, ProtocolError
from litreview.protocol.lines import suggest

FORMAT = 1  # the protocol file format this module reads (top-level key `format`)
STAGE_KINDS = ("screening", "fulltext")
SCREENING_MODES = ("single", "dual", "dual-sample")
GRADE_RULES = ("sum", "mean", "min")
DIMENSION_KINDS = ("single", "multi", "text")
APPLIES_TO = ("study", "report")
LIMITS = ("year", "language", "document_type")
CITATION_STYLES = ("author-year",)
SOURCE_KINDS = ("citation", "grade", "dimension", "note", "field")


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    # "year" | "language" | "document_type": the [eligibility] limit this reason stands for
    limit: str | None = None


@dataclass(frozen=True)
class Stage:
    name: str
    label: str
    kind: str  # "screening" (records) | "fulltext" (reports)
    exclusion_reasons: tuple[Reason, ...] = ()
    reason_required: bool = False
    criteria_text: str | None = None

    def reason(self, code: str) -> Reason:
        for reason in self.exclusion_reasons:
            if reason.code == code:
                return reason
        codes = [r.code for r in self.exclusion_reasons]
        raise ProtocolError(
            f"stage '{self.name}' has no exclusion reason '{code}'",
            key=f"stages.{self.name}.exclusion_reasons",
            hint=suggest(code, codes, "its reasons are"),
        )


@dataclass(frozen=True)
class Criteria:
    inclusion: tuple[str, ...] = ()
    exclusion: tuple[str, ...] = ()


@dataclass(frozen=True)
class Eligibility:
    year_from: int | None = None
    year_to: int | None = None
    languages: tuple[str, ...] = ()  # ISO 639-1 codes; empty = any language
    document_types: tuple[str, ...] = ()  # RIS type codes; empty = any type


@dataclass(frozen=True)
class Highlight:
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScreeningSettings:
    mode: str = "single"  # "single" | "dual" | "dual-sample"
    sample_share: float | None = None  # share of records screened twice in "dual-sample"
    blinded: bool = False
    stopping_rule: str | None = None
    recall_target: float = 0.95
    stages: tuple[str, ...] = ()  # stages the dual mode applies to (all stages by default)


@dataclass(frozen=True)
class ScaleLevel:
    name: str
    score: int
    description: str = ""


@dataclass(frozen=True)
class QualityCriterion:
    name: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class GradeRule:
    """A grade, reached when the score is at least ``min_score`` and the requirements hold."""

    name: str
    min_score: float = 0.0
    description: str = ""
    min_each: str | None = None  # every criterion rated at least this scale level
    required: tuple[tuple[str, str], ...] = ()  # (criterion, minimum scale level) pairs


@dataclass(frozen=True)
class Quality:
    scale: tuple[ScaleLevel, ...] = ()
    criteria: tuple[QualityCriterion, ...] = ()
    grades: tuple[GradeRule, ...] = ()
    rule: str = "sum"  # how ratings become a score: "sum" | "mean" | "min" of level scores
    fallback: str | None = None  # grade when no rule matches
    description: str | None = None

    def level(self, name: str) -> ScaleLevel:
        for level in self.scale:
            if level.name == name:
                return level
        raise ProtocolError(
            f"unknown rating '{name}'",
            key="quality.scale",
            hint=suggest(name, [s.name for s in self.scale], "the scale is"),
        )

    def score(self, ratings: Mapping[str, str]) -> float:
        """The score of complete ratings (criterion name -> scale level name)."""
        if not self.criteria:
            raise InvalidValue("the protocol defines no quality criteria")
        names = [c.name for c in self.criteria]
        for name in ratings:
            if name not in names:
                raise ProtocolError(
                    f"unknown quality criterion '{name}'",
                    key="quality.criteria",
                    hint=suggest(name, names, "the criteria are"),
                )
        missing = [n for n in names if n not in ratings]
        if missing:
            raise InvalidValue(f"not rated yet: {', '.join(missing)}")
        scores = [self.level(ratings[n]).score for n in names]
        if self.rule == "min":
            return float(min(scores))
        total = float(sum(scores))
        return total / len(scores) if self.rule == "mean" else total

    def match(self, ratings: Mapping[str, str]) -> str | None:
        """The first grade whose threshold and requirements the ratings meet, if any."""
        score = self.score(ratings)
        for grade in self.grades:
            if score + 1e-9 < grade.min_score:
                continue
            needs = list(grade.required)
            if grade.min_each is not None:
                needs += [(c.name, grade.min_each) for c in self.criteria]
            if all(self.level(ratings[c]).score >= self.level(lv).score for c, lv in needs):
                return grade.name
        return None

    def grade_for(self, ratings: Mapping[str, str]) -> str:
        """The grade of complete ratings: the first match, else ``fallback``."""
        grade = self.match(ratings) or self.fallback
        if grade is None:
            raise InvalidValue(f"ratings scoring {self.score(ratings):g} match no grade")
        return grade


@dataclass(frozen=True)
class DimValue:
    name: str
    label: str
    description: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    kind: str  # "single" | "multi" | "text"
    values: tuple[DimValue, ...] = ()
    max_values: int | None = None  # multi only
    applies_to: str = "study"
    description: str = ""
    detail: bool = False  # coders may add free text to the chosen values (shown in tables)

    @property
    def is_choice(self) -> bool:
        return self.kind != "text"

    def value(self, name: str) -> DimValue:
        for value in self.values:
            if value.name == name:
                return value
        raise ProtocolError(
            f"dimension '{self.name}' has no value '{name}'",
            key=f"codebook.{self.name}.values",
            hint=suggest(name, [v.name for v in self.values], "its values are"),
        )


@dataclass(frozen=True)
class NoteField:
    name: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class TableColumn:
    header: str
    source: str  # "citation" | "grade" | "dimension:NAME" | "note:NAME" | "field:NAME"
    separator: str = "; "  # joins the labels of several values
    fallback: str | None = None  # a source shown when ``source`` gives nothing

    @property
    def kind(self) -> str:
        return split_source(self.source)[0]

    @property
    def name(self) -> str | None:
        return split_source(self.source)[1]


@dataclass(frozen=True)
class ReportSettings:
    studies_columns: tuple[TableColumn, ...] = ()
    studies_sort: tuple[str, ...] = ()  # sources; "-" in front sorts descending
    studies_filter: tuple[str, ...] = ()  # "dimension:NAME[=VALUE]", "note:NAME"; all must hold
    matrix_rows: str | None = None
    matrix_cols: str | None = None
    matrix_row_values: tuple[str, ...] = ()  # subset and order of rows; empty = all values
    matrix_col_values: tuple[str, ...] = ()
    matrix_cell_text: str | None = None  # source of the text shown beside each citation
    citation_style: str = "author-year"


@dataclass(frozen=True)
class Protocol:
    title: str
    question: str | None
    version: int
    stages: tuple[Stage, ...]
    criteria: Criteria
    eligibility: Eligibility
    highlight: Highlight
    screening: ScreeningSettings
    quality: Quality
    codebook: tuple[Dimension, ...]
    report: ReportSettings
    fulltext_notes: tuple[NoteField, ...]
    text: str = dataclasses.field(default="", repr=False)  # the TOML source, verbatim
    path: str | None = dataclasses.field(default=None, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def stage(self, name: str) -> Stage:
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise ProtocolError(
            f"unknown stage '{name}'",
            path=self.path,
            key="stages",
            hint=suggest(name, [s.name for s in self.stages], "the stages are"),
        )

    def dimension(self, name: str) -> Dimension:
        for dimension in self.codebook:
            if dimension.name == name:
                return dimension
        raise ProtocolError(
            f"unknown codebook dimension '{name}'",
            path=self.path,
            key="codebook",
            hint=suggest(name, [d.name for d in self.codebook], "the dimensions are"),
        )

    def grade_for(self, ratings: Mapping[str, str]) -> str:
        return self.quality.grade_for(ratings)

    def to_dict(self) -> dict[str, Any]:
        """Plain data with the TOML's keys (JSON-ready); without ``text`` and ``path``."""
        data: dict[str, Any] = {"format": FORMAT}
        for f in dataclasses.fields(self):
            if f.name not in ("text", "path"):
                data[f.name] = _plain(getattr(self, f.name))
        for grade in data["quality"]["grades"]:
            grade["required"] = dict(grade["required"])
        return data


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def split_source(source: str) -> tuple[str, str | None, str | None]:
    """``"dimension:context=prevention"`` -> ``("dimension", "context", "prevention")``."""
    kind, _, rest = source.lstrip("-").partition(":")
    name, eq, value = rest.partition("=")
    return kind, (name or None), (value if eq else None)


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for highlight terms or keywords.

    Terms match whole words; a space or hyphen matches a space, a hyphen or
    nothing ("inter-agency" finds "interagency"); ``*`` ends a word with any
    letters ("collaborat*"). Longer terms win. ``None`` when there are no terms.
    """
    parts = []
    for term in sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True):
        words = [w for w in re.split(r"[\s\-]+", term) if w.rstrip("*")]
        if not words:
            continue
        body = r"[\s\-]*".join(
            re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words
        )
        parts.append(rf"(?<!\w){body}(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None
