"""The literacy check across the topics `handouts check` reads: findings as located problems, and the score card
printed for people or as JSON."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict
from typing import Any

from handouts.checks.literacy.check import OutputCard, TopicCard, check_topic_literacy
from handouts.errors import Location, Problem
from handouts.project import Project
from handouts.templating.literacy import PEMAT_ITEMS


class LiteracyRun:
    """Check topics one by one; keep their score cards and warnings, and return what must stop the command."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.cards: list[TopicCard] = []
        self.warnings: list[Problem] = []

    def check(self, project: Project, topic_path: str) -> list[Problem]:
        """Check one topic; return its errors (every finding under --strict, else those that stop the build)."""
        card = check_topic_literacy(project, topic_path)
        self.cards.append(card)
        problems = findings_as_problems(card, self.strict)
        self.warnings += [p for p in problems if p.severity == "warning"]
        return [p for p in problems if p.severity == "error"]

    def as_json(self) -> dict[str, Any]:
        """Return every score card and finding as plain values."""
        return {
            "topics": [card_as_json(card) for card in self.cards],
            "findings": [problem_as_json(p) for card in self.cards for p in findings_as_problems(card, self.strict)],
        }


def findings_as_problems(card: TopicCard, strict: bool) -> list[Problem]:
    """Return the topic's findings as problems; a finding several variants share is one problem naming them all."""
    variants: dict[tuple, list[str]] = defaultdict(list)
    for output in card.outputs:
        for finding in output.findings:
            key = (finding.location, finding.message, finding.hint, finding.blocking)
            if output.variant not in variants[key]:
                variants[key].append(output.variant)
    problems = [
        Problem(location, f"{', '.join(names)}: {message}", hint, "error" if strict or blocking else "warning")
        for (location, message, hint, blocking), names in variants.items()
    ]
    return sorted(problems, key=_order)


def _order(problem: Problem) -> tuple:
    loc = problem.location or Location("")
    return (loc.file, loc.line, loc.col, problem.message)


def problem_as_json(problem: Problem) -> dict[str, Any]:
    """Return a problem with the fields `check --json` uses: file, line, column, severity, message, hint."""
    loc = problem.location
    return {
        "file": loc.file if loc else None,
        "line": loc.line if loc and loc.line else None,
        "column": max(loc.col, 1) if loc and loc.line else None,
        "severity": problem.severity,
        "message": problem.message,
        "hint": problem.hint,
    }


def card_as_json(card: TopicCard) -> dict[str, Any]:
    return {
        "topic": card.topic,
        "file": card.file,
        "language": card.language,
        "variants": [
            {k: v for k, v in asdict(output).items() if k != "findings"} | {"findings": len(output.findings)}
            for output in card.outputs
        ],
    }


def format_card(card: TopicCard) -> str:
    """Return the score card of one topic as lines of text."""
    lines = [f"{card.topic} ({card.file}, language {card.language})"]
    for output in card.outputs:
        heading = f"  {output.variant} ({output.audience})"
        if not output.checked:
            lines.append(f"{heading}: not checked, {output.note}")
            continue
        lines.append(heading)
        lines += [f"    {name:<19} {value}" for name, value in _rows(output)]
    return "\n".join(lines)


def _rows(output: OutputCard) -> list[tuple[str, str]]:
    rows = []
    reading = output.reading or {}
    if reading.get("formula"):
        verdict = "ok" if reading["ok"] else "OVER" if reading["limit_is"] == "max" else "UNDER"
        if not reading["judged"]:
            verdict = f"not judged: {reading['words']} words is too short"
        limit = f"at most {reading['limit']:g}" if reading["limit_is"] == "max" else f"at least {reading['limit']:g}"
        smog = f", SMOG {reading['smog']}" if reading["smog"] is not None else ""
        rows.append(
            (
                "reading level",
                f"{reading['score']} {reading['label']} ({limit}): {verdict}; "
                f"{reading['words']} words, {reading['sentences']} sentences{smog}",
            )
        )
        for other in reading.get("also", []):
            verdict = "ok" if other["ok"] else "OVER" if other["limit_is"] == "max" else "UNDER"
            limit = f"at most {other['limit']:g}" if other["limit_is"] == "max" else f"at least {other['limit']:g}"
            rows.append(("", f"{other['score']} {other['label']} ({limit}): {verdict}"))
    elif reading:
        rows.append(("reading level", reading["note"]))
    sentences = output.sentences
    limit = f" (at most {sentences['limit']}): {sentences['over']} over" if sentences.get("limit") else ""
    if "note" in sentences:
        rows.append(("words per sentence", sentences["note"]))
    elif sentences:
        rows.append(("words per sentence", f"{sentences['average']} average, longest {sentences['longest']}{limit}"))
    if "note" in output.terms:
        rows.append(("medical terms", output.terms["note"]))
    elif output.terms:
        unexplained = output.terms["unexplained"]
        rows.append(
            (
                "medical terms",
                f"{output.terms['found']} found, "
                + (f"{len(unexplained)} not explained: {', '.join(unexplained)}" if unexplained else "all explained"),
            )
        )
    if output.lists:
        over = output.lists["over"]
        rows.append(
            (
                "lists",
                f"{len(over)} over {output.lists['limit']} items ({', '.join(map(str, over))})"
                if over
                else f"none over {output.lists['limit']} items",
            )
        )
    if output.pemat:
        met = sum(output.pemat.values())
        items = ", ".join(f"{PEMAT_ITEMS[k]} {'yes' if v else 'NO'}" for k, v in output.pemat.items())
        rows.append(("PEMAT-P items", f"{met} of {len(output.pemat)} met: {items}"))
    return rows
