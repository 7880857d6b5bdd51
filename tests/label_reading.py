"""Reading outputs back as text, to compare them with the labels: PDFs page by page, decks run by run, web pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import lxml.html
import pdfplumber
import yaml

LABELS = Path(__file__).resolve().parent.parent / "templates" / "labels.yaml"
DRAWINGML = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def english_labels() -> set[str]:
    """Return the English label texts a page could print, with their placeholders cut out."""
    table = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    english, spanish = table["en"], table["es"]
    words = set()
    for key, text in english.items():
        if key in ("run_language", "date", "months") or text == spanish[key]:
            continue
        words |= {piece.strip(" ·,.") for piece in re.split(r"\{[a-z_]+\}", text) if len(piece.strip(" ·,.")) > 3}
    return words


def label(language: str, key: str) -> str:
    """Return one label as labels.yaml writes it."""
    return str(yaml.safe_load(LABELS.read_text(encoding="utf-8"))[language][key])


def pdf_pages(path: Path) -> list[str]:
    """Return the text of each page of a PDF."""
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def pdf_text(path: Path) -> str:
    return "\n".join(pdf_pages(path))


def page_text(path: Path) -> str:
    """Return what a web page says: its body's text and its pictures' alt text."""
    body = lxml.html.document_fromstring(path.read_bytes()).find("body")
    return " ".join([body.text_content(), *(img.get("alt", "") for img in body.iter("img"))])


def deck_runs(path: Path) -> list[Any]:
    """Return every text run of every slide of a deck."""
    from pptx import Presentation

    deck = Presentation(str(path))
    return [
        run
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]


def slide_texts(path: Path) -> list[str]:
    """Return all the text of each slide of a deck."""
    from pptx import Presentation

    return [
        " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in Presentation(str(path)).slides
    ]


def output_text(path: Path) -> str:
    """Return every word an output prints, whatever its format."""
    if path.suffix == ".html":
        return page_text(path)
    if path.suffix == ".pdf":
        return pdf_text(path)
    if path.suffix == ".docx":
        return docx_text(path)
    return " ".join(run.text for run in deck_runs(path))


def docx_text(path: Path) -> str:
    """Return every word a Word document prints: its body, headers and footers (fields as they show)."""
    import docx

    document = docx.Document(str(path))
    parts = [document.element] + [
        rel.target_part.element for rel in document.part.rels.values() if rel.reltype.endswith(("/header", "/footer"))
    ]
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    return " ".join(
        "".join(t.text or "" for t in p.iter(f"{namespace}t")) for part in parts for p in part.iter(f"{namespace}p")
    )
