"""Small dialogs: exclusion reason, note, search, reviewer name.

Each returns its result through ``dismiss``; ``None`` always means cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from litreview.protocol import Stage
from litreview.report.sanitize import one_line
from litreview.screening.session import RecordView, search_records
from litreview.storage.review import open_review
from litreview.tui.shell import review_app
from litreview.tui.widgets.criteria_panel import reason_keys, reason_lines

CANCEL = Binding("escape", "cancel", "Cancel", id="modal.cancel")


class _Dialog(ModalScreen[object]):
    BINDINGS = [CANCEL]

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class ReasonChoice:
    """The reason picked in :class:`ReasonPicker`: a code, or ``None`` for no reason."""

    code: str | None


class ReasonPicker(_Dialog):
    """Exclude: press a reason's number; Enter for no reason (when allowed)."""

    BINDINGS = [
        CANCEL,
        Binding("enter", "no_reason", "No reason", id="reason.none"),
    ]

    def __init__(
        self, stage: Stage, *, on_choice: Callable[[ReasonChoice], None] | None = None
    ) -> None:
        """``on_choice`` runs before the dialog closes, so the screen underneath can show
        its next state in the same frame the dialog disappears (one repaint, not two)."""
        super().__init__()
        self.stage = stage
        self.on_choice = on_choice
        self.keys = dict(zip(reason_keys(stage), stage.exclusion_reasons, strict=False))

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reason-dialog"):
            yield Static(Content.styled("Exclude: why?", "bold"), classes="dialog-title")
            yield Static(reason_lines(self.stage), id="reason-list")
            if self.stage.reason_required:
                hint = "Press a number · Escape cancels (a reason is required)"
            else:
                hint = "Press a number · Enter: exclude without a reason · Escape cancels"
            yield Static(Content.styled(hint, "dim"), classes="dialog-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "no_reason" and self.stage.reason_required:
            return None
        return True

    def on_key(self, event: events.Key) -> None:
        reason = self.keys.get(event.character or "")
        if reason is not None:
            event.stop()
            self._choose(ReasonChoice(reason.code))

    def action_no_reason(self) -> None:
        self._choose(ReasonChoice(None))

    def _choose(self, choice: ReasonChoice) -> None:
        if self.on_choice is not None:
            self.on_choice(choice)
        self.dismiss(choice)


class NoteEditor(_Dialog):
    """Write the note saved with the next decision on this record."""

    def __init__(self, note: str | None = None) -> None:
        super().__init__()
        self.note = note or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="note-dialog"):
            yield Static(Content.styled("Note on this record", "bold"), classes="dialog-title")
            yield Input(self.note, placeholder="saved with your decision", id="note-input")
            yield Static(
                Content.styled("Enter saves · an empty note clears it · Escape cancels", "dim"),
                classes="dialog-hint",
            )

    @on(Input.Submitted, "#note-input")
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(one_line(event.value))


class ReviewerPrompt(_Dialog):
    """Asked once per review when no reviewer name is known; the app remembers it."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reviewer-dialog"):
            yield Static(Content.styled("Who is screening?", "bold"), classes="dialog-title")
            yield Static(
                Content(
                    "Your name or initials are stored with every decision you make "
                    "and remembered for this review."
                ),
                classes="dialog-body",
            )
            yield Input(placeholder="e.g. ann", id="reviewer-input")
            hint = Content.styled("Enter saves · Escape: later", "dim")
            yield Static(hint, classes="dialog-hint")

    @on(Input.Submitted, "#reviewer-input")
    def _save(self, event: Input.Submitted) -> None:
        name = one_line(event.value)
        if name:
            self.dismiss(name)
        else:
            self.notify("Type a name first.", severity="warning")


class SearchDialog(_Dialog):
    """Find records by title, author, DOI or id; choosing one returns its id."""

    BINDINGS = [
        CANCEL,
        Binding("down", "focus_results", "Results", show=False, id="search.results"),
    ]

    @dataclass
    class Found(Message):
        query: str
        records: list[RecordView]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="search-dialog"):
            yield Static(Content.styled("Go to a record", "bold"), classes="dialog-title")
            yield Input(placeholder="title words, author, DOI or record id", id="search-input")
            yield OptionList(id="search-results")
            yield Static(
                Content.styled("Enter searches · ↓ then Enter opens · Escape cancels", "dim"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#search-results").display = False

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if text:
            self.search(text)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search(self, text: str) -> None:
        with open_review(review_app(self).review.path) as review:
            records = search_records(review, text)
        self.post_message(self.Found(text, records))

    @on(Worker.StateChanged)
    def _report_worker_error(self, event: Worker.StateChanged) -> None:
        review_app(self).worker_failed(event.worker)  # the message never bubbles to the app

    @on(Found)
    def _show_results(self, message: Found) -> None:
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.display = True
        if not message.records:
            results.add_option(
                Option(Content(f"No record matches {one_line(message.query)!r}"), disabled=True)
            )
            return
        results.add_options(
            Option(self._label(view), id=str(view.record_id)) for view in message.records
        )
        results.highlighted = 0
        results.focus()

    @staticmethod
    def _label(view: RecordView) -> Content:
        year = f" ({view.year})" if view.year else ""
        state = f" [{view.decision}]" if view.decision else ""
        return Content.assemble(
            (f"{view.record_id:>6} ", "dim"),
            one_line(view.title or "(no title)"),
            year,
            (state, "italic"),
        )

    def action_focus_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.display and results.option_count:
            results.focus()

    @on(OptionList.OptionSelected, "#search-results")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.dismiss(int(event.option.id))
