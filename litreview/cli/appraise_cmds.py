"""Full text, appraisal and coding from the command line: `fulltext`, `note`,
`link-report`, `appraise`, `code`, `suggest`, `export-codes`, `import-codes`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from litreview.cli._common import RECORD_ID, echo_json, json_option, open_from_context, output_path
from litreview.cli._output_format import CODES_SUFFIXES, output_format
from litreview.cli.screen_cmds import resolve_reviewer
from litreview.errors import InvalidValue
from litreview.storage.review import Review
from litreview.storage.works import work_of

_REVIEWER_HELP = "Who records it (default: $LITREVIEW_REVIEWER or remembered)."


def _pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint=option)
        found[name.strip()] = value
    return found


@click.command("fulltext")
@click.argument("record_id", type=RECORD_ID)
@click.option("--retrieved", "status", flag_value="retrieved", help="The full text was found.")
@click.option(
    "--not-retrieved",
    "status",
    flag_value="not_retrieved",
    help="The full text could not be obtained (give --reason).",
)
@click.option(
    "--requested",
    "status",
    flag_value="requested",
    help="The full text was asked for and is awaited (give --via).",
)
@click.option("--via", help="Where it was requested from (with --requested).")
@click.option("--location", help="Where the full text is: a path or URL (with --retrieved).")
@click.option("--reason", help="Why it was not retrieved (with --not-retrieved).")
@click.option("--reviewer", help=_REVIEWER_HELP)
@click.option(
    "--text", "show_text", is_flag=True, help="Print the attached PDF's text with page markers."
)
@json_option
@click.pass_context
def fulltext(
    ctx: click.Context,
    record_id: int,
    status: str | None,
    via: str | None,
    location: str | None,
    reason: str | None,
    reviewer: str | None,
    show_text: bool,
    as_json: bool,
) -> None:
    """Record whether a report's full text was retrieved; without an option, show it."""
    from litreview.fulltext import reports as ft  # lazy: start-up

    review = open_from_context(ctx)
    if status is None and (location or reason or via):
        raise click.UsageError(
            "--location, --reason and --via go with --retrieved / --not-retrieved / --requested"
        )
    if via and status != "requested":
        raise click.UsageError("--via goes with --requested")
    if status == "requested":
        if location or reason:
            raise click.UsageError("--requested takes --via, not --location or --reason")
        ft.mark_requested(
            review, record_id, via=via or "", reviewer=resolve_reviewer(review, reviewer)
        )
    if status == "retrieved":
        if reason:
            raise click.UsageError("--reason goes with --not-retrieved")
        ft.mark_retrieved(
            review, record_id, location=location, reviewer=resolve_reviewer(review, reviewer)
        )
    elif status == "not_retrieved":
        if location:
            raise click.UsageError("--location goes with --retrieved")
        ft.mark_not_retrieved(
            review, record_id, reason=reason or "", reviewer=resolve_reviewer(review, reviewer)
        )
    if show_text:
        _show_text(review, record_id, as_json)
        return
    _show_report(review, record_id, as_json)


def _show_text(review: Review, record_id: int, as_json: bool) -> None:
    from litreview.fulltext.files import get_attachment, get_pages  # lazy: start-up

    if get_attachment(review, record_id) is None:
        raise InvalidValue(
            f"record {record_id} has no attached PDF",
            hint=f"attach one: litreview attach FILE.pdf --record {record_id}",
        )
    pages = get_pages(review, record_id)
    if as_json:
        echo_json({"record_id": record_id, "pages": pages})
        return
    if not pages:
        click.echo("(the PDF has no text layer: a scanned image?)", err=True)
    for number, text in enumerate(pages, 1):
        click.echo(f"--- page {number} ---")
        click.echo(text)


def _show_report(review: Review, record_id: int, as_json: bool) -> None:
    from litreview.fulltext import reports as ft  # lazy: start-up

    work = work_of(review.db, record_id)
    study = ft.find_study_id(review, record_id)
    found = ft.current_retrieval(review, record_id)
    notes = ft.current_notes(review).get(study, {})
    status = found.status if found else None
    location = found.location if found else None
    reason = found.reason if found else None
    if as_json:
        echo_json(
            {
                "record_id": work,
                "study_id": study,
                "status": status,
                "location": location,
                "reason": reason,
                "notes": notes,
            }
        )
        return
    where = f"  {location}" if location else ""
    why = f"  ({reason})" if reason else ""
    if status == "requested" and found is not None:
        why = f"  (from {reason}, since {found.created_at[:10]})"
    shown = (status or "not recorded").replace("_", " ")
    click.echo(f"[{work}] study {study}: full text {shown}{where}{why}")
    for field, text in notes.items():
        click.echo(f"  {field}: {text}")


@click.command("note")
@click.argument("record_id", type=RECORD_ID)
@click.option(
    "--field",
    "fields",
    multiple=True,
    metavar="NAME=TEXT",
    help="A full-text note field from the protocol (repeatable; empty text clears).",
)
@click.option("--reviewer", help=_REVIEWER_HELP)
@json_option
@click.pass_context
def note(
    ctx: click.Context, record_id: int, fields: tuple[str, ...], reviewer: str | None, as_json: bool
) -> None:
    """Write the protocol's full-text notes for a report; without --field, show them."""
    from litreview.fulltext.reports import set_notes  # lazy: start-up

    review = open_from_context(ctx)
    if fields:
        set_notes(
            review,
            record_id,
            _pairs(fields, "--field"),
            reviewer=resolve_reviewer(review, reviewer),
        )
    _show_report(review, record_id, as_json)


@click.command("link-report")
@click.argument("record_id", type=RECORD_ID)
@click.option(
    "--study",
    "study_id",
    type=RECORD_ID,
    required=True,
    help="The study this report belongs to (the report's own id unlinks it).",
)
@click.option("--reviewer", help=_REVIEWER_HELP)
@click.pass_context
def link_report(ctx: click.Context, record_id: int, study_id: int, reviewer: str | None) -> None:
    """Link a report to the study it reports (several reports, one study)."""
    from litreview.fulltext.reports import link_report as link  # lazy: start-up

    review = open_from_context(ctx)
    event_id = link(review, record_id, study_id, reviewer=resolve_reviewer(review, reviewer))
    click.echo(f"report {record_id} -> study {study_id} (event {event_id})", err=True)


@click.command("appraise")
@click.argument("record_id", type=RECORD_ID)
@click.option(
    "--criterion",
    "criteria",
    multiple=True,
    metavar="NAME=LEVEL",
    help="Rate a quality criterion on the protocol's scale (repeatable).",
)
@click.option("--override", metavar="GRADE", help="Set the grade by hand (needs --reason).")
@click.option("--clear-override", is_flag=True, help="Go back to the computed grade.")
@click.option("--reason", help="Why the grade is overridden.")
@click.option("--undo", is_flag=True, help="Undo your last rating or override on this study.")
@click.option("--history", is_flag=True, help="Show every rating and override (audit trail).")
@click.option("--reviewer", help=_REVIEWER_HELP)
@json_option
@click.pass_context
def appraise(
    ctx: click.Context,
    record_id: int,
    criteria: tuple[str, ...],
    override: str | None,
    clear_override: bool,
    reason: str | None,
    undo: bool,
    history: bool,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Rate an included study's quality; without options, show its appraisal."""
    from litreview.appraisal import ratings as ap  # lazy: start-up

    review = open_from_context(ctx)
    who = resolve_reviewer(review, reviewer)
    if undo:
        undone = ap.undo_appraisal(review, reviewer=who, record_id=record_id)
        click.echo(
            "Nothing to undo."
            if undone is None
            else f"Undid event {undone.event_id} ({undone.kind})",
            err=True,
        )
    if criteria:
        ap.rate_study(review, record_id, _pairs(criteria, "--criterion"), reviewer=who)
    if override is not None or clear_override:
        ap.override_grade(
            review, record_id, None if clear_override else override, reason=reason, reviewer=who
        )
    result = ap.get_appraisal(review, record_id)
    trail = ap.list_appraisal_history(review, record_id) if history else []
    if as_json:
        echo_json(
            {
                **asdict(result),
                **(
                    {"history": [_event_json(h.event, h.undone_by) for h in trail]}
                    if history
                    else {}
                ),
            }
        )
        return
    _print_appraisal(review, result)
    for entry in trail:
        click.echo(_event_line(entry.event, entry.undone_by))


def _print_appraisal(review: Review, result: Any) -> None:
    click.echo(f"Study {result.study_id}")
    for criterion in review.protocol.quality.criteria:
        click.echo(f"  {criterion.name:<20} {result.ratings.get(criterion.name, '-')}")
    score = "-" if result.score is None else f"{result.score:g}"
    line = f"  score {score}  grade {result.grade or '-'}"
    if result.override:
        line += f" (overridden: {result.override_reason}; computed {result.computed_grade or '-'})"
    click.echo(line)


def _event_json(event: Any, undone_by: int | None) -> dict[str, Any]:
    return {**asdict(event), "undone_by": undone_by}


def _event_line(event: Any, undone_by: int | None) -> str:
    what = event.payload if event.kind in ("appraisal", "code") else event.value
    why = f" because {event.reason!r}" if event.reason else ""
    undone = f"  [undone by event {undone_by}]" if undone_by else ""
    return (
        f"  #{event.event_id} {event.created_at} {event.reviewer or '-'} {event.kind} "
        f"{what}{why}{undone}"
    )


@click.command("code")
@click.argument("record_id", type=RECORD_ID)
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="DIMENSION=VALUE",
    help="Code a dimension (repeat, or join values with ';', for several values).",
)
@click.option(
    "--detail",
    "details",
    multiple=True,
    metavar="DIMENSION=TEXT",
    help="Your wording of the chosen values (dimensions with detail = true).",
)
@click.option(
    "--clear",
    "clears",
    multiple=True,
    metavar="DIMENSION",
    help="Remove the study's code on a dimension.",
)
@click.option("--undo", is_flag=True, help="Undo your last coding of this study.")
@click.option("--history", is_flag=True, help="Show every coding event (audit trail).")
@click.option("--reviewer", help=_REVIEWER_HELP)
@json_option
@click.pass_context
def code(
    ctx: click.Context,
    record_id: int,
    sets: tuple[str, ...],
    details: tuple[str, ...],
    clears: tuple[str, ...],
    undo: bool,
    history: bool,
    reviewer: str | None,
    as_json: bool,
) -> None:
    """Code an included study against the codebook; without options, show its codes."""
    from litreview.coding import codes as coding  # lazy: start-up (bibtexparser)
    from litreview.fulltext.reports import get_included_study  # lazy: start-up

    review = open_from_context(ctx)
    who = resolve_reviewer(review, reviewer)
    if undo:
        undone = coding.undo_coding(review, reviewer=who, record_id=record_id)
        click.echo(
            "Nothing to undo." if undone is None else f"Undid event {undone.event_id}", err=True
        )
    if sets or details or clears:
        assignments = coding.parse_assignments(review.protocol, sets, details, clears)
        coding.set_codes(review, record_id, assignments, reviewer=who)
    study = get_included_study(review, record_id).study_id
    codes = coding.get_codes(review, record_id)
    trail = coding.list_coding_history(review, record_id) if history else []
    if as_json:
        data: dict[str, Any] = {
            "study_id": study,
            "codes": {d: asdict(c) for d, c in codes.items()},
        }
        if history:
            data["history"] = [_event_json(e, u) for e, u in trail]
        echo_json(data)
        return
    click.echo(f"Study {study}")
    for dim in review.protocol.codebook:
        value = codes.get(dim.name)
        shown = coding.format_cell(value) if value else "-"
        extra = f"  ({value.detail})" if value and value.detail else ""
        click.echo(f"  {dim.name:<24} {shown}{extra}")
    for event, undone_by in trail:
        click.echo(_event_line(event, undone_by))


@click.command("suggest")
@click.argument("record_id", type=RECORD_ID)
@click.option(
    "--top",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="Suggestions per dimension and source.",
)
@json_option
@click.pass_context
def suggest(ctx: click.Context, record_id: int, top: int, as_json: bool) -> None:
    """Suggest codes for a study from keywords and coded studies (never applied)."""
    from litreview.coding.suggest import suggest_codes  # lazy: start-up
    from litreview.fulltext.reports import get_included_study  # lazy: start-up

    review = open_from_context(ctx)
    study = get_included_study(review, record_id).study_id
    found = suggest_codes(review, record_id, top=top)
    if as_json:
        echo_json({"study_id": study, "suggestions": [asdict(s) for s in found]})
        return
    if not found:
        click.echo("No suggestions (no keyword matches, too few coded studies).", err=True)
    for s in found:
        cue = f"  [{', '.join(s.evidence)}]" if s.evidence else ""
        click.echo(f"{s.dimension:<24} {s.value:<24} {s.confidence:.2f} {s.source}{cue}")


@click.command("export-codes")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write the CSV here (default: stdout)."
)
@click.pass_context
def export_codes(ctx: click.Context, output: str | None) -> None:
    """Write every included study's codes as CSV: one row per study, a column per dimension."""
    from litreview.coding import codes as coding  # lazy: start-up (bibtexparser)

    path = output_path(ctx, output) if output is not None else None
    output_format(None, path, CODES_SUFFIXES, default="csv")
    review = open_from_context(ctx)
    if path is None:
        rows = coding.write_codes_csv(review, sys.stdout)
    else:
        rows = coding.export_codes(review, path)
    click.echo(f"{rows} studies exported", err=True)


@click.command("import-codes")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--reviewer", help=_REVIEWER_HELP)
@json_option
@click.pass_context
def import_codes(ctx: click.Context, file: str, reviewer: str | None, as_json: bool) -> None:
    """Read codes from a CSV like export-codes writes; nothing is stored if a cell is bad."""
    from litreview.coding import codes as coding  # lazy: start-up (bibtexparser)

    review = open_from_context(ctx)
    result = coding.import_codes(review, file, reviewer=resolve_reviewer(review, reviewer))
    if as_json:
        echo_json(asdict(result))
    else:
        click.echo(f"{result.rows} rows read, {result.studies_changed} studies changed", err=True)


COMMANDS = (fulltext, note, link_report, appraise, code, suggest, export_codes, import_codes)
