"""When to stop screening: every stopping rule by name, and the default.

The rules themselves live in :mod:`litreview.screening.rules` (buscar, the knee, the
target method, a run of irrelevant records, the counting process, buscar-or-counting)
and :mod:`litreview.screening.random_check` (**the default**: a stop proposed from the
ranking is verified by a random sample of the unscreened records; its guarantee does
not depend on the ranking, docs/stopping.md). They are re-exported here, so
``from litreview.screening.stopping import Buscar`` keeps working.
"""

from __future__ import annotations

from litreview.errors import InvalidValue
from litreview.screening.random_check import RandomCheck
from litreview.screening.rules import (
    Buscar,
    BuscarOrCounting,
    ConsecutiveIrrelevant,
    CountingProcess,
    Knee,
    RecallEstimate,
    StopOutcome,
    StoppingRule,
    StopVerdict,
    TargetMethod,
    buscar_p_value,
    estimate_recall,
    hypergeom_cdf,
    knee_slope_ratio,
    poisson_quantile,
)

__all__ = [
    "Buscar",
    "BuscarOrCounting",
    "ConsecutiveIrrelevant",
    "CountingProcess",
    "Knee",
    "RandomCheck",
    "RecallEstimate",
    "StopOutcome",
    "StopVerdict",
    "StoppingRule",
    "TargetMethod",
    "buscar_p_value",
    "default_rule",
    "hypergeom_cdf",
    "knee_slope_ratio",
    "poisson_quantile",
    "estimate_recall",
    "make_rule",
    "make_rules",
]


def make_rules(
    random_state: int | None = 0, recall_target: float = 0.95, confidence: float = 0.95
) -> dict[str, StoppingRule]:
    """Every rule by name (the simulate JSON keys); the statistical ones at the given target."""
    rules: list[StoppingRule] = [
        Buscar(recall_target, confidence),
        Knee(),
        TargetMethod(random_state=random_state),
        ConsecutiveIrrelevant(),
        CountingProcess(recall_target, confidence),
        BuscarOrCounting(recall_target, confidence),
        RandomCheck(recall_target, confidence, random_state),
    ]
    return {rule.name: rule for rule in rules}


def make_rule(
    name: str,
    *,
    recall_target: float = 0.95,
    confidence: float = 0.95,
    random_state: int | None = 0,
) -> StoppingRule:
    """One rule by name; an unknown name is a user error that lists the known ones."""
    rules = make_rules(random_state, recall_target, confidence)
    if name not in rules:
        raise InvalidValue(
            f"unknown stopping rule {name!r}",
            hint=f"the rules are: {', '.join(rules)}",
        )
    return rules[name]


def default_rule(
    recall_target: float = 0.95, confidence: float = 0.95, random_state: int | None = 0
) -> RandomCheck:
    """The rule the UI uses by default (see :mod:`litreview.screening.random_check` for why)."""
    return RandomCheck(recall_target, confidence, random_state)
