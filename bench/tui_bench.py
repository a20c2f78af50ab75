"""Screening in the TUI on a 50,000-record review: how long from a key press to the next
record on screen, and whether the UI keeps responding while the model retrains.

The review is built once (``--db``, reused when it exists) from the labelled
screening sets in ../shared/data/screening, drawn with replacement so the text is
real, else from synthetic records. The app runs headless with its ranking helper
process, exactly as ``litreview screen`` runs it. Each decision is one key sent
straight to the driver (``i`` for a relevant record, else ``e`` then ``1``, timed
from the ``1``); the clock stops at the first frame the compositor renders with
the next record's id in the record widget (a hook on ``App._display``), so
Pilot's wait-for-idle is not counted. ``ui_thread_cpu`` is the UI thread's CPU time
over the same span (the cost of the frame itself, whatever else the machine runs).
A 20 ms interval timer measures how late the event loop runs while retrains are
going on. Do not run it under ``nice``: the UI process must not yield to the
machine's other jobs (the ranking helper lowers its own priority).

    .venv/bin/python bench/tui_bench.py [--records 50000] [--decisions 120]
        [--think-ms 150] [--size 120x40] [--db bench/out/tui_bench_50k.db] [--json]
    .venv/bin/python bench/tui_bench.py --browse [--db ...]   # browse: open and one sort

Measured 2026-11-27 on a 2-core machine shared with other jobs (load average 1.6-2),
150 decisions, a retrain running during every one of them (146 reranks delivered):
median key -> next record 31 ms at 80x24 and 31-48 ms at 120x40 (``i`` 7-10 ms;
``e`` then ``1``, which closes the reason dialog and repaints the whole screen,
45-57 ms); UI thread CPU per decision 23-25 ms; event loop late by p99 26-36 ms
during retrains.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual import events  # noqa: E402

from litreview.ingest.importer import ImportOptions, import_parsed  # noqa: E402
from litreview.models import ParsedFile, ParsedRecord, RecordFields  # noqa: E402
from litreview.protocol import load_template  # noqa: E402
from litreview.storage.review import Review, create_review, open_review  # noqa: E402
from litreview.tui.app import LitreviewApp, make_app  # noqa: E402
from litreview.tui.screens.modals import ReasonPicker  # noqa: E402
from litreview.tui.screens.screening import ScreeningScreen  # noqa: E402

SHARED = ROOT.parent / "shared" / "data" / "screening"
_TEXT = (
    "child protection collaboration outcomes families agency welfare social work services "
    "practice assessment risk neglect abuse support young people parents training "
    "interagency evaluation community health schools police courts foster care"
)
WORDS = _TEXT.split()


def corpus(n: int, seed: int = 0) -> tuple[list[tuple[str, str]], list[int], str]:
    """``n`` (title, abstract) pairs with 0/1 relevance labels, and where they came from."""
    rng = random.Random(seed)
    texts: list[tuple[str, str]] = []
    labels: list[int] = []
    if SHARED.is_dir():
        from litreview.screening.simulate import load_labelled_csv

        for path in sorted(SHARED.glob("*.csv")):
            data = load_labelled_csv(path)
            texts += data.texts
            labels += [int(v) for v in data.labels]
    if texts:
        picks = [rng.randrange(len(texts)) for _ in range(n)]
        return [texts[i] for i in picks], [labels[i] for i in picks], f"sampled from {SHARED}"
    made = []
    for i in range(n):
        relevant = int(rng.random() < 0.02)
        words = [rng.choice(WORDS) for _ in range(60)] + (["safeguarding"] * 3 if relevant else [])
        made.append((" ".join(words[:10]).capitalize() + f" ({i})", " ".join(words[10:])))
        labels.append(relevant)
    return made, labels, "synthetic"


def build_review(path: Path, n: int) -> tuple[dict[int, int], str]:
    """Build the unscreened review at ``path`` unless it is there; each record's label."""
    texts, labels, origin = corpus(n)
    by_record = {i + 1: label for i, label in enumerate(labels)}
    if path.exists():
        return by_record, origin
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    review = create_review(path, load_template("default")[0])
    records = [
        ParsedRecord(
            i + 1,
            None,
            RecordFields(type="JOUR", title=title, abstract=abstract, year=2000 + i % 20),
            [],
        )
        for i, (title, abstract) in enumerate(texts)
    ]
    parsed = ParsedFile("bench", "ris", "utf-8", records)
    import_parsed(review, parsed, ImportOptions(database="Bench"))
    review.close()
    print(
        f"built {path} ({n} records, {origin}) in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return by_record, origin


class Frames:
    """Watches the frames the app renders for the first one showing another record."""

    def __init__(self, app: LitreviewApp) -> None:
        self.app = app
        self.waiting: tuple[int | None, asyncio.Future[tuple[float, float]]] | None = None
        original: Callable[..., Any] = app._display

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None or self.waiting is None:
                return
            than, future = self.waiting
            shown = self.record_on_screen()
            if shown not in (None, than) and not future.done():
                future.set_result((time.perf_counter(), time.thread_time()))

        app._display = display  # type: ignore[method-assign]

    def record_on_screen(self) -> int | None:
        screen = self.app.screen
        if not isinstance(screen, ScreeningScreen):
            return None
        text = str(screen.query_one("#record-ids").content)
        head = text.split(" ", 2)
        return int(head[1]) if len(head) > 1 and head[0] == "Record" and head[1].isdigit() else None

    def expect_other(self, than: int | None) -> asyncio.Future[tuple[float, float]]:
        """A future set, by the first frame rendered from now on that shows a record other
        than ``than``, to that frame's (wall time, UI thread CPU time)."""
        future: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self.waiting = (than, future)
        return future


def send(app: LitreviewApp, key: str) -> None:
    assert app._driver is not None
    app._driver.send_message(events.Key(key, key))


@dataclass(frozen=True)
class Press:
    wall: float  # seconds from the key to the frame showing the next record
    cpu: float  # UI thread CPU seconds in that time
    keys: str  # "i" or "e 1"
    retraining: bool  # a retrain was running when the key was pressed


async def decide_all(
    app: LitreviewApp, frames: Frames, labels: dict[int, int], decisions: int, think: float
) -> list[Press]:
    """Screen ``decisions`` records: ``i`` if relevant, else ``e`` then ``1``; time each."""
    screen = app.screen
    assert isinstance(screen, ScreeningScreen)
    presses = []
    for _ in range(decisions):
        view = screen.current
        assert view is not None
        keys = ["i"] if labels.get(view.record_id) else ["e", "1"]
        for key in keys[:-1]:
            send(app, key)
            while not isinstance(app.screen, ReasonPicker):
                await asyncio.sleep(0.0005)
        busy = screen._ranking_busy
        shown_next = frames.expect_other(view.record_id)
        sent, cpu = time.perf_counter(), time.thread_time()
        send(app, keys[-1])
        shown, shown_cpu = await asyncio.wait_for(shown_next, timeout=10)
        presses.append(Press(shown - sent, shown_cpu - cpu, " ".join(keys), busy))
        await asyncio.sleep(think)
    return presses


async def measure(
    review: Review, labels: dict[int, int], decisions: int, think: float, size: tuple[int, int]
) -> dict[str, Any]:
    app = make_app(review, reviewer="bench", start="screen", stage="title")
    reranks: list[float] = []
    lags: list[tuple[float, bool]] = []  # (how late a 20 ms tick ran, retraining)

    def seen(message: object) -> None:
        if isinstance(message, ScreeningScreen.QueueRefilled) and message.reranked:
            reranks.append(time.perf_counter())

    started = time.perf_counter()
    async with app.run_test(size=size, message_hook=seen) as pilot:
        frames = Frames(app)
        while not (isinstance(app.screen, ScreeningScreen) and app.screen.current is not None):
            await asyncio.sleep(0.01)
        screen = app.screen
        first_record = time.perf_counter() - started
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            lags.append((max(0.0, now - last[0] - 0.02), screen._ranking_busy))
            last[0] = now

        app.set_interval(0.02, tick)
        presses = await decide_all(app, frames, labels, decisions, think)
        await pilot.pause(0.5)
    return {
        "first_record_s": round(first_record, 2),
        "first_ranking_s": round(reranks[0] - started, 2) if reranks else None,
        "reranks_delivered": len(reranks),
        "key_to_next_record": stats([p.wall for p in presses]),
        "key_to_next_record_during_retrain": stats([p.wall for p in presses if p.retraining]),
        "after_i": stats([p.wall for p in presses if p.keys == "i"]),
        "after_e_1": stats([p.wall for p in presses if p.keys != "i"]),
        "ui_thread_cpu": stats([p.cpu for p in presses]),
        "event_loop_lateness_during_retrain": stats([lag for lag, busy in lags if busy]),
        "event_loop_lateness_idle": stats([lag for lag, busy in lags if not busy]),
    }


def stats(values: list[float]) -> dict[str, float | int]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    median = round(1000 * statistics.median(values), 1)
    return {
        "n": len(values),
        "median_ms": median,
        "p90_ms": at(0.9),
        "p99_ms": at(0.99),
        "max_ms": round(1000 * ordered[-1], 1),
    }


async def measure_browse(review: Review, size: tuple[int, int]) -> dict[str, Any]:
    """Browse on every work: from pressing b (the screen pushed) until the table shows
    its first rows, and one sort (o) until the table is redrawn in the new order."""
    from litreview.tui.screens.browse import BrowseScreen

    app = make_app(review, reviewer="bench")
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        started = time.perf_counter()
        app.open_screen("browse")
        while not (isinstance(app.screen, BrowseScreen) and app.screen.all_rows):
            await asyncio.sleep(0.005)
        opened = time.perf_counter() - started
        screen = app.screen
        first = screen.shown[0].work_id
        started = time.perf_counter()
        screen.action_sort()
        sorted_s = time.perf_counter() - started
        works = len(screen.all_rows)
        assert screen.shown[0].work_id != first or works < 2, "the sort changed nothing"
    return {"works": works, "browse_open_s": round(opened, 3), "browse_sort_s": round(sorted_s, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--decisions", type=int, default=120)
    parser.add_argument("--think-ms", type=float, default=150.0)
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxLINES")
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "tui_bench_50k.db")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--browse", action="store_true", help="time opening and sorting browse")
    args = parser.parse_args()
    columns, lines = (int(n) for n in args.size.split("x"))
    labels, origin = build_review(args.db, args.records)
    if args.browse:
        with open_review(args.db) as review:
            print(json.dumps(asyncio.run(measure_browse(review, (columns, lines)))))
        return
    with tempfile.TemporaryDirectory() as scratch:  # every run starts unscreened
        copy = Path(scratch) / "review.db"
        shutil.copyfile(args.db, copy)
        with open_review(copy) as review:
            result = asyncio.run(
                measure(review, labels, args.decisions, args.think_ms / 1000, (columns, lines))
            )
    result = {
        "records": args.records,
        "corpus": origin,
        "terminal": args.size,
        "decisions": args.decisions,
        "think_ms": args.think_ms,
        **result,
    }
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
