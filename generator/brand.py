"""Clinic brands: content/brands/<clinic>.yaml, validated like topics, and the neutral built-in brand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from handouts.content.model import IdentifierType
from handouts.content.schema import INVALID, Field, PatternType, RecordType, TextType
from handouts.content.yamlsource import read_yaml
from handouts.errors import InputError, ProblemList
from handouts.style import color

MAX_LOGO_PIXELS = 4_000_000
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

    @property
    def is_neutral(self) -> bool:
        return not self.id


NEUTRAL = Brand(id="", name="", phone="")


def load_brand(path: Path, project_root: Path) -> Brand:
    """Read and validate the brand in `path`; file paths in it must lie inside `project_root`."""
    problems = ProblemList()
    root = read_yaml(path)
    data = brand_type.check(root, problems, "")
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
        files[key] = None
        if value is None:
            continue
        target = (project_root / value).resolve()
        if not target.is_relative_to(project_root.resolve()):
            problems.add(value.loc, f"'{key}' points outside the project", "put the file under content/brands/")
        elif not target.is_file():
            problems.add(
                value.loc,
                f"'{key}' names a file that does not exist: {value}",
                "check the path; it is relative to the project folder",
            )
        elif key == "logo":
            _check_image(target, value, problems)
        files[key] = target
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
        logo_alt=str(data.get("logo_alt", f"{data['name']} logo")),
        pptx_template=files["pptx_template"],
        pptx_layouts=tuple(sorted((role, str(name)) for role, name in data.get("pptx_layouts", {}).items())),
    )


def _check_image(path: Path, value, problems: ProblemList) -> None:  # type: ignore[no-untyped-def]
    """Accept only real PNG or JPEG files of a bounded pixel count, read from their headers."""
    head = path.read_bytes()[: 64 * 1024]
    size = (
        _png_size(head)
        if head.startswith(b"\x89PNG\r\n\x1a\n")
        else _jpeg_size(head)
        if head.startswith(b"\xff\xd8")
        else None
    )
    if size is None:
        problems.add(value.loc, "the logo is not a PNG or JPEG image", "export the logo as PNG")
        return
    width, height = size
    if width * height > MAX_LOGO_PIXELS or width == 0 or height == 0:
        problems.add(
            value.loc,
            f"the logo is {width}x{height} pixels; the limit is {MAX_LOGO_PIXELS:,} pixels",
            "scale the logo down, for example to 1200 pixels wide",
        )


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        length = int.from_bytes(head[i + 2 : i + 4], "big")
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(head[i + 7 : i + 9], "big"), int.from_bytes(head[i + 5 : i + 7], "big")
        i += 2 + length
    return None


def find_brand(name: str, brands_dir: Path, project_root: Path) -> Brand:
    """Return the brand called `name` from `brands_dir`, or raise InputError listing the brands there."""
    path = brands_dir / f"{name}.yaml"
    if not path.is_file():
        from handouts.content.schema import suggest

        raise InputError(
            f"there is no brand '{name}' in {brands_dir}; {suggest(name, [p.stem for p in brands_dir.glob('*.yaml')])}"
        )
    return load_brand(path, project_root)
