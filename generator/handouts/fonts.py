"""The project's typefaces: Open Sans (Apache 2.0, from the ttf-opensans dependency) is printed in the PDFs; decks
name a typeface every PowerPoint has and are measured with a metric-compatible open font (typefaces/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ttf_opensans


@dataclass(frozen=True)
class Typeface:
    """A font family we measure with: its files by face, and the name it is registered under in reportlab."""

    family: str
    folder: Path
    files: tuple[tuple[str, str], ...]  # (face, file name)

    def path(self, face: str) -> Path:
        return self.folder / dict(self.files)[face]


FAMILY = "OpenSans"
_FILES = {
    "regular": "OpenSans-Regular.ttf",
    "bold": "OpenSans-Bold.ttf",
    "italic": "OpenSans-Italic.ttf",
    "bold-italic": "OpenSans-BoldItalic.ttf",
    "semibold": "OpenSans-SemiBold.ttf",
}
FONT_DIR = Path(ttf_opensans.__file__).parent / "ttf"
OPEN_SANS = Typeface(FAMILY, FONT_DIR, tuple(_FILES.items()))
SLIDE_FONT_DIR = Path(__file__).resolve().parent / "typefaces"

# The typefaces a deck's style may name (`font:`), each with the open font that has its metrics.
SLIDE_TYPEFACES = {
    "Calibri": Typeface("Carlito", SLIDE_FONT_DIR, (("regular", "Carlito-Regular.ttf"), ("bold", "Carlito-Bold.ttf"))),
}
# LibreOffice is told to draw each slide typeface with its open twin (office.py).
METRIC_TWINS = {name: typeface.family for name, typeface in SLIDE_TYPEFACES.items()}


def font_path(face: str, typeface: Typeface = OPEN_SANS) -> Path:
    """Return the TrueType file of `face` (regular, bold, italic, bold-italic, semibold)."""
    return typeface.path(face)


def font_name(face: str, typeface: Typeface = OPEN_SANS) -> str:
    """Return the name a face is registered under in reportlab."""
    return f"{typeface.family}-{face}"


def slide_typeface(name: str) -> Typeface:
    """Return the metrics of the slide typeface `name` (a key of SLIDE_TYPEFACES)."""
    return SLIDE_TYPEFACES[name]


@cache
def register_typeface(typeface: Typeface) -> None:
    """Register `typeface`'s faces with reportlab once per process, to measure text with them."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if typeface == OPEN_SANS:
        register_pdf_fonts()
        return
    for face, _ in typeface.files:
        pdfmetrics.registerFont(TTFont(font_name(face, typeface), str(typeface.path(face))))


@cache
def register_pdf_fonts() -> None:
    """Register every face with reportlab once per process, and the family for <b> and <i>."""
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Images go into the PDF as compressed binary rather than ASCII85 text: smaller and faster to write.
    rl_config.useA85 = 0
    # Vector drawings (icons, SVG figures) start in Helvetica, which is never embedded; start them in ours.
    from reportlab.graphics import renderbase

    renderbase.STATE_DEFAULTS["fontName"] = font_name("regular")

    for face in _FILES:
        pdfmetrics.registerFont(TTFont(font_name(face), str(font_path(face))))
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=font_name("regular"),
        bold=font_name("bold"),
        italic=font_name("italic"),
        boldItalic=font_name("bold-italic"),
    )


@cache
def covered_characters() -> frozenset[int]:
    """Return the code points every face can draw."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    covered: frozenset[int] | None = None
    for face in _FILES:
        chars = frozenset(TTFontFile(str(font_path(face))).charToGlyph)
        covered = chars if covered is None else covered & chars
    return covered or frozenset()


def fonts_fingerprint() -> list[Path]:
    """Return the font files, for cache keys."""
    slides = [t.path(face) for t in SLIDE_TYPEFACES.values() for face, _ in t.files]
    return [font_path(face) for face in _FILES] + slides


@cache
def line_height_em(face: str = "regular", typeface: Typeface = OPEN_SANS) -> float:
    """Return the font's own line height (hhea ascender + descender + line gap) as a multiple of its size.

    Slide software spaces single-spaced lines by these metrics, so measuring with them predicts the render.
    """
    import struct

    data = font_path(face, typeface).read_bytes()
    count = struct.unpack(">H", data[4:6])[0]
    tables = {}
    for i in range(count):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        tables[tag] = offset
    units = struct.unpack(">H", data[tables[b"head"] + 18 : tables[b"head"] + 20])[0]
    ascender, descender, gap = struct.unpack(">hhh", data[tables[b"hhea"] + 4 : tables[b"hhea"] + 10])
    return (ascender - descender + gap) / units
