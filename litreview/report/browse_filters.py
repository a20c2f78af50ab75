"""Filtering and sorting the browse screen's works: pure functions, no widgets.

A filter is one value of one facet (stage, decision, reason, source, grade, code);
at most one per facet, and a work must match all of them. The decision facet
means the decision at the filtered stage, else at the last stage the work was
decided at ("undecided": no decision there yet).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litreview.protocol import Protocol
    from litreview.report.screen_data import BrowseRow

FACETS = ("stage", "decision", "reason", "source", "grade", "code")
DECISIONS = ("include", "exclude", "maybe", "undecided")
SORTS: tuple[tuple[str, str], ...] = (
    ("id", "record id"),
    ("title", "title"),
    ("year", "year, newest first"),
    ("author", "first author"),
)


@dataclass(frozen=True)
class Filter:
    facet: str  # one of FACETS
    value: str  # stage name | decision | "stage:reason code" | source | grade | "dim=value"
    label: str  # how the filter reads on screen


def last_decision(row: BrowseRow, protocol: Protocol) -> tuple[str, str, str | None] | None:
    """(stage, decision, reason) at the last stage the work was decided at."""
    for stage in reversed(protocol.stages):
        found = row.work.decisions.get(stage.name)
        if found is not None:
            return stage.name, found.value, found.reason
    return None


def _decision_matches(row: BrowseRow, value: str, stage: str | None, protocol: Protocol) -> bool:
    if stage is not None:
        found = row.work.decisions.get(stage)
        if value == "undecided":
            return stage in row.stages and found is None
        return found is not None and found.value == value
    last = last_decision(row, protocol)
    return last is None if value == "undecided" else last is not None and last[1] == value


def matches(row: BrowseRow, filters: Mapping[str, Filter], protocol: Protocol) -> bool:
    """Whether ``row`` passes every filter."""
    stage = filters["stage"].value if "stage" in filters else None
    for facet, chosen in filters.items():
        value = chosen.value
        if facet == "stage" and value not in row.stages:
            return False
        if facet == "decision" and not _decision_matches(row, value, stage, protocol):
            return False
        if facet == "reason":
            name, _, reason = value.partition(":")
            found = row.work.decisions.get(name)
            if found is None or found.reason != reason:
                return False
        if facet == "source" and value not in row.sources:
            return False
        if facet == "grade" and row.grade != value:
            return False
        if facet == "code":
            dim, _, wanted = value.partition("=")
            code = row.codes.get(dim)
            if code is None or wanted not in code.values:
                return False
    return True


def matches_text(row: BrowseRow, text: str) -> bool:
    """Title, authors or DOI contain ``text`` (any case), or it is the work's record id."""
    needle = text.strip().casefold()
    if not needle:
        return True
    if needle.isdigit() and int(needle) in row.members:
        return True
    fields = row.work.fields
    haystack = " ".join([fields.title or "", *fields.authors, fields.doi or ""]).casefold()
    return needle in haystack


def sort_rows(rows: Iterable[BrowseRow], key: str) -> list[BrowseRow]:
    if key == "title":
        return sorted(rows, key=lambda r: ((r.work.fields.title or "").casefold(), r.work_id))
    if key == "year":
        return sorted(rows, key=lambda r: (-(r.work.fields.year or 0), r.work_id))
    if key == "author":
        return sorted(
            rows,
            key=lambda r: (
                (r.work.fields.authors[0] if r.work.fields.authors else "~").casefold(),
                r.work_id,
            ),
        )
    return sorted(rows, key=lambda r: r.work_id)


def list_filter_choices(rows: Sequence[BrowseRow], protocol: Protocol) -> list[Filter]:
    """Every filter that could narrow ``rows``, facet by facet."""
    choices = [Filter("stage", s.name, f"Stage: {s.label}") for s in protocol.stages]
    choices += [Filter("decision", d, f"Decision: {d}") for d in DECISIONS]
    for stage in protocol.stages:
        choices += [
            Filter("reason", f"{stage.name}:{r.code}", f"Reason: {stage.label} — {r.label}")
            for r in stage.exclusion_reasons
        ]
    sources = sorted({name for row in rows for name in row.sources})
    choices += [Filter("source", name, f"Source: {name}") for name in sources]
    choices += [Filter("grade", g.name, f"Grade: {g.name}") for g in protocol.quality.grades]
    for dim in protocol.codebook:
        choices += [
            Filter("code", f"{dim.name}={v.name}", f"Code: {dim.label} = {v.label}")
            for v in dim.values
        ]
    return choices
