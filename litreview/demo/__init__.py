"""The worked-example demo review: search exports and coded tables shipped inside the package.

See README.md in this folder for what each file is and how ``make_exports`` regenerates them.
"""

from __future__ import annotations

from pathlib import Path

DEMO_DIR = Path(__file__).parent
