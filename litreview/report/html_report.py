"""``litreview report``: the whole review in one self-contained HTML file.

Sections: the protocol in brief, the searches (PRISMA-S), the PRISMA 2020 diagram and
its numbers, screening with each stage's stopping statement and recall figure, the
appraisal grades, the appendix table and the matrix, and a methods paragraph written
from the log. Nothing is loaded from elsewhere: the style is inline, the diagram and
figures are inline SVG (figures need matplotlib; without it the report says so and
gives the numbers). Every piece of record or protocol text is HTML-escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from litreview.errors import LitreviewError
from litreview.report.counts import check_prisma
from litreview.report.flow_svg import render_flow_svg
from litreview.report.formats import escape_html
from litreview.report.model import Table
from litreview.report.plot_data import live_recall
from litreview.report.plots import FigureSize, render
from litreview.report.status import review_status
from litreview.report.tables import build_table
from litreview.storage import decisions as decisions_store
from litreview.storage.review import Review

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;max-width:64rem;
margin:2rem auto;padding:0 1rem;line-height:1.45;color:#111}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ccc}
h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
td,th{border:1px solid #999;padding:3px 6px;vertical-align:top;text-align:left}
caption{text-align:left;font-weight:bold;padding:.3rem 0}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
.note{color:#555;font-size:.9rem}.banner{color:#b00020;font-weight:bold}
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:bold}
dd{margin:0}
"""


def esc(text: object) -> str:

    return escape_html("" if text is None else str(text))


def render_report(review: Review) -> str:
    """The report as one HTML document (a string)."""

    status = review_status(review)
    prisma = check_prisma(review)
    title = review.protocol.title
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="note">Systematic review report written by litreview from '
        f"{esc(review.path.name)} ({status['events']:,} events in the log).</p>",
        *_protocol(review),
        *_searches(review),
        *_prisma(review, prisma),
        *_screening(review, status),
        *_appraisal(review),
        *_appendix(review),
        *_methods(review, status, prisma.counts),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _section(heading: str, anchor: str) -> str:
    return f'<h2 id="{anchor}">{esc(heading)}</h2>'


def _table_html(table: Table) -> list[str]:

    if not table.rows:
        return [f'<p class="note">{esc(table.title)}: nothing yet.</p>']
    head = "".join(f'<th scope="col">{escape_html(h)}</th>' for h in table.headers)
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{escape_html(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    notes = [f'<p class="note">{escape_html(n)}</p>' for n in table.notes]
    return [
        f"<table>\n<caption>{escape_html(table.title)}</caption>\n<thead><tr>{head}</tr>"
        f"</thead>\n<tbody>\n{rows}\n</tbody>\n</table>",
        *notes,
    ]


def _list(items: Iterable[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def _protocol(review: Review) -> list[str]:
    p = review.protocol
    out = [_section("Protocol", "protocol"), "<dl>"]
    if p.question:
        out.append(f"<dt>Question</dt><dd>{esc(p.question)}</dd>")
    out.append(f"<dt>Protocol version</dt><dd>{p.version} (SHA-256 {esc(p.sha256[:12])})</dd>")
    stages = "; ".join(
        f"{s.label} ({'records' if s.kind == 'screening' else 'reports'})" for s in p.stages
    )
    out.append(f"<dt>Stages</dt><dd>{esc(stages)}</dd>")
    e = p.eligibility
    limits = []
    if e.year_from or e.year_to:
        limits.append(f"years {e.year_from or '…'}-{e.year_to or '…'}")
    if e.languages:
        limits.append("languages " + ", ".join(e.languages))
    if e.document_types:
        limits.append("document types " + ", ".join(e.document_types))
    out.append(f"<dt>Eligibility limits</dt><dd>{esc('; '.join(limits) or 'none')}</dd>")
    s = p.screening
    mode = {
        "single": "one reviewer",
        "dual": "two reviewers independently",
        "dual-sample": f"two reviewers on a {s.sample_share or 0:.0%} sample",
    }.get(s.mode, s.mode)
    out.append(
        f"<dt>Screening</dt><dd>{esc(mode)}; recall target {s.recall_target:.0%}; "
        f"stopping rule {esc(s.stopping_rule or 'the default')}</dd>"
    )
    if p.quality.grades:
        out.append(
            "<dt>Appraisal grades</dt><dd>"
            + esc(", ".join(g.name for g in p.quality.grades))
            + "</dd>"
        )
    if p.codebook:
        out.append("<dt>Codebook</dt><dd>" + esc(", ".join(d.label for d in p.codebook)) + "</dd>")
    out.append("</dl>")
    if p.criteria.inclusion:
        out += ["<h3>Inclusion criteria</h3>", _list(p.criteria.inclusion)]
    if p.criteria.exclusion:
        out += ["<h3>Exclusion criteria</h3>", _list(p.criteria.exclusion)]
    return out


def _build(review: Review, name: str) -> Table | str:

    try:
        return build_table(review, name)
    except LitreviewError as exc:
        return exc.message


def _searches(review: Review) -> list[str]:
    table = _build(review, "searches")
    body = _table_html(table) if isinstance(table, Table) else [f"<p>{esc(table)}</p>"]
    return [_section("Searches (PRISMA-S)", "searches"), *body]


def inline_svg(svg: str) -> str:
    """An SVG document as an element to place in HTML: no XML declaration or DOCTYPE
    (matplotlib's names an external DTD), nothing before ``<svg``, and no RDF metadata
    (which names vocabularies by URL)."""
    start = svg.find("<svg")
    element = svg[start:].strip() if start >= 0 else ""
    return re.sub(r"<metadata>.*?</metadata>", "", element, flags=re.DOTALL)


def _prisma(review: Review, check: Any) -> list[str]:

    c = check.counts
    out = [_section("PRISMA 2020 flow", "prisma")]
    if check.banner:
        out.append(f'<p class="banner">{esc(check.banner)}</p>')
    svg = render_flow_svg(c, title=review.protocol.title, banner=check.banner)
    out.append(
        f"<figure>{inline_svg(svg)}<figcaption>PRISMA 2020 flow diagram.</figcaption></figure>"
    )
    rows = [
        ("Records identified from databases", c["database_results"]),
        ("Records identified from registers", c["register_results"]),
        ("Records identified from other methods", sum(c["other_results"].values())),
        ("Duplicate records removed", c["duplicates"]),
        ("Records screened", c["records_screened"]),
        ("Records excluded", c["records_excluded"]),
        ("of which by automation tools", c["records_excluded_by_automation"]),
        ("Reports sought for retrieval", c["dbr_sought_reports"] + c["other_sought_reports"]),
        ("Reports not retrieved", c["dbr_notretrieved_reports"] + c["other_notretrieved_reports"]),
        ("Reports assessed for eligibility", c["dbr_assessed"] + c["other_assessed"]),
        ("Studies included in review", c["new_studies"]),
        ("Reports of included studies", c["new_reports"]),
    ]
    table = Table(
        "prisma", "PRISMA 2020 numbers", ("Box", "n"), tuple((label, f"{n:,}") for label, n in rows)
    )
    return out + _table_html(table)


def stopping_statement(label: str, report: dict[str, Any]) -> str:
    """One sentence: whether screening stopped, by which rule, and the recall estimate."""
    rule = str(report.get("default_rule"))
    verdict = report.get("rules", {}).get(rule, {})
    text = (
        f"{label}: {report['found']:,} includes in {report['screened']:,} of "
        f"{report['total']:,} records screened."
    )
    stopped = report.get("stopped")
    if stopped:
        who = f" by {stopped['reviewer']}" if stopped.get("reviewer") else ""
        text += (
            f" Screening was stopped{who} on {str(stopped['at'])[:10]} under the "
            f"{stopped.get('rule') or rule} rule; the records left count as excluded "
            "by automation."
        )
    elif report["screened"] >= report["total"]:
        text += " Every record was screened."
    else:
        text += (
            f" Screening goes on; the {rule} rule now says "
            f"{'stop' if verdict.get('stop') else 'go on'}."
        )
    estimate = report.get("recall_estimate")
    if estimate and estimate.get("recall") is not None:
        text += f" Estimated recall {estimate['recall']:.1%}"
        if estimate.get("lower") is not None and estimate.get("upper") is not None:
            text += f" (95% interval {estimate['lower']:.1%} to {estimate['upper']:.1%})"
        elif estimate.get("lower") is not None:
            text += f" (95% lower bound {estimate['lower']:.1%})"
        text += f" against a target of {report['recall_target']:.0%}."
    return text


def _screening(review: Review, status: dict[str, Any]) -> list[str]:
    out = [_section("Screening", "screening")]
    rows = []
    for s in review.protocol.stages:
        counts = status["stages"].get(s.name, {})
        rows.append(
            (
                s.label,
                *(
                    f"{counts.get(k, 0):,}"
                    for k in ("screened", "included", "excluded", "maybe", "remaining")
                ),
            )
        )
    out += _table_html(
        Table(
            "stages",
            "Decisions per stage",
            ("Stage", "Screened", "Included", "Excluded", "Maybe", "Left"),
            tuple(rows),
        )
    )
    for stage, report in status.get("stopping", {}).items():
        label = review.protocol.stage(stage).label
        out += [f"<h3>{esc(label)}</h3>", f"<p>{esc(stopping_statement(label, report))}</p>"]
        out.append(_recall_figure(review, stage, status))
    for item in status.get("agreement", []):
        if item.get("both_decided"):
            out.append(f"<p>{esc(_agreement_sentence(review, item))}</p>")
    return out


def _recall_figure(review: Review, stage: str, status: dict[str, Any]) -> str:

    data = live_recall(review, stage, status)
    if not data.screened:
        return '<p class="note">No record screened yet: no recall figure.</p>'
    try:
        svg = render(data, "svg", FigureSize(6.5, 3.6)).decode("utf-8")
    except LitreviewError as exc:  # matplotlib is not installed
        return f'<p class="note">No recall figure: {esc(exc.message)} ({esc(exc.hint)}).</p>'
    return (
        f"<figure>{inline_svg(svg)}<figcaption>Includes found against records screened"
        f" ({esc(data.label)}).</figcaption></figure>"
    )


def _agreement_sentence(review: Review, item: dict[str, Any]) -> str:
    label = review.protocol.stage(str(item["stage"])).label
    names = " and ".join(str(r) for r in item["reviewers"])
    return (
        f"{label}: {names} both decided {item['both_decided']:,} records; agreement "
        f"{item['percent_agreement']}%, Cohen's kappa {item['cohen_kappa']}, PABAK "
        f"{item['pabak']}; {item['conflicts']} conflicts ({item['resolved']} resolved)."
    )


def _appraisal(review: Review) -> list[str]:
    if not review.protocol.quality.grades:
        return []
    table = _build(review, "grades")
    body = _table_html(table) if isinstance(table, Table) else [f"<p>{esc(table)}</p>"]
    return [_section("Appraisal", "appraisal"), *body]


def _appendix(review: Review) -> list[str]:
    if not any(s.kind == "fulltext" for s in review.protocol.stages):
        return []
    out = [_section("Included studies", "studies")]
    for name in ("studies", "matrix"):
        table = _build(review, name)
        out += (
            _table_html(table)
            if isinstance(table, Table)
            else [f'<p class="note">{esc(table)}</p>']
        )
    return out


def _methods(review: Review, status: dict[str, Any], counts: dict[str, Any]) -> list[str]:
    paragraph = methods_paragraph(review, status, counts)
    return [_section("Methods", "methods"), f"<p>{esc(paragraph)}</p>"]


def methods_paragraph(review: Review, status: dict[str, Any], counts: dict[str, Any]) -> str:
    """The methods as the log records them: databases and dates, deduplication, stages,
    reviewers, agreement and stopping."""

    p = review.protocol
    sentences = []
    databases = [s for s in status["sources_detail"] if s["arm"] != "other"]
    others = [s for s in status["sources_detail"] if s["arm"] == "other"]
    if databases:
        parts = []
        for s in databases:
            where = f" via {s['platform']}" if s.get("platform") else ""
            when = f" on {s['searched_on']}" if s.get("searched_on") else ""
            parts.append(f"{s['database']}{where}{when} ({s['records']:,} records)")
        sentences.append("We searched " + _join(parts) + ".")
    if others:
        methods = sorted({str(s.get("method") or s["database"]) for s in others})
        sentences.append(
            f"Other methods: {_join(methods)} ({sum(s['records'] for s in others):,} records)."
        )
    sentences.append(
        f"Deduplication of the {status['records']:,} records found {status['duplicates']:,} "
        f"duplicates, leaving {status['works']:,} works"
        + (
            f", of which {status['ineligible']:,} were outside the eligibility limits"
            if status["ineligible"]
            else ""
        )
        + "."
    )
    stages = "; then ".join(
        f"{s.label.lower()} ({status['stages'].get(s.name, {}).get('screened', 0):,} "
        f"{'records' if s.kind == 'screening' else 'reports'} decided)"
        for s in p.stages
    )
    sentences.append(f"Screening went through {len(p.stages)} stages: {stages}.")
    reviewers = sorted(
        {
            r
            for s in p.stages
            for d in decisions_store.decisions_by_reviewer(review.db, s.name).values()
            for r in d
            if r
        }
    )
    if reviewers:
        sentences.append(
            f"Decisions were recorded by {len(reviewers)} reviewer"
            f"{'s' if len(reviewers) != 1 else ''} ({_join(reviewers)}); "
            f"screening mode: {p.screening.mode}."
        )
    for item in status.get("agreement", []):
        if item.get("both_decided"):
            sentences.append(_agreement_sentence(review, item))
    for stage, report in status.get("stopping", {}).items():
        sentences.append(stopping_statement(p.stage(stage).label, report))
    sentences.append(
        f"{counts['new_studies']:,} studies ({counts['new_reports']:,} reports) were included."
    )
    return " ".join(re.sub(r"\s+", " ", s) for s in sentences)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
