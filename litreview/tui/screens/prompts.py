"""Generic dialogs the review screens share: a line of text, a yes/no question, and the
protocol's full-text notes fields.

Each returns its result through ``dismiss``; ``None`` always means cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from litreview.protocol import NoteField
from litreview.report.sanitize import one_line, sanitize
from litreview.tui.screens.modals import CANCEL


class Dialog(ModalScreen[object]):
    """A dialog that Escape cancels (``dismiss(None)``)."""

    BINDINGS = [CANCEL]

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPrompt(Dialog):
    """Ask for one line of text; Enter answers (an empty answer only when allowed)."""

    def __init__(
        self,
        title: str,
        body: Content | str = "",
        *,
        value: str = "",
        placeholder: str = "",
        required: bool = False,
        digits: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.body = Content(body) if isinstance(body, str) else body
        self.value = value
        self.placeholder = placeholder
        self.required = required
        self.digits = digits

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="prompt-dialog"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-title")
            if self.body.plain:
                yield Static(self.body, classes="dialog-body")
            yield Input(
                self.value,
                placeholder=self.placeholder,
                id="prompt-input",
                type="integer" if self.digits else "text",
            )
            need = "an answer is required" if self.required else "it may be left empty"
            yield Static(
                Content.styled(f"Enter saves ({need}) · Escape cancels", "dim"),
                classes="dialog-hint",
            )

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = one_line(event.value)
        if self.required and not text:
            self.notify("Type an answer first.", severity="warning")
            return
        self.dismiss(text)


class ConfirmDialog(Dialog):
    """A yes/no question: y or Enter says yes (``True``), n or Escape cancels (``None``)."""

    BINDINGS = [
        CANCEL,
        Binding("y,enter", "confirm", "Yes", id="confirm.yes"),
        Binding("n", "cancel", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, body: Content, *, yes: str = "Yes") -> None:
        super().__init__()
        self.title_text = title
        self.body = body
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(Content.styled(self.title_text, "bold"), classes="dialog-title")
            with VerticalScroll(id="confirm-body"):
                yield Static(self.body, classes="dialog-body")
            yield Static(
                Content.styled(f"y or Enter: {self.yes} · n or Escape: cancel", "dim"),
                classes="dialog-hint",
            )

    def action_confirm(self) -> None:
        self.dismiss(True)


class NotesEditor(Dialog):
    """Edit the protocol's full-text notes fields; returns the fields that changed."""

    BINDINGS = [
        CANCEL,
        Binding("ctrl+s", "save", "Save", id="notes.save"),
    ]

    def __init__(self, fields: Sequence[NoteField], notes: Mapping[str, str], heading: str) -> None:
        super().__init__()
        self.fields = tuple(fields)
        self.notes = {f.name: notes.get(f.name, "") for f in self.fields}
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="notes-dialog"):
            yield Static(Content.styled(self.heading, "bold"), classes="dialog-title")
            with VerticalScroll(id="notes-fields"):
                for index, field in enumerate(self.fields):
                    label = Content.styled(one_line(field.label), "bold")
                    if field.description:
                        label += Content.styled(" " + one_line(field.description), "dim")
                    yield Static(label, classes="notes-label")
                    yield Input(
                        sanitize(self.notes[field.name]),
                        id=f"note-{index}",
                        classes="notes-input",
                    )
            yield Static(
                Content.styled(
                    "Enter: next field (saves after the last) · ctrl+s saves · "
                    "an empty field clears it · Escape cancels",
                    "dim",
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        for first in self.query(".notes-input").results(Input):
            first.focus()
            break

    @on(Input.Submitted, ".notes-input")
    def _next_field(self, event: Input.Submitted) -> None:
        inputs = list(self.query(".notes-input").results(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        changed: dict[str, str] = {}
        for index, field in enumerate(self.fields):
            text = self.query_one(f"#note-{index}", Input).value.strip()
            if text != self.notes[field.name].strip():
                changed[field.name] = text
        self.dismiss(changed)
