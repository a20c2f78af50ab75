"""`litreview query render`, `litreview search` and `litreview chase`."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import click

from litreview.cli._common import RECORD_ID, echo_json, json_option, open_from_context

if TYPE_CHECKING:  # annotations only: search.run pulls in httpx, not wanted at start-up
    from litreview.search.query import Strategy
    from litreview.search.render import Rendered
    from litreview.search.run import SearchOutcome, SearchProgress

PLATFORMS = (
    "proquest",
    "wos",
    "ebsco",
    "ovid",
    "pubmed",
    "scopus",
    "openalex",
    "europepmc",
    "crossref",
    "other",
)
SOURCES = ("openalex", "pubmed", "crossref", "europepmc")
DIRECTIONS = ("references", "cited-by", "both")


@click.group("query")
def query() -> None:
    """Search strategies kept as TOML files (see docs/searching.md)."""


@query.command("render")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    help="Render for this platform only (default: every platform the file lists).",
)
@json_option
def render(file: str, platform: str | None, as_json: bool) -> None:
    """Print the exact search strings to paste into each platform.

    Lines starting with '#' are headings and notes; every other line is a search to
    paste as it is (Ovid: one line per search in the history).
    """
    from litreview.search.query import load_query_file  # lazy: start-up
    from litreview.search.render import PLATFORM_NAMES, render_strategy  # lazy: start-up

    strategy = load_query_file(file)
    platforms = [platform] if platform else _listed_platforms(strategy)
    rendered = {p: render_strategy(strategy, p) for p in platforms}
    if as_json:
        echo_json(
            {
                "title": strategy.title,
                "platforms": [
                    _platform_json(strategy, p, PLATFORM_NAMES[p], rendered[p]) for p in platforms
                ],
            }
        )
        return
    click.echo(f"# {strategy.title}")
    for p in platforms:
        databases = [d.name for d in strategy.databases if d.platform == p]
        click.echo(f"\n## {PLATFORM_NAMES[p]}" + (f": {'; '.join(databases)}" if databases else ""))
        for note in _notes(rendered[p]):
            click.echo(f"# note: {note}")
        for item in rendered[p]:
            click.echo(f"\n# {item.search.key}: {item.search.label}")
            click.echo(item.text)


def _listed_platforms(strategy: Strategy) -> list[str]:
    platforms = list(dict.fromkeys(d.platform for d in strategy.databases))
    if not platforms:
        raise click.UsageError("the query file lists no [[databases]]; pass --platform")
    return platforms


def _notes(items: list[Rendered]) -> list[str]:
    return list(dict.fromkeys(n for item in items for n in item.notes))


def _platform_json(
    strategy: Strategy, platform: str, name: str, items: list[Rendered]
) -> dict[str, Any]:
    return {
        "platform": platform,
        "name": name,
        "databases": [d.name for d in strategy.databases if d.platform == platform],
        "notes": _notes(items),
        "searches": [
            {
                "key": i.search.key,
                "set": i.search.set_name,
                "label": i.search.label,
                "query": i.text,
                "lines": list(i.lines),
                "notes": list(i.notes),
            }
            for i in items
        ],
    }


class _ProgressBar:
    """A progress bar over the queries, on stderr, only when stderr is a terminal."""

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.bar: Any = None
        self.shown = 0

    def __call__(self, event: SearchProgress) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = self.stack.enter_context(
                click.progressbar(
                    length=event.queries,
                    label="Searching",
                    file=sys.stderr,
                    item_show_func=lambda text: text,
                )
            )
        hits = "?" if event.hits is None else str(event.hits)
        status = f"{event.query_no}/{event.queries} {event.records}/{hits} records"
        done = event.query_no if event.is_done else event.query_no - 1
        self.bar.update(max(0, done - self.shown), status)
        self.shown = max(self.shown, done)


@click.command("search")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--source", required=True, type=click.Choice(SOURCES), help="The API to search.")
@click.option(
    "--max", "max_records", type=click.IntRange(min=1), help="Import at most N records per query."
)
@click.option("--base-url", help="Another address for the API (a mirror or proxy).")
@click.option(
    "--rerun",
    is_flag=True,
    help="Search again even if this search already finished (e.g. an update).",
)
@json_option
@click.pass_context
def search(
    ctx: click.Context,
    file: str,
    source: str,
    max_records: int | None,
    base_url: str | None,
    rerun: bool,
    as_json: bool,
) -> None:
    """Run a query file through an API and import each query's results as a search.

    An interrupted search resumes where it stopped when the same command runs again.
    Contact address: LITREVIEW_MAILTO; API keys: LITREVIEW_<SOURCE>_API_KEY.
    """
    from litreview.search.run import run_search  # lazy: start-up (httpx)

    review = open_from_context(ctx)
    with ExitStack() as stack:
        outcome = run_search(
            review,
            file,
            source,
            max_records=max_records,
            base_url=base_url,
            progress=_ProgressBar(stack),
            rerun=rerun,
        )
    for note in outcome.notes:
        click.echo(f"warning: {note}", err=True)
    if as_json:
        echo_json(_search_json(outcome))
        return
    _echo_search(outcome)


def _search_json(outcome: SearchOutcome) -> dict[str, Any]:
    return {
        "source": outcome.source,
        "queries": [
            {
                "query": q.query,
                "label": q.label,
                "hits_reported": q.hits_reported,
                "records_imported": q.records_imported,
                "source_id": q.source_id,
            }
            for q in outcome.queries
        ],
        "records_imported": outcome.records_imported,
        "search_run_id": outcome.search_run_id,
        "resumed": outcome.resumed,
        "already_run": outcome.already_run,
    }


def _echo_search(outcome: SearchOutcome) -> None:
    if outcome.already_run:
        click.echo(
            f"{outcome.source}: this search already ran ({len(outcome.queries)} "
            "queries); nothing changed. Use --rerun to search again."
        )
        return
    for q in outcome.queries:
        hits = "?" if q.hits_reported is None else q.hits_reported
        click.echo(f"{q.query_no}. {q.label}: {hits} hits, {q.records_imported} records")
    resumed = " (resumed)" if outcome.resumed else ""
    click.echo(
        f"{outcome.source}: {outcome.records_imported} records imported from "
        f"{len(outcome.queries)} queries{resumed}"
    )


@click.command("chase")
@click.argument("record_ids", nargs=-1, type=RECORD_ID)
@click.option("--included", is_flag=True, help="Chase every study included at the last stage.")
@click.option(
    "--direction",
    type=click.Choice(DIRECTIONS),
    default="both",
    show_default=True,
    help="References (backward), citing works (forward), or both.",
)
@click.option(
    "--max-per-work", type=click.IntRange(min=1), help="At most N citing works per study."
)
@click.option("--base-url", help="Another address for the OpenAlex API.")
@json_option
@click.pass_context
def chase(
    ctx: click.Context,
    record_ids: tuple[int, ...],
    included: bool,
    direction: str,
    max_per_work: int | None,
    base_url: str | None,
    as_json: bool,
) -> None:
    """Citation chasing through OpenAlex, imported as other methods: citation searching."""
    from litreview.search.chase import (  # lazy: start-up (httpx)
        chase_citations,
        list_included_records,
    )

    if bool(record_ids) == included:
        raise click.UsageError("name RECORD_IDs or use --included (not both)")
    review = open_from_context(ctx)
    seeds = list_included_records(review) if included else list(record_ids)
    outcome = chase_citations(
        review, seeds, direction=direction, base_url=base_url, max_per_work=max_per_work
    )
    if as_json:
        echo_json(
            {
                "seeds": [
                    {
                        "record_id": s.record_id,
                        "openalex_id": s.work_id,
                        "references": len(s.referenced),
                    }
                    for s in outcome.seeds
                ],
                "not_found": outcome.not_found,
                "sources": {
                    d: {"source_id": sid, "records_imported": n}
                    for d, (sid, n) in outcome.sources.items()
                },
                "records_imported": outcome.records_imported,
            }
        )
        return
    for record_id in outcome.not_found:
        click.echo(
            f"record {record_id}: not found in OpenAlex (no OpenAlex id, DOI or PMID it knows)",
            err=True,
        )
    for d, (_, n) in outcome.sources.items():
        click.echo(f"{d}: {n} records imported (citation searching)")
