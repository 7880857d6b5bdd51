"""The Word builder on markup written for the test (no build of the project): Word lists that restart, tables too
wide for their column stacked a row a table, equal bytes for equal inputs, dated by the epoch."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
from conftest import ROOT
from docx_read import W, body_paragraphs, list_of, numbering, paragraph_text, read, stacked_tables
from handouts import ir
from handouts.templating.labels import labels_for
from handouts.templating.variants import discover_variants

VARIANTS = discover_variants(ROOT / "templates")


def _build(markup: str, variant: str = "patient-handout-docx", paper: str = "letter", epoch: int = 0) -> Any:
    """Return the Word document the builder makes of `markup` (a <document>), for the neutral brand, and the result."""
    from handouts.builders.context import BuildContext
    from handouts.builders.docx.builder import DocxBuilder
    from handouts.content.brand import NEUTRAL

    meta = {"title": "T", "short_title": "T", "reviewed": "2026-11-01", "version": "1", "authors": ["A"]}
    meta |= {"language": "en", "subject": "s", "keywords": [], "topic": "t", "draft": False}
    labels = labels_for(ROOT / "templates", "en")
    context = BuildContext(VARIANTS[variant], paper, NEUTRAL, meta, labels, ROOT, epoch)
    document = ir.parse_markup(markup, {})
    assert isinstance(document, ir.Document)
    result = DocxBuilder().build(document, context)
    return _open(result.data), result


def _open(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def test_each_numbered_list_starts_again_at_one(tmp_path: Path) -> None:
    markup = (
        "<document><title>Two lists</title><h>First</h><steps><item>One</item><item>Two</item></steps>"
        "<h>Second</h><steps><item>Three</item><item>Four</item><item>Five</item></steps></document>"
    )
    document, _ = _build(markup)
    path = tmp_path / "lists.docx"
    document.save(str(path))
    lists, starts = numbering(path)
    numbered = [list_of(p) for p in body_paragraphs(path) if list_of(p)]
    assert len(numbered) == 5 and len(set(numbered)) == 2, "each list of steps is a Word list of its own"
    assert all(lists[n]["format"] == "decimal" and starts[n] == "1" for n in numbered)


def test_a_table_too_wide_for_its_column_is_stacked_a_row_a_table(tmp_path: Path) -> None:
    head = "".join(
        f"<cell>{name}</cell>" for name in ("Medicine", "Gastrointestinal", "Intramuscular", "Breastfeeding")
    )
    values = ("Cyanocobalamin", "Homocysteine", "Methylmalonic", "Hydroxocobalamin")
    row = "<row>" + "".join(f"<cell>{value}</cell>" for value in values) + "</row>"
    markup = (
        f"<document><title>Wide</title><table><caption>Forms</caption><head>{head}</head>{row}{row}</table></document>"
    )
    document, _ = _build(markup)
    path = tmp_path / "wide.docx"
    document.save(str(path))
    tables = [t for t in read(path).element.body.iter(f"{W}tbl") if t.find(f"{W}tblPr/{W}tblStyle") is not None]
    assert len(tables) == 2, "one small table a row"
    for table in tables:
        rows = table.findall(f"{W}tr")
        assert len(table.findall(f"{W}tblGrid/{W}gridCol")) == 2 and rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        cells = [[paragraph_text(c) for c in r.findall(f"{W}tc")] for r in rows]
        assert cells == [
            ["Medicine", "Cyanocobalamin"],
            ["Gastrointestinal", "Homocysteine"],
            ["Intramuscular", "Methylmalonic"],
            ["Breastfeeding", "Hydroxocobalamin"],
        ]
    assert stacked_tables(path) == {"Medicine"}


def test_equal_inputs_give_equal_bytes_dated_by_the_epoch() -> None:
    markup = "<document><title>Dates</title><h>One</h><p>Words.</p><steps><item>A</item></steps></document>"
    first, second = _build(markup, epoch=1_800_000_000)[1], _build(markup, epoch=1_800_000_000)[1]
    other = _build(markup, epoch=1_700_000_000)[1]
    assert first.data == second.data and first.data != other.data
    moment = dt.datetime.fromtimestamp(1_800_000_000, tz=dt.UTC)
    with zipfile.ZipFile(io.BytesIO(first.data)) as package:
        assert {info.date_time for info in package.infolist()} == {moment.timetuple()[:6]}
    assert _open(first.data).core_properties.created == moment


def test_the_gallery_outline_of_a_document_is_its_headings(tmp_path: Path) -> None:
    from handouts.builders.docx.template import headings

    markup = "<document><title>Foot care</title><h>Every day</h><p>Look.</p><h level='3'>At night</h></document>"
    path = tmp_path / "outline.docx"
    path.write_bytes(_build(markup)[1].data)
    assert headings(path) == ["Foot care", "Every day", "At night"]
