"""Typefaces a project (handouts.yaml) or a brand names for a script, under `fonts:`, and their checks.

    fonts:
      Arab:                                 # a script, by its ISO 15924 code: Latn, Cyrl, Hans, Hant, Kore, Arab...
        regular: fonts/Amiri-Regular.ttf    # a TrueType font inside the project: what PDFs print the script in
        bold: fonts/Amiri-Bold.ttf          # optional: bold text is set in `regular` without it
        slides: Traditional Arabic          # optional: the typeface decks name (one every clinic PC has)

A file that is not a TrueType font, one with PostScript outlines (which PDFs here cannot embed), or one that lacks
the script's letters is an error at its line, found by `check` before anything is built.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from handouts.content.assets import resolve_inside
from handouts.errors import Location, ProblemList
from handouts.fonts import Typeface
from handouts.fonts.cmap import FontFileError, read_font
from handouts.fonts.scripts import BUILT_IN, SAMPLES, SHAPED, ScriptFace
from handouts.formats.style import MapOfType
from handouts.source.schema import INVALID, Field, PatternType, RecordType, SchemaType, TextType
from handouts.source.yamlsource import YNode

_font_file = PatternType(
    r"[A-Za-z0-9_./ -]{1,200}\.(ttf|TTF)",
    "a TrueType font file (.ttf) inside the project",
    "for example fonts/Amiri.ttf",
)
_script = PatternType(r"[A-Z][a-z]{3}", "a script's ISO 15924 code", "for example Arab, Hans, Hant, Kore, Cyrl or Latn")
_face = RecordType(
    {
        "regular": Field(_font_file),
        "bold": Field(_font_file, required=False),
        "slides": Field(TextType(), required=False),
    }
)


class FontsType(SchemaType):
    """`fonts:` of a project or brand: a script code to its typeface; the code must be a script CLDR knows."""

    description = "a mapping of scripts to typefaces"
    _map = MapOfType(_face, _script)

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        value = self._map.check(node, problems, where)
        if value is INVALID:
            return value
        from handouts.languages import script_name

        for code in list(value):
            if script_name(code) == code:  # reported; the other scripts are still checked
                problems.add(code.loc, f"'{code}' in '{where}' is not a script", "for example Arab, Hans, Kore")
                del value[code]
        return value


fonts_type = FontsType()


def script_faces(data: dict[str, Any] | None, project_root: Path, problems: ProblemList) -> dict[str, ScriptFace]:
    """Return the checked typefaces `fonts:` names by script, reporting each file that cannot print its script."""
    faces: dict[str, ScriptFace] = {}
    for code, spec in (data or {}).items():
        files: dict[str, Path] = {}
        for face in ("regular", "bold"):
            value = spec.get(face)
            if value is None:
                continue
            where = getattr(value, "loc", None)
            path = resolve_inside(project_root, str(value), where, f"fonts.{code}.{face}", problems)
            if path is not None and _font_fits(path, str(code), where, problems):
                files[face] = path
        if "regular" in files:
            faces[str(code)] = _script_face(str(code), files, spec.get("slides"))
    return faces


def _font_fits(path: Path, script: str, where: Location | None, problems: ProblemList) -> bool:
    """Report a file that is not a TrueType font reportlab can embed, or that lacks the script's letters."""
    from handouts.languages import script_name

    try:
        facts = read_font(path)
    except FontFileError as exc:
        problems.add(where, f"{path.name} is {exc}", "name a TrueType (.ttf) font, as Google Fonts and Noto ship them")
        return False
    except OSError as exc:
        problems.add(where, f"{path.name} cannot be read: {exc.strerror}", "check the file")
        return False
    lacking = [ch for ch in SAMPLES.get(script, "") if ord(ch) not in facts.characters]
    if lacking:
        shown = " ".join(lacking[:12]) + (" ..." if len(lacking) > 12 else "")
        problems.add(
            where,
            f"{path.name} ({facts.family or 'a font'}) lacks {len(lacking)} letters of {script_name(script)}: {shown}",
            f"name a font made for {script_name(script)}",
        )
        return False
    return True


def _script_face(script: str, files: dict[str, Path], slides: Any) -> ScriptFace:
    """Return how a script is printed with the project's files: its own registration name, the built-in deck and
    web choices unless it names others."""
    regular = files["regular"]
    family = read_font(regular).family or regular.stem
    digest = hashlib.sha256("\0".join(str(p) for p in files.values()).encode()).hexdigest()[:8]
    # reportlab names a face {family}-{face}: a name of letters and digits only, unique to these files.
    name = re.sub(r"[^A-Za-z0-9]", "", family) + digest
    faces = (("regular", str(regular)), ("bold", str(files.get("bold", regular))))  # absolute: they may lie apart
    aliases = (("italic", "regular"), ("bold-italic", "bold"), ("semibold", "bold"))
    typeface = Typeface(name, regular.parent, faces, aliases, shaped=script in SHAPED)
    built_in = BUILT_IN.get(script)
    web = f'"{family}", {built_in.web}' if built_in is not None else f'"{family}", sans-serif'
    if slides:
        return ScriptFace(script, typeface, str(slides), typeface, web)
    if built_in is not None:
        return ScriptFace(script, typeface, built_in.slide_name, built_in.slide_twin, web)
    return ScriptFace(script, typeface, family, typeface, web)


def font_files(faces: dict[str, ScriptFace]) -> list[Path]:
    """Return the font files the faces print with, for the digests that key outputs."""
    return sorted({face.pdf.path(name) for face in faces.values() if face.pdf for name in ("regular", "bold")})
