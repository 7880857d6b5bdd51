"""One message per distinct problem: the same failure of several outputs (every brand, every paper) said once,
naming the variants, papers and brands it applies to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from handouts.errors import Problem
from handouts.matrix import NEUTRAL_BRAND, Target


def group_by_output(problems: Iterable[Problem], targets: Iterable[Target]) -> list[Problem]:
    """Return `problems` with those of several outputs that are one problem merged into one message, which names
    the variants, papers and brands instead of each output.

    A problem belongs to an output when its message starts with the output's path. Problems of several outputs
    are one when they are at the same place and say the same thing up to their first colon ("does not fit its 2
    pages"); where the amounts differ (each paper and brand has its own overflow), the largest is told.
    """
    by_output = {target.output: target for target in targets}
    groups: dict[tuple[Any, ...], list[tuple[Target, Problem]]] = {}
    loose: dict[tuple[Any, ...], Problem] = {}
    order: list[tuple[Any, ...]] = []
    for problem in problems:
        output, _, rest = problem.message.partition(": ")
        target = by_output.get(output)
        if target is None:
            key: tuple[Any, ...] = ("", problem)
            loose[key] = problem
        else:
            key = (problem.location, rest.partition(":")[0], problem.severity)
            groups.setdefault(key, []).append((target, Problem(problem.location, rest, problem.hint, problem.severity)))
        if key not in order:
            order.append(key)
    merged = []
    for key in order:
        if key in loose:
            merged.append(loose[key])
            continue
        members = groups[key]
        worst_target, worst = max(members, key=lambda member: _amounts(member[1]))
        message = f"{describe([t for t, _ in members])}: {worst.message}"
        if len({(p.message, p.hint) for _, p in members}) > 1:
            message += f" (the most of them: {worst_target.output}; the others need less)"
        merged.append(Problem(worst.location, message, worst.hint, worst.severity))
    return merged


def _amounts(problem: Problem) -> list[int]:
    """Return the numbers a problem's message gives, to tell the largest of several alike problems."""
    return [int(number) for number in re.findall(r"\d+", problem.message)]


def describe(targets: list[Target]) -> str:
    """Return the outputs `targets` name as an author says them: 'patient-handout (letter, a4; brands none,
    riverside)', or the one output's path when there is only one."""
    if len(targets) == 1:
        return targets[0].output
    variants = sorted({t.variant for t in targets})
    papers = sorted({t.paper for t in targets if t.paper})
    brands = sorted({t.brand or NEUTRAL_BRAND for t in targets})
    topics = sorted({t.topic_id for t in targets})
    details = []
    if papers:
        details.append(", ".join(papers))
    details.append(("brand " if len(brands) == 1 else "brands ") + ", ".join(brands))
    if len(topics) > 1:
        details.append("topics " + ", ".join(topics))
    return f"{', '.join(variants)} ({'; '.join(details)})"
