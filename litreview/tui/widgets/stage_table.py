"""The home screen's table of stages and their progress."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.widgets import DataTable

from litreview.report.sanitize import one_line

if TYPE_CHECKING:
    from litreview.protocol import Stage

COLUMNS = ("screened", "included", "excluded", "maybe", "remaining")


class StageTable(DataTable[Text]):
    """One row per protocol stage; the row key is the stage name."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column(Text("Stage"), key="stage")
        for name in COLUMNS:
            self.add_column(Text(name.capitalize(), justify="right"), key=name)

    def show_stages(
        self, stages: tuple[Stage, ...], counts: Mapping[str, Mapping[str, Any]]
    ) -> None:
        row = self.cursor_row
        self.clear()
        for stage in stages:
            numbers = counts.get(stage.name, {})
            cells = [Text(one_line(stage.label))]
            cells += [Text(str(numbers.get(name, 0)), justify="right") for name in COLUMNS]
            self.add_row(*cells, key=stage.name)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    @property
    def selected_stage(self) -> str | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        return None if key.value is None else str(key.value)
