"""Render the screening screen of the demo review to docs/screening.svg (for the README).

Run: .venv/bin/python docs/make_screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


async def _shoot(target: Path) -> None:
    from litreview.demo.build import build_demo
    from litreview.tui.app import make_app

    with tempfile.TemporaryDirectory() as tmp:
        review = build_demo(Path(tmp) / "demo")
        app = make_app(review, reviewer="ann", start="screen", stage="title",
                       rank_in_subprocess=False)
        async with app.run_test(size=(120, 34)) as pilot:
            for _ in range(50):
                await pilot.pause(0.05)
            app.save_screenshot(filename=target.name, path=str(target.parent))
        review.close()


def main() -> None:
    target = DOCS / "screening.svg"
    asyncio.run(_shoot(target))
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
