"""`litreview demo`: the worked example, built from data shipped in the package."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from litreview.review import Review


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              help="Folder for the demo review (default: a new ./litreview-demo folder).")
@click.option("--no-tui", is_flag=True, help="Build it and print the counts; no UI.")
@click.option("--thesis-data", type=click.Path(exists=True, file_okay=False),
              help="A local copy of the thesis data (table14.csv, table8.csv): code the demo "
              "with the tables' own wording and findings too.")
def demo(directory: str | None, no_tui: bool, thesis_data: str | None) -> None:
    """Build the worked-example review and open it."""
    from litreview.cli.review_cmds import print_status
    from litreview.demo.build import build_demo, default_demo_dir
    from litreview.status import review_status

    target = Path(directory) if directory else default_demo_dir()
    review = build_demo(target, Path(thesis_data) if thesis_data else None)
    click.echo(f"Demo review: {review.path}", err=True)
    try:
        if no_tui:
            print_status(review_status(review))
            _print_reports(review)
            return
        from litreview.tui.app import run_tui

        run_tui(review)
    finally:
        review.close()


def _print_reports(review: Review) -> None:
    """PRISMA counts (so far, if unfinished) and the worked example's summary tables."""
    from litreview.cli.report_cmds import print_prisma
    from litreview.report.counts import check_prisma
    from litreview.report.formats import render_markdown
    from litreview.report.tables import build_table

    result = check_prisma(review)
    click.echo("\nPRISMA 2020 flow" + ("" if result.complete else " so far"))
    if result.banner:
        click.echo(result.banner)
    unexplained = [] if result.outstanding else list(result.violations)
    print_prisma(result.counts | {"violations": unexplained})
    for name in ("sources", "grades", "matrix"):
        click.echo("")
        click.echo(render_markdown(build_table(review, name)))
