"""The icons topics may name (`icon: phone`): a small vendored set of Health Icons, as SVG files in this folder.

Health Icons (https://healthicons.org, Resolve to Save Lives) are drawn for public-health material and are
MIT-licensed (LICENSE here); `python -m handouts.icons.refresh` fetches the set from the npm registry and
rewrites the files for the names below. An icon is drawn in one colour: its `currentColor` is set when used.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FOLDER = Path(__file__).resolve().parent

# The names a topic may use. Each is the Health Icons name of the drawing, except where DRAWN_AS says otherwise.
NAMES = (
    "alert-triangle",
    "ambulance",
    "blood-drop",
    "calendar",
    "diabetes",
    "doctor",
    "elderly",
    "emergency-post",
    "eye",
    "foot",
    "heart",
    "home",
    "hospital",
    "info",
    "medical-advice",
    "medicine-bottle",
    "nerve",
    "nurse",
    "phone",
    "medicines",
    "pill-1",
    "question",
    "stomach",
    "syringe",
    "vegetables",
    "walking",
    "warning",
)


# Names drawn with another Health Icons drawing: their `warning` is a bare exclamation mark, which beside a
# heading or a box's level word reads as punctuation, not a sign; our `warning` is their warning sign.
DRAWN_AS = {"warning": "alert-triangle"}


def icon_path(name: str) -> Path:
    """Return the SVG file of icon `name` (one of NAMES)."""
    return FOLDER / f"{name}.svg"


@lru_cache(maxsize=128)
def icon_svg(name: str, color: str) -> str:
    """Return the SVG of icon `name` drawn in `color` (#RRGGBB), read once per process and colour."""
    return icon_path(name).read_text(encoding="utf-8").replace("currentColor", color)
