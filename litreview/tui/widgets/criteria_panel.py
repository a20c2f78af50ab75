"""The side panel: the stage's eligibility criteria and numbered exclusion reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from litreview.report.sanitize import one_line, sanitize

if TYPE_CHECKING:
    from litreview.protocol import Protocol, Stage


def _heading(text: str) -> Content:
    return Content.styled(text, "bold")


def _bullets(items: tuple[str, ...], bullet: str) -> Content:
    return Content("\n").join(Content(f"{bullet} {one_line(item)}") for item in items)


def reason_lines(stage: Stage) -> Content:
    """The stage's exclusion reasons, numbered as the keys that pick them."""
    if not stage.exclusion_reasons:
        return Content.styled("(none defined)", "dim")
    return Content("\n").join(
        Content.assemble((f"{key}", "bold"), f" {one_line(reason.label)}")
        for key, reason in zip(reason_keys(stage), stage.exclusion_reasons, strict=False)
    )


def reason_keys(stage: Stage) -> list[str]:
    """Keys for the reasons: 1-9, then 0 for the tenth (more are not keyed)."""
    return [*"1234567890"][: len(stage.exclusion_reasons)]


class CriteriaPanel(VerticalScroll, can_focus=False):
    """Inclusion and exclusion criteria plus the exclusion reasons of one stage."""

    def __init__(self, protocol: Protocol, stage: Stage, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.protocol = protocol
        self.stage = stage

    def compose(self) -> ComposeResult:
        criteria = self.protocol.criteria
        if self.stage.criteria_text:
            yield Static(Content(sanitize(self.stage.criteria_text)), classes="criteria-text")
        if criteria.inclusion:
            yield Static(_heading("Include if"), classes="criteria-heading")
            yield Static(_bullets(criteria.inclusion, "+"), classes="criteria-list -include")
        if criteria.exclusion:
            yield Static(_heading("Exclude if"), classes="criteria-heading")
            yield Static(_bullets(criteria.exclusion, "-"), classes="criteria-list -exclude")
        required = " (required)" if self.stage.reason_required else ""
        yield Static(_heading(f"Exclusion reasons{required}"), classes="criteria-heading")
        yield Static(reason_lines(self.stage), id="criteria-reasons")
        yield Static(
            Content.styled("e then a number excludes with that reason", "dim italic"),
            classes="criteria-hint",
        )
