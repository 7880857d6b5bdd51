"""Convert a translation of the old format (a whole topic in the other language, with `source_digests:`) into a
translation file of strings, each with the English it translates.

The old file holds exactly what its audiences see, in the source's order; numbering the source's blocks and
items among those the audiences see lines the two up (content/strings.py, `dense`). Each string takes the
English the source has now and the state the old file had as a whole: a `reviewed` file's strings are reviewed,
a draft's translated. Texts of the old file that line up with nothing are returned, for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from handouts.content.model import TARGET_NAMES, Topic, primary_language, topic_type
from handouts.content.strings import walk_topic
from handouts.content.texts import AUDIENCES
from handouts.content.translation_yaml import RecordText, flow_list, inline, new_file
from handouts.errors import ProblemList
from handouts.source.yamlsource import YNode, read_yaml

_OLD_ONLY = ("translation_of", "translation_status", "reviewed_by", "source_digests")


def _key(sid: str) -> str:
    """Return a string id without its audience: how a text written once lines up with one written per audience."""
    return re.sub(r"\.(" + "|".join(AUDIENCES) + r")$", "", sid)


def upgrade_translation(
    path: Path, name: str, source: Topic, variants: Mapping[str, tuple[str, ...]]
) -> tuple[str, list[str], int]:
    """Return the new file's text for the old translation at `path`, the texts that lined up with nothing, and
    how many strings the new file holds."""
    root = read_yaml(path, name)
    assert root.kind == "map"
    values = {key.value: value for key, value in root.items}
    kept = YNode("map", root.loc, items=tuple((k, v) for k, v in root.items if k.value not in _OLD_ONLY))
    problems = ProblemList()
    token = TARGET_NAMES.set(tuple(name for names in variants.values() for name in names))
    try:
        data = topic_type.check(kept, problems, "")
    finally:
        TARGET_NAMES.reset(token)
    problems.raise_if_any()
    audiences = tuple(str(a) for a in data.get("audiences") or AUDIENCES)
    reviewed = "translation_status" in values and values["translation_status"].value == "reviewed"
    wanted, _ = walk_topic(source.data, audiences, variants, None)
    wanted_dense, _ = walk_topic(source.data, audiences, variants, None, dense=True)
    had, _ = walk_topic(data, audiences, variants, None, dense=True)
    texts = {_key(s.id): str(s.english) for s in had}
    records = []
    for string, dense in zip(wanted, wanted_dense, strict=True):
        target = texts.pop(_key(dense.id), None)
        state = "new" if target is None else "reviewed" if reviewed else "translated"
        records.append(RecordText(string.id, " ".join(str(string.english).split()), target, state))
    language = str(data["language"])
    header = [
        ("translation_of", inline(source.id)),
        ("language", inline(language)),
        ("audiences", flow_list(list(audiences))),
    ]
    if "reviewed_by" in values and values["reviewed_by"].kind == "seq":
        header.append(("reviewed_by", flow_list([item.value for item in values["reviewed_by"].items])))
    for key in ("authors", "reviewers"):
        header.append((key, flow_list([str(a) for a in data[key]])))
    if data.get("source"):
        header.append(("source", inline(str(data["source"]))))
    sizes = _figure_sizes(data, source)
    if sizes:
        header.append(("figures", "{" + ", ".join(f"{file}: {size}" for file, size in sizes.items()) + "}"))
    intro = "\n".join(_leading_comments(path))
    text = new_file(header, records, primary_language(language), intro)
    return text, sorted(texts.values()), len(records)


def _figure_sizes(data: dict, source: Topic) -> dict[str, str]:
    """Return the figure sizes the old translation set otherwise than its source."""

    def sizes(topic_data: dict) -> dict[str, str]:
        return {
            str(block["value"]["file"]): str(block["value"].get("size", "medium"))
            for section in topic_data["sections"]
            for block in section["blocks"]
            if block["kind"] == "figure"
        }

    theirs = sizes(source.data)
    return {file: size for file, size in sizes(data).items() if file in theirs and theirs[file] != size}


def _leading_comments(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    return lines
