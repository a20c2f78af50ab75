"""What ``litreview simulate`` measures, as typed values: the figures of one screening
order, each rule's stop per seed and on average, and one file's result. ``to_json()`` gives
the JSON object CLI.md documents (key for key, in the same order)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

__all__ = [
    "CheckedStop",
    "MeanStop",
    "OrderMetrics",
    "RecallBounds",
    "RuleStop",
    "SeedRun",
    "SimulationResult",
]


class OrderMetrics(TypedDict):
    """How good a screening order is (:func:`order_metrics`)."""

    wss95: float
    wss100: float
    recall_at_10pct: float
    atd_pct: float
    screened_to_95: int
    screened_to_100: int


@dataclass(frozen=True)
class RuleStop:
    """Where one rule stopped in one run: records screened (None: it never said stop, so
    everything was screened) and the recall reached there."""

    stopped_after: int | None
    recall: float

    def to_json(self) -> dict[str, Any]:
        return {"stopped_after": self.stopped_after, "recall": self.recall}


@dataclass(frozen=True)
class RecallBounds:
    """The default rule's recall estimate with its interval, rounded to 4 places."""

    recall: float
    lower: float
    upper: float

    def to_json(self) -> dict[str, Any]:
        return {"recall": self.recall, "lower": self.lower, "upper": self.upper}


@dataclass(frozen=True)
class CheckedStop(RuleStop):
    """The default rule's stop in one run, with its random checks: how many were drawn,
    how many of the records screened were check records, and its recall estimate."""

    checks: int = 0
    check_records: int = 0
    recall_estimate: RecallBounds | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **super().to_json(),
            "checks": self.checks,
            "check_records": self.check_records,
            "recall_estimate": None
            if self.recall_estimate is None
            else self.recall_estimate.to_json(),
        }


@dataclass(frozen=True)
class MeanStop:
    """One rule over all seeds: mean records screened (None if it never stopped in some
    run) and mean recall."""

    stopped_after: float | None
    recall: float

    def to_json(self) -> dict[str, Any]:
        return {"stopped_after": self.stopped_after, "recall": self.recall}


@dataclass(frozen=True)
class SeedRun:
    """One seed's run: its WSS@95, records screened to 95% recall, and every rule's stop."""

    seed: int
    wss95: float
    screened_to_95: int
    stops: Mapping[str, RuleStop]

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "wss95": self.wss95,
            "screened_to_95": self.screened_to_95,
            "stops": {name: stop.to_json() for name, stop in self.stops.items()},
        }


@dataclass(frozen=True)
class SimulationResult:
    """One labelled file simulated over its seeds; the figures are means over the seeds.
    ``to_json()`` is the object CLI.md documents for ``litreview simulate --json``."""

    file: str
    records: int
    included: int
    seeds: tuple[int, ...]
    wss95: float
    wss100: float
    recall_at_10pct: float
    atd_pct: float
    screened_to_95: float
    screened_to_100: float
    stops: Mapping[str, MeanStop]
    default_stop: str
    seconds: float
    runs: tuple[SeedRun, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "records": self.records,
            "included": self.included,
            "seeds": list(self.seeds),
            "wss95": self.wss95,
            "wss100": self.wss100,
            "recall_at_10pct": self.recall_at_10pct,
            "atd_pct": self.atd_pct,
            "screened_to_95": self.screened_to_95,
            "screened_to_100": self.screened_to_100,
            "stops": {name: stop.to_json() for name, stop in self.stops.items()},
            "default_stop": self.default_stop,
            "seconds": self.seconds,
            "runs": [run.to_json() for run in self.runs],
        }
