"""Coding one codebook dimension of a study: pick a value (single), tick values (multi)
or type text (free text). Suggestions are marked beside their values with their
confidence; nothing is chosen for the reviewer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from litreview.coding.codes import CodeValue
from litreview.coding.suggest import Suggestion
from litreview.protocol import Dimension
from litreview.report.sanitize import one_line
from litreview.tui.screens.modals import CANCEL
from litreview.tui.screens.prompts import Dialog

KEYS = "1234567890"
KINDS = {"single": "one value", "multi": "one or more values", "text": "free text"}


@dataclass(frozen=True)
class CodeChoice:
    """The code to store; ``code`` None clears the dimension."""

    code: CodeValue | None


def suggestion_text(suggestion: Suggestion) -> str:
    """``? Prevention 67% (keywords: prevent, early help)`` — a suggestion, not a code."""
    how = suggestion.source
    if suggestion.evidence:
        how += ": " + ", ".join(suggestion.evidence[:4])
    return f"? {suggestion.label} {100 * suggestion.confidence:.0f}% ({how})"


def _value_label(
    dimension: Dimension, index: int, chosen: Sequence[str], suggested: dict[str, Suggestion]
) -> Content:
    value = dimension.values[index]
    key = KEYS[index] if index < len(KEYS) else " "
    parts = [Content.styled(f"{key} ", "bold"), Content(one_line(value.label))]
    if value.name in chosen:
        parts.append(Content.styled("  ✓ coded", "bold"))
    if value.name in suggested:
        hint = suggested[value.name]
        parts.append(
            Content.styled(
                f"  ? suggested {100 * hint.confidence:.0f}% ({hint.source})", "italic dim"
            )
        )
    return Content.assemble(*parts)


class CodeEditor(Dialog):
    """Edit one dimension's code for one study."""

    BINDINGS = [
        CANCEL,
        Binding("delete", "clear", "Clear the code", id="code.clear"),
        Binding("enter", "save", "Save", show=False, priority=True, id="code.save"),
    ]

    def __init__(
        self, dimension: Dimension, current: CodeValue | None, suggestions: Sequence[Suggestion]
    ) -> None:
        super().__init__()
        self.dimension = dimension
        self.current = current
        self.suggested: dict[str, Suggestion] = {}
        for s in suggestions:  # the best suggestion per value
            if s.dimension == dimension.name and (
                s.value not in self.suggested or s.confidence > self.suggested[s.value].confidence
            ):
                self.suggested[s.value] = s
        self.chosen: str | None = None  # single: the value picked, while the detail is typed

    @property
    def values(self) -> tuple[str, ...]:
        return self.current.values if self.current else ()

    def compose(self) -> ComposeResult:
        dim = self.dimension
        with Vertical(classes="dialog", id="code-dialog"):
            yield Static(
                Content.assemble(
                    (one_line(dim.label), "bold"), (f" · {KINDS.get(dim.kind, dim.kind)}", "dim")
                ),
                classes="dialog-title",
            )
            if dim.description:
                yield Static(Content(one_line(dim.description)), classes="dialog-body")
            if dim.kind == "single":
                yield OptionList(
                    *[
                        Option(_value_label(dim, i, self.values, self.suggested), id=v.name)
                        for i, v in enumerate(dim.values)
                    ],
                    id="code-values",
                )
            elif dim.kind == "multi":
                yield SelectionList[str](
                    *[
                        Selection(
                            _value_label(dim, i, (), self.suggested), v.name, v.name in self.values
                        )
                        for i, v in enumerate(dim.values)
                    ],
                    id="code-values",
                )
            else:
                text = self.current.text if self.current else ""
                yield Input(text or "", placeholder="free text", id="code-text")
            if dim.detail:
                detail = self.current.detail if self.current else ""
                yield Input(
                    detail or "", placeholder="detail: your wording (optional)", id="code-detail"
                )
            yield Static(Content.styled(self._hint(), "dim"), classes="dialog-hint")

    def _hint(self) -> str:
        kind = self.dimension.kind
        if kind == "single":
            how = "A number or Enter picks a value"
            if self.dimension.detail:
                how += ", then Enter in the detail saves"
        elif kind == "multi":
            how = "A number or Space ticks a value · Enter saves"
        else:
            how = "Enter saves"
        return f"{how} · Delete clears the code · ? marks a suggestion · Escape cancels"

    def on_mount(self) -> None:
        focus = self.query("#code-values, #code-text").first()
        focus.focus()

    def on_key(self, event: events.Key) -> None:
        values = self.query("#code-values")
        if not values or not values.first().has_focus:
            return
        index = KEYS.find(event.character or "\0")
        if index < 0 or index >= len(self.dimension.values):
            return
        event.stop()
        name = self.dimension.values[index].name
        if self.dimension.kind == "single":
            self._pick(name)
        else:
            self.query_one("#code-values", SelectionList).toggle(name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "save":  # Enter saves at once only when ticking several values
            return self.dimension.kind == "multi"
        return True

    @on(OptionList.OptionSelected, "#code-values")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self._pick(event.option.id)

    def _pick(self, name: str) -> None:
        if self.dimension.detail:
            self.chosen = name
            self.query_one("#code-detail", Input).focus()
            label = self.dimension.value(name).label
            self.notify(f"{label}: add your wording, then Enter.", markup=False)
        else:
            self.dismiss(CodeChoice(CodeValue((name,))))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_save()

    def action_save(self) -> None:
        dim = self.dimension
        detail = None
        for found in self.query("#code-detail").results(Input):
            detail = found.value.strip() or None
        if dim.kind == "text":
            text = self.query_one("#code-text", Input).value.strip()
            self.dismiss(CodeChoice(CodeValue((), None, text) if text else None))
        elif dim.kind == "multi":
            picked = tuple(self.query_one("#code-values", SelectionList).selected)
            ordered = tuple(v.name for v in dim.values if v.name in picked)
            self.dismiss(CodeChoice(CodeValue(ordered, detail) if ordered else None))
        else:
            name = self.chosen or (self.values[0] if self.values else None)
            if name is None:
                self.notify("Pick a value first.", severity="warning")
                return
            self.dismiss(CodeChoice(CodeValue((name,), detail)))

    def action_clear(self) -> None:
        self.dismiss(CodeChoice(None))
