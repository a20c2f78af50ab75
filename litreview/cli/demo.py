"""`litreview demo`: the worked example, built from data shipped in the package."""

from __future__ import annotations

from pathlib import Path

import click

from litreview.cli.report_cmds import print_prisma
from litreview.cli.review_cmds import print_status
from litreview.storage.review import Review


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    help="Folder for the demo review (default: a new ./litreview-demo folder).",
)
@click.option("--no-tui", is_flag=True, help="Build it and print the counts; no UI.")
@click.option(
    "--thesis-data",
    type=click.Path(exists=True, file_okay=False),
    help="A local copy of the thesis data (table14.csv, table8.csv): code the demo "
    "with the tables' own wording and findings too.",
)
@click.option(
    "--example",
    metavar="NAME",
    help="Build a second example instead: an undecided review of real titles and "
    "abstracts to screen, compared with the published labels by 'litreview status' "
    "(see --list-examples).",
)
@click.option("--list-examples", is_flag=True, help="Name the shipped examples and exit.")
def demo(
    directory: str | None,
    no_tui: bool,
    thesis_data: str | None,
    example: str | None,
    list_examples: bool,
) -> None:
    """Build the worked-example review (a finished review) and open it."""
    from litreview.demo.build import build_demo, default_demo_dir  # lazy: start-up (bibtexparser)
    from litreview.demo.examples import (  # lazy: start-up
        build_example,
        default_example_dir,
        find_example,
    )
    from litreview.report.status import review_status  # lazy: start-up

    if list_examples:
        _list_examples()
        return
    if example and thesis_data:
        raise click.UsageError("--thesis-data codes the worked example; drop it with --example")
    if example:
        name = find_example(example).name
        target = Path(directory) if directory else default_example_dir(name)
        review = build_example(target, name)
    else:
        target = Path(directory) if directory else default_demo_dir()
        review = build_demo(target, Path(thesis_data) if thesis_data else None)
    click.echo(f"Demo review: {review.path}", err=True)
    try:
        if no_tui:
            print_status(review_status(review))
            if not example:
                _print_reconstructed(review)
                _print_reports(review)
            return
        from litreview.tui.app import run_tui  # lazy: start-up (textual)

        run_tui(review)
    finally:
        review.close()


def _print_reconstructed(review: Review) -> None:
    from litreview.demo.coding import count_reconstructed  # lazy: start-up (bibtexparser)

    n = count_reconstructed(review)
    if n:
        click.echo(
            f"{n} title-stage exclusions are reconstructed from the source review's "
            "reference list: works it cites but did not include (each decision's note "
            "says so; see litreview/demo/README.md)."
        )


def _list_examples() -> None:
    from litreview.demo.examples import EXAMPLES  # lazy: start-up

    click.echo(
        "worked example (default): success and collaboration in safeguarding children, "
        "a finished review (Quin 2015)"
    )
    for example in EXAMPLES:
        click.echo(f"{example.name}: {example.summary}")
        click.echo(f"  labels: {example.short_citation}; licence {example.licence}")


def _print_reports(review: Review) -> None:
    """PRISMA counts (so far, if unfinished) and the worked example's summary tables."""
    from litreview.report.counts import check_prisma  # lazy: start-up
    from litreview.report.formats import render_markdown  # lazy: start-up
    from litreview.report.tables import build_table  # lazy: start-up

    result = check_prisma(review)
    click.echo("\nPRISMA 2020 flow" + ("" if result.complete else " so far"))
    if result.banner:
        click.echo(result.banner)
    unexplained = [] if result.outstanding else list(result.violations)
    print_prisma(result.counts | {"violations": unexplained})
    for name in ("sources", "grades", "matrix"):
        click.echo("")
        click.echo(render_markdown(build_table(review, name)))
