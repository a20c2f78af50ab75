"""Writers for report tables: csv, md, latex, html, docx, xlsx.

Cells are always written as text, never as markup or formulas: each writer escapes
what its format would interpret (Markdown punctuation, LaTeX specials, HTML). CSV
cells that a spreadsheet would run as a formula (starting with ``= + - @`` or a tab
or carriage return) get a leading ``'``; xlsx needs no such guard: a text cell is
stored as a string (never a formula) and a plain number as a number. python-docx
and openpyxl are optional: ``pip install 'litreview[report]'``.
"""

from __future__ import annotations

import csv
import html
import io
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from litreview.errors import InvalidValue, LitreviewError
from litreview.report.model import Table
from litreview.storage.output_files import write_text, write_with

FORMATS = ("csv", "md", "latex", "html", "docx", "xlsx")
BINARY_FORMATS = frozenset({"docx", "xlsx"})
EXTENSIONS = {
    "csv": ".csv",
    "md": ".md",
    "latex": ".tex",
    "html": ".html",
    "docx": ".docx",
    "xlsx": ".xlsx",
}

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?%?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&$])")
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
_LATEX_RE = re.compile("|".join(re.escape(k) for k in _LATEX_SPECIAL))


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidValue(f"unknown table format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    return fmt


def neutralise_cell(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate (formula injection)."""
    if text.startswith(_FORMULA_START) and text != "-" and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,8})(?:\.(\d{1,6}))?(%?)")


def spreadsheet_number(text: str) -> tuple[float | int, str] | None:
    """(value, number format) for a cell that is a plain number (``12``, ``3.5``, ``40%``);
    None for anything else, including codes a number would spoil (``007``, ISBNs)."""
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    decimals, percent = match.group(1) or "", match.group(2)
    body = text.rstrip("%")
    value: float | int = float(body) if decimals else int(body)
    places = "." + "0" * len(decimals) if decimals else ""
    if percent:
        return value / 100, f"0{places}%"
    return value, f"0{places}" if decimals else "0"


def strip_control(text: str) -> str:
    """Drop control characters that XML (docx, xlsx) cannot hold; keeps tab and newlines."""
    return _CONTROL.sub("", text)


def write_csv_rows(out: IO[str], rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([neutralise_cell(strip_control(str(cell))) for cell in row])


def render_csv(table: Table) -> str:
    out = io.StringIO()
    write_csv_rows(out, [table.headers, *table.rows])
    return out.getvalue()


def escape_markdown(text: str) -> str:
    lines = strip_control(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(_MD_SPECIAL.sub(r"\\\1", line) for line in lines)


def render_markdown(table: Table) -> str:
    lines = [f"**{escape_markdown(table.title)}**", ""]
    lines.append("| " + " | ".join(escape_markdown(h) for h in table.headers) + " |")
    lines.append("|" + "|".join("---" for _ in table.headers) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(escape_markdown(c) or " " for c in row) + " |")
    lines += ["", *(escape_markdown(n) for n in table.notes)] if table.notes else []
    return "\n".join(lines) + "\n"


def escape_latex(text: str) -> str:
    text = strip_control(text).replace("\r\n", "\n").replace("\r", "\n")
    return "\\newline ".join(
        _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], line) for line in text.split("\n")
    )


def latex_widths(table: Table) -> list[float]:
    """Each column's share of ``\\linewidth`` (summing to 1), from the length of its text.

    A column gets at least the share of its longest word (capped, so one URL cannot
    squeeze the rest) and grows with its average cell length.
    """
    columns = list(zip(table.headers, *table.rows, strict=True)) or [()]
    weights = []
    for column in columns:
        cells = [c for c in column[1:] if c] or list(column[:1]) or [""]
        average = sum(len(c) for c in cells) / len(cells)
        longest_word = max((len(w) for c in column for w in c.split()), default=1)
        weights.append(max(min(longest_word, 16), min(average, 60), 3))
    total = sum(weights)
    return [w / total for w in weights]


def render_latex(table: Table) -> str:
    """A ``longtable`` (``\\usepackage{longtable,array}``) exactly ``\\linewidth`` wide.

    Column ``i`` is ``p{\\dimexpr w_i\\linewidth-2\\tabcolsep}`` with the ``w_i`` summing
    to 1, so the columns plus their padding fill the text block and never overflow it.
    """
    widths = [math.floor(w * 10_000) / 10_000 for w in latex_widths(table)]  # never over 1
    spec = "".join(f"p{{\\dimexpr {w:.4f}\\linewidth-2\\tabcolsep\\relax}}" for w in widths)
    head = " & ".join(f"\\textbf{{{escape_latex(h)}}}" for h in table.headers) + r" \\"
    lines = [
        "% litreview table; needs \\usepackage{longtable,array}",
        "% Text in non-Latin scripts (Greek, Cyrillic, CJK, ...) needs XeLaTeX or LuaLaTeX"
        " with fontspec and a font that has those letters",
        f"\\begin{{longtable}}{{{spec}}}",
        f"\\caption{{{escape_latex(table.title)}}}\\\\",
        "\\hline",
        head,
        "\\hline",
        "\\endhead",
    ]
    lines += [" & ".join(escape_latex(c) for c in row) + r" \\" for row in table.rows]
    lines += ["\\hline", "\\end{longtable}"]
    lines += [escape_latex(note) + "\n" for note in table.notes]
    return "\n".join(lines) + "\n"


def escape_html(text: str) -> str:
    text = strip_control(text).replace("\r\n", "\n").replace("\r", "\n")
    return "<br>".join(html.escape(line, quote=True) for line in text.split("\n"))


def render_html(table: Table) -> str:
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{escape_html(c)}</td>" for c in row) + "</tr>" for row in table.rows
    )
    head = "".join(f'<th scope="col">{escape_html(h)}</th>' for h in table.headers)
    notes = "".join(f"<p>{escape_html(n)}</p>\n" for n in table.notes)
    title = escape_html(table.title)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>table{{border-collapse:collapse}}"
        "td,th{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}"
        "</style>\n</head>\n<body>\n"
        f"<table>\n<caption>{title}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>\n{notes}</body>\n</html>\n"
    )


_TEXT_RENDERERS = {
    "csv": render_csv,
    "md": render_markdown,
    "latex": render_latex,
    "html": render_html,
}


def render_text(table: Table, fmt: str) -> str:
    check_format(fmt)
    if fmt in BINARY_FORMATS:
        raise InvalidValue(f"--format {fmt} writes a file", hint="give -o FILE")
    return _TEXT_RENDERERS[fmt](table)


def _missing(package: str, fmt: str) -> LitreviewError:
    return LitreviewError(
        f"--format {fmt} needs the optional package {package}, which is not installed",
        hint="pip install 'litreview[report]'",
    )


def write_docx(table: Table, path: Path) -> None:
    try:
        import docx  # heavy: docx
        from docx.enum.section import WD_ORIENT  # heavy: docx
    except ImportError as exc:
        raise _missing("python-docx", "docx") from exc
    document = docx.Document()
    if len(table.headers) > 4:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    document.add_heading(strip_control(table.title), level=2)
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.paragraphs[0].add_run(strip_control(header)).bold = True
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            _fill_docx_cell(cell, text)
    for note in table.notes:
        document.add_paragraph(strip_control(note))

    write_with(path, document.save)


def _fill_docx_cell(cell: Any, text: str) -> None:
    run = cell.paragraphs[0].add_run()
    for i, line in enumerate(strip_control(text).replace("\r", "").split("\n")):
        if i:
            run.add_break()
        run.add_text(line)


def write_xlsx(table: Table, path: Path) -> None:
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped, unused-ignore]  # heavy: openpyxl
        from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped, unused-ignore]  # heavy
    except ImportError as exc:
        raise _missing("openpyxl", "xlsx") from exc
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = re.sub(r"[\[\]:*?/\\]", "_", table.name)[:31] or "table"
    for r, row in enumerate([table.headers, *table.rows], start=1):
        for c, text in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            number = spreadsheet_number(text) if r > 1 else None
            if number is not None:
                cell.value, format_code = number
                cell.number_format = format_code
            else:
                cell.value = strip_control(text)
                cell.data_type = "s"  # a string, never a formula, whatever the text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if r == 1:
                cell.font = Font(bold=True)
    for c, header in enumerate(table.headers, start=1):
        longest = max([len(header), *(len(row[c - 1]) for row in table.rows)])
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(
            max(10, longest + 2), 60
        )
    sheet.freeze_panes = "A2"

    write_with(path, book.save)


def write_table(table: Table, fmt: str, path: Path) -> None:
    """Write ``table`` to ``path`` in ``fmt``."""
    check_format(fmt)
    if fmt == "docx":
        write_docx(table, path)
    elif fmt == "xlsx":
        write_xlsx(table, path)
    else:
        write_text(path, render_text(table, fmt))
