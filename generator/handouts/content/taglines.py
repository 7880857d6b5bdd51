"""Which language-assistance taglines a clinic prints, and the number they give (`taglines:` in handouts.yaml or a
brand, the brand's replacing the project's):

    taglines:
      phone: 1-800-555-0100        # the number that gets a patient an interpreter, free
      tty: "711"                   # optional: the TTY line for people who are deaf or hard of hearing
      languages: [es, zh-Hant, vi, ko, tl, ru, ar, ht, fr, pt]   # the languages common in the clinic's state

The words of each tagline are templates/taglines.yaml's (templating/taglines.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handouts.source.schema import Field, LanguageType, ListType, PatternType, RecordType, Text

_number = PatternType(r"[0-9+() .\-]{3,25}", "a phone number", "write digits, spaces, + ( ) . or -")
taglines_type = RecordType(
    {
        "phone": Field(_number),
        "tty": Field(_number, required=False),
        "languages": Field(ListType(LanguageType(), max_items=40)),
    }
)


@dataclass(frozen=True)
class TaglineSettings:
    """The tagline languages a clinic lists, in its order, and the numbers its taglines give."""

    phone: str
    tty: str
    languages: tuple[Text, ...]  # each where it is written, for a message about a language without a tagline


def tagline_settings(data: dict[str, Any] | None) -> TaglineSettings | None:
    """Return the checked `taglines:` record as settings, or None when there is none."""
    if not data:
        return None
    return TaglineSettings(str(data["phone"]), str(data.get("tty", "")), tuple(data["languages"]))
