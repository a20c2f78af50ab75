"""The home screen's table of imported sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from litreview.report.sanitize import one_line


def _cell(value: Any, *, right: bool = False) -> Text:
    text = "" if value is None else one_line(str(value))
    return Text(text, justify="right" if right else "left", no_wrap=True, overflow="ellipsis")


class SourcesTable(DataTable[Text]):
    """One row per imported file or search: database, file, date, records."""

    def on_mount(self) -> None:
        self.cursor_type = "none"
        self.zebra_stripes = True
        for label, key in (("Database", "database"), ("File", "file"), ("Searched", "searched")):
            self.add_column(Text(label), key=key)
        self.add_column(Text("Records", justify="right"), key="records")

    def show_sources(self, sources: Sequence[Mapping[str, Any]]) -> None:
        self.clear()
        for source in sources:
            self.add_row(
                _cell(source.get("database")),
                _cell(source.get("file_name")),
                _cell(source.get("searched_on")),
                _cell(source.get("records"), right=True),
            )
