"""`litreview prisma`, `table` and `export`: counts, tables and exports from the event log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from litreview.cli._common import echo_json, open_from_context, output_path
from litreview.cli._output_format import (
    EXPORT_SUFFIXES,
    PRISMA_CSV_SUFFIXES,
    PRISMA_SVG_SUFFIXES,
    TABLE_SUFFIXES,
    output_format,
)


def print_prisma(c: dict[str, Any]) -> None:
    def line(label: str, n: int, indent: int = 2) -> None:
        click.echo(f"{' ' * indent}{label:<{52 - indent}} {n:>7,}")

    click.echo("Databases and registers")
    line("Records identified from databases", c["database_results"])
    for name, n in c["database_results_by_source"].items():
        line(name[:44], n, 4)
    line("Records identified from registers", c["register_results"])
    line("Duplicate records removed", c["duplicates"])
    line("Marked ineligible by automation tools", c["excluded_automatic"])
    line("Removed for other reasons", c["excluded_other"])
    line("Records screened", c["records_screened"])
    line("Records excluded", c["records_excluded"])
    line("of which by automation tools", c["records_excluded_by_automation"], 4)
    for arm in ("dbr", "other"):
        if arm == "other":
            click.echo("Other methods")
            for method, n in c["other_results"].items():
                line(method[:46], n)
            _not_sought(c, line)
        line("Reports sought for retrieval", c[f"{arm}_sought_reports"])
        line("Reports not retrieved", c[f"{arm}_notretrieved_reports"])
        line("Reports assessed for eligibility", c[f"{arm}_assessed"])
        for reason, n in c[f"{arm}_excluded"].items():
            line(f"excluded: {reason}"[:44], n, 4)
    click.echo("Included")
    line("Studies included", c["new_studies"])
    line("Reports of included studies", c["new_reports"])
    for grade, n in c["quality_grades"].items():
        line(f"graded {grade}", n, 4)
    for violation in c.get("violations", []):
        click.echo(f"Does not add up: {violation}", err=True)


def _not_sought(c: dict[str, Any], line: Any) -> None:
    """Other methods have no screening boxes in PRISMA 2020: say where the records
    identified but never sought went (docs/prisma.md)."""
    trace = c.get("trace")
    if not trace:
        return
    screened_out = _total(trace["other_records_excluded_by_stage"])
    screened_out += trace["other_records_excluded_by_automation"]
    line(
        "not sought: in databases too, or duplicate",
        trace["other_records"] - trace["other_works"],
        4,
    )
    line("not sought: outside the eligibility limits", trace["other_ineligible"], 4)
    line("not sought: excluded at screening", screened_out, 4)


def _total(value: Any) -> int:
    return sum(value.values()) if isinstance(value, dict) else int(value)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--svg",
    "svg_file",
    type=click.Path(dir_okay=False),
    help="Write the PRISMA 2020 flow diagram as SVG.",
)
@click.option(
    "--png",
    "png_file",
    type=click.Path(dir_okay=False),
    help="Write the flow diagram as PNG (the SVG's layout; needs litreview[plot]).",
)
@click.option(
    "--pdf",
    "pdf_file",
    type=click.Path(dir_okay=False),
    help="Write the flow diagram as PDF (the SVG's layout; needs litreview[plot]).",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False),
    help="Write the PRISMA2020 R package's template CSV.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Exit 1, writing nothing, unless the numbers are final and add up (for scripts, CI).",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Accepted for old scripts; changes nothing (the numbers so far are always printed).",
)
@click.pass_context
def prisma(
    ctx: click.Context,
    as_json: bool,
    svg_file: str | None,
    png_file: str | None,
    pdf_file: str | None,
    csv_file: str | None,
    check: bool,
    partial: bool,
) -> None:
    """PRISMA 2020 flow numbers from the decision log.

    On a review in progress it prints the numbers so far under a banner naming what is
    outstanding, and exits 0; --check exits 1 unless they are final."""
    from litreview.errors import PrismaInconsistent  # lazy: start-up
    from litreview.report.counts import check_prisma  # lazy: start-up
    from litreview.report.flow_svg import render_flow_svg  # lazy: start-up
    from litreview.report.prisma_csv import render_prisma_csv  # lazy: start-up
    from litreview.storage.output_files import write_bytes, write_text  # lazy: start-up

    outputs = [(f, output_path(ctx, f)) for f in (svg_file, png_file, pdf_file, csv_file) if f]
    if svg_file:
        output_format(None, svg_file, PRISMA_SVG_SUFFIXES, option="--svg")
    if csv_file:
        output_format(None, csv_file, PRISMA_CSV_SUFFIXES, option="--csv")
    review = open_from_context(ctx)
    result = check_prisma(review)
    if check and not result.complete:
        raise PrismaInconsistent(list(result.violations or result.outstanding))
    banner = result.banner
    if banner and (as_json or outputs):
        click.echo(banner, err=True)
    # every file is drawn before any is written: a failure (no plot extra) writes none
    counts = result.counts
    title = review.protocol.title + (f" ({banner})" if banner else "")
    drawn: list[tuple[str, Path, str | bytes]] = []
    for given, path in outputs:
        if given == svg_file:
            drawn.append((given, path, render_flow_svg(counts, title=title, banner=banner)))
        elif given in (png_file, pdf_file):
            # its plotting imports numpy (and matplotlib, an extra): only for PNG or PDF
            from litreview.report.flow_image import render_flow_image  # lazy: start-up

            fmt = "png" if given == png_file else "pdf"
            drawn.append((given, path, render_flow_image(counts, fmt, title=title, banner=banner)))
        else:
            drawn.append((given, path, render_prisma_csv(counts)))
    for given, path, content in drawn:
        if isinstance(content, str):
            write_text(path, content)
        else:
            write_bytes(path, content)
        click.echo(f"Wrote {given}", err=True)
    if as_json:
        echo_json(result.as_json())
    elif not outputs:
        if banner:
            click.echo(banner)
        # a review in progress breaks identities the banner already explains
        unexplained = [] if result.outstanding else list(result.violations)
        print_prisma(result.counts | {"violations": unexplained})


@click.command()
@click.argument(
    "name", type=click.Choice(["studies", "matrix", "grades", "sources", "exclusions", "searches"])
)
@click.option("--rows", help="matrix: the codebook dimension down the side.")
@click.option("--cols", help="matrix: the codebook dimension across the top.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "md", "latex", "html", "docx", "xlsx"]),
    help="Output format (default: from the -o suffix; md when printing).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.pass_context
def table(
    ctx: click.Context,
    name: str,
    rows: str | None,
    cols: str | None,
    fmt: str | None,
    output: str | None,
) -> None:
    """A report table: studies, matrix, grades, sources, exclusions or searches."""
    from litreview.report.formats import render_text, write_table  # lazy: start-up
    from litreview.report.tables import build_table  # lazy: start-up

    path = output_path(ctx, output) if output else None
    fmt = output_format(fmt, path, TABLE_SUFFIXES, default="md")
    if path is None and fmt in ("docx", "xlsx"):
        raise click.UsageError(f"--format {fmt} writes a file: give -o FILE")
    result = build_table(open_from_context(ctx), name, rows=rows, cols=cols)
    if path is None:
        click.echo(render_text(result, fmt), nl=False)
        return
    write_table(result, fmt, path)
    click.echo(f"Wrote {output} ({len(result.rows)} rows, {fmt})", err=True)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ris", "csv", "bibtex", "xlsx"]),
    help="Export format (default: from the -o suffix .ris .csv .bib .xlsx; ris when printing).",
)
@click.option("--stage", help="Only works in this stage.")
@click.option(
    "--decision",
    type=click.Choice(["include", "exclude", "maybe"]),
    help="Only works with this decision at --stage (default: the last stage).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str | None,
    stage: str | None,
    decision: str | None,
    output: str | None,
) -> None:
    """Export records (one per work) as RIS, CSV (with label_included), BibTeX or xlsx."""
    from litreview.report.export import export_records, export_to_file  # lazy: start-up

    path = output_path(ctx, output) if output else None
    fmt = output_format(fmt, path, EXPORT_SUFFIXES, default="ris")
    if path is None and fmt == "xlsx":
        raise click.UsageError("--format xlsx writes a file: give -o FILE")
    review = open_from_context(ctx)
    if path is None:
        text, n = export_records(review, fmt, stage=stage, decision=decision)
        click.echo(text, nl=False)
    else:
        n = export_to_file(review, fmt, path, stage=stage, decision=decision)
    click.echo(f"Exported {n} records" + (f" to {output}" if output else ""), err=True)
