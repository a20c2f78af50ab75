"""`litreview tui` and `litreview screen`: the Textual UI."""

from __future__ import annotations

import click

from litreview.cli._common import open_from_context
from litreview.cli.screen_cmds import resolve_reviewer


@click.command()
@click.option("--reviewer", help="Who screens (default: $LITREVIEW_REVIEWER, else remembered).")
@click.pass_context
def tui(ctx: click.Context, reviewer: str | None) -> None:
    """Open the terminal UI on its home screen."""
    from litreview.tui.app import run_tui  # lazy: start-up (textual)

    review = open_from_context(ctx)
    run_tui(review, reviewer=resolve_reviewer(review, reviewer))


@click.command()
@click.option("--stage", help="Stage to screen (default: the first with records left).")
@click.option("--reviewer", help="Who screens (default: $LITREVIEW_REVIEWER, else remembered).")
@click.pass_context
def screen(ctx: click.Context, stage: str | None, reviewer: str | None) -> None:
    """Open the terminal UI on the screening screen."""
    from litreview.screening.session import default_stage  # lazy: start-up
    from litreview.tui.app import run_tui  # lazy: start-up (textual)

    review = open_from_context(ctx)
    if stage is not None:
        review.protocol.stage(stage)  # unknown stage: a clear error before the UI starts
    run_tui(
        review,
        reviewer=resolve_reviewer(review, reviewer),
        start="screen",
        stage=stage or default_stage(review),
    )
