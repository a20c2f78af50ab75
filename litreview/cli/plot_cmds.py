"""``litreview plot`` (figures) and ``litreview report`` (one self-contained HTML file)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from litreview.cli._common import echo_json, open_from_context, output_path
from litreview.storage.output_files import write_bytes

KINDS = ("recall", "progress", "sources", "agreement")


def write_output(path: Path, data: bytes) -> None:
    """Every file these commands write: atomically, through the one output path."""
    write_bytes(path, data)


def plot_data(ctx: click.Context, kind: str, stage: str | None, trace: str | None) -> Any:
    """What ``plot KIND`` draws: from the trace file, or from the review."""
    from litreview.report import plot_data as pd  # lazy: start-up

    if trace is not None:
        if kind != "recall":
            raise click.UsageError("--trace goes with 'plot recall' only")
        return pd.read_trace(trace)
    review = open_from_context(ctx)
    if kind == "recall":
        return pd.live_recall(review, stage)
    if kind == "progress":
        return pd.progress(review, stage)
    if kind == "sources":
        return pd.source_overlap(review)
    return pd.agreement_table(review, stage)


def data_json(data: Any) -> Any:
    """The plotted numbers as JSON values (``plot --json``)."""
    if isinstance(data, list):
        return [_plain(asdict(item)) for item in data]
    return _plain(asdict(data))


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=list))


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The figure file: .svg, .png or .pdf (the format comes from the suffix).",
)
@click.option(
    "--trace",
    type=click.Path(dir_okay=False),
    help="recall: curves from a 'simulate --trace-out' file (needs no review).",
)
@click.option("--stage", help="The stage to plot (default: the first screening stage).")
@click.option("--width", type=float, default=6.5, show_default=True, help="Width in inches.")
@click.option("--height", type=float, default=4.0, show_default=True, help="Height in inches.")
@click.option(
    "--dpi",
    type=int,
    default=200,
    show_default=True,
    help="Dots per inch for PNG (the default PNG is 1,300 px wide).",
)
@click.option("--json", "as_json", is_flag=True, help="Also print the plotted numbers as JSON.")
@click.pass_context
def plot(
    ctx: click.Context,
    kind: str,
    output: str,
    trace: str | None,
    stage: str | None,
    width: float,
    height: float,
    dpi: int,
    as_json: bool,
) -> None:
    """Draw a figure: recall, progress, sources or agreement.

    recall: includes found against records screened (live, with the recall estimate and
    where the default stopping rule stands; or, with --trace, one line per simulated seed
    with the random-order diagonal, the 95% line, WSS@95 and where each rule stopped).
    progress: decisions per day per reviewer and includes per 100 screened. sources:
    works per database and their overlap after deduplication (UpSet-style). agreement:
    the two reviewers' decision table with Cohen's kappa. Needs matplotlib
    (pip install 'litreview[plot]')."""
    from litreview.report.plots import (  # lazy: start-up
        FigureSize,
        check_size,
        figure_format,
        render,
    )

    path = output_path(ctx, output)
    fmt = figure_format(path)
    size = FigureSize(width, height, dpi)
    check_size(size)
    data = plot_data(ctx, kind, stage, trace)
    write_output(path, render(data, fmt, size))
    click.echo(f"Wrote {output} ({fmt})", err=True)
    if as_json:
        echo_json(data_json(data))


@click.command("report")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML file to write."
)
@click.pass_context
def report(ctx: click.Context, output: str) -> None:
    """One self-contained HTML report of the review: protocol, searches, PRISMA, screening
    and stopping, appraisal, the appendix table and matrix, and a methods paragraph.

    It loads nothing from elsewhere (figures are inline SVG); links to DOIs are plain links."""
    from litreview.report.html_report import render_report  # lazy: start-up

    path = output_path(ctx, output)
    if path.suffix.lower() not in (".html", ".htm"):
        raise click.BadParameter("end the file name with .html", param_hint="-o")
    html = render_report(open_from_context(ctx))
    write_output(path, html.encode("utf-8"))
    click.echo(f"Wrote {output}", err=True)
