"""The words of the language-assistance taglines (templates/taglines.yaml; a project's own file replaces the tool's):
each language's sentence, where the wording comes from, and whether it was checked against a government copy."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from handouts.content.taglines import TaglineSettings
from handouts.errors import InputError, ProblemList, display_name
from handouts.languages import language_problem
from handouts.source.schema import INVALID, BoolType, Field, RecordType, TextType, suggest
from handouts.source.yamlsource import read_yaml
from handouts.templating.variants import first_found, template_roots

FILE = "taglines.yaml"
_entry = RecordType(
    {
        "text": Field(TextType()),
        "tty": Field(TextType(), required=False),
        "source": Field(TextType()),
        "verified": Field(BoolType()),
    }
)


@dataclass(frozen=True)
class Tagline:
    """One language's tagline: its words (with {phone} and {tty}), the TTY words, its source and status."""

    language: str
    text: str
    tty: str
    source: str
    verified: bool

    def filled(self, phone: str, tty: str) -> str:
        """Return the tagline with the clinic's numbers in it (without the TTY words when it has no TTY line)."""
        return self.text.format(phone=phone, tty=self.tty.format(tty=tty) if tty and self.tty else "")


def taglines_file(templates: Path | Sequence[Path]) -> Path:
    """Return the taglines.yaml in use: the first template root's that has one."""
    roots = template_roots(templates)
    return first_found(roots, FILE) or roots[-1] / FILE


def taglines_for(templates: Path | Sequence[Path], settings: TaglineSettings | None) -> list[dict[str, Any]]:
    """Return what templates print of the clinic's taglines, in its order: each language and its filled words;
    or raise InputError at each listed language that has no tagline."""
    if settings is None:
        return []
    path = taglines_file(templates)
    table = _load(path)
    problems = ProblemList()
    found = []
    for language in settings.languages:
        tagline = table.get(str(language))
        if tagline is None:
            problems.add(
                getattr(language, "loc", None),
                f"there is no tagline for '{language}' in {display_name(path)}",
                f"add one with its source, or {suggest(str(language), table)}",
            )
            continue
        found.append({"language": tagline.language, "text": tagline.filled(settings.phone, settings.tty)})
    problems.raise_if_any()
    return found


@cache
def _load(path: Path) -> dict[str, Tagline]:
    if not os.path.lexists(path):
        raise InputError(f"{display_name(path)}: the taglines file is missing; copy templates/{FILE} from the tool")
    root = read_yaml(path, display_name(path))
    problems = ProblemList()
    table: dict[str, Tagline] = {}
    if root.kind != "map":
        problems.add(root.loc, f"{FILE} maps languages to their taglines", "start with 'es:'")
        problems.raise_if_any()
    for key, node in root.items:
        wrong = language_problem(key.value)
        if wrong is not None:
            problems.add(key.loc, wrong[0], wrong[1])
            continue
        data = _entry.check(node, problems, key.value)
        if data is INVALID:
            continue
        if "{phone}" not in data["text"]:
            problems.add(data["text"].loc, "a tagline gives the number to call: write {phone} in it", "")
        tty = str(data.get("tty", ""))
        if tty and "{tty}" not in tty:
            problems.add(data["tty"].loc, "the TTY words give the TTY number: write {tty} in them", "")
        table[key.value] = Tagline(key.value, str(data["text"]), tty, str(data["source"]), bool(data["verified"]))
    problems.raise_if_any()
    return table
