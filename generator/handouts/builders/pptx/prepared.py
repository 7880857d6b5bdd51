"""Parts a deck repeats on slide after slide, made once and copied: new slides' placeholders, the furniture shapes
and the notes slides.

python-pptx builds each shape and each notes slide from scratch: a notes slide clones the notes master's
placeholders one by one and looks for a free part name by walking every part of the package, which made speaker
notes a third of a training deck's build. A deck's accent band, footer and slide number are the same shape on
every slide, and its notes slides differ only in their text, so each is made once by python-pptx and its XML
copied after that; the copies are the XML python-pptx would have written. So are a new slide's placeholders,
which python-pptx clones from its layout one by one, looking each layout shape's type up again.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pptx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from pptx.opc.packuri import PackURI
from pptx.parts.slide import NotesSlidePart

NOTES_NAME = "/ppt/notesSlides/notesSlide%d.xml"


def add_copy(slide: Any, shape_element: Any) -> Any:
    """Add a copy of `shape_element` (a shape's XML) to `slide`, with the next free shape id; return the copy."""
    element = copy.deepcopy(shape_element)
    element.xpath("./*[1]/p:cNvPr")[0].set("id", str(slide.shapes._next_shape_id))
    slide.shapes._spTree.insert_element_before(element, "p:extLst")
    return element


class RepeatedShape:
    """A shape drawn on many slides: made by `make(slide)` the first time, then copied."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        self.make = make
        self.element: Any = None

    def add_to(self, slide: Any) -> Any:
        """Add the shape to `slide`; return its XML element."""
        if self.element is None:
            shape = self.make(slide)
            self.element = copy.deepcopy(shape._element)
            return shape._element
        return add_copy(slide, self.element)


class NotesSlides:
    """Add notes slides to a deck's slides: the first made by python-pptx, later ones copied from it."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self.blank: Any = None  # the XML of a fresh notes slide, before any text
        self.taken: set[str] = set()
        self.number = 0

    def notes_slide(self, slide: Any) -> Any:
        """Return a new notes slide of `slide` (which has none yet)."""
        if self.blank is None:
            notes = slide.notes_slide
            self.blank = copy.deepcopy(notes._element)
            package = self.prs.part.package
            prefix = NOTES_NAME.split("%")[0]
            self.taken = {str(p.partname) for p in package.iter_parts() if str(p.partname).startswith(prefix)}
            return notes
        slide_part = slide.part
        package = slide_part.package
        part = NotesSlidePart(self._next_name(), CONTENT_TYPE.PML_NOTES_SLIDE, package, copy.deepcopy(self.blank))
        part.relate_to(package.presentation_part.notes_master_part, RELATIONSHIP_TYPE.NOTES_MASTER)
        part.relate_to(slide_part, RELATIONSHIP_TYPE.SLIDE)
        slide_part.relate_to(part, RELATIONSHIP_TYPE.NOTES_SLIDE)
        return part.notes_slide

    def _next_name(self) -> PackURI:
        """Return the lowest free notes slide part name, as python-pptx's `next_partname` would."""
        while True:
            self.number += 1
            name = NOTES_NAME % self.number
            if name not in self.taken:
                self.taken.add(name)
                return PackURI(name)


class NewSlides:
    """Add slides: the first of each layout by python-pptx, later ones with the placeholders it cloned copied."""

    def __init__(self, prs: Any) -> None:
        self.prs = prs
        self.fresh: dict[int, Any] = {}  # by layout: the shape tree of a slide just made from it, before any edit

    def add(self, layout: Any) -> Any:
        """Return a new slide of `layout`, added at the end of the deck."""
        slides = self.prs.slides
        tree = self.fresh.get(id(layout))
        if tree is None:
            slide = slides.add_slide(layout)
            self.fresh[id(layout)] = copy.deepcopy(slide._element.cSld.spTree)
            return slide
        # What python-pptx's add_slide does, with the placeholders copied rather than cloned again.
        rId, slide = slides.part.add_slide(layout)
        made = slide._element.cSld.spTree
        made.getparent().replace(made, copy.deepcopy(tree))
        slides._sldIdLst.add_sldId(rId)
        return slide
