"""PRISMA counts in the PRISMA2020 R package's template CSV (``inst/extdata/PRISMA.csv``).

Columns ``data,node,box,description,boxtext,tooltips,url,n``, one row per number the
package reads, so ``PRISMA2020::PRISMA_data(read.csv(file))`` and its Shiny app
redraw the diagram. Lists (``database_specific_results``, ``dbr_excluded``,
``other_excluded``) are written as the package parses them: ``Name, n; Name, n``;
commas and semicolons inside names are replaced so they cannot split an entry.
Other methods fill the template's three slots (websites, organisations, citation
searching) by their names; the slot's ``boxtext`` names the methods it holds.
"""

from __future__ import annotations

import io
import re
from typing import Any

from litreview.report.formats import write_csv_rows

HEADER = ("data", "node", "box", "description", "boxtext", "tooltips", "url", "n")
_SLOTS = (
    ("website_results", ("website", "web site", "grey", "gray")),
    ("organisation_results", ("organisation", "organization")),
    ("citations_results", ("citation", "reference", "snowball")),
)
_SLOT_TEXT = {
    "website_results": "Websites",
    "organisation_results": "Organisations",
    "citations_results": "Citation searching",
}

# (data, node, box, description, boxtext, tooltips, url) of each template row, in order
# fmt: off
_TEMPLATE: tuple[tuple[str, ...], ...] = (
    ("NA", "node4", "prevstud", "Grey title box; Previous studies", "Previous studies",
     "Grey title box; Previous studies", "prevstud.html"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review",
     "Studies included in previous version of review", "previous_studies.html"),
    ("previous_reports", "NA", "box1", "Reports of studies included in previous version of "
     "review", "Reports of studies included in previous version of review", "NA",
     "previous_reports.html"),
    ("NA", "node6", "newstud", "Yellow title box; Identification of new studies via databases "
     "and registers", "Identification of new studies via databases and registers",
     "Yellow title box; Identification of new studies via databases and registers",
     "newstud.html"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases",
     "Records identified from: Databases and Registers", "database_results.html"),
    ("database_specific_results", "NA", "box2", "Records identified from: specific databases",
     "Specific Databases", "NA", "database_results.html"),
    ("register_results", "NA", "box2", "Records identified from: Registers", "Registers", "NA",
     "NA"),
    ("register_specific_results", "NA", "box2", "Records identified from: specific registers",
     "Specific Registers", "NA", "database_results.html"),
    ("NA", "node16", "othstud", "Grey title box; Identification of new studies via other "
     "methods", "Identification of new studies via other methods",
     "Grey title box; Identification of new studies via other methods", "othstud.html"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites",
     "Records identified from: Websites, Organisations and Citation Searching",
     "website_results.html"),
    ("organisation_results", "", "box11", "Records identified from: Organisations",
     "Organisations", "NA", "NA"),
    ("citations_results", "NA", "box11", "Records identified from: Citation searching",
     "Citation searching", "NA", "NA"),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records",
     "Duplicate records", "duplicates.html"),
    ("excluded_automatic", "NA", "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools", "NA", "NA"),
    ("excluded_other", "NA", "box3", "Records removed for other reasons",
     "Records removed for other reasons", "NA", "NA"),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)",
     "Records screened", "Records screened (databases and registers)",
     "records_screened.html"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
     "Records excluded", "Records excluded (databases and registers)",
     "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval (databases and "
     "registers)", "Reports sought for retrieval", "Reports sought for retrieval (databases "
     "and registers)", "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and "
     "registers)", "Reports not retrieved", "Reports not retrieved (databases and registers)",
     "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)",
     "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
     "Reports not retrieved", "Reports not retrieved (other)",
     "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and "
     "registers)", "Reports assessed for eligibility", "Reports assessed for eligibility "
     "(databases and registers)", "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9", "Reports excluded (databases and registers): [separate "
     "reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",
     "Reports excluded", "Reports excluded (databases and registers)",
     "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)",
     "other_assessed.html"),
    ("other_excluded", "node21", "box15", "Reports excluded (other): [separate reasons and "
     "numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]", "Reports excluded",
     "Reports excluded (other)", "other_excluded.html"),
    ("new_studies", "node15", "box10", "New studies included in review",
     "New studies included in review", "New studies included in review", "new_studies.html"),
    ("new_reports", "NA", "box10", "Reports of new included studies",
     "Reports of new included studies", "NA", "NA"),
    ("total_studies", "node22", "box16", "Total studies included in review",
     "Total studies included in review", "Total studies included in review",
     "total_studies.html"),
    ("total_reports", "NA", "box16", "Reports of total included studies",
     "Reports of total included studies", "NA", "NA"),
    ("identification", "node1", "identification", "Blue identification box", "Identification",
     "Blue identification box", "identification.html"),
    ("screening", "node2", "screening", "Blue screening box", "Screening",
     "Blue screening box", "screening.html"),
    ("included", "node3", "included", "Blue included box", "Included", "Blue included box",
     "included.html"),
)
# fmt: on


def _entry_name(name: str) -> str:
    """A name the package's ``Name, n; Name, n`` parser keeps whole."""
    return re.sub(r"\s+", " ", re.sub(r"[,;]", " ", name)).strip() or "unnamed"


def format_reasons(items: dict[str, int]) -> str:
    return "; ".join(f"{_entry_name(name)}, {n}" for name, n in items.items())


def assign_other_methods(other: dict[str, int]) -> dict[str, tuple[str, int]]:
    """Template slot -> (box text, records) for the other-methods sources."""
    slots: dict[str, list[tuple[str, int]]] = {slot: [] for slot, _ in _SLOTS}
    unmatched = []
    for method, n in other.items():
        lowered = method.casefold()
        slot = next((s for s, words in _SLOTS if any(w in lowered for w in words)), None)
        if slot is None:
            unmatched.append((method, n))
        else:
            slots[slot].append((method, n))
    for method, n in unmatched:
        free = next((s for s, items in slots.items() if not items), "citations_results")
        slots[free].append((method, n))
    return {
        slot: (
            " / ".join(m for m, _ in items) if items else _SLOT_TEXT[slot],
            sum(n for _, n in items),
        )
        for slot, items in slots.items()
    }


def _values(counts: dict[str, Any]) -> dict[str, tuple[str | None, str]]:
    """data key -> (box text override or None, the ``n`` cell)."""
    values: dict[str, tuple[str | None, str]] = {
        key: (None, str(counts[key]))
        for key in (
            "database_results",
            "register_results",
            "duplicates",
            "excluded_automatic",
            "excluded_other",
            "records_screened",
            "records_excluded",
            "dbr_sought_reports",
            "dbr_notretrieved_reports",
            "other_sought_reports",
            "other_notretrieved_reports",
            "dbr_assessed",
            "other_assessed",
            "new_studies",
            "new_reports",
        )
    }
    values["previous_studies"] = values["previous_reports"] = (None, "0")
    values["total_studies"] = (None, str(counts["new_studies"]))
    values["total_reports"] = (None, str(counts["new_reports"]))
    values["database_specific_results"] = (
        None,
        format_reasons(counts["database_results_by_source"]),
    )
    values["register_specific_results"] = (
        None,
        format_reasons(counts.get("register_results_by_source", {})),
    )
    values["dbr_excluded"] = (None, format_reasons(counts["dbr_excluded"]))
    values["other_excluded"] = (None, format_reasons(counts["other_excluded"]))
    for slot, (text, n) in assign_other_methods(counts["other_results"]).items():
        values[slot] = (text, str(n))
    return values


def render_prisma_csv(counts: dict[str, Any]) -> str:
    """The template CSV filled with ``counts`` (as ``report.counts`` computes them)."""
    values = _values(counts)
    rows = [HEADER]
    for data, node, box, description, boxtext, tooltips, url in _TEMPLATE:
        text, n = values.get(data, (None, "0"))
        rows.append((data, node, box, description, text or boxtext, tooltips, url, n))
    out = io.StringIO()
    write_csv_rows(out, rows)
    return out.getvalue()
