"""`litreview init` and `litreview status`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from litreview.cli._common import echo_json, json_option, open_from_context, output_path


@click.command()
@click.option(
    "--protocol", "protocol_file", type=click.Path(dir_okay=False), help="Your protocol TOML."
)
@click.option("--template", default=None, help="A built-in protocol: safeguarding or default.")
@click.option("--force", is_flag=True, help="Replace an existing review file.")
@click.pass_context
def init(ctx: click.Context, protocol_file: str | None, template: str | None, force: bool) -> None:
    """Create the review file with a protocol."""
    from litreview.protocol import load_protocol_file, load_template  # lazy: start-up
    from litreview.storage.review import create_review  # lazy: start-up

    if protocol_file and template:
        raise click.UsageError("give --protocol or --template, not both")
    if protocol_file:
        text = load_protocol_file(Path(protocol_file)).text
    else:
        text, _ = load_template(template or "default")
    review = create_review(ctx.obj["db_path"], text, force=force)
    click.echo(f"Created {review.path} ({review.protocol.title})", err=True)
    review.close()


def print_status(data: dict[str, Any]) -> None:
    click.echo(f"{data['review']['title']}  ({data['review']['path']})")
    click.echo(
        f"records {data['records']}  sources {data['sources']}  "
        f"duplicates {data['duplicates']}  works {data['works']}  "
        f"ineligible {data['ineligible']}  "
        f"pairs to review {data['duplicates_needing_review']}"
    )
    for source in data["sources_detail"]:
        click.echo(
            f"  [{source['source_id']}] {source['database']}: {source['records']} records"
            f" ({source['format']}, {source['file_name'] or 'api'})"
        )
    click.echo("stage        screened included excluded maybe remaining")
    for name, c in data["stages"].items():
        click.echo(
            f"{name:<12} {c['screened']:>8} {c['included']:>8} {c['excluded']:>8} "
            f"{c['maybe']:>5} {c['remaining']:>9}"
        )
    for name, s in data.get("stopping", {}).items():
        if not s["screened"]:
            continue
        rule = s["default_rule"]
        verdict = "stop" if s["rules"][rule]["stop"] else "keep screening"
        estimate = s["recall_estimate"]
        recall = (
            f"estimated recall {estimate['recall']:.2f} "
            f"({estimate['lower']:.2f}-{estimate.get('upper', 1.0):.2f}; the interval "
            f"{s.get('recall_assumes', '')})"
            if estimate
            else "no relevant record found yet"
        )
        stopped = " [stopped]" if s["stopped"] else ""
        click.echo(f"{name}: {recall}; {rule} says {verdict}{stopped}")
    if data.get("published_labels"):
        from litreview.screening.published_labels import (  # lazy: start-up
            PublishedComparison,
            describe,
        )

        for line in describe(PublishedComparison(**data["published_labels"])):
            click.echo(line)


@click.command()
@json_option
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Counts per source and stage."""
    from litreview.report.status import review_status  # lazy: start-up

    data = review_status(open_from_context(ctx))
    if as_json:
        echo_json(data)
    else:
        print_status(data)


@click.command()
@click.argument("target", type=click.Path(dir_okay=False))
@click.pass_context
def backup(ctx: click.Context, target: str) -> None:
    """Copy the review to TARGET with SQLite's online backup (safe while in use)."""
    from litreview.errors import InvalidValue  # lazy: start-up
    from litreview.storage.db import backup_review  # lazy: start-up

    path = output_path(ctx, target)
    review = open_from_context(ctx)
    if path.exists():
        raise InvalidValue(f"{path} exists", hint="choose a new file name")
    backup_review(review.db, path)
    click.echo(f"backed up {review.path} to {path}", err=True)
    from litreview.fulltext.files import backup_files  # lazy: start-up

    folder = backup_files(review, path)
    if folder is not None:
        click.echo(f"copied the attached files to {folder}", err=True)
