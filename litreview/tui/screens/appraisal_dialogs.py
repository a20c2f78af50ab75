"""Appraising a study from the keyboard: rate each quality criterion with a number
key and see the grade the protocol's rule gives; or set the grade by hand with a
reason."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from litreview.appraisal.ratings import Appraisal, compute_appraisal
from litreview.protocol import Quality
from litreview.report.sanitize import one_line
from litreview.tui.screens.modals import CANCEL
from litreview.tui.screens.prompts import Dialog

KEYS = "123456789"


class AppraisalDialog(Dialog):
    """One criterion at a time: a number rates it and moves to the next; Enter saves.

    Returns the ratings that changed (criterion -> scale level), or None.
    """

    BINDINGS = [
        CANCEL,
        Binding("enter", "save", "Save", id="appraise.save"),
        Binding("down,j", "move(1)", "Next criterion", id="appraise.next"),
        Binding("up,k", "move(-1)", "Previous criterion", id="appraise.previous"),
    ]

    def __init__(self, quality: Quality, study_id: int, ratings: dict[str, str], title: str):
        super().__init__()
        self.quality = quality
        self.study_id = study_id
        self.initial = dict(ratings)
        self.ratings = dict(ratings)
        self.title_text = title
        names = [c.name for c in quality.criteria]
        unrated = [i for i, n in enumerate(names) if n not in ratings]
        self.index = unrated[0] if unrated else 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="appraise-dialog"):
            yield Static(
                Content.styled(f"Appraise study {self.study_id}", "bold"), classes="dialog-title"
            )
            yield Static(Content(one_line(self.title_text)), classes="dialog-body")
            yield Static(id="appraise-criteria")
            yield Static(id="appraise-scale")
            yield Static(id="appraise-grade")
            yield Static(
                Content.styled(
                    "A number rates the marked criterion · ↑↓ move · Enter saves · Escape cancels",
                    "dim",
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.show_ratings()

    def show_ratings(self) -> None:
        lines = []
        for i, criterion in enumerate(self.quality.criteria):
            marker = "›" if i == self.index else " "
            level = self.ratings.get(criterion.name, "—")
            changed = (
                " *" if self.ratings.get(criterion.name) != self.initial.get(criterion.name) else ""
            )
            style = "bold reverse" if i == self.index else ""
            lines.append(
                Content.styled(
                    f"{marker} {one_line(criterion.label)}: {one_line(level)}{changed}", style
                )
            )
        self.query_one("#appraise-criteria", Static).update(Content("\n").join(lines))
        criterion = self.quality.criteria[self.index]
        scale = [
            Content.assemble(
                (f"{key}", "bold"),
                f" {one_line(s.name)} ({s.score})",
                (f" {one_line(s.description)}" if s.description else "", "dim"),
            )
            for key, s in zip(KEYS, self.quality.scale, strict=False)
        ]
        question = Content.styled(one_line(criterion.description or criterion.label), "italic")
        self.query_one("#appraise-scale", Static).update(Content("\n").join([question, *scale]))
        appraisal = compute_appraisal(self.quality, self.study_id, self.ratings)
        if appraisal.computed_grade:
            grade = f"Grade: {appraisal.computed_grade} (score {appraisal.score:g})"
        else:
            rated, total = len(appraisal.ratings), len(self.quality.criteria)
            grade = f"Grade: — ({rated} of {total} criteria rated)"
        self.query_one("#appraise-grade", Static).update(Content.styled(one_line(grade), "bold"))

    def on_key(self, event: events.Key) -> None:
        levels = dict(zip(KEYS, self.quality.scale, strict=False))
        level = levels.get(event.character or "")
        if level is None:
            return
        event.stop()
        self.ratings[self.quality.criteria[self.index].name] = level.name
        self.index = min(self.index + 1, len(self.quality.criteria) - 1)
        self.show_ratings()

    def action_move(self, step: int) -> None:
        self.index = max(0, min(self.index + step, len(self.quality.criteria) - 1))
        self.show_ratings()

    def action_save(self) -> None:
        changed = {n: v for n, v in self.ratings.items() if self.initial.get(n) != v}
        self.dismiss(changed)


@dataclass(frozen=True)
class GradeChoice:
    """A grade set by hand with its reason; ``grade`` None clears the override."""

    grade: str | None
    reason: str | None


class GradeDialog(Dialog):
    """Pick a grade (number or Enter), then say why (Enter saves)."""

    def __init__(self, quality: Quality, appraisal: Appraisal | None) -> None:
        super().__init__()
        self.quality = quality
        self.appraisal = appraisal
        self.chosen: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="grade-dialog"):
            yield Static(Content.styled("Set the grade by hand", "bold"), classes="dialog-title")
            computed = self.appraisal.computed_grade if self.appraisal else None
            yield Static(
                Content(f"Computed by the protocol's rule: {computed or 'none yet'}"),
                classes="dialog-body",
            )
            options = [
                Option(
                    Content.assemble(
                        (f"{key} ", "bold"),
                        one_line(g.name),
                        (f" {one_line(g.description)}", "dim"),
                    ),
                    id=g.name,
                )
                for key, g in zip(KEYS, self.quality.grades, strict=False)
            ]
            if self.appraisal and self.appraisal.override:
                options.append(
                    Option(
                        Content.assemble(
                            ("0 ", "bold"), "use the computed grade (clear the override)"
                        ),
                        id="",
                    )
                )
            yield OptionList(*options, id="grade-options")
            yield Static(id="grade-chosen")
            reason = self.appraisal.override_reason if self.appraisal else None
            yield Input(reason or "", placeholder="why (required)", id="grade-reason")
            yield Static(
                Content.styled(
                    "Number or Enter picks a grade · then type why and "
                    "press Enter · Escape cancels",
                    "dim",
                ),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#grade-options", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        if not self.query_one("#grade-options", OptionList).has_focus:
            return
        keys = dict(zip(KEYS, (g.name for g in self.quality.grades), strict=False))
        if self.appraisal and self.appraisal.override:
            keys["0"] = ""
        if (event.character or "") in keys:
            event.stop()
            self._choose(keys[event.character or ""])

    @on(OptionList.OptionSelected, "#grade-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id or "")

    def _choose(self, grade: str) -> None:
        if not grade:
            self.dismiss(GradeChoice(None, None))
            return
        self.chosen = grade
        self.query_one("#grade-chosen", Static).update(
            Content.styled(f"Grade: {one_line(grade)} — now say why", "bold")
        )
        self.query_one("#grade-reason", Input).focus()

    @on(Input.Submitted, "#grade-reason")
    def _save(self, event: Input.Submitted) -> None:
        reason = one_line(event.value)
        if self.chosen is None:
            self.notify("Pick a grade first.", severity="warning")
            self.query_one("#grade-options", OptionList).focus()
        elif not reason:
            self.notify("Say why the grade is set by hand.", severity="warning")
        else:
            self.dismiss(GradeChoice(self.chosen, reason))
