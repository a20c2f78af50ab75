"""Full-text files from the command line: `attach` PDFs to works, `grep` their text,
`find-fulltext` open-access copies."""

from __future__ import annotations

from dataclasses import asdict

import click

from litreview.cli._common import RECORD_ID, echo_json, json_option, open_from_context
from litreview.cli.screen_cmds import resolve_reviewer

_LABELS = {
    "attached": "attached",
    "already_attached": "already attached",
    "ambiguous": "AMBIGUOUS",
    "unmatched": "NOT MATCHED",
    "failed": "FAILED",
}


def _safe(text: str) -> str:
    """One terminal line: file names and PDF error messages carry no control characters."""
    from litreview.fulltext.files import clean_text  # lazy: start-up

    return clean_text(text).replace("\n", " ").replace("\t", " ")


@click.command("attach")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--record",
    "record_id",
    type=RECORD_ID,
    help="Attach the (single) PDF to this record's work instead of matching it.",
)
@click.option("--reviewer", help="Who records it (default: $LITREVIEW_REVIEWER or remembered).")
@json_option
@click.pass_context
def attach(
    ctx: click.Context,
    paths: tuple[str, ...],
    record_id: int | None,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Attach PDFs (files, or folders searched recursively, e.g. Zotero's storage or
    EndNote's .Data/PDF) to works by DOI in the file name, DOI in the PDF, or title."""
    from litreview.fulltext.files import attach_paths  # lazy: start-up

    review = open_from_context(ctx)
    outcomes = attach_paths(
        review, paths, record_id=record_id, reviewer=resolve_reviewer(review, reviewer)
    )
    if as_json:
        echo_json([asdict(o) for o in outcomes])
        return
    for o in outcomes:
        label = _LABELS[o.status]
        if o.work_id is not None:
            where = f" -> [{o.work_id}] by {o.matched_by} ({o.pages} pages)"
        elif o.candidates:
            where = f": works {', '.join(map(str, o.candidates))}"
        else:
            where = ""
        why = f": {o.reason}" if o.reason and o.status != "ambiguous" else ""
        hint = f" ({o.reason})" if o.status == "ambiguous" else ""
        click.echo(_safe(f"{label:<16} {o.source}{where}{why}{hint}"))
        for warning in o.warnings:
            click.echo(_safe(f"{'':<16} warning: {warning}"))
    counts = {s: sum(o.status == s for o in outcomes) for s in _LABELS}
    summary = ", ".join(f"{n} {_LABELS[s].lower()}" for s, n in counts.items() if n)
    click.echo(f"{len(outcomes)} PDF(s): {summary or 'none found'}", err=True)


@click.command("grep")
@click.argument("phrase")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=200, show_default=True, help="Most hits."
)
@json_option
@click.pass_context
def grep(ctx: click.Context, phrase: str, limit: int, as_json: bool) -> None:
    """Search the text of the attached PDFs for PHRASE: work, page and context."""
    from litreview.fulltext.files import grep as search  # lazy: start-up

    review = open_from_context(ctx)
    hits = search(review, phrase, limit=limit)
    if as_json:
        echo_json([asdict(h) for h in hits])
        return
    for hit in hits:
        context = _safe(" ".join(hit.snippet.split()))
        click.echo(f"[{hit.work_id}] p.{hit.page}: {context}")
    click.echo(f"{len(hits)} hit(s)", err=True)


@click.command("find-fulltext")
@click.option(
    "--source",
    type=click.Choice(["unpaywall", "openalex", "europepmc"]),
    default="unpaywall",
    show_default=True,
    help="The service asked for an open-access copy.",
)
@click.option("--email", help="Your address (Unpaywall needs it; default: $LITREVIEW_MAILTO).")
@click.option("--base-url", help="The service's API address (a mirror or proxy).")
@click.option(
    "--all",
    "every_work",
    is_flag=True,
    help="Every work without a file (default: reports sought at the full-text stage).",
)
@click.option(
    "--max-mb",
    type=click.IntRange(1, 2000),
    default=100,
    show_default=True,
    help="Refuse PDFs larger than this.",
)
@click.option("--reviewer", help="Who records it (default: $LITREVIEW_REVIEWER or remembered).")
@json_option
@click.pass_context
def find_fulltext(
    ctx: click.Context,
    source: str,
    email: str | None,
    base_url: str | None,
    every_work: bool,
    max_mb: int,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Look up open-access copies of works without a file by DOI, download and attach them;
    a re-run skips the works already looked up at that service."""
    from litreview.fulltext.find import FindOutcome  # lazy: start-up (httpx)
    from litreview.fulltext.find import find_fulltext as find  # lazy: start-up (httpx)

    review = open_from_context(ctx)

    def show(o: FindOutcome) -> None:
        if not as_json:
            label = {"retrieved": "retrieved", "no_copy": "no OA copy"}.get(o.status, o.status)
            why = f": {o.reason}" if o.reason and o.status != "no_copy" else ""
            click.echo(_safe(f"[{o.work_id}] {label:<10} {o.doi or '-'}{why}"))

    outcomes = find(
        review,
        source=source,
        email=email,
        base_url=base_url,
        every_work=every_work,
        max_bytes=max_mb * 1024 * 1024,
        reviewer=resolve_reviewer(review, reviewer),
        progress=show,
    )
    if as_json:
        echo_json([asdict(o) for o in outcomes])
    found = sum(o.status == "retrieved" for o in outcomes)
    click.echo(f"{len(outcomes)} work(s) looked up at {source}: {found} retrieved", err=True)


COMMANDS = (attach, grep, find_fulltext)
