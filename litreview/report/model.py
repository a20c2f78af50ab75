"""The shape every report table takes before a writer in ``formats`` renders it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """A titled grid of text cells; a cell may hold several lines (``\\n``)."""

    name: str  # studies | matrix | grades | sources | exclusions | searches
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()  # printed under the table (sources of numbers, fixes)
