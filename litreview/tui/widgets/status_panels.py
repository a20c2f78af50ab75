"""The home screen's summaries as text: stopping rules and recall, team screening, and
the studies (full text, quality grades, coding). Pure functions of ``review_status``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from textual.content import Content

from litreview.report.sanitize import one_line

if TYPE_CHECKING:
    from litreview.protocol import Protocol

RULE_NAMES = {"buscar_or_counting": "buscar or counting", "random_check": "random check"}


def rule_name(name: str | None) -> str:
    return RULE_NAMES.get(name or "", name or "?")


def _percent(value: float | None) -> str:
    return "?" if value is None else f"{100 * value:.0f}%"


def recall_text(report: Mapping[str, Any]) -> str:
    """``recall ≈ 92% (85%–100%) · 12 found in 300/1200 screened · target 95%``."""
    estimate = report.get("recall_estimate")
    if estimate:
        upper = estimate.get("upper", 1.0)
        recall = (
            f"recall ≈ {_percent(estimate['recall'])} "
            f"({_percent(estimate['lower'])}–{_percent(upper)})"
        )
    else:
        recall = "no recall estimate before the first include"
    return (
        f"{recall} · {report.get('found', 0)} found in {report.get('screened', 0)}/"
        f"{report.get('total', 0)} screened · target {_percent(report.get('recall_target'))}"
    )


def default_verdict(report: Mapping[str, Any]) -> str:
    """What the default rule says, in words."""
    name = report.get("default_rule")
    verdict = report.get("rules", {}).get(name, {})
    says = "stop screening" if verdict.get("stop") else "keep screening"
    check = verdict.get("check")
    if check and check.get("status") == "open":
        says += (
            f" (random check {check['number']}: {check['screened']} of {check['needed']}"
            " records screened)"
        )
    elif check and check.get("status") == "failed" and not verdict.get("stop"):
        says += f" (random check {check['number']} found relevant records)"
    return f"the default rule ({rule_name(name)}) says: {says}"


def rules_text(report: Mapping[str, Any]) -> str:
    """``default (buscar or counting): keep screening · stop: knee · go on: buscar``."""
    default = report.get("default_rule")
    rules = {n: v for n, v in report.get("rules", {}).items() if n != default}
    parts = [default_verdict(report).replace("the default rule", "default", 1)]
    stop = [rule_name(n) for n, v in rules.items() if v.get("stop")]
    go = [rule_name(n) for n, v in rules.items() if not v.get("stop")]
    if stop:
        parts.append("stop: " + ", ".join(stop))
    if go:
        parts.append("go on: " + ", ".join(go))
    return " · ".join(parts)


def stopping_lines(protocol: Protocol, stopping: Mapping[str, Mapping[str, Any]]) -> Content:
    """Per screening stage: the recall estimate and every stopping rule's verdict."""
    lines: list[Content] = []
    for stage in protocol.stages:
        report = stopping.get(stage.name)
        if report is None:
            continue
        if not report.get("total"):
            lines.append(
                Content.assemble((one_line(stage.label), "bold"), ": nothing to screen yet")
            )
            continue
        lines.append(Content.assemble((one_line(stage.label), "bold"), ": ", recall_text(report)))
        if report.get("recall_estimate") and report.get("recall_assumes"):
            lines.append(Content.styled(f"  The interval {report['recall_assumes']}.", "dim"))
        stopped = report.get("stopped")
        if stopped:
            who = f" by {one_line(stopped.get('reviewer'))}" if stopped.get("reviewer") else ""
            lines.append(Content.styled(f"  ■ Screening stopped{who} (t resumes it)", "bold"))
        else:
            lines.append(Content("  Rules: " + rules_text(report)))
    return Content("\n").join(lines) if lines else Content.styled("No screening stages.", "dim")


def _stage_label(protocol: Protocol, name: str) -> str:
    for stage in protocol.stages:
        if stage.name == name:
            return one_line(stage.label)
    return one_line(name)


def team_lines(
    protocol: Protocol,
    agreement: Sequence[Mapping[str, Any]],
    turns: Mapping[str, Mapping[str, int]],
    reviewer: str | None,
) -> Content:
    """Per dual stage: agreement (percent, kappa, PABAK), conflicts, and whose turn it is."""
    lines: list[Content] = []
    for item in agreement:
        stage = str(item.get("stage"))
        head = Content.styled(_stage_label(protocol, stage), "bold") + Content(": ")
        if item.get("both_decided"):
            who = " & ".join(one_line(r) for r in item.get("reviewers", []))
            text = (
                f"{who} both decided {item['both_decided']} · agreement "
                f"{item['percent_agreement']}% · kappa {item['cohen_kappa']} · "
                f"PABAK {item['pabak']} · conflicts {item['conflicts']} "
                f"({item['resolved']} resolved)"
            )
        else:
            text = "no record decided by two reviewers yet"
        lines.append(head + Content(text))
        left = turns.get(stage)
        if left and (any(left.values()) or item.get("both_decided")):
            lines.append(Content("  " + turn_text(left, reviewer)))
    if not lines:
        return Content.styled("No dual-screening stages.", "dim")
    return Content("\n").join(lines)


def turn_text(left: Mapping[str, int], reviewer: str | None) -> str:
    """``ann (you) 12 left · bob 30 left — your turn``."""
    parts = [
        f"{one_line(name)}{' (you)' if name == reviewer else ''} {n} left"
        for name, n in sorted(left.items(), key=lambda item: (item[0] != reviewer, item[0]))
    ]
    mine = left.get(reviewer or "", 0)
    waiting = [one_line(n) for n, count in sorted(left.items()) if n != reviewer and count]
    if reviewer is not None and mine:
        turn = "your turn"
    elif waiting:
        turn = "waiting for " + " and ".join(waiting)
    else:
        turn = "everyone is done"
    return " · ".join(parts) + f" — {turn}"


def studies_lines(protocol: Protocol, status: Mapping[str, Any]) -> Content:
    """Full text, quality grades and coding progress of the included studies."""
    if "fulltext" not in status:
        return Content.styled("The protocol has no full-text stage.", "dim")
    ft = status["fulltext"]
    text = (
        f": {ft['sought']} sought · {ft['retrieved']} retrieved · "
        f"{ft['not_retrieved']} not retrieved · {ft['assessed']} assessed · "
        f"{ft['included_reports']} reports in {ft['included_studies']} included studies · "
        f"{ft['awaiting']} awaiting"
    )
    lines = [Content.assemble(("Full text", "bold"), text)]
    studies = int(status.get("studies", 0))
    grades: Mapping[str, int] = status.get("grades", {})
    if protocol.quality.criteria:
        graded = sum(grades.values())
        counts = " · ".join(f"{one_line(g)} {n}" for g, n in grades.items()) or "none yet"
        lines.append(
            Content.assemble(
                ("Quality", "bold"), f": {counts} ({graded} of {studies} studies graded)"
            )
        )
    coding = status.get("coding", {})
    if protocol.codebook:
        per_dim = coding.get("coded_per_dimension", {})
        dims = " · ".join(
            f"{one_line(d.label)} {per_dim.get(d.name, 0)}/{studies}" for d in protocol.codebook
        )
        lines.append(
            Content.assemble(
                ("Coding", "bold"),
                f": {coding.get('fully_coded', 0)} of {studies} studies fully coded · {dims}",
            )
        )
    return Content("\n").join(lines)
