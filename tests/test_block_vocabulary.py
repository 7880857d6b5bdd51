"""One block vocabulary: every block type is parsed, drawn by every builder, or refused with its place; every
content block kind has a schema, an audience picker and a branch in the shared template macro."""

from __future__ import annotations

import dataclasses
import io
import typing
from pathlib import Path

import pytest
from conftest import ROOT
from handouts import ir
from handouts.builders.context import BuildContext
from handouts.builders.pptx.builder import PptxBuilder
from handouts.content.blocks import CONTENT_BLOCKS
from handouts.content.brand import NEUTRAL
from handouts.content.model import block_type
from handouts.content.references import Reference
from handouts.errors import BuildError, Location
from handouts.formats.registry import FORMATS, load
from handouts.templating.labels import labels_for
from handouts.templating.render import render_markup
from handouts.templating.variants import discover_variants

IR_BLOCKS = set(typing.get_args(ir.Block))


SAMPLES = {
    "h": "<h>Heading</h>",
    "p": "<p>Text</p>",
    "bullets": "<bullets><item>One</item></bullets>",
    "steps": "<steps><item>One</item></steps>",
    "checklist": "<checklist><item>One</item></checklist>",
    "table": "<table><head><cell>A</cell></head><row><cell>1</cell></row></table>",
    "faq": "<faq><q>Why?</q><a>Because.</a></faq>",
    "callout": "<callout><p>Boxed</p></callout>",
    "section": "<section><p>Inside</p></section>",
    "qr": "<qr>https://example.org/x</qr>",
    "references": '<p><cite ids="ref1"/></p><references/>',
    "figure": '<figure src="dot.svg"><alt>A dot</alt><caption>A caption</caption></figure>',
}
PICTURE = str(ROOT / "generator" / "handouts" / "icons" / "info.svg")
LIBRARY = {"ref1": Reference(id="ref1", authors="Doe A", title="A study", journal="J Test", year="2020")}


def test_every_ir_block_is_made_by_a_markup_tag() -> None:
    assert set(SAMPLES) == set(ir._BLOCK_PARSERS), "add a sample of the new tag"
    made: set[type[ir.Block]] = set()
    for sample in SAMPLES.values():
        document = ir.parse_markup(f"<document><title>T</title>{sample}</document>", LIBRARY, {"dot.svg": PICTURE})
        assert isinstance(document, ir.Document)
        made |= {type(b) for b in document.blocks}
    assert made == IR_BLOCKS


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_builder_has_a_handler_for_every_block(name: str) -> None:
    # Read from the registry: a new format's table is checked without anyone adding it here.
    declared = FORMATS[name].handlers
    assert declared, f"the {name} format declares no handler table (OutputFormat.handlers)"
    assert set(load(declared)) == IR_BLOCKS


def test_content_block_kinds_agree_across_schema_view_and_macro() -> None:
    assert set(block_type.kinds) == set(CONTENT_BLOCKS)
    for kind, block in CONTENT_BLOCKS.items():
        assert block.schema is block_type.kinds[kind] and callable(block.pick) and block.summary


@pytest.mark.parametrize("kind", sorted(CONTENT_BLOCKS))
def test_the_shared_macro_renders_every_content_kind(tmp_path: Path, kind: str) -> None:
    (tmp_path / "entry.xml.j2").write_text(
        '{% import "_macros.xml.j2" as m %}<document><title>T</title>{{ m.block(b, labels) }}</document>',
        encoding="utf-8",
    )
    sample = {
        "paragraph": {"kind": "paragraph", "text": "Words", "at": "t.yaml:4:7"},
        "callout": {"kind": "callout", "text": "Words", "level": "urgent", "icon": None, "at": "t.yaml:4:7"},
        "bullets": {"kind": "bullets", "items": ["One", "Two"], "at": "t.yaml:4:7"},
        "steps": {"kind": "steps", "items": ["One", "Two"], "icon": "foot", "at": "t.yaml:4:7"},
        "figure": {
            "kind": "figure",
            "file": "dot.svg",
            "alt": "A dot",
            "caption": None,
            "size": "small",
            "at": "t.yaml:4:7",
        },
        "table": {"kind": "table", "caption": None, "columns": ["A", "B"], "rows": [["1", "2"]], "at": "t.yaml:4:7"},
    }
    assert set(sample) == set(CONTENT_BLOCKS), "add a sample for the new block kind"
    labels = labels_for(ROOT / "templates", "en")
    markup = render_markup([tmp_path, ROOT / "templates"], "entry.xml.j2", {"b": sample[kind], "labels": labels})
    document = ir.parse_markup(markup, {}, {"dot.svg": PICTURE})
    assert isinstance(document, ir.Document)
    assert document.blocks and document.blocks[0].at == Location("t.yaml", 4, 7)


def _deck_context(variant_name: str) -> BuildContext:
    variant = discover_variants(ROOT / "templates")[variant_name]
    meta = {"title": "T", "reviewed": "2026-11-01", "version": "1", "authors": ["A"], "language": "en"}
    meta |= {"subject": "s", "keywords": [], "topic": "t"}
    return BuildContext(variant, "", NEUTRAL, meta, labels_for(ROOT / "templates", "en"), ROOT, 0)


@pytest.mark.parametrize(
    ("inner", "what"),
    [
        ("<qr>https://example.org/x</qr>", "a QR code"),
        ("<callout><table><head><cell>A</cell></head><row><cell>1</cell></row></table></callout>", "a table"),
    ],
)
def test_a_slide_refuses_what_it_cannot_show_at_its_place(inner: str, what: str) -> None:
    inner = inner.replace("<qr>", '<qr at="topic.yaml:12:3">').replace("<table>", '<table at="topic.yaml:12:3">')
    deck = ir.parse_markup(f"<deck><title>T</title><slide><title>S</title>{inner}</slide></deck>", {})
    assert isinstance(deck, ir.Deck)
    with pytest.raises(BuildError) as caught:
        PptxBuilder().build(deck, _deck_context("patient-deck"))
    problem = caught.value.problems[0]
    assert problem.location == Location("topic.yaml", 12, 3)
    assert what in problem.message


def test_a_pdf_draws_a_qr_code_anywhere() -> None:
    from handouts.builders.pdf.builder import PdfBuilder

    document = ir.parse_markup("<document><title>T</title><qr>https://example.org/x</qr></document>", {})
    assert isinstance(document, ir.Document)
    context = dataclasses.replace(_deck_context("patient-handout"), paper="letter")
    result = PdfBuilder().build(document, context)
    assert result.pages == 1 and io.BytesIO(result.data).getvalue().startswith(b"%PDF")
