"""Help: every key of the screen underneath, what it does, and its binding id."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from litreview.tui.widgets.record_viewer import legend

INTRO = (
    "The keys of this screen. Greyed keys do not apply right now. "
    "Each key can be remapped by its binding id."
)


def binding_rows(screen: Screen[object]) -> list[tuple[str, str, str, bool]]:
    """(keys, description, binding id, enabled) for each described binding active on ``screen``.

    Bindings of one node that share an action make one row ("q ^q" for Quit).
    Rows with a binding id (litreview's own keys) come first: the screen's, then
    the app's; Textual's generic keys (focus, scrolling, palette) follow.
    """
    app = screen.app
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if not binding.description:
            continue
        row = rows.setdefault(
            (binding.action, id(active.node)),
            {
                "keys": [],
                "description": binding.description,
                "id": "",
                "enabled": active.enabled,
                "node": 0 if active.node is screen else 1 if active.node is app else 2,
            },
        )
        shown = app.get_key_display(binding.with_key(key))
        if binding.id and not row["id"]:
            row.update(id=binding.id, description=binding.description)
            row["keys"].insert(0, shown)
        else:
            row["keys"].append(shown)
    ordered = sorted(rows.values(), key=lambda row: (not row["id"], row["node"]))
    return [(" ".join(r["keys"]), r["description"], r["id"], r["enabled"]) for r in ordered]


class HelpScreen(ModalScreen[None]):
    """Lists the keys of ``target`` (the screen help was opened from)."""

    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, target: Screen[object]) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Content.styled("Keys", "bold"), classes="dialog-title")
            yield Static(Content(INTRO), classes="dialog-body")
            yield DataTable(id="help-keys", cursor_type="none", zebra_stripes=True)
            yield Static(Content("Highlighting: ") + legend(), id="help-legend")
            yield Static(
                Content.styled("Escape, ? or q closes this help", "dim"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        table: DataTable[Text] = self.query_one("#help-keys", DataTable)
        table.add_column(Text("Key"), key="key")
        table.add_column(Text("Does"), key="does")
        table.add_column(Text("Binding id"), key="id")
        for key, description, binding_id, enabled in binding_rows(self.target):
            style = "" if enabled else "dim"
            table.add_row(
                Text(key, style=f"bold {style}"),
                Text(description, style=style),
                Text(binding_id, style="dim"),
                key=binding_id or None,
            )
