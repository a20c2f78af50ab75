"""``litreview simulate``: replay screening on labelled CSVs (CLI.md, Screening)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from litreview.cli._common import echo_json, json_option, output_path
from litreview.screening.simulation_result import CheckedStop, SimulationResult
from litreview.storage.output_files import open_output


def _parse_seeds(ctx: click.Context, param: click.Parameter, value: str) -> list[int]:
    try:
        seeds = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a comma-separated list of integers") from None
    if not seeds:
        raise click.BadParameter("give at least one seed, e.g. --seeds 1,2,3")
    return seeds


def _summary(result: SimulationResult) -> str:
    lines = [
        f"{result.file}: {result.records} records, {result.included} included, "
        f"seeds {','.join(map(str, result.seeds))} ({result.seconds:.1f} s)",
        f"  WSS@95 {result.wss95:.3f}   WSS@100 {result.wss100:.3f}   "
        f"recall at 10% {result.recall_at_10pct:.3f}   ATD {result.atd_pct:.1f}%",
        f"  screened to 95%: {result.screened_to_95:.0f}   to 100%: {result.screened_to_100:.0f}",
        "  stopping rule          stopped after   recall",
    ]
    for name, mean in result.stops.items():
        after = "never" if mean.stopped_after is None else f"{mean.stopped_after:.0f}"
        mark = "  (default)" if name == result.default_stop else ""
        lines.append(f"  {name:<22} {after:>13}   {mean.recall:.3f}{mark}")
    default = result.default_stop
    for run in result.runs:
        stop = run.stops.get(default)
        if isinstance(stop, CheckedStop) and stop.recall_estimate is not None:
            estimate = stop.recall_estimate
            lines.append(
                f"  seed {run.seed}: {default} stopped after {stop.stopped_after} "
                f"({stop.check_records} random-check records); estimated recall "
                f"{estimate.recall:.3f} [{estimate.lower:.3f}, {estimate.upper:.3f}], "
                f"true {stop.recall:.3f}"
            )
    lines.append(
        "  (the estimate assumes only that the check's records were a random "
        "sample of the unscreened ones)"
    )
    return "\n".join(lines)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A bar on stderr when stderr is a terminal (runs done of runs to do), else nothing."""
    if not sys.stderr.isatty():
        yield None
        return
    with click.progressbar(
        length=total, label="simulating", file=sys.stderr, show_eta=True, show_pos=True
    ) as bar:
        yield bar.update


@click.command("simulate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--seeds",
    default="1,2,3,4,5",
    show_default=True,
    callback=_parse_seeds,
    help="Comma-separated seeds; each draws its own priors.",
)
@click.option(
    "--prior-included",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Included records given as known before screening.",
)
@click.option(
    "--prior-excluded",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Excluded records given as known before screening.",
)
@click.option(
    "--label-column",
    default="label_included",
    show_default=True,
    help="The 0/1 column to replay, e.g. label_abstract_screening.",
)
@click.option(
    "--trace-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write file,seed,position,record_id,label,is_prior,is_check for every "
    "record, in the default rule's real screening order.",
)
@json_option
def simulate(
    files: tuple[str, ...],
    seeds: list[int],
    prior_included: int,
    prior_excluded: int,
    label_column: str,
    trace_out: Path | None,
    as_json: bool,
) -> None:
    """Replay screening on labelled CSVs (title, abstract, label_included) and measure it."""
    from litreview.screening.simulate import TRACE_HEADER  # lazy: start-up
    from litreview.screening.simulate import simulate as run_simulation  # lazy: start-up

    trace_path = output_path(None, trace_out) if trace_out else None
    with contextlib.ExitStack() as stack:
        trace = stack.enter_context(open_output(trace_path)) if trace_path else None
        if trace is not None:
            trace.write(TRACE_HEADER)
        with _progress(len(files) * len(seeds)) as advance:
            results = [
                run_simulation(
                    path,
                    seeds=seeds,
                    prior_included=prior_included,
                    prior_excluded=prior_excluded,
                    trace=trace,
                    label_column=label_column,
                    progress=advance,
                )
                for path in files
            ]
    if as_json:
        echo_json([result.to_json() for result in results])
    else:
        click.echo("\n\n".join(_summary(result) for result in results))
