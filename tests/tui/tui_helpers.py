"""Shared helpers for the TUI tests (imported by the test modules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from litreview.storage.review import Review
from litreview.tui.app import LitreviewApp, make_app

DATA = Path(__file__).resolve().parent.parent / "data" / "tui"
HOSTILE_TITLE = "[bold red]x[/] \x1b[31m[link=file:///etc/passwd]y[/link]"
HIGHLIGHT = (
    'include = ["child protection", "inter-agency", "safeguarding", "randomi*"]\n'
    'exclude = ["adult*", "in vitro"]\n'
)


def protocol_text() -> str:
    """The default template with highlight terms added."""
    from litreview.protocol import load_template

    text = load_template("default")[0]
    start = text.index("[highlight]\n") + len("[highlight]\n")
    end = text.index("\n[", start) + 1
    return text[:start] + HIGHLIGHT + text[end:]


def make_test_app(review: Review, **options: Any) -> LitreviewApp:
    """``make_app`` with the retraining in a worker thread rather than a helper process
    (the reviews here are tiny); ``test_ranking_helper_process`` covers the process."""
    return make_app(review, rank_in_subprocess=False, **options)


async def settle(pilot: Pilot[None], rounds: int = 200) -> None:
    """Wait until no worker is pending or running and every message is handled.

    Finishing one worker can start another (a saved decision starts a rerank), and
    some start only after the next refresh, so the app must look quiet three times
    in a row, 20 ms apart.
    """
    app: App[None] = pilot.app
    quiet = 0
    for _ in range(rounds):
        await pilot.pause(0.02)
        busy = [w for w in app.workers if not w.is_finished]
        if busy:
            quiet = 0
            await app.workers.wait_for_complete(busy)
        else:
            quiet += 1
            if quiet == 3:
                return
    raise AssertionError("workers kept running")


def rendered_text(widget: Widget) -> str:
    """What ``widget`` (or, for a container, its visible children) puts on the terminal."""
    if widget.children:
        return "\n".join(rendered_text(child) for child in widget.children if child.display)
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))
