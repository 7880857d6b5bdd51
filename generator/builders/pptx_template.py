"""A clinic's own PowerPoint template: its layouts chosen by name, checked before any deck is built."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from handouts.errors import InputError
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

if TYPE_CHECKING:
    from handouts.brand import Brand
    from handouts.variants import Variant

BODY_TYPES = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
TITLE_TYPES = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE}


def wanted_layouts(sheet: dict[str, Any], brand: Brand) -> dict[str, str]:
    """Return the layout name for each slide role: the variant's style data, then the brand's choice."""
    return {**sheet["layouts"], **dict(brand.pptx_layouts)}


def check_variant_inputs(variant: Variant, brand: Brand) -> None:
    """Raise InputError when the brand's template cannot make `variant`'s decks (the registry's input hook)."""
    if brand.pptx_template is not None:
        check_template(brand.pptx_template, wanted_layouts(variant.style, brand))


def check_template(template: Path, wanted: dict[str, str]) -> None:
    """Raise InputError when the clinic's template cannot be opened or lacks a layout or placeholder we need."""
    try:
        prs = Presentation(str(template))
    except Exception as exc:  # python-pptx raises many kinds for a file that is not a deck
        raise InputError(
            f"{template}: not a PowerPoint template that can be opened ({type(exc).__name__}); "
            "save it from PowerPoint as .pptx"
        ) from None
    layouts = find_layouts(prs, wanted, template)
    for role, layout in layouts.items():
        kinds = {shape.placeholder_format.type for shape in layout.placeholders}
        if not kinds & TITLE_TYPES:
            raise InputError(
                f"{template}: the layout '{layout.name}' (for {role} slides) has no title placeholder; "
                "choose a layout with a title"
            )
        if role in ("title", "content") and not kinds & set(BODY_TYPES):
            raise InputError(
                f"{template}: the layout '{layout.name}' (for {role} slides) has no body placeholder; "
                "choose a layout with a text placeholder"
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


def find_layouts(prs: Any, wanted: dict[str, str], template: Path | None) -> dict[str, Any]:
    """Return the layout for each role in `wanted`, or raise InputError naming the layouts there are."""
    available = {layout.name: layout for layout in prs.slide_layouts}
    missing = [name for name in wanted.values() if name not in available]
    if missing:
        where = str(template) if template else "the built-in template"
        raise InputError(
            f"{where}: no slide layout named {', '.join(repr(m) for m in sorted(set(missing)))}; "
            f"the layouts it has are: {', '.join(repr(n) for n in available)}"
        )
    return {role: available[name] for role, name in wanted.items()}
