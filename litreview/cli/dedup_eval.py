"""`litreview dedup-eval`: measure deduplication on labelled CSVs."""

from __future__ import annotations

from typing import Any

import click

from litreview.cli._common import echo_json, output_path
from litreview.dedup.evaluate import run_evaluation, write_groups_csv

_COLUMNS = (
    ("file", "file", "{}"),
    ("records", "records", "{}"),
    ("true_works", "works", "{}"),
    ("predicted_works", "predicted", "{}"),
    ("pair_precision", "precision", "{:.4f}"),
    ("pair_recall", "recall", "{:.4f}"),
    ("pair_f1", "F1", "{:.4f}"),
    ("mixed_clusters", "mixed", "{}"),
    ("lost_works", "lost", "{}"),
    ("needs_review", "review", "{}"),
    ("sensitivity", "sens.", "{:.4f}"),
    ("specificity", "spec.", "{:.4f}"),
    ("seconds", "seconds", "{:.2f}"),
)


@click.command("dedup-eval")
@click.argument(
    "files",
    metavar="FILE.csv...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option(
    "--groups-out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write record_id,predicted_group_id for every record to this CSV.",
)
def dedup_eval(files: tuple[str, ...], as_json: bool, groups_out: str | None) -> None:
    """Run deduplication on labelled CSVs (record_id, group_id, title, author, ...) and score it.

    Reports pair precision/recall/F1, mixed clusters (predicted groups holding
    two or more true works), lost works (true works with no record kept), the
    review queue, and ASySD-style record sensitivity/specificity.
    """
    target = output_path(None, groups_out) if groups_out else None
    evaluations = [run_evaluation(path) for path in files]
    if target is not None:
        write_groups_csv(target, evaluations)
    rows = [ev.metrics.to_json() for ev in evaluations]
    if as_json:
        echo_json(rows)
    else:
        click.echo(_table(rows))


def _table(rows: list[dict[str, Any]]) -> str:
    header = [title for _, title, _ in _COLUMNS]
    body = [[fmt.format(row[key]) for key, _, fmt in _COLUMNS] for row in rows]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    lines = []
    for cells in [header, *body]:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        lines.append("  ".join([first, *rest]))
    return "\n".join(lines)
