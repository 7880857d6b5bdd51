"""Render .pptx decks with LibreOffice and check the rendered text stays inside its shapes and the slide.

The check compares what python-pptx says a deck holds (each text-bearing shape's box and text) with where
LibreOffice actually drew every character (pdfplumber on the exported PDF, one page per slide, page size equal
to the slide size in points). It finds text that runs off the slide, text that overflows every shape, shapes
that overlap, and text that crossed from one shape into another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.preview.office import decks_to_pdf, soffice

EMU_PER_PT = 12700
SOFFICE_TIMEOUT = 180  # seconds per deck
INSIDE_TOLERANCE = 2.0  # points a character may stick out of its shape's box
PAGE_TOLERANCE = 0.5  # points a character may stick out of the page (rounding)
OVERLAP_MIN = 0.5  # points two boxes must share in both directions to count as overlapping
CROSSING_TOLERANCE = 2  # extra characters a box may hold beyond its own text (e.g. a ligature split)
# A character's ink, around its baseline, as shares of its size: pdfplumber's own box is the em above the
# baseline as the font's descriptor places it, which differs between fonts by a fifth of the size.
INK_ASCENT = 0.8
INK_DESCENT = 0.22


# ----- rendering ------------------------------------------------------------------------------------------------
def soffice_available() -> bool:
    """Return True when LibreOffice is installed."""
    return soffice() is not None


def render_pptx_to_pdf(pptx: Path, out_dir: Path) -> Path:
    """Convert `pptx` to a PDF in `out_dir` with LibreOffice (as the gallery does) and return the PDF's path."""
    out_dir = Path(out_dir).resolve()
    rendered = decks_to_pdf([Path(pptx)], out_dir, timeout=SOFFICE_TIMEOUT)
    if Path(pptx) not in rendered:
        raise RuntimeError(f"soffice could not convert {pptx} within {SOFFICE_TIMEOUT} s")
    return rendered[Path(pptx)]


# ----- what the deck holds --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShapeBox:
    """A text-bearing shape: its name, box in points from the top-left corner, and its own text."""

    name: str
    left: float
    top: float
    width: float
    height: float
    text: str
    paragraphs: int  # characters drawn besides the text: a bullet a paragraph, or a step's number

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def contains(self, x0: float, top: float, x1: float, bottom: float, tolerance: float) -> bool:
        return (
            x0 >= self.left - tolerance
            and x1 <= self.right + tolerance
            and top >= self.top - tolerance
            and bottom <= self.bottom + tolerance
        )

    def holds_centre(self, char: dict[str, Any]) -> bool:
        x = (char["x0"] + char["x1"]) / 2
        y = (char["top"] + char["bottom"]) / 2
        return self.left <= x <= self.right and self.top <= y <= self.bottom

    def distance(self, char: dict[str, Any]) -> float:
        """Return how far (points) the character's box sticks out of this box, 0 when inside."""
        return max(
            self.left - char["x0"],
            char["x1"] - self.right,
            self.top - char["top"],
            char["bottom"] - self.bottom,
            0.0,
        )

    def label(self) -> str:
        return f"'{self.name}' ({self.left:.1f}, {self.top:.1f}, {self.width:.1f} x {self.height:.1f} pt)"


def _pt(emu: int | None) -> float:
    return (emu or 0) / EMU_PER_PT


def _non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _marks(frame: Any) -> int:
    """Return how many characters a frame may draw besides its text: a bullet, or a step's number and stop."""
    from pptx.oxml.ns import qn

    marks = 0
    for paragraph in frame.paragraphs:
        props = paragraph._p.pPr if hasattr(paragraph, "_p") else None
        number = props.find(qn("a:buAutoNum")) if props is not None else None
        marks += len(number.get("startAt", "1")) + 2 if number is not None else 1
    return marks


def text_shapes(slide: Any) -> list[ShapeBox]:
    """Return the boxes of a slide's shapes that hold text: non-empty text frames, and tables."""
    boxes: list[ShapeBox] = []
    for shape in slide.shapes:
        if getattr(shape, "has_table", False) and shape.has_table:
            table = shape.table
            height = sum(_pt(row.height) for row in table.rows)
            cells = [cell.text_frame for row in table.rows for cell in row.cells]
            text = "\n".join(frame.text for frame in cells)
            boxes.append(
                ShapeBox(
                    shape.name,
                    _pt(shape.left),
                    _pt(shape.top),
                    _pt(shape.width),
                    height,
                    text,
                    sum(_marks(frame) for frame in cells),
                )
            )
        elif shape.has_text_frame and shape.text_frame.text.strip():
            frame = shape.text_frame
            boxes.append(
                ShapeBox(
                    shape.name,
                    _pt(shape.left),
                    _pt(shape.top),
                    _pt(shape.width),
                    _pt(shape.height),
                    frame.text,
                    _marks(frame),
                )
            )
    return boxes


# ----- the check ------------------------------------------------------------------------------------------------
def _snippet(chars: list[dict[str, Any]], limit: int = 70) -> str:
    """Return the characters as text in reading order, spaces between words and lines, shortened."""
    ordered = sorted(chars, key=lambda c: (round(c["top"]), c["x0"]))
    text, previous = "", None
    for char in ordered:
        if previous is not None and (
            abs(char["top"] - previous["top"]) > 1 or char["x0"] - previous["x1"] > char["size"] * 0.15
        ):
            text += " "
        text += char["text"]
        previous = char
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _overlap(a: ShapeBox, b: ShapeBox) -> tuple[float, float]:
    return (
        min(a.right, b.right) - max(a.left, b.left),
        min(a.bottom, b.bottom) - max(a.top, b.top),
    )


def ink_box(char: dict[str, Any], page_height: float) -> dict[str, Any]:
    """Return `char` with its top and bottom where its glyph's ink lies, measured from its baseline."""
    matrix = char.get("matrix")
    if not matrix:
        return char
    baseline = page_height - matrix[5]
    return {**char, "top": baseline - INK_ASCENT * char["size"], "bottom": baseline + INK_DESCENT * char["size"]}


def slide_problems(
    number: int, boxes: list[ShapeBox], chars: list[dict[str, Any]], size: tuple[float, float]
) -> list[str]:
    """Return the problems of one slide: its text shapes' boxes and the characters drawn on its page."""
    width, height = size
    problems: list[str] = []
    chars = [ink_box(c, height) for c in chars if c["text"].strip()]

    off_page = [
        c
        for c in chars
        if c["x0"] < -PAGE_TOLERANCE
        or c["top"] < -PAGE_TOLERANCE
        or c["x1"] > width + PAGE_TOLERANCE
        or c["bottom"] > height + PAGE_TOLERANCE
    ]
    if off_page:
        worst = max(max(-c["x0"], -c["top"], c["x1"] - width, c["bottom"] - height) for c in off_page)
        problems.append(
            f"slide {number}: text outside the slide: '{_snippet(off_page)}' "
            f"({len(off_page)} characters, up to {worst:.1f} pt beyond the edge)"
        )

    outside = [
        c
        for c in chars
        if not any(b.contains(c["x0"], c["top"], c["x1"], c["bottom"], INSIDE_TOLERANCE) for b in boxes)
    ]
    if outside:
        by_shape: dict[str, list[dict[str, Any]]] = defaultdict(list)
        worst_by_shape: dict[str, float] = defaultdict(float)
        for char in outside:
            nearest = min(boxes, key=lambda b: b.distance(char)) if boxes else None
            key = nearest.label() if nearest else "no shape"
            by_shape[key].append(char)
            if nearest:
                worst_by_shape[key] = max(worst_by_shape[key], nearest.distance(char))
        for key, group in by_shape.items():
            lowest = max(c["bottom"] for c in group)
            problems.append(
                f"slide {number}: text outside every shape (overflow?): '{_snippet(group)}' "
                f"({len(group)} characters; nearest shape {key}, up to {worst_by_shape[key]:.1f} pt outside it; "
                f"lowest text ends at y={lowest:.1f} pt)"
            )

    for i, first in enumerate(boxes):
        for second in boxes[i + 1 :]:
            dx, dy = _overlap(first, second)
            if dx > OVERLAP_MIN and dy > OVERLAP_MIN:
                problems.append(
                    f"slide {number}: shapes {first.label()} and {second.label()} overlap ({dx:.1f} x {dy:.1f} pt)"
                )

    for box in boxes:
        inside = [c for c in chars if box.holds_centre(c)]
        own = _non_space(box.text) + box.paragraphs
        drawn = sum(_non_space(c["text"]) for c in inside)
        if drawn > own + CROSSING_TOLERANCE:
            problems.append(
                f"slide {number}: text crosses into shape {box.label()}: {drawn} characters drawn in it, "
                f"its own text has at most {own}"
            )
    return problems


def overflow_problems(pptx: Path, pdf: Path) -> list[str]:
    """Return every place where the rendered `pdf` of `pptx` draws text off its slide, shape or into another."""
    import pdfplumber
    from pptx import Presentation

    prs = Presentation(str(pptx))
    slide_size = (_pt(prs.slide_width), _pt(prs.slide_height))
    problems: list[str] = []
    with pdfplumber.open(str(pdf)) as document:
        if len(document.pages) != len(prs.slides):
            problems.append(f"the PDF has {len(document.pages)} pages, the deck {len(prs.slides)} slides")
        for number, (slide, page) in enumerate(zip(prs.slides, document.pages, strict=False), start=1):
            page_size = (float(page.width), float(page.height))
            if any(abs(a - b) > 1 for a, b in zip(page_size, slide_size, strict=True)):
                problems.append(
                    f"slide {number}: page is {page_size[0]:.1f} x {page_size[1]:.1f} pt, "
                    f"the slide {slide_size[0]:.1f} x {slide_size[1]:.1f} pt"
                )
            problems += slide_problems(number, text_shapes(slide), list(page.chars), slide_size)
    return problems


def rendered_fonts(pdf: Path) -> set[str]:
    """Return the names of the fonts the PDF draws text with, subset prefixes removed."""
    import pdfplumber

    with pdfplumber.open(str(pdf)) as document:
        return {c["fontname"].split("+", 1)[-1] for page in document.pages for c in page.chars if c["text"].strip()}


# ----- the stress topic -----------------------------------------------------------------------------------------
STRESS_TOPIC = Path(__file__).resolve().parent / "fixtures" / "stress" / "stress-topic.yaml"
STRESS_HEADER = (
    "# A topic built to stress the decks: very long headings, bullets, tables, notes and answers.\n"
    "# Generated by tests/render_support.py (write_stress_topic); regenerate it with\n"
    "#   .venv/bin/python tests/render_support.py\n"
    "# rather than editing it by hand. tests/test_deck_render.py checks the two agree.\n"
)
_BANK = (
    "Vitamin B12 keeps the coating of your nerves healthy and helps signals travel between your brain and your "
    "feet without delay. When the level runs low for many months the coating wears thin, and you may feel "
    "tingling, numbness, burning or pins and needles that start in the toes and slowly move up the legs. "
    "Gastrointestinal surgery, pernicious anemia, metformin, proton pump inhibitors and a strict vegan diet all "
    "make a deficiency more likely, so the clinic checks methylmalonic acid and homocysteine when the serum "
    "cyanocobalamin/hydroxocobalamin result is borderline. Treatment with tablets or injections usually stops "
    "the damage from getting worse, and many people notice steadier walking and less pain within weeks, although "
    "nerves that were damaged for years may never heal completely. Bring a list of every medicine and supplement "
    "you take, write down when the symptoms began, and ask the nurse to show you how to check your feet each day."
)
_WORDS = _BANK.split()


def _words(count: int, start: int) -> str:
    """Return `count` words of the sentence bank from word `start` on (wrapping), as one sentence."""
    picked = [_WORDS[(start + i) % len(_WORDS)] for i in range(count)]
    text = " ".join(picked).rstrip(".,;:")
    return text[0].upper() + text[1:] + "."


def _heading(number: int) -> str:
    text = (
        f"Part {number}: a deliberately long section heading that keeps going well past what fits on one line "
        "of a slide title, to make sure the deck shrinks it, wraps it and still leaves room for the body"
    )
    assert len(text) >= 150
    return text


def _cited(count: int, start: int) -> dict[str, str]:
    """Return audience text whose clinician and trainee versions cite a reference."""
    plain = _words(count, start)
    return {"patient": plain, "clinician": f"{plain[:-1]} [@julian2020].", "trainee": f"{plain[:-1]} [@julian2020]."}


def stress_topic() -> dict[str, Any]:
    """Return the stress topic's data: deterministic, valid per docs/content-format.md."""
    long_bullets = [_words(80 + 3 * i, 11 * i) for i in range(6)]
    many_bullets = [_words(6 + (i % 5) * 3, 7 * i) for i in range(30)]
    slide_points = [_words(18 + (i % 4) * 4, 5 * i) for i in range(12)]  # 12 is the schema's maximum
    columns = [
        "Group at risk",
        "Why B12 runs low",
        "What the patient may notice",
        "Test to order",
        "Usual treatment",
        "Follow-up and what to tell the patient",
    ]
    rows = [[_words(14 + (r + c) % 4 * 4, 13 * r + 29 * c) for c in range(6)] for r in range(25)]
    return {
        "id": "stress-topic",
        "title": "Vitamin B12 and nerve damage in the feet: a stress test of every deck",
        "subtitle": "Every part of this topic is longer than a slide can hold",
        "version": "1.0",
        "reviewed": "2026-01-15",
        "next_review": "2027-01-15",
        "language": "en",
        "authors": ["Test Author"],
        "reviewers": ["Test Reviewer"],
        "source": "Generated for the render tests",
        "main_message": _cited(120, 3),
        "sections": [
            {
                "id": "long-text",
                "heading": _heading(1),
                "blocks": [
                    {"paragraph": _cited(150, 0)},
                    {"bullets": long_bullets},
                    {"callout": _words(60, 40)},
                ],
                "notes": _words(260, 9),
            },
            {
                "id": "many-bullets",
                "heading": _heading(2),
                "blocks": [{"paragraph": _words(30, 17)}, {"bullets": many_bullets}, {"steps": many_bullets[:12]}],
                "notes": _words(200, 21),
            },
            {
                "id": "many-slide-points",
                "heading": _heading(3),
                "blocks": [{"paragraph": _cited(90, 33)}, {"bullets": long_bullets[:3]}],
                "slide": slide_points,
                "notes": _words(220, 45),
            },
            {
                "id": "wide-table",
                "heading": _heading(4),
                "blocks": [
                    {"paragraph": _words(40, 57)},
                    {"table": {"caption": _words(20, 61), "columns": columns, "rows": rows}},
                ],
                "notes": _words(240, 70),
            },
        ],
        "key_points": [_words(40 + 10 * i, 19 * i) for i in range(5)],
        "when_to_call": {
            "urgent": [_words(35 + 8 * i, 23 * i + 5) for i in range(2)],
            "call": [_words(35 + 8 * i, 23 * i + 5) for i in range(2, 5)],
        },
        "questions_to_ask": [_words(30 + 9 * i, 31 * i + 2) for i in range(6)],
        "faq": [{"question": _words(35, 41 * i), "answer": _cited(110 + 20 * i, 41 * i + 7)} for i in range(3)],
        "learning_objectives": [_words(30 + 5 * i, 37 * i) for i in range(4)],
        "quiz": [{"question": _words(40 + 5 * i, 43 * i + 3), "answer": _words(90, 43 * i + 11)} for i in range(4)],
        "disclaimer": _words(60, 50),
    }


def stress_topic_yaml() -> str:
    """Return the stress topic as the YAML text committed in tests/fixtures/stress/."""
    import yaml

    return STRESS_HEADER + yaml.safe_dump(stress_topic(), sort_keys=False, allow_unicode=True, width=100)


def write_stress_topic(path: Path = STRESS_TOPIC) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(stress_topic_yaml(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_stress_topic())
