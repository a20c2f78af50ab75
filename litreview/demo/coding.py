"""Code the demo review as the worked example: its appendix table (Table 14) and its
concept-by-domain findings (Table 8), linked to the demo's references.

For every study of the two tables the demo records what the reviewer did:
include at every screening stage and at full text, full text retrieved, the
reports of one study linked, the codes, and each Table 8 finding as the
``findings`` note. Cells become codebook values by the value labels (and, for
data sources, the values' keywords); the exact cell text is kept as the code's
detail or text, so the tables can be printed cell for cell.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from litreview.coding.codes import CodeValue, current_codes, find_dimension, set_codes
from litreview.dedup.apply import run_dedup
from litreview.demo import DEMO_DIR
from litreview.fulltext.reports import (
    current_notes,
    get_fulltext_stage,
    get_study_links,
    link_report,
    mark_retrieved,
    override_eligibility,
    set_notes,
)
from litreview.protocol import Dimension, Protocol, compile_terms
from litreview.screening.session import decide
from litreview.screening.stages import stage_works
from litreview.screening.team import effective_decisions
from litreview.storage import records as records_store
from litreview.storage import sources as sources_store
from litreview.storage import works
from litreview.storage.review import Review

REVIEWER = "Quin (2015)"
CITED_ONLY_REASON = "not-main-subject"
CITED_ONLY_NOTE = (
    "Reconstructed from the reference list of Quin (2015): the review cites this work but "
    "it is not among the studies of its appendix table or its concept-by-domain matrix. "
    "The original screening decision and its reason are not recorded in the source."
)
OVERRIDE_REASON = (
    "Published before 2000 but included by the reviewer: found by other methods "
    "(citation chasing, hand searching)"
)
log = logging.getLogger(__name__)

# Table 14 column -> codebook dimension; the matrix columns of Table 8
TABLE14_CODES = {
    "Safeguarding context": "safeguarding_context",
    "Nature of study": "nature_of_study",
    "Data source(s)": "data_sources",
    "How success is conceptualised": "success_conceptualised",
}
TABLE8_CODES = {"concept": "success_concept", "domain": "collaboration_domain"}
KEYWORD_DIMENSIONS = ("data_sources",)  # cells name these loosely: match keywords too


@dataclass
class StudyPlan:
    """One study of the thesis's tables, by bibliography id (main report first)."""

    bib_ids: list[str]
    tables: list[str] = field(default_factory=list)  # "14", "8"
    codes: dict[str, CodeValue] = field(default_factory=dict)
    findings: dict[str, str] = field(default_factory=dict)  # report bib id -> finding


@dataclass
class DemoStudy:
    study_id: int
    reports: list[int]
    codes: dict[str, CodeValue] = field(default_factory=dict)
    findings: dict[int, str] = field(default_factory=dict)  # report -> finding text


@dataclass(frozen=True)
class DemoCoding:
    studies: int
    reports: int
    coded: int
    skipped: tuple[str, ...]  # bib ids the review could not include (see the log)
    excluded: int = 0  # works cited but not included, excluded at the first stage now


def _read(name: str, folder: Path = DEMO_DIR) -> list[dict[str, str]]:
    with open(folder / name, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def map_bib_ids(review: Review, truth: Path | None = None) -> dict[str, int]:
    """bib_id -> the demo review's work holding it (via truth.csv's file and position)."""
    files = {s.source_id: s.file_name for s in sources_store.list_sources(review.db)}
    by_position = {
        (files[r.source_id], r.position): r.record_id for r in records_store.iter_records(review.db)
    }
    found: dict[str, int] = {}
    rows = _read("truth.csv") if truth is None else list(csv.DictReader(truth.open()))
    for row in rows:
        record = by_position.get((row["file"], int(row["position"])))
        if record is not None:
            found.setdefault(row["bib_id"], works.work_of(review.db, record))
    return found


def match_values(dimension: Dimension, cell: str, *, keywords: bool = False) -> list[str]:
    """Value names a table cell names, in the order it names them: by label (longest
    first, so "Referral / reporting" is one value) and optionally by keyword."""
    text = cell
    hits: list[tuple[int, str]] = []
    terms = [(v.label, v.name) for v in dimension.values]
    if keywords:
        terms += [(k, v.name) for v in dimension.values for k in v.keywords]
    for term, name in sorted(terms, key=lambda t: -len(t[0])):
        pattern = compile_terms([term])
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            hits.append((match.start(), name))
            text = text[: match.start()] + " " * len(match.group()) + text[match.end() :]
    return list(dict.fromkeys(name for _, name in sorted(hits)))


def _separator(protocol: Protocol, dimension: str) -> str:
    for column in protocol.report.studies_columns:
        if column.source == f"dimension:{dimension}":
            return column.separator
    return "; "


def code_cell(protocol: Protocol, dimension_name: str, cell: str) -> CodeValue:
    """A table cell as a code; the wording is kept where the labels would differ."""
    dim = find_dimension(protocol, dimension_name)
    cell = cell.strip()
    if dim.kind == "text":
        return CodeValue((), None, cell)
    values = match_values(dim, cell, keywords=dim.name in KEYWORD_DIMENSIONS)
    if not values:
        raise ValueError(f"demo table cell {cell!r} names no value of {dim.name}")
    labels = _separator(protocol, dim.name).join(dim.value(v).label for v in values)
    detail = cell if dim.detail and cell != labels else None
    return CodeValue(tuple(values), detail)


def _merge(dim: Dimension, old: CodeValue | None, new: CodeValue) -> CodeValue:
    if old is None or old == new:
        return new
    if dim.kind == "multi":
        return CodeValue(tuple(dict.fromkeys(old.values + new.values)), old.detail or new.detail)
    raise ValueError(f"demo tables code one study twice on {dim.name}: {old} / {new}")


def plan_from_tables(
    protocol: Protocol, table14: list[dict[str, str]], table8: list[dict[str, str]]
) -> list[StudyPlan]:
    """The studies of Table 14 (in its order) then those only in Table 8, with the
    exact cell text kept as code detail/text and the Table 8 findings."""
    studies: dict[str, StudyPlan] = {}
    study_of: dict[str, str] = {}
    for row in table14:
        bibs = [b.strip() for b in row["bib_id"].split(";")]
        study = studies.setdefault(bibs[0], StudyPlan([]))
        study.tables.append("14")
        for bib in bibs:
            if bib not in study.bib_ids:
                study.bib_ids.append(bib)
            study_of[bib] = study.bib_ids[0]
        for column, name in TABLE14_CODES.items():
            study.codes[name] = code_cell(protocol, name, row[column])
    for row in table8:
        bib = row["bib_id"].strip()
        study = studies.setdefault(study_of.setdefault(bib, bib), StudyPlan([bib]))
        study.tables.append("8")
        for column, name in TABLE8_CODES.items():
            dim = find_dimension(protocol, name)
            study.codes[name] = _merge(
                dim, study.codes.get(name), code_cell(protocol, name, row[column])
            )
        study.findings[bib] = row["finding_text"].strip()
    return list(studies.values())


def load_thesis_plans(protocol: Protocol, thesis_dir: Path) -> list[StudyPlan]:
    """The plan with the thesis's own wording, from its data folder (table14/table8.csv),
    plus the study designs of ``summaries.csv``."""
    plans = plan_from_tables(
        protocol, _read("table14.csv", thesis_dir), _read("table8.csv", thesis_dir)
    )
    add_summaries(protocol, plans, wording=False)
    return plans


CODES_FILE = "codes.csv"


def categorical_dimensions(protocol: Protocol) -> list[str]:
    """The coded dimensions ``codes.csv`` carries: every choice dimension the tables fill."""
    names = [*TABLE14_CODES.values(), *TABLE8_CODES.values()]
    return [n for n in names if find_dimension(protocol, n).kind != "text"]


def codes_rows(protocol: Protocol, plans: list[StudyPlan]) -> list[list[str]]:
    """``codes.csv`` (header first): value names only, none of the thesis's wording."""
    dims = categorical_dimensions(protocol)
    rows = [["bib_ids", "tables", *dims]]
    for plan in plans:
        values = [";".join(plan.codes[d].values) if d in plan.codes else "" for d in dims]
        rows.append([";".join(plan.bib_ids), " ".join(plan.tables), *values])
    return rows


SUMMARIES_FILE = "summaries.csv"
DESIGN_DIMENSION = "study_design"
SUCCESS_DIMENSION = "success_conceptualised"


def load_shipped_plans(protocol: Protocol, *, wording: bool = True) -> list[StudyPlan]:
    """The plan from the shipped ``codes.csv`` and ``summaries.csv``: the studies, their
    codebook values and study designs and, with ``wording``, our own summary of how each
    study conceptualised success and of each matrix finding."""
    dims = categorical_dimensions(protocol)
    plans = []
    for row in _read(CODES_FILE):
        codes = {d: CodeValue(tuple(row[d].split(";"))) for d in dims if row[d]}
        plans.append(StudyPlan(row["bib_ids"].split(";"), row["tables"].split(), codes))
    add_summaries(protocol, plans, wording=wording)
    return plans


def add_summaries(protocol: Protocol, plans: list[StudyPlan], *, wording: bool) -> None:
    """Add ``summaries.csv`` to the plans: each study's design always; with ``wording``
    also our one-sentence summary of how it conceptualised success and its finding."""
    plan_of = {bib: plan for plan in plans for bib in plan.bib_ids}
    design = find_dimension(protocol, DESIGN_DIMENSION)
    for row in _read(SUMMARIES_FILE):
        plan = plan_of.get(row["bib_id"])
        if plan is None:
            raise ValueError(f"{SUMMARIES_FILE}: {row['bib_id']!r} is no study of codes.csv")
        if row["study_design"]:
            design.value(row["study_design"])  # raises for a value the codebook lacks
            plan.codes[DESIGN_DIMENSION] = CodeValue((row["study_design"],))
        if wording and row["success"]:
            plan.codes[SUCCESS_DIMENSION] = CodeValue((), None, row["success"])
        if wording and row["finding"]:
            plan.findings[row["bib_id"]] = row["finding"]


def plan_studies(
    review: Review, plans: list[StudyPlan], works_by_bib: dict[str, int]
) -> list[DemoStudy]:
    """The plans on the review's works (two references of one work become one report)."""
    studies: dict[int, DemoStudy] = {}
    for plan in plans:
        reports = list(dict.fromkeys(works_by_bib[b] for b in plan.bib_ids))
        study = studies.setdefault(reports[0], DemoStudy(reports[0], []))
        study.reports += [r for r in reports if r not in study.reports]
        for name, code in plan.codes.items():
            dim = find_dimension(review.protocol, name)
            study.codes[name] = _merge(dim, study.codes.get(name), code)
        study.findings.update({works_by_bib[b]: f for b, f in plan.findings.items()})
    return list(studies.values())


def _keep_older_works(review: Review, wanted: Iterable[int]) -> None:
    """Works outside the protocol's year limit that the reviewer included anyway."""
    ineligible = works.ineligible_reasons(review.db)
    kept = [w for w in wanted if w in ineligible]
    for work in kept:
        override_eligibility(review, work, reason=OVERRIDE_REASON, reviewer=REVIEWER)
    if kept:
        run_dedup(review)


def _include_everywhere(review: Review, order: list[int]) -> set[int]:
    """Include ``order`` at every stage (retrieving full texts); returns works that
    could not enter the first stage."""
    fulltext = get_fulltext_stage(review).name
    for stage in review.protocol.stages:
        members = set(stage_works(review, stage.name))
        decided = effective_decisions(review, stage.name)
        for work in order:
            if work not in members or (work in decided and decided[work].value == "include"):
                continue
            if stage.name == fulltext:
                mark_retrieved(review, work, reviewer=REVIEWER)
            decide(review, work, "include", stage=stage.name, reviewer=REVIEWER)
    first = set(stage_works(review, review.protocol.stages[0].name))
    return {w for w in order if w not in first}


def _record_studies(review: Review, studies: list[DemoStudy], missing: set[int]) -> int:
    """Link reports, write findings and codes where they differ; returns studies coded."""
    links = get_study_links(review)
    notes = current_notes(review)
    existing = current_codes(review)
    coded = 0
    for study in studies:
        for report in study.reports[1:]:
            if report not in missing and links.get(report) != study.study_id:
                link_report(review, report, study.study_id, reviewer=REVIEWER)
        for report, finding in study.findings.items():
            if finding not in notes.get(study.study_id, {}).get("findings", ""):
                set_notes(review, report, {"findings": finding}, reviewer=REVIEWER)
        if existing.get(study.study_id) != study.codes:
            set_codes(review, study.study_id, study.codes, reviewer=REVIEWER)
            coded += 1
    return coded


def _exclude_cited_only(review: Review) -> int:
    """Exclude at the first stage every work still undecided there: the works the source
    review cites but did not include. Returns how many were excluded now."""
    stage = review.protocol.stages[0].name
    decided = effective_decisions(review, stage)
    undecided = [w for w in stage_works(review, stage) if w not in decided]
    for work in undecided:
        decide(
            review,
            work,
            "exclude",
            stage=stage,
            reviewer=REVIEWER,
            reason=CITED_ONLY_REASON,
            note=CITED_ONLY_NOTE,
        )
    return len(undecided)


def count_reconstructed(review: Review) -> int:
    """Decisions at the first stage that carry the reconstruction note."""
    decided = effective_decisions(review, review.protocol.stages[0].name)
    return sum(1 for d in decided.values() if d.note == CITED_ONLY_NOTE)


def code_demo(review: Review, thesis_dir: Path | None = None) -> DemoCoding:
    """Make the demo review hold the worked example as a finished review: its included,
    coded studies (with our own summaries and findings, or with ``thesis_dir``, the thesis
    data folder, the tables' own wording), and every other work excluded at the first
    stage with a note that the decision is reconstructed from the reference list.

    Safe to run again: what is already recorded is not recorded twice.
    """
    works_by_bib = map_bib_ids(review)
    plans = (
        load_shipped_plans(review.protocol)
        if thesis_dir is None
        else load_thesis_plans(review.protocol, thesis_dir)
    )
    studies = plan_studies(review, plans, works_by_bib)
    order = [r for s in studies for r in s.reports]
    with review.db.atomic():
        _keep_older_works(review, order)
        missing = _include_everywhere(review, order)
        coded = _record_studies(review, [s for s in studies if s.study_id not in missing], missing)
        excluded = _exclude_cited_only(review)
    skipped = tuple(sorted(b for b, w in works_by_bib.items() if w in missing and w in set(order)))
    if skipped:
        log.warning("demo studies outside the review's eligible works: %s", ", ".join(skipped))
    return DemoCoding(len(studies), len(order), coded, skipped, excluded)
