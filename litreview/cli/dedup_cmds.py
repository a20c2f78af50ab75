"""`litreview dedup`, `duplicates`, `merge`, `unmerge`, `not-duplicate`."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict

import click

from litreview.cli._common import RECORD_ID, echo_json, json_option, open_from_context
from litreview.cli.import_cmd import _ImportProgress
from litreview.dedup.apply import (
    DedupSummary,
    mark_not_duplicate,
    merge_records,
    run_dedup,
    unmerge_record,
)
from litreview.storage.records import get_record
from litreview.storage.works import list_pairs


class _DedupProgress(_ImportProgress):
    """A bar per stage of the engine, on stderr, only when stderr is a terminal."""

    LABELS = {"reading records": "Reading records", "comparing pairs": "Comparing pairs"}


def _report(summary: DedupSummary, as_json: bool, dry_run: bool = False) -> None:
    if as_json:
        echo_json(asdict(summary))
        return
    verb = "would leave" if dry_run else "left"
    click.echo(
        f"{summary.records} records {verb} {summary.groups} works: "
        f"{summary.duplicates_removed} duplicates, {summary.needs_review} pairs to "
        f"review, {summary.ineligible} ineligible by the protocol's limits"
    )


@click.command()
@click.option("--dry-run", is_flag=True, help="Report what would change; store nothing.")
@json_option
@click.pass_context
def dedup(ctx: click.Context, dry_run: bool, as_json: bool) -> None:
    """Find duplicate records across all sources."""
    with ExitStack() as stack:
        summary = run_dedup(open_from_context(ctx), dry_run=dry_run, progress=_DedupProgress(stack))
    _report(summary, as_json, dry_run)


@click.command()
@json_option
@click.pass_context
def duplicates(ctx: click.Context, as_json: bool) -> None:
    """List the pairs that need a reviewer's judgement."""
    review = open_from_context(ctx)
    pairs = list_pairs(review.db, "needs_review")
    if as_json:
        echo_json(pairs)
        return
    for pair in pairs:
        a = get_record(review.db, pair["record_a"]).fields
        b = get_record(review.db, pair["record_b"]).fields
        click.echo(
            f"{pair['record_a']} ~ {pair['record_b']}  score {pair['score']:.2f}  "
            f"{'; '.join(pair['reasons'])}"
        )
        click.echo(f"   {a.year} {a.title}\n   {b.year} {b.title}")
    if not pairs:
        click.echo("No pairs need review.", err=True)


@click.command()
@click.argument("record_a", type=RECORD_ID)
@click.argument("record_b", type=RECORD_ID)
@click.option("--reviewer")
@json_option
@click.pass_context
def merge(
    ctx: click.Context, record_a: int, record_b: int, reviewer: str | None, as_json: bool
) -> None:
    """Mark two records as the same work."""
    _report(merge_records(open_from_context(ctx), record_a, record_b, reviewer=reviewer), as_json)


@click.command("not-duplicate")
@click.argument("record_a", type=RECORD_ID)
@click.argument("record_b", type=RECORD_ID)
@click.option("--reviewer")
@json_option
@click.pass_context
def not_duplicate(
    ctx: click.Context, record_a: int, record_b: int, reviewer: str | None, as_json: bool
) -> None:
    """Mark two records as different works."""
    _report(
        mark_not_duplicate(open_from_context(ctx), record_a, record_b, reviewer=reviewer), as_json
    )


@click.command()
@click.argument("record_id", type=RECORD_ID)
@click.option("--reviewer")
@json_option
@click.pass_context
def unmerge(ctx: click.Context, record_id: int, reviewer: str | None, as_json: bool) -> None:
    """Take a record out of its duplicate group."""
    _report(unmerge_record(open_from_context(ctx), record_id, reviewer=reviewer), as_json)
