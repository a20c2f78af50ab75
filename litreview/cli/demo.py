"""`litreview demo`: the worked example, built from data shipped in the package."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False),
              help="Folder for the demo review (default: a new ./litreview-demo folder).")
@click.option("--no-tui", is_flag=True, help="Build it and print the counts; no UI.")
def demo(directory: str | None, no_tui: bool) -> None:
    """Build the worked-example review and open it."""
    from litreview.cli.review_cmds import print_status
    from litreview.demo.build import build_demo, default_demo_dir
    from litreview.status import review_status

    target = Path(directory) if directory else default_demo_dir()
    review = build_demo(target)
    click.echo(f"Demo review: {review.path}", err=True)
    try:
        if no_tui:
            print_status(review_status(review))
            return
        from litreview.tui.app import run_tui

        run_tui(review)
    finally:
        review.close()
