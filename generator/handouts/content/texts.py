"""Text a topic writes once for every audience or once per audience, and checks shared by content blocks."""

from __future__ import annotations

from typing import Any

from handouts.errors import ProblemList
from handouts.source.schema import INVALID, MAX_TEXT_CHARS, SchemaType, TextType, suggest
from handouts.source.yamlsource import YNode

AUDIENCES = ("patient", "clinician", "trainee")


class AudienceTextType(SchemaType):
    """One text for every audience, or a mapping of audience to its own text; returns {audience: Text}."""

    description = "text, or a mapping of audience to text"

    def __init__(self, max_chars: int = MAX_TEXT_CHARS) -> None:
        self.text = TextType(max_chars)

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        if node.kind == "scalar":
            value = self.text.check(node, problems, where)
            return INVALID if value is INVALID else dict.fromkeys(AUDIENCES, value)
        if node.kind != "map":
            return self._wrong_kind(node, problems, where)
        result = {}
        bad = False
        for key, value in node.items:
            if key.value not in AUDIENCES:
                problems.add(key.loc, f"'{key.value}' is not an audience in '{where}'", suggest(key.value, AUDIENCES))
                bad = True
                continue
            checked = self.text.check(value, problems, f"{where}.{key.value}")
            bad |= checked is INVALID
            result[key.value] = checked
        if bad:
            return INVALID
        if not result:
            problems.add(node.loc, f"'{where}' is empty", "write the text, or one text per audience")
            return INVALID
        return result


audience_text = AudienceTextType()
# A title is set large on a cover slide, at the head of every slide of its section and of the first page: 120
# characters is twice the longest title of the topics we know, and even 120 of the widest letters fit the cover
# slide at its smallest title size (tests/test_reliability.py builds every variant with such a title).
MAX_TITLE_CHARS = 120
title_text = AudienceTextType(MAX_TITLE_CHARS)
# A section's heading heads each of its slides, below the top band, with room to spare: 180 of the widest letters
# fit every deck, and real words far more (the stress fixture's headings have 188 characters). Past what fits, the
# build says the title leaves no room for the slide's text.
MAX_HEADING_CHARS = 200
heading_text = AudienceTextType(MAX_HEADING_CHARS)


def check_table_shape(table: dict[str, Any], node: YNode, problems: ProblemList, where: str) -> None:
    width = len(table["columns"])
    for number, row in enumerate(table["rows"], start=1):
        if len(row) != width:
            row_loc = node.items[[k.value for k, _ in node.items].index("rows")][1].items[number - 1].loc
            problems.add(
                row_loc,
                f"row {number} of '{where}' has {len(row)} cells but there are {width} columns",
                "give every row one cell per column",
            )
