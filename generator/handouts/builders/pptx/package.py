"""A clinic's PowerPoint template is untrusted input: its zip package is checked before python-pptx opens it.

The rules are every Office template's (builders/ooxml.py): macros and ActiveX controls, external relationships
but https, mailto and tel hyperlinks, and parts (or a package) larger than a template needs or compressed like a
zip bomb are refused, each with the part or link it is about, read without inflating anything first.
"""

from __future__ import annotations

from pathlib import Path

from handouts.builders.ooxml import OfficeProgram
from handouts.builders.ooxml import package_problems as office_package_problems

POWERPOINT = OfficeProgram(
    "PowerPoint",
    "a PowerPoint Presentation (.pptx)",
    "deck",
    ("ppt/activex/",),
    code_hint="save it from PowerPoint as a PowerPoint Presentation (.pptx), not a macro-enabled one",
)


def package_problems(template: Path) -> list[tuple[str, str]]:
    """Return what is wrong with the template's package as (sentence, hint) pairs; [] when it may be used."""
    return office_package_problems(template, POWERPOINT)
