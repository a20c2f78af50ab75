"""Which screening decision counts: single, dual and dual-sample screening, resolutions.

In ``single`` mode a work's decision at a stage is the latest decision anyone made
(resolutions play no part). In ``dual`` mode (or ``dual-sample`` for a seeded random
share of works) a work needs two reviewers: when they agree that is the decision; when
they disagree it is a conflict until someone records a resolution. Outside the dual
sample one reviewer's decision counts, unless a second reviewer decided the work too and
they disagree: that is a conflict as well, and the conflicts list shows it. Pure functions over
decisions already read from the log; ``state.read`` and ``screening.team`` call them.
"""

from __future__ import annotations

from collections.abc import Mapping

from litreview.protocol import Protocol
from litreview.storage.decisions import CurrentDecision
from litreview.storage.dual_sample import DEFAULT_SAMPLE_SHARE, in_sample


def is_dual_stage(protocol: Protocol, stage: str) -> bool:
    settings = protocol.screening
    if settings.mode == "single":
        return False
    return not settings.stages or stage in settings.stages


def in_dual_sample(protocol: Protocol, review_id: str, stage: str, work_id: int) -> bool:
    """Whether ``work_id`` is screened twice: all works in ``dual`` mode, a stable
    seeded share of them in ``dual-sample`` mode."""
    if not is_dual_stage(protocol, stage):
        return False
    settings = protocol.screening
    if settings.mode != "dual-sample":
        return True
    share = settings.sample_share if settings.sample_share is not None else DEFAULT_SAMPLE_SHARE
    return in_sample(review_id, stage, work_id, share)  # the rule the SQL views' table uses


def agreeing(decisions: Mapping[str, CurrentDecision], fulltext: bool) -> CurrentDecision | None:
    """The decision two or more reviewers agree on (the newest of theirs), else None."""
    values = {d.value for d in decisions.values()}
    if len(values) != 1:
        return None
    if fulltext and values == {"exclude"} and len({d.reason for d in decisions.values()}) > 1:
        return None  # different exclusion reasons at full text are a conflict too
    return max(decisions.values(), key=lambda d: d.event_id)


def effective(
    protocol: Protocol,
    review_id: str,
    stage: str,
    latest: Mapping[int, CurrentDecision],
    by_reviewer: Mapping[int, Mapping[str, CurrentDecision]],
    resolutions: Mapping[int, CurrentDecision],
) -> dict[int, CurrentDecision]:
    """work id -> the decision that counts at ``stage`` (conflicts and half-done dual
    screening have none). ``latest`` is the newest live decision per work, ``by_reviewer``
    each reviewer's newest, ``resolutions`` the newest live resolution."""
    if not is_dual_stage(protocol, stage):
        return dict(latest)
    fulltext = protocol.stage(stage).kind == "fulltext"
    result: dict[int, CurrentDecision] = {}
    for work_id, decisions in by_reviewer.items():
        if work_id in resolutions:
            result[work_id] = resolutions[work_id]
        elif len(decisions) == 1 and not in_dual_sample(protocol, review_id, stage, work_id):
            result[work_id] = next(iter(decisions.values()))
        elif len(decisions) >= 2:  # in the sample or not, two reviewers must agree
            agreed = agreeing(decisions, fulltext)
            if agreed is not None:
                result[work_id] = agreed
    for work_id, resolution in resolutions.items():
        result.setdefault(work_id, resolution)
    return result


def open_conflicts(
    protocol: Protocol,
    stage: str,
    by_reviewer: Mapping[int, Mapping[str, CurrentDecision]],
    resolutions: Mapping[int, CurrentDecision],
    *,
    include_resolved: bool = False,
) -> list[int]:
    """Works (ascending) whose reviewers disagree at ``stage`` (unresolved ones only unless
    ``include_resolved``)."""
    if not is_dual_stage(protocol, stage):
        return []
    fulltext = protocol.stage(stage).kind == "fulltext"
    return [
        work_id
        for work_id, decisions in sorted(by_reviewer.items())
        if len(decisions) >= 2
        and agreeing(decisions, fulltext) is None
        and (include_resolved or work_id not in resolutions)
    ]
