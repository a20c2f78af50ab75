"""Spreadsheets (.xlsx) with the same columns as CSV imports, read with openpyxl when it is
installed (``pip install 'litreview[report]'``).

Recognised from the content (a ZIP holding ``xl/workbook.xml``), like every other format.
The first worksheet is read row by row in openpyxl's read-only mode; its first non-empty
row is the header, and the rows go through the CSV reader's column rules (``title``,
``abstract``, ``authors``, ... and ASReview's ``label_included``, kept in ``raw``).
Whole numbers stored as numbers come back without ``.0``; dates as ISO dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

from litreview.errors import ImportFormatError, LitreviewError
from litreview.ingest import tabular
from litreview.ingest._tagged import ParseResult
from litreview.models import ImportIssue

__all__ = ["is_xlsx", "parse_xlsx", "sha256_of"]

_ZIP = b"PK\x03\x04"


def is_xlsx(path: str | Path) -> bool:
    """Whether the file is an Office Open XML workbook (not just any ZIP)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != _ZIP:
                return False
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def sha256_of(path: str | Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_xlsx(path: str) -> ParseResult:
    """Records of the first worksheet, by the CSV reader's column rules."""
    try:
        from openpyxl import (  # type: ignore[import-untyped, unused-ignore]  # heavy: openpyxl
            load_workbook,
        )
    except ImportError as exc:
        raise LitreviewError(
            f"{path}: reading .xlsx needs the optional package openpyxl, which is not installed",
            hint="pip install 'litreview[report]', or save the sheet as CSV",
        ) from exc
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFormatError(
            f"unreadable xlsx workbook: {exc}",
            path=path,
            hint="open it in a spreadsheet and save it again",
        ) from exc
    try:
        sheet = book.worksheets[0]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in sheet.iter_rows(values_only=True):
            writer.writerow([_cell(v) for v in row])
    finally:
        book.close()
    text = out.getvalue()
    head = next((line for line in text.split("\n", 50) if line.strip(",")), "")
    if tabular.detect_header(head) is None:
        raise ImportFormatError(
            "the first worksheet's first row is not a header with known columns",
            path=path,
            line=1,
            hint="put column names such as title, abstract, authors, year, doi in row 1",
        )
    issues: list[ImportIssue] = []
    records = list(tabular.iter_rows(io.StringIO(text), path, ",", issues))
    return records, issues, None
