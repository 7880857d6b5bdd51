"""Builder "docx": an IR Document to a Word document a clinic can edit, within the variant's page budget.

The document is Word's own structure, not a picture of a page: headings in Heading 1-3, Word lists, tables whose
header row repeats, callouts as boxes whose level reads in words, inline pictures with alt text, the footer's page
numbers as fields, the topic's language on every run, and every paragraph in a named style (styles.py), so that a
clinic's template (template.py) restyles it. The title block spans the page; the body flows in the variant's
columns, in a section of its own. Text is measured (measure.py) and the type set as large as fits the page budget
with room to spare (fit.py); the styles are then written at that size. The package is zipped with fixed times:
equal inputs give equal bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from handouts import ir
from handouts.builders.context import BuildContext, BuildResult
from handouts.builders.docx.blocks import HANDLERS
from handouts.builders.docx.fit import Fit, Pagination, Tag, choose_scale, overflow_problem, paginate, regions_of
from handouts.builders.docx.furniture import Furniture, page_of, title_block
from handouts.builders.docx.measure import Measure, Styles
from handouts.builders.docx.numbering import Numbering
from handouts.builders.docx.pictures import Pictures
from handouts.builders.docx.styles import DocxLook
from handouts.builders.docx.template import check_template, sanitise, typeface_of
from handouts.builders.docx.writer import Writer
from handouts.builders.docx.xml import document_bytes, set_core_properties
from handouts.builders.measure import text_width
from handouts.errors import BuildError, Problem
from handouts.paths import shown

__all__ = ["HANDLERS", "DocxBuilder", "warm_up"]


def warm_up() -> None:
    """Import python-docx's parts once per worker, before its first job."""
    Document()


class DocxBuilder:
    """Write a Document as Word styles and structure, on the variant's paper, in the brand's colours."""

    def build(self, doc: ir.Document, context: BuildContext) -> BuildResult:
        if not isinstance(doc, ir.Document):
            raise BuildError("a Word document is made from a <document>; this variant's template writes a <deck>")
        variant, sheet = context.variant, context.variant.style
        template = context.brand.file("docx_template")
        document = check_template(template, context.brand.at("docx_template")) if template is not None else Document()
        body = document.element.body
        template_section = body.find(qn("w:sectPr")) if template is not None else None
        sanitise(document, keep_legacy_styles=template is not None)
        page = page_of(sheet, variant.page_size(context.paper), template_section)
        look = DocxLook(sheet, context.brand, context.labels.run_language, variant.min_font_size, template is None)
        bullets = sheet["bullets"]
        high = max(variant.max_font_size / look.size("body"), 1.0) if variant.max_font_size else 1.0
        numbers = text_width("00.", look.size("reference") * high, "regular", look.typeface) * 1.6
        numbering = Numbering(
            document,
            float(bullets["indent"]),
            float(bullets["hanging"]),
            look.color(bullets["color"]),
            look.built_in,
            numbers,
        )
        look.numbering_ids = numbering.style_ids()
        look.text_width = page.text_width
        look.write(document)
        _settings(document, look.language, look.built_in)
        pictures = Pictures(document, sheet["figure"]["dpi"], context.cache)
        writer = Writer(look, context.labels, context.brand, numbering, pictures, document.part, HANDLERS)

        tags: dict[Any, Tag] = {}
        content = title_block(writer, doc, context, page)
        first_section = page.section(1, continuous=False)
        if page.columns > 1:  # the title block spans the page; the body's columns are a section of their own
            content[-1].find(qn("w:pPr")).append(first_section)
            last_section = page.section(page.columns, continuous=True)
        else:
            last_section = first_section
        for block in doc.blocks:
            written = writer.block(block, page.column_width)
            if written:
                tags[written[0]] = _tag_of(block)
            content += written
        for old in body.findall(qn("w:sectPr")):
            body.remove(old)
        for node in content:
            body.append(node)
        body.append(last_section)
        furniture = Furniture(writer, context, page)
        furniture.add(first_section, document.part)

        typeface = look.typeface if look.built_in else typeface_of(document)
        column = page.height - page.top - page.bottom
        usable = column * (1 - float(sheet["fit_margin"]))

        def trial(scale: float, tight: bool = False) -> Pagination:
            look.write(document, scale, tight)
            measure = Measure(Styles(document), typeface)
            return paginate(regions_of(body, measure, tags, page.text_width), usable)

        body_size = look.size("body")
        low = max(variant.min_font_size / body_size, 0.8) if variant.min_font_size else 1.0
        fit = choose_scale(trial, body_size, min(low, 1.0), high, variant.max_pages)
        if not fit.fits:  # last, the closer spacing the sheet allows, before saying it does not fit
            tight = trial(fit.scale, tight=True)
            if tight.pages <= variant.max_pages:
                fit = Fit(fit.scale, tight, True, tight=True)
        look.write(document, fit.scale, fit.tight)
        furniture.count_pages(fit.pagination.pages)
        meta, labels = context.meta, context.labels
        comments = labels.format("document_comments", version=meta["version"], date=labels.date(meta["reviewed"]))
        author = context.brand.name or ", ".join(meta["authors"])
        set_core_properties(document, ir.plain(doc.title), author, meta, comments, context.epoch)
        data = document_bytes(document, context.epoch)
        if not fit.fits:
            raise _overflow(fit, look, variant, data, template)
        return BuildResult(data, fit.pagination.pages)


def _tag_of(block: Any) -> Tag:
    """Return what an author calls the part of the document a top-level block starts."""
    if isinstance(block, ir.Section):
        named = block.heading if block.heading != block.id else f"the {block.id.replace('-', ' ')} part"
        return Tag(named, block.at, added=block.at is None)
    if isinstance(block, ir.Callout):
        words = next((ir.plain(b.spans) for b in block.blocks if isinstance(b, ir.Paragraph | ir.Heading)), "")
        return Tag(f"the box '{words[:40]}'" if words else "a box", block.at, added=block.at is None)
    return Tag("the closing words", getattr(block, "at", None), added=getattr(block, "at", None) is None)


def _overflow(fit: Fit, look: DocxLook, variant: Any, draft: bytes, template: Path | None) -> BuildError:
    """Return the error of a document that does not fit its pages, carrying the document anyway (build --draft)."""
    size = look.size("body", fit.scale)
    note = f" even in {size:g} pt type, the smallest allowed" if size < look.size("body") - 1e-6 else ""
    line = size * 1.22 * float(look.roles["body"].get("leading", 1.0))
    problem = overflow_problem(fit.pagination, variant.max_pages, line, note, variant.audience)
    if template is not None:  # the clinic's styles and margins set the page: they may be what takes the room
        hint = f"{problem.hint}; or give the styles of {shown(template)} smaller type, closer spacing or margins"
        problem = Problem(problem.location, problem.message, hint)
    error = BuildError(problem)
    error.draft = draft
    return error


def _settings(document: Any, language: str, built_in: bool) -> None:
    """Set the document's language for Word's proofing, and Word 2013's layout rules for a document of our own."""
    settings = document.settings.element
    theme_language = settings.find(qn("w:themeFontLang"))
    if theme_language is not None:
        theme_language.set(qn("w:val"), language)
    if not built_in:
        return
    for old in settings.findall(qn("w:rsids")):
        settings.remove(old)
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        for setting in compat.findall(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), "15")
    for old in settings.findall(qn("w:savePreviewPicture")):
        settings.remove(old)
