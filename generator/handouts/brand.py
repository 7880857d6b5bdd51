"""Clinic brands: content/brands/<clinic>.yaml, validated like topics, and the neutral built-in brand."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from handouts.assets import check_image, resolve_inside
from handouts.content.model import IdentifierType
from handouts.content.schema import INVALID, Field, PatternType, RecordType, TextType, suggest
from handouts.content.yamlsource import read_yaml
from handouts.errors import InputError, Location, ProblemList, display_name
from handouts.paths import shown
from handouts.style import color

_LINK = r"(https://|mailto:|tel:)[^\s<>\"]{1,500}"

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
        "logo_alt": Field(TextType(), required=False),
        "colors": Field(RecordType({"primary": Field(color), "secondary": Field(color)})),
        "pptx_layouts": Field(
            RecordType({role: Field(TextType(), required=False) for role in ("title", "content", "table")}),
            required=False,
        ),
        "pptx_template": Field(
            PatternType(
                r"[A-Za-z0-9_./-]{1,200}\.pptx",
                "a .pptx path inside the project",
                "for example content/brands/riverside.pptx",
            ),
            required=False,
        ),
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
    pptx_template: Path | None = None
    pptx_layouts: tuple[tuple[str, str], ...] = ()  # (role, layout name) pairs that override the variant's
    pptx_template_at: Location | None = None  # where the brand file names its template, for messages about it

    @property
    def is_neutral(self) -> bool:
        return not self.id


NEUTRAL = Brand(id="", name="", phone="")


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
    for key in ("logo", "pptx_template"):
        value = data.get(key)
        files[key] = None if value is None else resolve_inside(project_root, value, value.loc, key, problems)
    if files["logo"] is not None:
        check_image(files["logo"], data["logo"].loc, "the logo", problems)
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
        logo_alt=str(data.get("logo_alt", data["name"])),
        pptx_template=files["pptx_template"],
        pptx_layouts=tuple(sorted((role, str(name)) for role, name in data.get("pptx_layouts", {}).items())),
        pptx_template_at=data["pptx_template"].loc if "pptx_template" in data else None,
    )


def brand_files(brand: Brand, path: Path) -> list[Path]:
    """Return every file `brand` is made of: its YAML file and the pictures and template it names."""
    return [path, *(p for p in (brand.logo, brand.pptx_template) if p is not None)]


def find_brand(name: str, brands_dir: Path, project_root: Path) -> Brand:
    """Return the brand called `name` from `brands_dir`, or raise InputError listing the brands there."""
    path = brands_dir / f"{name}.yaml"
    if not os.path.lexists(path):  # anything else named so (a folder, a pipe) is reported by the reading
        raise InputError(
            f"there is no brand '{name}' in {shown(brands_dir)}; "
            + suggest(name, [p.stem for p in brands_dir.glob("*.yaml")])
        )
    return load_brand(path, project_root)
