"""A clinic's Office template (Word or PowerPoint) is untrusted input: its zip package is checked before any
library opens it, by the same rules whatever the program.

Refused, each with the part or link it is about:
* macros, ActiveX controls and embedded objects (vbaProject.bin, macro-enabled content types, the program's
  activeX/ and embeddings/ folders): code, or files that carry code, that would go into every output;
* external relationships (pictures, linked objects, an attached template, links to file:, http:, javascript: ...):
  an output must not fetch anything or point at a file on someone's disk. Only hyperlinks to https:, mailto: and
  tel: addresses are kept, the same rule as for every link in an output. They are refused rather than stripped:
  a refusal names what to fix once, in the template;
* parts (or a package) larger than any real template needs, and parts compressed so well that they can only be
  zip bombs, read from the zip directory before anything is inflated.
The relationship parts are parsed with entities and network access off.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from handouts.errors import InputError
from handouts.files.inputfiles import MAX_INPUT_BYTES, open_input

MAX_PARTS = 2_000
MAX_PART_BYTES = 64 * 1024 * 1024  # inflated; a template's largest part is a picture of a few megabytes
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # inflated, every part together
MAX_RATIO = 100  # XML compresses some 10:1; a part inflating more than 100-fold is built to be a bomb
RATIO_FROM_BYTES = 1024 * 1024  # small parts may compress well without harm
MAX_RELS_BYTES = 2 * 1024 * 1024
_MACRO_TYPE = re.compile(r"macroEnabled|vbaProject|vbaData", re.IGNORECASE)
_SAFE_LINK = re.compile(r"(https://|mailto:|tel:)", re.IGNORECASE)
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@dataclass(frozen=True)
class OfficeProgram:
    """What the messages say of one program's templates, and where its package keeps code."""

    name: str  # "Word"
    file_kind: str  # "a Word Template (.dotx)": what to save it as
    output: str  # "document": what the template's code would go into
    code_folders: tuple[str, ...]  # folders of ActiveX controls (and embedded objects), lower case
    code: str = "macros or ActiveX controls"  # what the code folders hold, as a sentence names them
    code_hint: str = ""  # how to save it without them (default: as `file_kind`, without macros)


def package_problems(template: Path, program: OfficeProgram) -> list[tuple[str, str]]:
    """Return what is wrong with the template's package as (sentence, hint) pairs; [] when it may be used."""
    repair = f"save it again from {program.name} as {program.file_kind}"
    try:
        with open_input(template) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_INPUT_BYTES:
                return [(f"is {size:,} bytes, more than {MAX_INPUT_BYTES:,}", _size_hint(program))]
            with zipfile.ZipFile(handle) as package:
                sizes = [(p, _size_hint(program)) for p in _sizes(package)]
                code_hint = program.code_hint or f"save it from {program.name} as {program.file_kind}, without macros"
                return sizes or [
                    *((p, code_hint) for p in _code(package, program)),
                    *_external_links(package),
                ]
    except InputError as exc:
        return [(exc.problems[0].message.replace("cannot read the file", "cannot be read"), exc.problems[0].hint)]
    except zipfile.BadZipFile:
        return [(f"is not a {program.name} file (it is not a zip package)", repair)]
    except OSError as exc:
        return [(f"cannot be read ({exc.strerror or exc})", repair)]


def _size_hint(program: OfficeProgram) -> str:
    return f"save it again from {program.name} with its pictures compressed (File > Compress Pictures)"


def _sizes(package: zipfile.ZipFile) -> list[str]:
    """Return the size problems of the package, read from its directory without inflating anything."""
    members = package.infolist()
    if len(members) > MAX_PARTS:
        return [f"has {len(members):,} parts, more than the {MAX_PARTS:,} a template may have"]
    problems = []
    for info in members:
        if info.file_size > MAX_PART_BYTES:
            problems.append(f"has a part of {info.file_size:,} bytes ({info.filename}), more than {MAX_PART_BYTES:,}")
        elif info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            problems.append(f"has a part compressed {ratio:,} to 1 ({info.filename}), as only a zip bomb is")
    total = sum(info.file_size for info in members)
    if not problems and total > MAX_TOTAL_BYTES:
        problems.append(f"inflates to {total:,} bytes, more than {MAX_TOTAL_BYTES:,}")
    return problems


def _code(package: zipfile.ZipFile, program: OfficeProgram) -> list[str]:
    """Return a problem for macros or ActiveX controls (or embedded objects, where the program's folders say so)."""
    names = package.namelist()
    found = [n for n in names if PurePosixPath(n).name.lower() in ("vbaproject.bin", "vbadata.xml")]
    found += [n for n in names if n.lower().startswith(program.code_folders)][:1]
    if "[Content_Types].xml" in names:
        types = _xml(package, "[Content_Types].xml")
        if types is not None:
            content_types = {el.get("ContentType", "") for el in types}
            found += sorted(t for t in content_types if _MACRO_TYPE.search(t))
    if not found:
        return []
    return [f"holds {program.code} ({', '.join(found[:3])}), code that would go into every {program.output}"]


_LINK_HINTS = {
    "hyperlink": "point the link at an https:// address, or remove it, then save the template again",
    "attachedTemplate": "detach the template it is attached to (Developer > Document Template: clear the name), "
    "then save it again",
}
_LINK_HINT = "embed the picture or object instead of linking it, or remove the link, then save the template again"


def _external_links(package: zipfile.ZipFile) -> list[tuple[str, str]]:
    """Return a problem and its hint for every external relationship but an https, mailto or tel hyperlink."""
    problems = []
    for name in sorted(n for n in package.namelist() if n.endswith(".rels")):
        rels = _xml(package, name)
        if rels is None:
            continue
        for rel in rels.iter(f"{{{_PACKAGE_RELS}}}Relationship"):
            if rel.get("TargetMode") != "External":
                continue
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if kind == "hyperlink" and _SAFE_LINK.match(target):
                continue
            shown = target if len(target) <= 80 else target[:80] + "..."
            what = "has a link to" if kind == "hyperlink" else f"links to an outside {kind or 'resource'}"
            problems.append((f"{what} '{shown}' ({_part_of(name)})", _LINK_HINTS.get(kind, _LINK_HINT)))
    return problems


def _part_of(rels_name: str) -> str:
    """Return the part a relationships part belongs to: word/_rels/settings.xml.rels -> word/settings.xml."""
    path = PurePosixPath(rels_name)
    return str(path.parent.parent / path.name.removesuffix(".rels")) if path.parent.name == "_rels" else rels_name


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element | None:
    """Return the parsed XML part `name`, or None when it is too large or not XML (the library then refuses it)."""
    if package.getinfo(name).file_size > MAX_RELS_BYTES:
        return None
    try:
        return etree.fromstring(package.read(name), _PARSER)
    except etree.XMLSyntaxError:
        return None


# ----- writing a package -------------------------------------------------------------------------------------------
MAX_PROPERTY_CHARS = 255  # what python-pptx and python-docx (and Office's own dialogs) accept for a document property


def property_text(text: str) -> str:
    """Return `text` cut to the length a document property may have, marked with an ellipsis when cut."""
    return text if len(text) <= MAX_PROPERTY_CHARS else text[: MAX_PROPERTY_CHARS - 1] + "…"


def zip_stamp(epoch: int) -> tuple[int, int, int, int, int, int]:
    """Return the zip member time for `epoch` (no earlier than 1980, which zip cannot record)."""
    moment = dt.datetime.fromtimestamp(max(epoch, 315532800), tz=dt.UTC)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


class FixedTimeWriter:
    """A physical package writer for python-pptx's and python-docx's own PackageWriter, with fixed member times
    and modes: equal inputs give equal bytes."""

    def __init__(self, target: zipfile.ZipFile, epoch: int) -> None:
        self.target, self.stamp = target, zip_stamp(epoch)

    def write(self, pack_uri: Any, blob: bytes) -> None:
        member = zipfile.ZipInfo(pack_uri.membername, date_time=self.stamp)
        member.compress_type = zipfile.ZIP_DEFLATED
        member.external_attr = 0o644 << 16
        self.target.writestr(member, blob)
