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


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="")


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


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--svg",
    "svg_file",
    type=click.Path(dir_okay=False),
    help="Write the PRISMA 2020 flow diagram as SVG.",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False),
    help="Write the PRISMA2020 R package's template CSV.",
)
@click.option(
    "--partial",
    is_flag=True,
    help="Print the numbers of an unfinished review too, with what does not add up.",
)
@click.pass_context
def prisma(
    ctx: click.Context, as_json: bool, svg_file: str | None, csv_file: str | None, partial: bool
) -> None:
    """PRISMA 2020 flow numbers from the decision log (checked to add up)."""
    from litreview.report.counts import get_prisma_counts
    from litreview.report.flow_svg import render_flow_svg
    from litreview.report.prisma_csv import render_prisma_csv

    outputs = [(f, output_path(ctx, f)) for f in (svg_file, csv_file) if f]
    if svg_file:
        output_format(None, svg_file, PRISMA_SVG_SUFFIXES, option="--svg")
    if csv_file:
        output_format(None, csv_file, PRISMA_CSV_SUFFIXES, option="--csv")
    review = open_from_context(ctx)
    counts = get_prisma_counts(review, partial=partial)
    for given, path in outputs:
        if given == svg_file:
            _write_text(path, render_flow_svg(counts, title=review.protocol.title))
        else:
            _write_text(path, render_prisma_csv(counts))
        click.echo(f"Wrote {given}", err=True)
    if as_json:
        echo_json(counts)
    elif not outputs:
        print_prisma(counts)


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
    from litreview.report.formats import render_text, write_table
    from litreview.report.tables import build_table

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
    ctx: click.Context, fmt: str | None, stage: str | None, decision: str | None,
    output: str | None,
) -> None:
    """Export records (one per work) as RIS, CSV (with label_included), BibTeX or xlsx."""
    from litreview.report.export import export_records, export_to_file

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
