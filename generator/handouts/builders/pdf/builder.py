"""Builder "pdf": an IR Document to a print-ready, tagged PDF with reportlab, within the variant's page budget.

The pages are laid out in layout.py, at the scale fit.py chooses; the layout that is kept is written once, its
structure tree (ua.py) put into reportlab's document as it is saved.
"""

from __future__ import annotations

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult, Landing
from handouts.builders.pdf.fit import fit, room_of
from handouts.fonts import register_pdf_fonts, register_typeface


def warm_up() -> None:
    """Register the fonts once per worker, before its first job."""
    register_pdf_fonts()


class PdfBuilder:
    """Lay out a Document on the variant's paper, with the largest type that fits its page budget."""

    def build(self, doc: ir.Document, context: BuildContext) -> BuildResult:
        register_pdf_fonts()
        register_typeface(context.fonts.pdf().alone())  # its fallbacks are registered when a character needs one
        attempt = fit(doc, context)
        data = attempt.data  # only the layout that is kept is written, with its structure tree
        landed = tuple(Landing(at, page) for at, page in attempt.layout.landed())
        return BuildResult(data, attempt.pages, landed=landed, room=room_of(attempt, context.variant.max_pages))
