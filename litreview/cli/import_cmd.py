"""`litreview import`."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click

from litreview.cli._common import echo_json, json_option, open_from_context


def _query_text(query: str | None, query_file: str | None) -> str | None:
    if query and query_file:
        raise click.UsageError("give --query or --query-file, not both")
    if query_file:
        return Path(query_file).read_text(encoding="utf-8").strip()
    return query


class _ImportProgress:
    """Progress over the bytes read, on stderr, only when stderr is a terminal."""

    LABELS = {"scan": "Checking", "import": "Importing"}

    def __init__(self, stack: ExitStack) -> None:
        self.stack = stack
        self.bars: dict[str, Any] = {}
        self.shown: dict[str, int] = {}

    def __call__(self, phase: str, done: int, total: int) -> None:
        if total <= 0 or not sys.stderr.isatty():
            return
        if phase not in self.bars:
            self.bars[phase] = self.stack.enter_context(
                click.progressbar(
                    length=total, label=self.LABELS.get(phase, phase), file=sys.stderr
                )
            )
            self.shown[phase] = 0
        self.bars[phase].update(max(0, done - self.shown[phase]))
        self.shown[phase] = max(self.shown[phase], done)


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--database", help="Database searched (default: recognised from the file).")
@click.option("--platform", help="Platform or interface, e.g. ProQuest, EBSCOhost, Ovid.")
@click.option("--searched-on", help="Date the search was run (YYYY-MM-DD).")
@click.option("--query", help="The exact query as run.")
@click.option(
    "--query-file",
    type=click.Path(exists=True, dir_okay=False),
    help="A file holding the exact query.",
)
@click.option("--limits", help="Limits applied, e.g. 'English; 2000-2015'.")
@click.option("--reported-hits", type=int, help="Hits the database reported.")
@click.option("--other-method", help="Not a database search: e.g. 'citation searching'.")
@click.option("--register", is_flag=True, help="The source is a trials register.")
@click.option("--strict", is_flag=True, help="Fail on any per-record problem.")
@click.option(
    "--decisions",
    is_flag=True,
    help="Also record the screening decisions the file carries (ASReview "
    "label_included, Rayyan notes, litreview's CSV export) at --stage.",
)
@click.option("--stage", help="With --decisions: the stage the decisions were made at.")
@click.option(
    "--reviewer",
    help="With --decisions: who made them (Rayyan: take only this "
    "reviewer's; the file names the others).",
)
@click.option(
    "--exclude-reason",
    help="With --decisions: the reason (number, code or label) for excludes "
    "the file gives none for.",
)
@json_option
@click.pass_context
def import_(ctx: click.Context, /, files: tuple[str, ...], **opts: Any) -> None:
    """Import reference files (RIS, MEDLINE/nbib, BibTeX, WoS, CSV/TSV, EndNote XML,
    CSL-JSON, xlsx), optionally with the screening decisions they carry (--decisions)."""
    from litreview.ingest.importer import (  # lazy: start-up (bibtexparser)
        ImportOptions,
        import_files,
    )

    arm = "other" if opts["other_method"] else "register" if opts["register"] else "database"
    options = ImportOptions(
        database=opts["database"],
        platform=opts["platform"],
        searched_on=opts["searched_on"],
        query=_query_text(opts["query"], opts["query_file"]),
        limits=opts["limits"],
        reported_hits=opts["reported_hits"],
        arm=arm,
        method=opts["other_method"],
        strict=opts["strict"],
    )
    if opts["decisions"]:
        _import_decisions(ctx, files, options, opts)
        return
    for name in ("stage", "reviewer", "exclude_reason"):
        if opts[name] is not None:
            raise click.UsageError(f"--{name.replace('_', '-')} needs --decisions")
    with ExitStack() as stack:
        results = import_files(
            open_from_context(ctx),
            [Path(f) for f in files],
            options,
            progress=_ImportProgress(stack),
        )
    _report(results, opts["as_json"])


def _import_decisions(
    ctx: click.Context, files: tuple[str, ...], options: Any, opts: dict[str, Any]
) -> None:
    from litreview.screening.imported_decisions import (  # lazy: start-up (bibtexparser)
        import_with_decisions,
    )

    if not opts["stage"]:
        raise click.UsageError("--decisions needs --stage (the stage they were made at)")
    results, summaries = import_with_decisions(
        open_from_context(ctx),
        [Path(f) for f in files],
        options,
        stage=opts["stage"],
        reviewer=opts["reviewer"],
        exclude_reason=opts["exclude_reason"],
    )
    if opts["as_json"]:
        echo_json(
            {
                "files": [_file_json(r) for r in results],
                "decisions": [
                    {
                        "path": s.path,
                        "kind": s.kind,
                        "stage": s.stage,
                        "events": s.events,
                        "decisions": s.decisions,
                        "reviewers": list(s.reviewers),
                        "undecided": s.undecided,
                    }
                    for s in summaries
                ],
            }
        )
        return
    _report(results, False)
    for s in summaries:
        counts = ", ".join(f"{n} {d}" for d, n in sorted(s.decisions.items())) or "none"
        who = f" by {', '.join(s.reviewers)}" if s.reviewers else ""
        click.echo(
            f"{s.path}: {s.events} decisions at {s.stage} from {s.kind} ({counts}){who}; "
            f"{s.undecided} records undecided"
        )


def _file_json(r: Any) -> dict[str, Any]:
    return {
        "path": r.path,
        "format": r.format,
        "database": r.database,
        "records": r.records,
        "already_imported": r.already_imported,
        "problems": [{"line": p.line, "message": p.message} for p in r.problems],
    }


def _report(results: list[Any], as_json: bool) -> None:
    if as_json:
        echo_json(
            {
                "files": [_file_json(r) for r in results],
                "records_total": sum(r.records for r in results if not r.already_imported),
            }
        )
        return
    for r in results:
        if r.already_imported:
            click.echo(f"{r.path}: already imported ({r.records} records); nothing changed")
            continue
        click.echo(f"{r.path}: {r.records} records from {r.database} ({r.format})")
        for p in r.problems[:20]:
            click.echo(f"  warning: {Path(r.path).name}:{p.line or '?'}: {p.message}", err=True)
        if len(r.problems) > 20:
            click.echo(f"  ... and {len(r.problems) - 20} more warnings (see --json)", err=True)
