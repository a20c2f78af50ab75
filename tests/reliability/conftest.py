from __future__ import annotations

from pathlib import Path

import pytest

_WORDS = [
    "child",
    "protection",
    "collaboration",
    "outcomes",
    "families",
    "agency",
    "welfare",
    "social",
    "work",
    "services",
    "practice",
    "assessment",
    "risk",
    "neglect",
    "abuse",
    "support",
    "young",
    "people",
    "parents",
    "training",
    "interagency",
    "multi",
    "professional",
    "evaluation",
    "community",
    "health",
    "schools",
    "police",
    "courts",
    "placement",
    "foster",
    "care",
    "adoption",
    "wellbeing",
    "safety",
    "review",
    "policy",
]


def _title(i: int) -> str:
    import random

    rng = random.Random(i)
    return " ".join(rng.choice(_WORDS) for _ in range(9)).capitalize() + f" ({rng.random():.6f})"


def write_ris(path: Path, n: int, tag: str = "") -> Path:
    lines = []
    for i in range(n):
        lines += [
            "TY  - JOUR",
            f"TI  - {tag}{_title(i)}",
            f"AU  - Author{i % 501}, A.",
            f"PY  - {2000 + i % 20}",
            f"T2  - Journal of Studies {i % 40}",
            f"VL  - {i % 30 + 1}",
            f"SP  - {i % 900 + 1}",
            f"EP  - {i % 900 + 12}",
            f"AB  - Abstract {i} about child protection and collaboration {i % 13}.",
            "ER  - ",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def make_ris():
    return write_ris
