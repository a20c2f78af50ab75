"""The PRISMA 2020 flow diagram as a standalone SVG, drawn from the PRISMA counts.

Layout of the PRISMA 2020 template for new reviews: blue phase bars (identification,
screening, included) on the left; the databases-and-registers arm (a yellow header,
its main boxes and the boxes of records removed beside them); optionally the
other-methods arm (a grey header) whose assessed reports join the included box.
Sizes suit a full-width journal figure: about 1,000 px wide with both arms and
16 px text, so at 17 cm wide the text is about 8 pt. Every piece of user text
(database names, methods, reasons) is XML-escaped.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

FONT = 16
LINE = 21  # line height
PAD = 9
CHAR = 0.56  # average glyph width / font size (Arial, Helvetica)
BOLD_CHAR = 0.62
INDENT = 12
MAIN_W, SIDE_W = 224, 204
GAP_X, GAP_Y = 26, 30
BAR_W, MARGIN = 30, 12
HEADER_H = 2 * LINE + 2 * PAD
COLOURS = {"dbr": "#fbe3a1", "other": "#d9d9d9", "phase": "#a9c6e8"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Line:
    text: str
    level: int = 0  # indentation level
    bold: bool = False


@dataclass
class Box:
    key: str  # the PRISMA box it draws, e.g. "records_screened"
    lines: list[Line]
    width: int
    x: float = 0
    y: float = 0
    height: float = 0
    wrapped: list[tuple[str, int, bool]] = field(default_factory=list)


def _n(n: int) -> str:
    """``(n = 1,962)`` with no-break spaces, so it never wraps across lines."""
    return f"(n\u00a0=\u00a0{n:,})"


def _clean(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", _CONTROL.sub("", str(text))).strip()


def wrap_box(box: Box) -> None:
    """Break the box's lines to its width; sets ``wrapped`` and ``height``."""
    box.wrapped = []
    per_char = FONT * CHAR
    hanging = " " * math.ceil(INDENT / per_char)  # continuation lines sit one level deeper
    for line in box.lines:
        room = int((box.width - 2 * PAD - line.level * INDENT) / per_char)
        parts = textwrap.wrap(_clean(line.text), max(room, 8), subsequent_indent=hanging) or [""]
        box.wrapped += [
            (p.lstrip(" "), line.level + (1 if i else 0), line.bold) for i, p in enumerate(parts)
        ]
    box.height = 2 * PAD + LINE * len(box.wrapped)


def _items(mapping: dict[str, int], level: int = 2) -> list[Line]:
    return [Line(f"{_clean(name)} {_n(n)}", level) for name, n in mapping.items()]


def _dbr_boxes(c: dict[str, Any]) -> list[list[Box | None]]:
    ident = [
        Line("Records identified from:"),
        Line(f"Databases {_n(c['database_results'])}", 1),
        *_items(c["database_results_by_source"]),
    ]
    registers = c.get("register_results_by_source", {})
    if c["register_results"] or registers:
        ident += [Line(f"Registers {_n(c['register_results'])}", 1), *_items(registers)]
    removed = [
        Line("Records removed before screening:"),
        Line(f"Duplicate records removed {_n(c['duplicates'])}", 1),
        Line(f"Records marked as ineligible by automation tools {_n(c['excluded_automatic'])}", 1),
        Line(f"Records removed for other reasons {_n(c['excluded_other'])}", 1),
    ]
    excluded = [Line(f"Records excluded {_n(c['records_excluded'])}")]
    automation = c["records_excluded_by_automation"]
    if automation:
        excluded += [
            Line(f"by a human {_n(c['records_excluded'] - automation)}", 1),
            Line(f"by automation tools {_n(automation)}", 1),
        ]
    return [
        [Box("database_results", ident, MAIN_W), Box("duplicates", removed, SIDE_W)],
        [
            Box(
                "records_screened", [Line(f"Records screened {_n(c['records_screened'])}")], MAIN_W
            ),
            Box("records_excluded", excluded, SIDE_W),
        ],
        *_retrieval_rows(c, "dbr"),
        [
            Box(
                "new_studies",
                [
                    Line(f"Studies included in review {_n(c['new_studies'])}"),
                    Line(f"Reports of included studies {_n(c['new_reports'])}"),
                ],
                MAIN_W,
            ),
            None,
        ],
    ]


def _retrieval_rows(c: dict[str, Any], arm: str) -> list[list[Box | None]]:
    sought, missing = c[f"{arm}_sought_reports"], c[f"{arm}_notretrieved_reports"]
    excluded = c[f"{arm}_excluded"]
    colon = ":" if excluded else ""
    reasons = [Line(f"Reports excluded {_n(sum(excluded.values()))}{colon}")]
    reasons += _items(excluded, 1)
    return [
        [
            Box(
                f"{arm}_sought_reports",
                [Line(f"Reports sought for retrieval {_n(sought)}")],
                MAIN_W,
            ),
            Box(
                f"{arm}_notretrieved_reports",
                [Line(f"Reports not retrieved {_n(missing)}")],
                SIDE_W,
            ),
        ],
        [
            Box(
                f"{arm}_assessed",
                [Line(f"Reports assessed for eligibility {_n(c[f'{arm}_assessed'])}")],
                MAIN_W,
            ),
            Box(f"{arm}_excluded", reasons, SIDE_W),
        ],
    ]


def _other_boxes(c: dict[str, Any]) -> list[list[Box | None]]:
    ident = [Line("Records identified from:"), *_items(c["other_results"], 1)]
    return [
        [Box("other_results", ident, MAIN_W), None],
        [None, None],
        *_retrieval_rows(c, "other"),
        [None, None],
    ]


def has_other_arm(c: dict[str, Any]) -> bool:
    return bool(c["other_results"]) or bool(c["other_sought_reports"])


def _label_length(label: str) -> float:
    """The room a rotated phase label needs."""
    return len(label) * FONT * BOLD_CHAR + 2 * PAD


def layout(c: dict[str, Any]) -> tuple[list[list[Box | None]], list[float], float, float]:
    """Rows of boxes (placed), the top of each row, the total width and height."""
    rows = _dbr_boxes(c)
    if has_other_arm(c):
        rows = [a + b for a, b in zip(rows, _other_boxes(c), strict=True)]
    lefts = [MARGIN + BAR_W + GAP_X / 2]
    widths = [MAIN_W, SIDE_W, MAIN_W, SIDE_W][: len(rows[0])]
    for w in widths[:-1]:
        lefts.append(lefts[-1] + w + GAP_X)
    tops, y = [], MARGIN + HEADER_H + GAP_Y / 2
    least = {0: _label_length("Identification"), len(rows) - 1: _label_length("Included")}
    for index, row in enumerate(rows):
        for box in row:
            if box is not None:
                wrap_box(box)
        height = max([least.get(index, 0), *(b.height for b in row if b is not None)])
        for x, box in zip(lefts, row, strict=True):
            if box is not None:
                box.x, box.y, box.height = x, y, height
        tops.append(y)
        y += height + GAP_Y
    return rows, tops, lefts[-1] + widths[-1] + MARGIN, y - GAP_Y + MARGIN


def _text_lines(box: Box) -> list[str]:
    out = []
    for i, (text, level, bold) in enumerate(box.wrapped):
        x = box.x + PAD + level * INDENT
        y = box.y + PAD + LINE * i + FONT
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<text x="{x:.0f}" y="{y:.0f}"{weight}>{escape(text)}</text>')
    return out


def _rect(box: Box) -> list[str]:
    return [
        f"<g id={quoteattr('box-' + box.key)}>",
        f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{box.width}" '
        f'height="{box.height:.0f}" fill="#ffffff" stroke="#000000" stroke-width="1.2"/>',
        *_text_lines(box),
        "</g>",
    ]


def _arrow(points: list[tuple[float, float]]) -> str:
    path = " ".join(f"{x:.0f},{y:.0f}" for x, y in points)
    return (
        f'<polyline points="{path}" fill="none" stroke="#000000" stroke-width="1.4" '
        'marker-end="url(#arrow)"/>'
    )


def _down(a: Box, b: Box) -> str:
    x = a.x + a.width / 2
    return _arrow([(x, a.y + a.height), (x, b.y)])


def _right(a: Box, b: Box) -> str:
    y = a.y + min(a.height, b.height) / 2
    return _arrow([(a.x + a.width, y), (b.x, y)])


def _arrows(rows: list[list[Box | None]]) -> list[str]:
    out = []
    main = [r[0] for r in rows]
    for a, b in zip(main, main[1:], strict=False):
        if a is not None and b is not None:
            out.append(_down(a, b))
    for row in rows:
        for left, right in ((0, 1), (2, 3)):
            if len(row) > right and row[left] is not None and row[right] is not None:
                out.append(_right(row[left], row[right]))  # type: ignore[arg-type]
    if len(rows[0]) == 4:
        other = [r[2] for r in rows]
        first, sought, assessed, included = other[0], other[2], other[3], main[-1]
        assert first and sought and assessed and included
        out += [_down(first, sought), _down(sought, assessed)]
        x = assessed.x + assessed.width / 2
        y = included.y + included.height / 2
        out.append(
            _arrow([(x, assessed.y + assessed.height), (x, y), (included.x + included.width, y)])
        )
    return out


def _bar(
    x: float, y: float, w: float, h: float, colour: str, label: str, vertical: bool = False
) -> list[str]:
    cx, cy = x + w / 2, y + h / 2
    out = [
        f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="6" '
        f'fill="{colour}" stroke="#000000" stroke-width="1"/>'
    ]
    if vertical:
        turn = f' transform="rotate(-90 {cx:.0f} {cy:.0f})"'
        return [
            *out,
            f'<text x="{cx:.0f}" y="{cy + FONT / 2 - 2:.0f}" text-anchor="middle" '
            f'font-weight="bold"{turn}>{escape(label)}</text>',
        ]
    lines = textwrap.wrap(label, int((w - 2 * PAD) / (FONT * BOLD_CHAR)))
    first = cy - LINE * (len(lines) - 1) / 2 + FONT / 2 - 2
    return [
        *out,
        *(
            f'<text x="{cx:.0f}" y="{first + i * LINE:.0f}" text-anchor="middle" '
            f'font-weight="bold">{escape(text)}</text>'
            for i, text in enumerate(lines)
        ),
    ]


def _frame(rows: list[list[Box | None]], tops: list[float], width: float) -> list[str]:
    out = []
    x0 = rows[0][0].x if rows[0][0] else 0
    dbr_w = MAIN_W + GAP_X + SIDE_W
    out += _bar(
        x0,
        MARGIN,
        dbr_w,
        HEADER_H,
        COLOURS["dbr"],
        "Identification of new studies via databases and registers",
    )
    if len(rows[0]) == 4:
        out += _bar(
            x0 + dbr_w + GAP_X,
            MARGIN,
            dbr_w,
            HEADER_H,
            COLOURS["other"],
            "Identification of new studies via other methods",
        )
    bottoms = [t + max(b.height for b in r if b) for t, r in zip(tops, rows, strict=True)]
    phases = [
        ("Identification", 0, 0),
        ("Screening", 1, len(rows) - 2),
        ("Included", len(rows) - 1, len(rows) - 1),
    ]
    for label, first, last in phases:
        out += _bar(
            MARGIN,
            tops[first],
            BAR_W,
            bottoms[last] - tops[first],
            COLOURS["phase"],
            label,
            vertical=True,
        )
    return out


def render_flow_svg(
    counts: dict[str, Any], *, title: str | None = None, banner: str | None = None
) -> str:
    """The diagram for PRISMA counts (as ``report.counts`` computes them); ``banner``
    (a review in progress: what is outstanding) is written under it, in red."""
    rows, tops, width, height = layout(counts)
    caption = _clean(title or "PRISMA 2020 flow diagram")
    diagram_height = height
    if banner:
        height += 2 * FONT
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="{FONT}" role="img">',
        f"<title>{escape(caption)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#000000"/>'
        "</marker></defs>",
        f'<rect x="0" y="0" width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        *_frame(rows, tops, width),
    ]
    for row in rows:
        for box in row:
            if box is not None:
                parts += _rect(box)
    parts += _arrows(rows)
    if banner:
        parts.append(
            f'<text id="banner" x="{FONT}" y="{diagram_height + 1.25 * FONT:.0f}" '
            f'fill="#b00020" font-weight="bold">{escape(_clean(banner))}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
