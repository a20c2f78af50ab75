"""`litreview next`, `decide` and `undo`: screening without the TUI."""

from __future__ import annotations

import os
from dataclasses import asdict

import click

from litreview.cli._common import (
    RECORD_ID,
    echo_json,
    json_option,
    open_from_context,
    terminal_text,
)
from litreview.storage.review import Review


def resolve_reviewer(review: Review, given: str | None) -> str | None:
    """--reviewer, else $LITREVIEW_REVIEWER, else the name remembered for this review."""
    from litreview.screening.session import remembered_reviewer  # lazy: start-up

    return given or os.environ.get("LITREVIEW_REVIEWER") or remembered_reviewer(review)


def _stage(review: Review, stage: str | None) -> str:
    from litreview.screening.session import default_stage  # lazy: start-up

    return stage or default_stage(review)


@click.command("next")
@click.option("--stage", help="Stage to screen (default: the first with records left).")
@click.option("--reviewer", help="Whose queue (matters in dual screening).")
@click.option(
    "--rerank",
    is_flag=True,
    help="Retrain the ranking even in a large stage (slow; the TUI does it anyway).",
)
@json_option
@click.pass_context
def next_(
    ctx: click.Context, stage: str | None, reviewer: str | None, rerank: bool, as_json: bool
) -> None:
    """The next record to screen, in ranked order, with its score (or a record of the
    stopping rule's random check, marked "random check k of n")."""
    from litreview.screening.session import (  # lazy: start-up
        LIVE_RETRAIN_LIMIT,
        next_records,
        refresh_ranking,
    )

    review = open_from_context(ctx)
    stage = _stage(review, stage)
    reviewer = resolve_reviewer(review, reviewer)
    limit = None if rerank else LIVE_RETRAIN_LIMIT
    refresh_ranking(review, stage, reviewer=reviewer, max_works=limit)
    found = next_records(review, stage, reviewer=reviewer)
    if not found:
        if as_json:
            echo_json(
                {
                    "record_id": None,
                    "stage": stage,
                    "rank": None,
                    "score": None,
                    "title": None,
                    "remaining": 0,
                }
            )
        else:
            click.echo(f"Nothing left to screen at stage {stage}.")
        return
    view = found[0]
    if as_json:
        echo_json(asdict(view))
        return
    score = "" if view.score is None else f"  score {view.score:.3f}"
    if view.check is not None:  # the stopping rule's random sample, not the ranking
        click.echo(f"[{view.record_id}] {view.check}: screen it as any other record  ({stage})")
    else:
        click.echo(f"[{view.record_id}] rank {view.rank}{score}  ({stage})")
    click.echo(terminal_text(view.title or "(no title)"))
    authors = "; ".join(view.authors[:6]) + (" et al." if len(view.authors) > 6 else "")
    click.echo(terminal_text(authors))
    click.echo(terminal_text(" ".join(str(x) for x in (view.journal, view.year) if x)))
    if view.abstract:
        click.echo("\n" + terminal_text(view.abstract))


@click.command()
@click.argument("record_id", type=RECORD_ID)
@click.argument("decision", type=click.Choice(["include", "exclude", "maybe"]))
@click.option("--stage", help="Stage (default: the first where the record is open).")
@click.option("--reason", help="Exclusion reason: its number, code or label.")
@click.option("--reviewer", help="Who decides (default: $LITREVIEW_REVIEWER or remembered).")
@click.option("--note", help="A note kept with the decision.")
@click.pass_context
def decide(
    ctx: click.Context,
    record_id: int,
    decision: str,
    stage: str | None,
    reason: str | None,
    reviewer: str | None,
    note: str | None,
) -> None:
    """Record a screening decision."""
    from litreview.screening.session import decide as record_decision  # lazy: start-up
    from litreview.screening.session import stage_for_record  # lazy: start-up

    review = open_from_context(ctx)
    stage = stage or stage_for_record(review, record_id)
    event_id = record_decision(
        review,
        record_id,
        decision,
        stage=stage,
        reviewer=resolve_reviewer(review, reviewer),
        reason=reason,
        note=note,
    )
    click.echo(f"{decision} {record_id} at {stage} (event {event_id})", err=True)


@click.command()
@click.option("--reviewer", help="Whose last decision to undo.")
@click.option("--stage", help="Only undo a decision at this stage.")
@click.pass_context
def undo(ctx: click.Context, reviewer: str | None, stage: str | None) -> None:
    """Undo the last decision."""
    from litreview.screening.session import undo as undo_last  # lazy: start-up

    review = open_from_context(ctx)
    reopened = undo_last(review, reviewer=resolve_reviewer(review, reviewer), stage=stage)
    if reopened is None:
        click.echo("Nothing to undo.", err=True)
    else:
        click.echo(f"Undid the decision on {reopened.record_id} at {reopened.stage}", err=True)


@click.command()
@click.option("--stage", help="Stage to stop (default: the first with records left).")
@click.option("--rule", help="The stopping rule you rely on (default: the protocol's).")
@click.option("--reviewer", help="Who decides to stop.")
@click.option("--note", help="Why, for the audit trail.")
@click.option("--resume", is_flag=True, help="Revert a stop: the rest is open again.")
@click.pass_context
def stop(
    ctx: click.Context,
    stage: str | None,
    rule: str | None,
    reviewer: str | None,
    note: str | None,
    resume: bool,
) -> None:
    """Stop screening a stage; what is left counts as excluded by the stopping rule."""
    from litreview.screening.progress import (  # lazy: start-up
        resume_screening,
        stop_screening,
        stopping_report,
    )
    from litreview.screening.stages import stage_works  # lazy: start-up

    review = open_from_context(ctx)
    stage = _stage(review, stage)
    who = resolve_reviewer(review, reviewer)
    if resume:
        resume_screening(review, stage, reviewer=who)
        click.echo(f"screening of {stage} resumed", err=True)
        return
    report = stopping_report(review, stage, len(stage_works(review, stage)))
    rule = rule or report["default_rule"]
    stop_screening(review, stage, reviewer=who, rule=rule, note=note)
    says = "says stop" if report["rules"].get(rule, {}).get("stop") else "does NOT yet say stop"
    click.echo(
        f"screening of {stage} stopped after {report['screened']} of "
        f"{report['total']} records; {rule} {says}",
        err=True,
    )
