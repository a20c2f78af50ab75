"""Team screening: `conflicts`, `resolve`, `agreement`, `export-decisions`, `merge-decisions`."""

from __future__ import annotations

from pathlib import Path

import click

from litreview.cli._common import RECORD_ID, echo_json, json_option, open_from_context, output_path
from litreview.cli._output_format import DECISIONS_SUFFIXES, output_format
from litreview.cli.screen_cmds import resolve_reviewer


@click.command()
@click.option("--stage", help="Only this stage.")
@json_option
@click.pass_context
def conflicts(ctx: click.Context, stage: str | None, as_json: bool) -> None:
    """List disagreements between reviewers that wait for a resolution."""
    from litreview.screening.team import list_conflicts  # lazy: start-up

    review = open_from_context(ctx)
    stages = [stage] if stage else [s.name for s in review.protocol.stages]
    found = [c for name in stages for c in list_conflicts(review, name)]
    if as_json:
        echo_json(
            [
                {
                    "record_id": c.work_id,
                    "stage": c.stage,
                    "decisions": {
                        r: {"decision": d.value, "reason": d.reason} for r, d in c.decisions.items()
                    },
                }
                for c in found
            ]
        )
        return
    for c in found:
        said = ", ".join(
            f"{r}: {d.value}" + (f" ({d.reason})" if d.reason else "")
            for r, d in sorted(c.decisions.items())
        )
        click.echo(f"{c.work_id} at {c.stage}: {said}")
    if not found:
        click.echo("No conflicts.", err=True)


@click.command()
@click.argument("record_id", type=RECORD_ID)
@click.argument("decision", type=click.Choice(["include", "exclude", "maybe"]))
@click.option("--stage", required=True, help="Stage of the conflict.")
@click.option("--reason", help="Exclusion reason: its number, code or label.")
@click.option("--reviewer", help="Who resolves (a third reviewer, or both together).")
@click.option("--note", help="Why.")
@click.pass_context
def resolve(
    ctx: click.Context,
    record_id: int,
    decision: str,
    stage: str,
    reason: str | None,
    reviewer: str | None,
    note: str | None,
) -> None:
    """Resolve a conflict between reviewers."""
    from litreview.screening.session import resolve as resolve_conflict  # lazy: start-up

    review = open_from_context(ctx)
    resolve_conflict(
        review,
        record_id,
        decision,
        stage=stage,
        reviewer=resolve_reviewer(review, reviewer),
        reason=reason,
        note=note,
    )
    click.echo(f"resolved {record_id} at {stage}: {decision}", err=True)


@click.command()
@click.option("--stage", help="Only this stage.")
@json_option
@click.pass_context
def agreement(ctx: click.Context, stage: str | None, as_json: bool) -> None:
    """Agreement between reviewers: percent, Cohen's kappa, PABAK."""
    from litreview.screening.team import stage_agreement  # lazy: start-up

    review = open_from_context(ctx)
    stages = [stage] if stage else [s.name for s in review.protocol.stages]
    results = [stage_agreement(review, name) for name in stages]
    if as_json:
        echo_json(results)
        return
    for r in results:
        if r["both_decided"]:
            names = " & ".join(str(x) for x in r["reviewers"])  # type: ignore[attr-defined]
            click.echo(
                f"{r['stage']}: {names} both decided "
                f"{r['both_decided']}; agreement {r['percent_agreement']}%, "
                f"kappa {r['cohen_kappa']}, PABAK {r['pabak']}; conflicts "
                f"{r['conflicts']} ({r['resolved']} resolved)"
            )
        else:
            click.echo(f"{r['stage']}: no records decided by two reviewers")


@click.command("export-decisions")
@click.option("--reviewer", required=True, help="Whose decisions to export.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
@click.pass_context
def export_decisions(ctx: click.Context, reviewer: str, output: str) -> None:
    """Write one reviewer's decisions for merging into another copy of the review."""
    from litreview.screening.exchange import export_decisions as export  # lazy: start-up

    target = output_path(ctx, output)
    output_format(None, target, DECISIONS_SUFFIXES)
    review = open_from_context(ctx)
    n = export(review, reviewer, target)
    click.echo(f"wrote {n} events of {reviewer} to {output}", err=True)


@click.command("merge-decisions")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@json_option
@click.pass_context
def merge_decisions(ctx: click.Context, file: str, as_json: bool) -> None:
    """Merge decisions exported from another copy of this review (idempotent)."""
    from litreview.screening.exchange import merge_decisions as merge  # lazy: start-up
    from litreview.screening.team import list_conflicts  # lazy: start-up

    review = open_from_context(ctx)
    result = merge(review, Path(file))
    result["conflicts"] = sum(len(list_conflicts(review, s.name)) for s in review.protocol.stages)
    if as_json:
        echo_json(result)
    else:
        click.echo(
            f"added {result['added']} events ({result['already_present']} already "
            f"here); {result['conflicts']} conflicts open"
        )
