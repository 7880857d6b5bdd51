"""Which typeface prints which script, in PDFs, decks and web pages, and how a script's lines run.

Each script (ISO 15924: Latn, Cyrl, Hans, Hant, Kore, Arab) has a typeface the PDFs embed, the typeface decks
name (one that ships with Office, so the clinic PC shows the deck as it was fitted) with the open font it is
measured and previewed with, and a web font stack. A project or a brand may name its own typeface for a script
(`fonts:` in handouts.yaml or the brand file); `ScriptFonts` is what one output uses: its language's typeface
first, then every other script's as the fallback chain for characters the first lacks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from handouts.fonts import (
    NOTO_SANS_ARABIC,
    NOTO_SANS_KR,
    NOTO_SANS_SC,
    NOTO_SANS_TC,
    OPEN_SANS,
    SLIDE_TYPEFACES,
    Typeface,
)

# Scripts whose lines break between any two characters (with the usual rules about punctuation), not at spaces.
BREAK_ANYWHERE = frozenset({"Hans", "Hant", "Hani", "Jpan"})
# Scripts whose letters take their shape from their neighbours (or stack marks): drawn through harfbuzz.
SHAPED = frozenset(
    {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym"}
    | {"Sinh", "Thai", "Laoo", "Mymr", "Khmr", "Tibt"}
)
# The run font slot PowerPoint takes a script's typeface from: East Asian, complex (right-to-left and shaped) or
# Latin (everything else).
EAST_ASIAN = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore"})


@dataclass(frozen=True)
class ScriptFace:
    """How one script is printed: the PDF typeface, the deck's typeface name and its twin, the web's font stack."""

    script: str
    pdf: Typeface | None  # None: no typeface ships for the script; a project must name one
    slide_name: str  # the typeface a deck names, one Office ships with
    slide_twin: Typeface | None  # the open font with its metrics, to measure and preview with
    web: str  # CSS font-family value

    @property
    def slide_slot(self) -> str:
        """Return the run font element PowerPoint reads this script's typeface from: latin, ea or cs."""
        if self.script in EAST_ASIAN:
            return "ea"
        return "cs" if self.script in SHAPED else "latin"


_LATIN_WEB = '"Open Sans", "Segoe UI", Roboto, Arial, sans-serif'
_CARLITO = SLIDE_TYPEFACES["Calibri"]
BUILT_IN: dict[str, ScriptFace] = {
    face.script: face
    for face in (
        ScriptFace("Latn", OPEN_SANS, "Calibri", _CARLITO, _LATIN_WEB),
        ScriptFace("Cyrl", OPEN_SANS, "Calibri", _CARLITO, _LATIN_WEB),
        ScriptFace("Grek", OPEN_SANS, "Calibri", _CARLITO, _LATIN_WEB),
        # Microsoft YaHei, JhengHei and Malgun Gothic ship with every Windows since Vista/7 and with Office for Mac.
        ScriptFace(
            "Hans",
            NOTO_SANS_SC,
            "Microsoft YaHei",
            NOTO_SANS_SC,
            '"Noto Sans SC", "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", sans-serif',
        ),
        ScriptFace(
            "Hant",
            NOTO_SANS_TC,
            "Microsoft JhengHei",
            NOTO_SANS_TC,
            '"Noto Sans TC", "Microsoft JhengHei", "PingFang TC", sans-serif',
        ),
        ScriptFace(
            "Kore",
            NOTO_SANS_KR,
            "Malgun Gothic",
            NOTO_SANS_KR,
            '"Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif',
        ),
        # Arial has Arabic letters on every Windows and Mac; PowerPoint's own Arabic theme font is Arial too.
        ScriptFace(
            "Arab",
            NOTO_SANS_ARABIC,
            "Arial",
            NOTO_SANS_ARABIC,
            '"Noto Sans Arabic", "Segoe UI", Tahoma, Arial, sans-serif',
        ),
    )
}
# Letters a typeface named for a script must have: the commonest of the script (for Chinese, forms that differ
# between the simplified and the traditional script), so a Latin font named for Arabic is caught at `check`.
SAMPLES = {
    "Latn": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "Cyrl": "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя",
    "Grek": "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψω",
    "Hans": "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后",
    "Hant": "的一是不了人我在有他這中大來上個國到說們為子和你地出道也時年得就那要下以生會自著去之過家學對可裡後",
    "Kore": "가나다라마바사아자차카타파하의는이에을를한국어병원의사약",
    "Jpan": "あいうえおかきくけこアイウエオ日本語",
    "Arab": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي،؟",
    "Hebr": "אבגדהוזחטיכלמנסעפצקרשת",
    "Deva": "अआइईउऊएऐओऔकखगघचछजझटठडढणतथदधनपफबभमयरलवशषसह",
    "Thai": "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ",
}
# The order a character missing from the language's own typeface is looked for in the others.
FALLBACK_ORDER = ("Latn", "Arab", "Hans", "Hant", "Kore")


@dataclass(frozen=True)
class ScriptFonts:
    """The typefaces one output prints with: its language's script first, the others as fallbacks."""

    script: str
    faces: tuple[tuple[str, ScriptFace], ...]  # every script's face, the project's and brand's choices applied

    def face(self, script: str | None = None) -> ScriptFace | None:
        """Return the face of `script` (the output's own when None), or None when no typeface prints it."""
        return dict(self.faces).get(script or self.script)

    def pdf(self, script: str | None = None) -> Typeface:
        """Return the PDF typeface of `script` (the output's own script when None) with the fallback chain."""
        own = self.face(script)
        primary = own.pdf if own is not None and own.pdf is not None else self._fallback_pdfs()[0]
        return primary.with_fallbacks(self._fallback_pdfs())

    def _fallback_pdfs(self) -> tuple[Typeface, ...]:
        faces = dict(self.faces)
        ordered = [*FALLBACK_ORDER, *sorted(set(faces) - set(FALLBACK_ORDER))]
        return tuple(face.pdf for code in ordered if (face := faces.get(code)) is not None and face.pdf is not None)

    def slide_twin(self, script: str | None = None) -> Typeface:
        """Return the fonts a deck in `script` is measured with: the Latin twin, then the script's own twin."""
        latin = self.face("Latn")
        own = self.face(script)
        base = latin.slide_twin if latin is not None and latin.slide_twin is not None else _CARLITO
        extra = (own.slide_twin,) if own is not None and own.slide_twin is not None else ()
        return base.with_fallbacks(extra)

    def slide_measure(self, base: Typeface, everything: bool) -> Typeface:
        """Return `base` (the twin of the typeface a deck names) falling back to the twin of the deck's own
        script, and when `everything`, to every script's twin after it."""
        own = self.face()
        twins = [own.slide_twin] if own is not None and own.slide_twin is not None else []
        if everything:
            twins += [face.slide_twin for _, face in self.faces if face.slide_twin is not None]
        return base.with_fallbacks(tuple(twins))

    def with_overrides(self, overrides: dict[str, ScriptFace]) -> ScriptFonts:
        """Return these fonts with the scripts `overrides` names printed as it says."""
        faces = dict(self.faces)
        faces.update(overrides)
        return replace(self, faces=tuple(sorted(faces.items())))


def fonts_for(script: str, overrides: dict[str, ScriptFace] | None = None) -> ScriptFonts:
    """Return the fonts of an output in `script`, with the project's and brand's `overrides` applied."""
    fonts = ScriptFonts(script, tuple(sorted(BUILT_IN.items())))
    return fonts.with_overrides(overrides) if overrides else fonts


def preview_twins() -> dict[str, str]:
    """Return the East Asian typefaces decks name with the family of the open font LibreOffice draws them with
    (Microsoft YaHei with Noto Sans SC): the previews show the deck's Chinese and Korean as a clinic PC would,
    in a font of the same design and em-wide ideographs. Arial keeps its own metric twin; its Arabic letters come
    from the Noto Sans Arabic in the same font folder."""
    from handouts.fonts.cmap import read_font

    twins = {}
    for face in BUILT_IN.values():
        if face.slide_slot == "ea" and face.slide_twin is not None:
            twins[face.slide_name] = read_font(face.slide_twin.path("regular")).family
    return twins
