"""Author-year citations for included studies: "Keen et al., 2000", "Richter and Bammer, 2000".

Rules (the protocol's ``citation_style = "author-year"``):

- one author: ``Surname, Year``; two: ``A and B, Year``; three or more: ``A et al., Year``;
  surnames are what precedes the comma of "Surname, Given"; a name without a comma
  (an organisation) is used whole; no authors: the editors, else the first words of the title;
  no year: ``n.d.``.
- the first letter of a citation is a capital ("de Boer" opens a citation as "De Boer").
- where two different reports would get the same citation, each gets a letter after the year,
  in title order: ``Abbott et al., 2005a`` and ``Abbott et al., 2005b``.
- a study with several reports cites them all, oldest first, naming shared authors once:
  ``De Boer and Coady, 2003, 2007`` and ``Brandon et al., 2005; Brandon and Thoburn, 2008``.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from litreview.models import RecordFields

_TITLE_WORDS = 5


@dataclass(frozen=True)
class ReportCitation:
    work_id: int
    names: str  # "Keen et al."
    year: str  # "2000", "2005a", "n.d."


def surname_of(author: str) -> str:
    """``"de Boer, C."`` -> ``"de Boer"``; an organisation's name is kept whole."""
    name = " ".join(author.split())
    head, comma, _ = name.partition(",")
    return head.strip() if comma and head.strip() else name


def format_names(fields: RecordFields) -> str:
    people = [surname_of(a) for a in fields.authors if a.strip()]
    if not people:
        people = [surname_of(e) for e in fields.editors if e.strip()]
    if not people:
        words = (fields.title or "Anonymous").split()
        short = " ".join(words[:_TITLE_WORDS])
        return short + ("…" if len(words) > _TITLE_WORDS else "")
    if len(people) == 1:
        return people[0]
    if len(people) == 2:
        return f"{people[0]} and {people[1]}"
    return f"{people[0]} et al."


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _suffix(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    letters = string.ascii_lowercase
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = letters[rest] + out
    return out


def cite_reports(fields_by_work: Mapping[int, RecordFields]) -> dict[int, ReportCitation]:
    """A citation for every report, with a/b suffixes where two reports would collide."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    bases: dict[int, tuple[str, str]] = {}
    for work_id, fields in fields_by_work.items():
        base = (_capitalised(format_names(fields)), str(fields.year) if fields.year else "n.d.")
        bases[work_id] = base
        by_key[(base[0].casefold(), base[1])].append(work_id)
    cited: dict[int, ReportCitation] = {}
    for works in by_key.values():
        order = sorted(works, key=lambda w: ((fields_by_work[w].title or "").casefold(), w))
        for index, work_id in enumerate(order):
            names, year = bases[work_id]
            suffix = _suffix(index) if len(order) > 1 else ""
            cited[work_id] = ReportCitation(work_id, names, year + suffix)
    return cited


def _year_key(citation: ReportCitation) -> tuple[int, str]:
    digits = re.match(r"\d+", citation.year)
    return (int(digits.group()) if digits else 10**6, citation.year)


def join_citations(reports: Iterable[ReportCitation]) -> str:
    """One study's citation from its reports' citations (oldest first)."""
    parts: list[tuple[str, list[str]]] = []
    for report in sorted(reports, key=_year_key):
        if parts and parts[-1][0] == report.names:
            parts[-1][1].append(report.year)
        else:
            parts.append((report.names, [report.year]))
    return "; ".join(f"{names}, {', '.join(years)}" for names, years in parts)


def cite_studies(
    reports_by_study: Mapping[int, Sequence[int]], fields_by_work: Mapping[int, RecordFields]
) -> dict[int, str]:
    """study id -> citation, disambiguated over every report of every study given."""
    wanted = {w for reports in reports_by_study.values() for w in reports}
    cited = cite_reports({w: fields_by_work[w] for w in wanted})
    return {
        study: join_citations(cited[w] for w in reports)
        for study, reports in reports_by_study.items()
    }
