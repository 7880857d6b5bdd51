"""Clinic brands: content/brands/<clinic>.yaml, validated like topics, and the neutral built-in brand."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handouts.content.assets import check_image, resolve_inside
from handouts.content.model import IdentifierType
from handouts.content.taglines import TaglineSettings, tagline_settings, taglines_type
from handouts.content.typefaces import font_files, fonts_type, script_faces
from handouts.errors import InputError, Location, ProblemList, display_name
from handouts.fonts.scripts import ScriptFace
from handouts.formats.registry import brand_file_keys, brand_keys
from handouts.formats.style import color
from handouts.paths import shown
from handouts.source.schema import INVALID, Field, PatternType, RecordType, SchemaType, Text, TextType, suggest
from handouts.source.yamlsource import YNode, read_yaml

_LINK = r'(https://|mailto:|tel:)[^\s<>"]{1,500}'  # no needless escape: JSON Schema's regexes (ECMA-262) refuse them


class TextByLanguageType(SchemaType):
    """Text, or a mapping of language codes to text: {'': text} or {'en': ..., 'es': ...}."""

    description = "text, or a mapping of languages (en, es) to text"

    def check(self, node: YNode, problems: ProblemList, where: str) -> Any:
        text = TextType()
        if node.kind != "map":
            value = text.check(node, problems, where)
            return INVALID if value is INVALID else {"": value}
        result = {}
        for key, value in node.items:
            if not re.fullmatch(r"[a-z]{2,3}", key.value):
                problems.add(key.loc, f"'{key.value}' is not a language code in '{where}'", "write for example 'es:'")
                return INVALID
            checked = text.check(value, problems, f"{where}.{key.value}")
            if checked is INVALID:
                return INVALID
            result[key.value] = checked
        return result


brand_type = RecordType(
    {
        "id": Field(IdentifierType("riverside")),
        "name": Field(TextType()),
        "address": Field(TextType(), required=False),
        "phone": Field(PatternType(r"[0-9+() .\-]{7,25}", "a phone number", "write digits, spaces, + ( ) . or -")),
        "web": Field(
            PatternType(_LINK, "a link starting with https://", "only https:// addresses are allowed"), required=False
        ),
        "logo": Field(
            PatternType(
                r"[A-Za-z0-9_./-]{1,200}\.(png|jpg|jpeg)",
                "a PNG or JPEG path inside the project",
                "for example content/brands/riverside-logo.png",
            ),
            required=False,
        ),
        # what a screen reader says of the logo: one text, or one per language ({en: ..., es: ...})
        "logo_alt": Field(TextByLanguageType(), required=False),
        "colors": Field(RecordType({"primary": Field(color), "secondary": Field(color)})),
        "fonts": Field(fonts_type, required=False),  # the clinic's own typeface for a script (content/typefaces.py)
        "taglines": Field(taglines_type, required=False),  # language-assistance taglines (content/taglines.py)
        # ...and what each output format adds (a clinic's PowerPoint template, say): formats.registry.brand_keys.
        **brand_keys(),
    }
)


@dataclass(frozen=True)
class Brand:
    """Who hands the material out: name, contact details, logo and two colours."""

    id: str
    name: str
    phone: str
    primary: str = "#1f4e79"
    secondary: str = "#e6eef6"
    address: str = ""
    web: str = ""
    logo: Path | None = None
    logo_alt: str = ""
    logo_alt_by_language: tuple[tuple[str, str], ...] = ()  # the logo's alt text in other languages
    # What output formats add to a brand (formats.registry.brand_keys), by key: files resolved inside the project,
    # other values as plain text (records as sorted (key, value) pairs), and where the brand file says each.
    format_files: tuple[tuple[str, Path], ...] = ()
    format_values: tuple[tuple[str, Any], ...] = ()
    format_at: tuple[tuple[str, Location], ...] = ()
    fonts: tuple[tuple[str, ScriptFace], ...] = ()  # the typefaces it names by script, over the project's
    taglines: TaglineSettings | None = None  # its language-assistance taglines, in place of the project's

    @property
    def is_neutral(self) -> bool:
        return not self.id

    def logo_alt_in(self, language: str) -> str:
        """Return the logo's alt text in `language` (its first subtag), else the brand's own."""
        return dict(self.logo_alt_by_language).get(language.split("-")[0].lower()) or self.logo_alt or self.name

    def file(self, key: str) -> Path | None:
        """Return the file a format's brand key names (a clinic's template, say), resolved, or None."""
        return dict(self.format_files).get(key)

    def value(self, key: str) -> Any:
        """Return what a format's brand key says (None when the brand leaves it out)."""
        return dict(self.format_values).get(key)

    def at(self, key: str) -> Location | None:
        """Return where the brand file says `key`, for messages about it."""
        return dict(self.format_at).get(key)

    def printed_texts(self) -> list[Text]:
        """Return the brand's words outputs print (its name and address), each where the brand file says it."""
        return [Text(value, self.at(key)) for key, value in (("name", self.name), ("address", self.address)) if value]


NEUTRAL = Brand(id="", name="", phone="")
_LOCATED = ("name", "address")  # keys whose place messages name, besides the formats' own


def load_brand(path: Path, project_root: Path) -> Brand:
    """Read and validate the brand in `path`; file paths in it must lie inside `project_root`."""
    problems = ProblemList()
    data = brand_type.check(read_yaml(path, display_name(path)), problems, "")
    if data is INVALID:
        problems.raise_if_any()
    if data["id"] != path.stem:
        problems.add(
            data["id"].loc,
            f"the id '{data['id']}' does not match the file name '{path.name}'",
            f"rename the file to '{data['id']}.yaml'",
        )
    files: dict[str, Path | None] = {}
    for key in ("logo", *brand_file_keys()):
        value = data.get(key)
        files[key] = None if value is None else resolve_inside(project_root, value, value.loc, key, problems)
    if files["logo"] is not None:
        check_image(files["logo"], data["logo"].loc, "the logo", problems)
    faces = script_faces(data.get("fonts"), project_root, problems)
    problems.raise_if_any()
    return Brand(
        id=str(data["id"]),
        name=str(data["name"]),
        phone=str(data["phone"]),
        primary=str(data["colors"]["primary"]),
        secondary=str(data["colors"]["secondary"]),
        address=str(data.get("address", "")),
        web=str(data.get("web", "")),
        logo=files["logo"],
        logo_alt=str((data.get("logo_alt") or {}).get("", "") or (data.get("logo_alt") or {}).get("en", data["name"])),
        logo_alt_by_language=tuple(sorted((k, str(v)) for k, v in (data.get("logo_alt") or {}).items() if k)),
        format_files=tuple((key, found) for key in brand_file_keys() if (found := files[key]) is not None),
        format_values=tuple(
            (key, _plain(data[key])) for key in brand_keys() if key in data and key not in brand_file_keys()
        ),
        format_at=tuple(
            (key, at) for key in (*brand_keys(), *_LOCATED) if (at := getattr(data.get(key), "loc", None)) is not None
        ),
        fonts=tuple(sorted(faces.items())),
        taglines=tagline_settings(data.get("taglines")),
    )


def _plain(value: Any) -> Any:
    """Return a checked brand value as plain, hashable data: text as str, records as sorted (key, value) pairs."""
    if isinstance(value, dict):
        return tuple(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return str(value)


def brand_files(brand: Brand, path: Path) -> list[Path]:
    """Return every file `brand` is made of: its YAML file and the pictures and template it names."""
    named = (brand.logo, *(f for _, f in brand.format_files), *font_files(dict(brand.fonts)))
    return [path, *(p for p in named if p is not None)]


def find_brand(name: str, brands_dir: Path, project_root: Path) -> Brand:
    """Return the brand called `name` from `brands_dir`, or raise InputError listing the brands there."""
    path = brands_dir / f"{name}.yaml"
    if not os.path.lexists(path):  # anything else named so (a folder, a pipe) is reported by the reading
        raise InputError(
            f"there is no brand '{name}' in {shown(brands_dir)}; "
            + suggest(name, [p.stem for p in brands_dir.glob("*.yaml")])
        )
    return load_brand(path, project_root)
