"""The one rule for the format of every file a command writes.

``--format`` when given; else the output file's suffix; else, for a file whose suffix
says nothing known, a clear error naming the suffixes the command accepts (so
``export -o refs.bib`` writes BibTeX and ``table -o t.pdf`` is refused rather than
silently written as Markdown). Printing to stdout uses the command's default, and so
does a target that is a device or a pipe (``-o /dev/stdout``, a FIFO), whose name can
carry no suffix.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from litreview.errors import InvalidValue
from litreview.storage.output_files import is_special

__all__ = [
    "CODES_SUFFIXES",
    "DECISIONS_SUFFIXES",
    "EXPORT_SUFFIXES",
    "PRISMA_CSV_SUFFIXES",
    "PRISMA_SVG_SUFFIXES",
    "TABLE_SUFFIXES",
    "output_format",
]

EXPORT_SUFFIXES = {
    ".ris": "ris",
    ".csv": "csv",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".xlsx": "xlsx",
}
TABLE_SUFFIXES = {
    ".csv": "csv",
    ".md": "md",
    ".markdown": "md",
    ".tex": "latex",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".xlsx": "xlsx",
}
PRISMA_SVG_SUFFIXES = {".svg": "svg"}
PRISMA_CSV_SUFFIXES = {".csv": "csv"}
DECISIONS_SUFFIXES = {".json": "json"}
CODES_SUFFIXES = {".csv": "csv"}


def output_format(
    fmt: str | None,
    path: Path | str | None,
    suffixes: Mapping[str, str],
    *,
    default: str | None = None,
    option: str = "-o",
) -> str:
    """The format to write: ``fmt`` if given, else from ``path``'s suffix, else ``default``
    when there is no file; an unknown suffix raises ``InvalidValue`` naming the accepted ones.

    With ``fmt`` given the suffix is not checked (``--format csv -o notes.txt`` is fine).
    A command with a single format and no ``--format`` passes ``fmt=None`` and its one
    suffix, so a name that says another format (``prisma --svg flow.png``) is refused.
    """
    if fmt is not None:
        return fmt
    if path is None:
        if default is None:
            raise InvalidValue("no output format", hint="give --format or an output file")
        return default
    name = Path(path).name
    suffix = Path(path).suffix.lower()
    if suffix in suffixes:
        return suffixes[suffix]
    choices = sorted(set(suffixes.values()))
    if is_special(Path(path)):
        if len(choices) == 1:
            return choices[0]
        if default is not None:
            return default
    accepted = ", ".join(sorted(suffixes))
    said = f"the suffix {suffix!r}" if suffix else "no suffix"
    hint = f"name the file with one of {accepted}"
    if len(choices) > 1:
        hint += f", or give --format ({', '.join(choices)})"
    raise InvalidValue(
        f"{option} {name}: {said} does not say a format this command writes", hint=hint
    )
