"""The PRISMA 2020 flow diagram as PNG or PDF: the SVG's layout, redrawn with matplotlib.

Converting the SVG would need cairo or a browser, system libraries a fresh machine may
lack; matplotlib installs from wheels everywhere and draws the same boxes, wrapped
lines, phase bars and arrows from ``flow_svg.layout`` (one layout model, two renderers).
Layout units are CSS pixels (96 per inch); text is drawn in DejaVu Sans, which
matplotlib ships, a little smaller than the SVG's Arial so the same wrapping fits.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from litreview.report import flow_svg as flow
from litreview.report.plots import figure_bytes, pyplot

PX_PER_INCH = 96
MIN_PNG_PX = 1200
TEXT_PT = flow.FONT * 72 / PX_PER_INCH * 0.9  # DejaVu Sans is wider than Arial


def render_flow_image(
    counts: dict[str, Any], fmt: str, *, title: str | None = None, banner: str | None = None
) -> bytes:
    """PNG (at least 1,200 px wide) or PDF bytes of the diagram ``render_flow_svg`` draws."""
    rows, tops, width, height = flow.layout(counts)
    diagram_height = height
    if banner:
        height += 2 * flow.FONT
    plt = pyplot()
    inches = (width / PX_PER_INCH, height / PX_PER_INCH)
    dpi = max(200, math.ceil(MIN_PNG_PX / inches[0]))
    with plt.rc_context(
        {"text.parse_math": False, "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
    ):
        fig = plt.figure(figsize=inches)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(height, 0)
        ax.axis("off")
        _frame(ax, rows, tops)
        for row in rows:
            for box in row:
                if box is not None:
                    _box(ax, box)
        _arrows(ax, rows)
        if banner:
            ax.text(
                flow.FONT,
                diagram_height + 1.25 * flow.FONT,
                flow._clean(banner),
                color="#b00020",
                fontweight="bold",
                fontsize=TEXT_PT,
                va="baseline",
            )
        return figure_bytes(fig, fmt, dpi, title=flow._clean(title) if title else None)


def _box(ax: Any, box: flow.Box) -> None:
    from matplotlib.patches import Rectangle  # heavy: matplotlib

    ax.add_patch(
        Rectangle(
            (box.x, box.y),
            box.width,
            box.height,
            facecolor="white",
            edgecolor="black",
            linewidth=0.9,
        )
    )
    for i, (text, level, bold) in enumerate(box.wrapped):
        ax.text(
            box.x + flow.PAD + level * flow.INDENT,
            box.y + flow.PAD + flow.LINE * i + flow.FONT,
            text,
            fontsize=TEXT_PT,
            va="baseline",
            fontweight="bold" if bold else "normal",
        )


def _arrow(ax: Any, points: list[tuple[float, float]]) -> None:
    for (x0, y0), (x1, y1) in zip(points[:-2], points[1:-1], strict=False):
        ax.plot([x0, x1], [y0, y1], color="black", linewidth=1.05, solid_capstyle="butt")
    (x0, y0), (x1, y1) = points[-2], points[-1]
    ax.annotate(
        "",
        xy=(x1, y1),
        xytext=(x0, y0),
        arrowprops={
            "arrowstyle": "-|>",
            "color": "black",
            "linewidth": 1.05,
            "shrinkA": 0,
            "shrinkB": 0,
            "mutation_scale": 12,
        },
    )


def _arrows(ax: Any, rows: list[list[flow.Box | None]]) -> None:
    def down(a: flow.Box, b: flow.Box) -> None:
        x = a.x + a.width / 2
        _arrow(ax, [(x, a.y + a.height), (x, b.y)])

    main = [r[0] for r in rows]
    for a, b in zip(main, main[1:], strict=False):
        if a is not None and b is not None:
            down(a, b)
    for row in rows:
        for left, right in ((0, 1), (2, 3)):
            if len(row) > right and row[left] is not None and row[right] is not None:
                a, b = row[left], row[right]
                assert a is not None and b is not None
                y = a.y + min(a.height, b.height) / 2
                _arrow(ax, [(a.x + a.width, y), (b.x, y)])
    if len(rows[0]) == 4:
        other = [r[2] for r in rows]
        first, sought, assessed, included = other[0], other[2], other[3], main[-1]
        assert first and sought and assessed and included
        down(first, sought)
        down(sought, assessed)
        x = assessed.x + assessed.width / 2
        y = included.y + included.height / 2
        _arrow(ax, [(x, assessed.y + assessed.height), (x, y), (included.x + included.width, y)])


def _bar(
    ax: Any, x: float, y: float, w: float, h: float, colour: str, label: str, vertical: bool = False
) -> None:
    from matplotlib.patches import FancyBboxPatch  # heavy: matplotlib

    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0,rounding_size=6",
            facecolor=colour,
            edgecolor="black",
            linewidth=0.75,
        )
    )
    if vertical:
        ax.text(
            x + w / 2,
            y + h / 2,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontweight="bold",
            fontsize=TEXT_PT,
        )
        return
    lines = textwrap.wrap(label, int((w - 2 * flow.PAD) / (flow.FONT * flow.BOLD_CHAR)))
    ax.text(
        x + w / 2,
        y + h / 2,
        "\n".join(lines),
        ha="center",
        va="center",
        fontweight="bold",
        fontsize=TEXT_PT,
        linespacing=1.3,
    )


def _frame(ax: Any, rows: list[list[flow.Box | None]], tops: list[float]) -> None:
    first = rows[0][0]
    x0 = first.x if first else 0
    dbr_w = flow.MAIN_W + flow.GAP_X + flow.SIDE_W
    _bar(
        ax,
        x0,
        flow.MARGIN,
        dbr_w,
        flow.HEADER_H,
        flow.COLOURS["dbr"],
        "Identification of new studies via databases and registers",
    )
    if len(rows[0]) == 4:
        _bar(
            ax,
            x0 + dbr_w + flow.GAP_X,
            flow.MARGIN,
            dbr_w,
            flow.HEADER_H,
            flow.COLOURS["other"],
            "Identification of new studies via other methods",
        )
    bottoms = [t + max(b.height for b in r if b) for t, r in zip(tops, rows, strict=True)]
    for label, start, end in (
        ("Identification", 0, 0),
        ("Screening", 1, len(rows) - 2),
        ("Included", len(rows) - 1, len(rows) - 1),
    ):
        _bar(
            ax,
            flow.MARGIN,
            tops[start],
            flow.BAR_W,
            bottoms[end] - tops[start],
            flow.COLOURS["phase"],
            label,
            vertical=True,
        )
