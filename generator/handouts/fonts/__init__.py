"""The project's typefaces, all SIL Open Font License and vendored in typefaces/: Open Sans prints Latin,
Vietnamese, Cyrillic and Greek in the PDFs, and Noto Sans SC, TC, KR and Arabic print Chinese, Korean and Arabic;
decks name a typeface every PowerPoint has and are measured with a metric-compatible open font
(typefaces/README.md). Which typeface prints which language is `fonts.scripts`; a typeface with `fallbacks`
draws each character its own files lack with the first fallback that has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import cast

from handouts.fonts.cmap import read_font

# The faces a style may name; a family without one of them draws another in its place (Typeface.aliases).
FACES = ("regular", "bold", "italic", "bold-italic", "semibold")


@dataclass(frozen=True)
class Typeface:
    """A font family we measure and print with: its files by face, the faces it draws with another of its faces,
    and the typefaces that draw the characters it lacks, in order."""

    family: str
    folder: Path
    files: tuple[tuple[str, str], ...]  # (face, file name)
    aliases: tuple[tuple[str, str], ...] = ()  # (face the family lacks, face drawn instead): italic -> regular
    fallbacks: tuple[Typeface, ...] = ()
    shaped: bool = False  # its script's letters change shape by their neighbours: measured and drawn through harfbuzz

    def __hash__(self) -> int:
        # Typefaces key the measuring caches, hashed hundreds of thousands of times a deck: hash the fields once.
        found = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.family, self.folder, self.files, self.aliases, self.fallbacks, self.shaped))
            object.__setattr__(self, "_hash", found)
        return int(found)

    def face(self, face: str) -> str:
        """Return the face of this family that draws `face` (itself, or the one an alias names)."""
        return dict(self.aliases).get(face, face)

    def path(self, face: str) -> Path:
        return self.folder / dict(self.files)[self.face(face)]

    def with_fallbacks(self, fallbacks: tuple[Typeface, ...]) -> Typeface:
        """Return this typeface drawing what it lacks with `fallbacks` (itself and duplicates left out)."""
        kept: list[Typeface] = []
        for typeface in fallbacks:
            plain = typeface.alone()
            if plain != self.alone() and plain not in kept:
                kept.append(plain)
        return Typeface(self.family, self.folder, self.files, self.aliases, tuple(kept), self.shaped)

    def alone(self) -> Typeface:
        """Return this typeface without its fallbacks (the same object each time: it keys caches, so its hash is
        worked out once rather than for a new object on every lookup)."""
        if not self.fallbacks:
            return self
        found = self.__dict__.get("_alone")
        if found is None:
            found = Typeface(self.family, self.folder, self.files, self.aliases, (), self.shaped)
            object.__setattr__(self, "_alone", found)
        return cast(Typeface, found)

    @property
    def chain(self) -> tuple[Typeface, ...]:
        """Return this typeface and its fallbacks, in the order a character is looked for in them."""
        return (self.alone(), *self.fallbacks)


FAMILY = "OpenSans"
_FILES = {
    "regular": "OpenSans-Regular.ttf",
    "bold": "OpenSans-Bold.ttf",
    "italic": "OpenSans-Italic.ttf",
    "bold-italic": "OpenSans-BoldItalic.ttf",
    "semibold": "OpenSans-SemiBold.ttf",
}


FONT_DIR = Path(__file__).resolve().parent.parent / "typefaces"  # every vendored typeface, with its licence
OPEN_SANS = Typeface(FAMILY, FONT_DIR, tuple(_FILES.items()))
SLIDE_FONT_DIR = FONT_DIR  # Carlito lies beside Open Sans
SCRIPT_FONT_DIR = FONT_DIR  # and the Noto faces
SUMS_FILE = "SHA256SUMS"  # the digest of every vendored font file, written by `python -m handouts.fonts.refresh`

# Regular and bold only: italic is drawn upright (CJK and Arabic have no italic tradition), semibold as bold.
_TWO_FACES = (("italic", "regular"), ("bold-italic", "bold"), ("semibold", "bold"))


def noto(family: str, shaped: bool = False) -> Typeface:
    """Return a vendored Noto family (NotoSansSC...) with its Regular and Bold faces."""
    files = (("regular", f"{family}-Regular.ttf"), ("bold", f"{family}-Bold.ttf"))
    return Typeface(family, SCRIPT_FONT_DIR, files, _TWO_FACES, shaped=shaped)


NOTO_SANS_SC = noto("NotoSansSC")
NOTO_SANS_TC = noto("NotoSansTC")
NOTO_SANS_KR = noto("NotoSansKR")
NOTO_SANS_ARABIC = noto("NotoSansArabic", shaped=True)
SCRIPT_TYPEFACES = (NOTO_SANS_SC, NOTO_SANS_TC, NOTO_SANS_KR, NOTO_SANS_ARABIC)

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
    return f"{typeface.family}-{typeface.face(face)}"


def slide_typeface(name: str) -> Typeface:
    """Return the metrics of the slide typeface `name` (a key of SLIDE_TYPEFACES)."""
    return SLIDE_TYPEFACES[name]


def register_typeface(typeface: Typeface) -> None:
    """Register `typeface` and its fallbacks with reportlab once per process, to measure and draw with them."""
    for member in typeface.chain:
        _register(member)


@cache
def _register(typeface: Typeface) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if typeface == OPEN_SANS:
        register_pdf_fonts()
        return
    for face, _ in typeface.files:
        pdfmetrics.registerFont(TTFont(font_name(face, typeface), str(typeface.path(face))))
    # <b> and <i> inside a run of this family find its faces; those it lacks are drawn as their aliases are.
    pdfmetrics.registerFontFamily(
        typeface.family,
        normal=font_name("regular", typeface),
        bold=font_name("bold", typeface),
        italic=font_name("italic", typeface),
        boldItalic=font_name("bold-italic", typeface),
    )


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


@lru_cache(maxsize=32)
def covered_characters(typeface: Typeface = OPEN_SANS) -> frozenset[int]:
    """Return the code points every face of `typeface` can draw, or one of its fallbacks can."""
    covered: set[int] = set()
    for member in typeface.chain:
        covered |= _own_characters(member)
    return frozenset(covered)


def draws_all(typeface: Typeface, text: str) -> bool:
    """Return True when `typeface` or one of its fallbacks draws every character of `text` but white space: the
    typeface's own files are read first, its fallbacks' only when it lacks a character."""
    used = {ord(ch) for ch in text if not ch.isspace()}
    return covered_characters(typeface.alone()).issuperset(used) or covered_characters(typeface).issuperset(used)


@cache
def _own_characters(typeface: Typeface) -> frozenset[int]:
    """Return the code points every face of the typeface itself draws (its fallbacks left out)."""
    found: frozenset[int] | None = None
    for face, _ in typeface.files:
        chars = read_font(typeface.path(face)).characters
        found = chars if found is None else found & chars
    return found or frozenset()


def typeface_of(ch: str, typeface: Typeface) -> Typeface:
    """Return the member of `typeface`'s chain that draws `ch`: the first that has it (the typeface itself when
    none has it: the check reports such a character before anything is drawn)."""
    code = ord(ch)
    for member in typeface.chain:
        if code in _own_characters(member):
            return member
    return typeface.alone()


def fonts_fingerprint() -> list[Path]:
    """Return the files that stand for the fonts, for cache keys: the digests of every vendored font file (a test
    keeps SHA256SUMS equal to them), so no run reads tens of megabytes of fonts."""
    return [FONT_DIR / SUMS_FILE]


@cache
def line_height_em(face: str = "regular", typeface: Typeface = OPEN_SANS) -> float:
    """Return the font's own line height (hhea ascender + descender + line gap) as a multiple of its size.

    Slide software spaces single-spaced lines by these metrics, so measuring with them predicts the render.
    """
    return read_font(typeface.alone().path(face)).line_height


@lru_cache(maxsize=1 << 16)  # fitting a deck measures the same paragraphs thousands of times
def text_line_height_em(text: str, face: str, typeface: Typeface) -> float:
    """Return the line height of `text` set in `typeface`'s chain: the tallest of the members that draw it, as
    slide software spaces a line by its tallest font (a Chinese line in Calibri and Microsoft YaHei by YaHei's)."""
    if not typeface.fallbacks:
        return line_height_em(face, typeface)
    members = frozenset(member for member, _ in typeface_runs(text, typeface)) or frozenset({typeface.alone()})
    return max(line_height_em(face, member) for member in members)


def typeface_runs(text: str, typeface: Typeface) -> list[tuple[Typeface, str]]:
    """Return `text` cut into runs each drawn by one member of `typeface`'s chain, in order (a member without
    its fallbacks). Text the typeface itself draws whole is one run."""
    own = _own_characters(typeface.alone())
    if not typeface.fallbacks or own.issuperset(map(ord, text)):
        return [(typeface.alone(), text)] if text else []
    runs: list[tuple[Typeface, str]] = []
    for ch in text:
        member = typeface.alone() if ord(ch) in own or ch.isspace() else typeface_of(ch, typeface)
        if runs and runs[-1][0] == member:
            runs[-1] = (member, runs[-1][1] + ch)
        else:
            runs.append((member, ch))
    return runs
