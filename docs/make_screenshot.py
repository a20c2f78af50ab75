"""Render the README's screenshots: docs/screening.svg (the screening screen of the second
example, real abstracts with the protocol's terms highlighted) and docs/home.svg (the home
screen of the finished worked example).

Run: .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


async def _shoot(review_dir: Path, target: Path, example: str | None) -> None:
    from litreview.demo.build import build_demo
    from litreview.demo.examples import build_example
    from litreview.tui.app import make_app

    if example:
        review = build_example(review_dir, example)
        app = make_app(review, reviewer="ann", start="screen", rank_in_subprocess=False)
    else:
        review = build_demo(review_dir)
        app = make_app(review, reviewer="ann", start="home", rank_in_subprocess=False)
    async with app.run_test(size=(120, 34)) as pilot:
        for _ in range(50):
            await pilot.pause(0.05)
        app.save_screenshot(filename=target.name, path=str(target.parent))
    review.close()


def main() -> None:
    shots = [(DOCS / "screening.svg", "kitchenham_2010"), (DOCS / "home.svg", None)]
    with tempfile.TemporaryDirectory() as tmp:
        for target, example in shots:
            asyncio.run(_shoot(Path(tmp) / target.stem, target, example))
            print(f"wrote {target}")


if __name__ == "__main__":
    main()
