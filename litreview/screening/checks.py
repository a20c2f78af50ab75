"""Random checks in a live review: drawn when the default rule's proposer fires, stored
in the event log (kind ``random_check``, the sample and its seed in the payload, so a
replay serves exactly the same records), served first by ``next`` and the TUI, and
judged from the stage's decisions (see :mod:`litreview.screening.random_check`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from litreview.screening.random_check import (
    CheckDesign,
    CheckInterval,
    check_interval,
    design_check,
    draw_sample,
    proposes_stop,
)
from litreview.screening.stages import stage_works
from litreview.screening.stopping import default_rule
from litreview.screening.stops import find_stop
from litreview.screening.team import effective_decisions
from litreview.storage import events as events_store
from litreview.storage.review import Review

CHECK_EVENT = "random_check"

# "stale": the stage's records changed after the check was drawn (an import, a merge), so
# its sample no longer represents what is unscreened; a new check is needed.
CheckStatus = Literal["open", "passed", "failed", "stale"]


@dataclass(frozen=True)
class LiveCheck:
    """One check of a stage and how far it has got.

    ``screened`` counts the sample's leading records already decided (the staged test
    reads the sample in its order), ``found`` the relevant ones among all decided
    sample records, ``target`` how many sample records the check needs at that count.
    """

    event_id: int
    design: CheckDesign
    sample: tuple[int, ...]
    seed: tuple[int, ...]
    status: CheckStatus
    screened: int
    found: int
    decided: int

    @property
    def target(self) -> int:
        sizes = self.design.sizes
        return sizes[min(self.found, len(sizes) - 1)]

    def label(self, work_id: int) -> str:
        """What the screen says about a sample record: "random check k of n"."""
        return f"random check {self.sample.index(work_id) + 1} of {self.target}"


def review_seed(review: Review, stage: str) -> int:
    """The review's own seed for a stage's checks (stable, from the review's id)."""
    digest = hashlib.sha256(f"{review.review_id}/{stage}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def _labels(review: Review, stage: str) -> dict[int, int]:
    return _labels_in_order(review, stage)[0]


def _labels_in_order(review: Review, stage: str) -> tuple[dict[int, int], list[int]]:
    """work -> 1/0 for every live include/exclude, and those works in the order their
    decision was recorded, from ONE read of the decisions: the TUI reads while its writer
    records decisions, and two reads could disagree about the newest one."""
    current = effective_decisions(review, stage)
    labels = {
        w: 1 if d.value == "include" else 0
        for w, d in current.items()
        if d.value in ("include", "exclude")
    }
    order = [w for _, w in sorted((current[w].event_id, w) for w in labels)]
    return labels, order


def _judge(
    design: CheckDesign, sample: tuple[int, ...], labels: dict[int, int]
) -> tuple[CheckStatus, int, int, int]:
    decided = [w for w in sample if w in labels]
    found = sum(labels[w] for w in decided)
    prefix = 0
    while prefix < len(sample) and sample[prefix] in labels:
        prefix += 1
    if found > design.max_found:
        return "failed", prefix, found, len(decided)
    running = 0
    for i in range(prefix):
        running += labels[sample[i]]
        stage_c = design.sizes[running] if running < len(design.sizes) else None
        if stage_c is not None and i + 1 == stage_c:
            return "passed", prefix, running, len(decided)
    if design.size == 0:
        return "passed", 0, 0, 0
    return "open", prefix, found, len(decided)


def stage_checks(
    review: Review, stage: str, labels: dict[int, int] | None = None, members: int | None = None
) -> list[LiveCheck]:
    """The stage's checks, oldest first, each judged on today's decisions (and, given
    the stage's size ``members``, marked stale when the stage changed since)."""
    labels = _labels(review, stage) if labels is None else labels
    if members is None:
        members = len(stage_works(review, stage))
    out = []
    for event in events_store.iter_live_events(review.db, (CHECK_EVENT,), stage=stage):
        p: dict[str, Any] = dict(event.payload or {})
        design = CheckDesign(
            int(p["number"]),
            float(p["alpha"]),
            int(p["found_before"]),
            int(p["pool"]),
            tuple(int(s) for s in p["sizes"]),
        )
        sample = tuple(int(w) for w in p["sample"])
        status, screened, found, decided = _judge(design, sample, labels)
        if p.get("members") is not None and int(p["members"]) != members:
            status = "stale"
        seed = tuple(int(x) for x in p["seed"])
        out.append(
            LiveCheck(event.event_id, design, sample, seed, status, screened, found, decided)
        )
    return out


def _proposer_due(
    review: Review,
    stage: str,
    checks: list[LiveCheck],
    order: list[int],
    labels: dict[int, int],
    n_total: int,
) -> bool:
    """No open or passed check, the cool-down after a failed one is over, and the
    proposer says stop on the labels in screening order."""
    if checks and checks[-1].status not in ("failed", "stale"):
        return False
    if checks and checks[-1].status == "failed":
        last = checks[-1]
        in_sample = set(last.sample)
        since = order[order.index(last.sample[0]) + 1 :] if last.sample[0] in order else order
        ranked_since = sum(1 for w in since if w not in in_sample)
        if ranked_since < max(last.decided, 1):
            return False
    target = review.protocol.screening.recall_target
    return bool(order) and proposes_stop([labels[w] for w in order], n_total, target, 0.95)


def ensure_check(
    review: Review, stage: str, members: list[int], *, reviewer: str | None = None
) -> LiveCheck | None:
    """The stage's open check; draws (and records) a new one when the proposer fires.
    None when no check is open. Only for a stage whose rule is the default."""
    chosen = review.protocol.screening.stopping_rule or default_rule().name
    if chosen != default_rule().name or find_stop(review, stage) is not None or not members:
        return None
    labels, order = _labels_in_order(review, stage)
    checks = stage_checks(review, stage, labels, len(members))
    if checks and checks[-1].status == "open":
        return checks[-1]
    if not _proposer_due(review, stage, checks, order, labels, len(members)):
        return None
    target = review.protocol.screening.recall_target
    unscreened = [w for w in members if w not in labels]
    design = design_check(len(checks) + 1, sum(labels.values()), len(unscreened), target)
    seed = (review_seed(review, stage), design.number)
    sample = draw_sample(unscreened, design.size, seed)
    payload = {
        "number": design.number,
        "alpha": design.alpha,
        "found_before": design.found_before,
        "pool": design.pool,
        "sizes": list(design.sizes),
        "seed": list(seed),
        "sample": sample,
        "members": len(members),
    }
    with review.db.atomic():
        events_store.append_event(
            review.db,
            CHECK_EVENT,
            stage=stage,
            value=f"check {design.number}",
            reviewer=reviewer,
            payload=payload,
        )
    fresh = stage_checks(review, stage, labels, len(members))[-1]
    return fresh if fresh.status == "open" else None


def check_estimate(check: LiveCheck, found_now: int) -> CheckInterval:
    """Recall now, with its interval, from a complete check."""
    return check_interval(check.design, check.found, found_now)
