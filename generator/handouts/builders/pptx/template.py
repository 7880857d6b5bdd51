"""A clinic's own PowerPoint template: its layouts chosen by name, checked before any deck is built."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from handouts.builders.pptx.package import package_problems
from handouts.errors import InputError, Location, Problem
from handouts.paths import shown

if TYPE_CHECKING:
    from handouts.content.brand import Brand
    from handouts.templating.variants import Variant

BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}


def wanted_layouts(sheet: dict[str, Any], brand: Brand) -> dict[str, str]:
    """Return the layout name for each slide role: the variant's style data, then the brand's choice."""
    return {**sheet["layouts"], **dict(brand.value("pptx_layouts") or ())}


def check_variant_inputs(variant: Variant, brand: Brand) -> None:
    """Raise InputError when the brand's template cannot make `variant`'s decks (the registry's input hook)."""
    template = brand.file("pptx_template")
    if template is not None:
        check_template(template, wanted_layouts(variant.style, brand), brand.at("pptx_template"))


def check_template(template: Path, wanted: dict[str, str], at: Location | None = None) -> None:
    """Raise InputError when the clinic's template is unsafe (macros, outside links, a zip bomb: checked before
    python-pptx reads it), cannot be opened, or lacks a layout or placeholder we need.

    Problems are reported at `at`, where the brand file names the template, and name the template.
    """
    name = shown(template)
    where = at or Location(name)
    unsafe = package_problems(template)
    if unsafe:
        raise InputError([Problem(where, f"the template {name} {message}", hint) for message, hint in unsafe])
    try:
        prs = Presentation(str(template))
    except Exception as exc:  # python-pptx raises many kinds for a file that is not a deck
        raise InputError(
            Problem(
                where,
                f"the template {name} is not a PowerPoint template that can be opened ({type(exc).__name__})",
                "save it from PowerPoint as .pptx",
            )
        ) from None
    layouts = find_layouts(prs, wanted, template, at)
    for role, layout in layouts.items():
        kinds = {shape.placeholder_format.type for shape in layout.placeholders}
        if not kinds & TITLE_TYPES:
            raise InputError(
                Problem(
                    where,
                    f"the template {name}: the layout '{layout.name}' (for {role} slides) has no title placeholder",
                    "choose a layout with a title",
                )
            )
        if role in ("title", "content") and not kinds & set(BODY_TYPES):
            raise InputError(
                Problem(
                    where,
                    f"the template {name}: the layout '{layout.name}' (for {role} slides) has no body placeholder",
                    "choose a layout with a text placeholder",
                )
            )


def slide_titles(deck: Path) -> list[str]:
    """Return the title of every slide of `deck`, for a gallery that cannot draw it."""
    titles = []
    for slide in Presentation(str(deck)).slides:
        shape = slide.shapes.title
        titles.append(shape.text_frame.text if shape is not None else "")
    return titles


def remove_all_slides(prs: Any) -> None:
    """Drop the sample slides a clinic's template may carry, keeping its masters and layouts."""
    slide_ids = prs.slides._sldIdLst
    for slide_id in list(slide_ids):
        prs.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def find_layouts(prs: Any, wanted: dict[str, str], template: Path | None, at: Location | None = None) -> dict[str, Any]:
    """Return the layout for each role in `wanted`, or raise InputError naming the layouts there are."""
    available = {layout.name: layout for layout in prs.slide_layouts}
    missing = [name for name in wanted.values() if name not in available]
    if missing:
        what = f"the template {shown(template)}" if template else "the built-in template"
        raise InputError(
            Problem(
                at or (Location(shown(template)) if template else None),
                f"{what} has no slide layout named {', '.join(repr(m) for m in sorted(set(missing)))}",
                f"the layouts it has are: {', '.join(repr(n) for n in available)}",
            )
        )
    return {role: available[name] for role, name in wanted.items()}
