"""Figures drawn with matplotlib (the optional extra ``plot``): recall curves, progress,
source overlap (UpSet-style) and reviewer agreement, as SVG, PNG or PDF.

matplotlib is imported only when a figure is drawn, with the Agg backend (no GUI, no
display needed). Sizes are in inches and suit a journal page: the default 6.5 x 4 in
at 200 dpi is 1,300 px wide, and text is 8-9 pt, still readable printed at one column
(about 3.4 in). Colours are the Okabe-Ito palette, safe for colour-blind readers, and
every series also differs by line style or marker. User text (database names,
reviewer names) is drawn as plain text: math parsing is off, so a ``$`` stays a ``$``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litreview.errors import InvalidValue, LitreviewError
from litreview.report.plot_data import (
    AgreementTable,
    LiveRecall,
    Progress,
    SourceOverlap,
    TraceRecall,
)

# Okabe & Ito (2008), "Color universal design"
OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")
BLUE, VERMILLION, GREEN, ORANGE, SKY, PURPLE = (
    OKABE_ITO[4],
    OKABE_ITO[5],
    OKABE_ITO[2],
    OKABE_ITO[0],
    OKABE_ITO[1],
    OKABE_ITO[6],
)
GREY = "#777777"
STOP_COLOURS = (VERMILLION, PURPLE, "#000000", ORANGE, GREEN, OKABE_ITO[3], SKY)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}
WIDTH, HEIGHT, DPI = 6.5, 4.0, 200
INSTALL_HINT = "pip install 'litreview[plot]'"

_RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "legend.frameon": False,
    "text.parse_math": False,  # record text is never a formula
    "svg.fonttype": "none",  # text stays text in SVG: smaller, searchable
    "svg.hashsalt": "litreview",  # the same figure gives the same file
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
}


@dataclass(frozen=True)
class FigureSize:
    width: float = WIDTH  # inches
    height: float = HEIGHT
    dpi: int = DPI


def figure_format(path: str | Path) -> str:
    """``svg``, ``png`` or ``pdf`` from the file name; anything else is refused."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidValue(
            f"{Path(path).name}: cannot tell the figure format from {suffix or 'no suffix'!r}",
            hint="end the file name with .svg, .png or .pdf",
        )
    return FORMATS[suffix]


def check_size(size: FigureSize) -> None:
    if not (1 <= size.width <= 40 and 1 <= size.height <= 40):
        raise InvalidValue(
            f"a figure of {size.width} x {size.height} in",
            hint="give --width and --height in inches, between 1 and 40",
        )
    if not 50 <= size.dpi <= 1200:
        raise InvalidValue(f"--dpi {size.dpi}", hint="give --dpi between 50 and 1200")


def pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend, or a clear error saying how to install it."""
    try:
        import matplotlib  # heavy: matplotlib
    except ImportError:
        raise LitreviewError(
            "drawing figures needs matplotlib, which is not installed", hint=INSTALL_HINT
        ) from None
    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt  # heavy: matplotlib

    return plt


@contextmanager
def _style() -> Iterator[Any]:
    plt = pyplot()
    with plt.rc_context(_RC):
        yield plt


def figure_bytes(fig: Any, fmt: str, dpi: int, title: str | None = None) -> bytes:
    """The figure as a file's bytes, with no creation date (the same data, the same file)."""
    metadata: dict[str, Any] = {"svg": {"Date": None}, "pdf": {"CreationDate": None}, "png": {}}[
        fmt
    ]
    if title:
        metadata["Title"] = title
    buffer = io.BytesIO()
    with pyplot().rc_context(_RC):
        fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
    pyplot().close(fig)
    return buffer.getvalue()


def render(data: Any, fmt: str, size: FigureSize | None = None) -> bytes:
    """Draw ``data`` (one of the ``plot_data`` values, or a list of ``TraceRecall``)."""
    size = size or FigureSize()
    check_size(size)
    with _style() as plt:
        fig = plt.figure(figsize=(size.width, size.height), layout="constrained")
        if isinstance(data, list):
            _recall_trace(fig, data)
        elif isinstance(data, LiveRecall):
            _recall_live(fig, data)
        elif isinstance(data, Progress):
            _progress(fig, data)
        elif isinstance(data, SourceOverlap):
            _sources(fig, data)
        elif isinstance(data, AgreementTable):
            _agreement(fig, data)
        else:  # pragma: no cover - a programming error
            raise TypeError(type(data).__name__)
    return figure_bytes(fig, fmt, size.dpi)


# ---- recall ------------------------------------------------------------------------------


def _recall_trace(fig: Any, traces: Sequence[TraceRecall]) -> None:
    axes = fig.subplots(1, len(traces), squeeze=False)[0]
    for ax, trace in zip(axes, traces, strict=True):
        n = max(c.records for c in trace.curves)
        ax.plot([0, n], [0, 1], color=GREY, linestyle=":", linewidth=1, label="Random order")
        ax.axhline(0.95, color=GREY, linestyle="--", linewidth=0.8, label="95% recall")
        band = len(trace.curves) > 10
        if band:
            _band(ax, trace)
        else:
            for i, curve in enumerate(trace.curves):
                ax.plot(
                    range(0, curve.records + 1),
                    [0.0, *(f / curve.relevant for f in curve.found)],
                    color=BLUE,
                    linewidth=1,
                    alpha=0.8,
                    label="Ranked order (one line per seed)" if i == 0 else None,
                )
        wss = sum(c.wss95 for c in trace.curves) / len(trace.curves)
        at95 = sum(c.screened_to_95 for c in trace.curves) / len(trace.curves)
        ax.axvline(at95, color=VERMILLION, linewidth=0.8)
        right = at95 > 0.6 * n  # the label goes on the side with room
        ax.annotate(
            f"WSS@95 = {wss:.3f}\n({at95:,.0f} screened)",
            (at95, 0.05),
            xytext=(-4 if right else 4, 0),
            textcoords="offset points",
            ha="right" if right else "left",
            color=VERMILLION,
            fontsize=8,
        )
        rules = [m.rule for m in trace.curves[0].stops]
        for k, rule in enumerate(rules):
            xs, ys = [], []
            for curve in trace.curves:
                mark = next(m for m in curve.stops if m.rule == rule)
                if mark.stopped_after:
                    xs.append(mark.stopped_after)
                    ys.append(curve.found[mark.stopped_after - 1] / curve.relevant)
            name = rule + (" (default)" if rule == trace.default_rule else "")
            label = f"Stopped: {name}" if xs else f"{name}: never stopped"
            ax.scatter(
                xs,
                ys,
                marker=MARKERS[k % len(MARKERS)],
                s=22,
                zorder=3,
                color=STOP_COLOURS[k % len(STOP_COLOURS)],
                edgecolors="black",
                linewidths=0.4,
                label=label,
            )
        ax.set_xlim(0, n)
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("Records screened")
        ax.set_ylabel("Recall (relevant records found)")
        ax.set_title(
            f"{Path(trace.file).name}: {n:,} records after the priors, "
            f"{trace.curves[0].relevant:,} relevant",
            loc="left",
        )
    axes[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))


def _band(ax: Any, trace: TraceRecall) -> None:
    n = min(c.records for c in trace.curves)
    xs = range(1, n + 1)
    per_x = [sorted(c.found[i] / c.relevant for c in trace.curves) for i in range(n)]
    ax.fill_between(
        xs,
        [v[0] for v in per_x],
        [v[-1] for v in per_x],
        color=SKY,
        alpha=0.5,
        linewidth=0,
        label=f"Ranked order, range of {len(trace.curves)} seeds",
    )
    ax.plot(xs, [v[len(v) // 2] for v in per_x], color=BLUE, linewidth=1.2, label="Median")


def _recall_live(fig: Any, data: LiveRecall) -> None:
    ax = fig.subplots()
    xs = range(0, data.screened + 1)
    ax.step(xs, (0, *data.found), where="post", color=BLUE, linewidth=1.4, label="Includes found")
    if data.total:
        expected = data.includes / data.screened if data.screened else 0
        ax.plot(
            [0, data.total],
            [0, expected * data.total],
            color=GREY,
            linestyle=":",
            linewidth=1,
            label="At the current inclusion rate (random order)",
        )
    if data.recall:
        point = data.includes / data.recall
        high = data.includes / data.recall_lower if data.recall_lower else point
        low = data.includes / data.recall_upper if data.recall_upper else data.includes
        ax.axhspan(
            low,
            high,
            color=SKY,
            alpha=0.35,
            linewidth=0,
            label="Relevant records in all (95% interval)",
        )
        ax.axhline(point, color=SKY, linewidth=1, label=f"Estimated: {point:,.0f}")
        ax.axhline(
            data.recall_target * point,
            color=GREY,
            linestyle="--",
            linewidth=0.8,
            label=f"{data.recall_target:.0%} of the estimate",
        )
    verdict = "says stop" if data.default_says_stop else "says go on"
    ax.axvline(
        data.screened,
        color=VERMILLION,
        linewidth=0.9,
        label=f"Now: {data.default_rule} {verdict}" + (" (stopped)" if data.stopped else ""),
    )
    ax.set_xlim(0, max(data.total, 1))
    ax.set_ylim(0, None)
    ax.set_xlabel("Records screened")
    ax.set_ylabel("Includes found")
    ax.set_title(
        f"{data.label}: {data.includes:,} includes in {data.screened:,} of "
        f"{data.total:,} records" + _recall_words(data),
        loc="left",
    )
    ax.legend(loc="lower right")


def _recall_words(data: LiveRecall) -> str:
    if data.recall is None:
        return ""
    interval = ""
    if data.recall_lower is not None and data.recall_upper is not None:
        interval = f" (95% interval {data.recall_lower:.0%}-{data.recall_upper:.0%})"
    elif data.recall_lower is not None:
        interval = f" (95% lower bound {data.recall_lower:.0%})"
    return f"; recall about {data.recall:.0%}{interval}"


# ---- progress ----------------------------------------------------------------------------


def _progress(fig: Any, data: Progress) -> None:
    top, bottom = fig.subplots(2, 1)
    bottoms = [0] * len(data.days)
    for k, (reviewer, counts) in enumerate(data.per_reviewer.items()):
        top.bar(
            range(len(data.days)),
            counts,
            bottom=bottoms,
            width=0.7,
            color=OKABE_ITO[(k + 4) % 8],
            edgecolor="black",
            linewidth=0.3,
            label=reviewer,
            hatch=("", "//", "..", "xx")[k % 4],
        )
        bottoms = [b + c for b, c in zip(bottoms, counts, strict=True)]
    labels = list(data.days) if len(data.days) <= 8 else [d[5:] for d in data.days]
    top.set_xticks(range(len(data.days)), labels, rotation=90 if len(data.days) > 12 else 0)
    top.set_xlim(-0.6, max(len(data.days), 4) - 0.4)
    top.set_ylabel("Decisions")
    top.set_title(f"{data.stage}: decisions per day (UTC) by reviewer", loc="left")
    if data.per_reviewer:
        top.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    starts = [sum(data.block_sizes[:i]) for i in range(len(data.block_sizes))]
    rates = [
        100 * n / size for n, size in zip(data.includes_per_block, data.block_sizes, strict=True)
    ]
    bottom.bar(starts, rates, width=[w * 0.92 for w in data.block_sizes], align="edge", color=BLUE)
    bottom.set_xlim(0, max(sum(data.block_sizes), data.block))
    bottom.set_xlabel("Records screened (in the order they were decided)")
    bottom.set_ylabel(f"Includes per {data.block}")
    bottom.set_ylim(0, max([*rates, 1]) * 1.1)
    title = f"Includes per {data.block} records screened"
    if data.block_sizes and data.block_sizes[-1] < data.block:
        title += f" (the last {data.block_sizes[-1]} scaled to {data.block})"
    bottom.set_title(title, loc="left")


# ---- sources (UpSet-style) ---------------------------------------------------------------


def _sources(fig: Any, data: SourceOverlap) -> None:
    combos = data.combinations[:30]
    grid = fig.add_gridspec(2, 2, width_ratios=(2, 3), height_ratios=(3, 2))
    bars = fig.add_subplot(grid[0, 1])
    matrix = fig.add_subplot(grid[1, 1], sharex=bars)
    totals = fig.add_subplot(grid[1, 0], sharey=matrix)
    xs = range(len(combos))
    counts = [n for _, n in combos]
    bars.bar(xs, counts, color=BLUE, width=0.6)
    for x, n in zip(xs, counts, strict=True):
        bars.annotate(
            f"{n:,}", (x, n), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=7
        )
    bars.set_ylabel("Works found by exactly\nthese sources")
    bars.tick_params(axis="x", bottom=False, labelbottom=False)
    title = "Yield and overlap of sources after deduplication"
    if len(data.combinations) > len(combos):
        title += f" (largest {len(combos)} of {len(data.combinations)} combinations)"
    fig.suptitle(title, x=0.02, ha="left", fontsize=10)
    rows = range(len(data.sources))
    for x, (members, _) in enumerate(combos):
        ys = [i for i, s in enumerate(data.sources) if s in members]
        matrix.scatter([x] * len(data.sources), rows, s=18, color="#dddddd", zorder=1)
        matrix.scatter([x] * len(ys), ys, s=18, color="black", zorder=2)
        if len(ys) > 1:
            matrix.plot([x, x], [min(ys), max(ys)], color="black", linewidth=1.2, zorder=2)
    matrix.set_yticks(list(rows), [_short(s) for s in data.sources])
    matrix.invert_yaxis()
    matrix.tick_params(axis="x", bottom=False, labelbottom=False)
    matrix.tick_params(axis="y", left=False, labelleft=False)
    for side in ("left", "bottom"):
        matrix.spines[side].set_visible(False)
    works = [data.works[s] for s in data.sources]
    totals.barh(list(rows), works, color=GREY, height=0.6)
    totals.invert_xaxis()
    totals.set_xlabel("Works per source")
    totals.set_yticks(list(rows), [_short(s) for s in data.sources])
    totals.yaxis.tick_right()
    totals.spines["left"].set_visible(False)
    totals.spines["right"].set_visible(True)


def _short(text: str, room: int = 28) -> str:
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1] + "…"


# ---- agreement ---------------------------------------------------------------------------


def _agreement(fig: Any, data: AgreementTable) -> None:
    ax = fig.subplots()
    k = len(data.categories)
    biggest = max([max(row) for row in data.counts] + [1])
    ax.imshow(data.counts, cmap="Blues", vmin=0, vmax=biggest * 1.3)
    for i in range(k):
        for j in range(k):
            n = data.counts[i][j]
            ax.text(
                j,
                i,
                f"{n:,}",
                ha="center",
                va="center",
                fontsize=10,
                color="white" if n > biggest * 0.65 else "black",
                fontweight="bold" if i == j else "normal",
            )
    first, second = data.reviewers
    ax.set_xticks(range(k), data.categories)
    ax.set_yticks(range(k), data.categories)
    ax.set_xlabel(f"{_short(second)} decided")
    ax.set_ylabel(f"{_short(first)} decided")
    ax.xaxis.set_label_position("top")
    ax.xaxis.tick_top()
    for spine in ax.spines.values():
        spine.set_visible(False)
    stats: list[str] = []
    if data.percent_agreement is not None:
        stats.append(f"agreement {data.percent_agreement:.1f}%")
    if data.cohen_kappa is not None:
        stats.append(f"Cohen's kappa {data.cohen_kappa:.3f}")
    if data.pabak is not None:
        stats.append(f"PABAK {data.pabak:.3f}")
    fig.suptitle(
        f"{data.stage}: {data.both_decided:,} records decided by both\n" + ", ".join(stats),
        x=0.02,
        ha="left",
        fontsize=9,
    )
