"""XLIFF 2.0 (OASIS, core and the Size and Length Restriction module) for the strings of a translation: written and
read with lxml, the XML library the PDF builder already uses through svglib.

translate-toolkit is the well-known Python library for translation files, but its XLIFF 2.0 support (3.20.4) is
too thin to build on: it writes `<notes>` inside `<segment>` (the schema puts them in `<unit>`), reads no note
written where the schema puts it, writes `state="reviewed"` when asked for `final`, reads no segment state back,
and knows no size restriction; it is also GPL-3.0, where this tool is MIT. So the format is written here, element
by element through lxml's tree (never as text), and read back strictly: anything a topic's text cannot carry is
a located error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from handouts.errors import InputError, Location, Problem, ProblemList, display_name

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
SLR = "urn:oasis:names:tc:xliff:sizerestriction:2.0"
NS = {"x": XLIFF}
STATE_OF = {"new": "initial", "translated": "translated", "reviewed": "reviewed"}  # ours -> XLIFF's
STATE_FROM = {"initial": "new", "translated": "translated", "reviewed": "reviewed", "final": "reviewed"}
INLINE = ("cp", "ph", "pc", "sc", "ec", "mrk", "sm", "em")  # XLIFF inline markup: a topic's text has none
CITATION = re.compile(r"\[@[a-z0-9][^\]]*\]")
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Unit:
    """One string as XLIFF carries it."""

    id: str
    source: str
    target: str | None
    state: str  # ours: new, translated, reviewed
    notes: tuple[tuple[str, str], ...] = ()  # (category, text)
    max_chars: int | None = None
    stale: bool = False
    line: int = 0  # where it was read


@dataclass
class Document:
    """A file of units: one topic into one language."""

    topic: str
    original: str  # the source topic's file, as the project names it
    source_language: str
    target_language: str
    units: list[Unit] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


def write(document: Document) -> bytes:
    """Return `document` as XLIFF 2.0 bytes (UTF-8, indented, deterministic)."""
    from lxml import etree

    root = etree.Element(
        f"{{{XLIFF}}}xliff",
        nsmap={None: XLIFF, "slr": SLR},
        attrib={"version": "2.0", "srcLang": document.source_language, "trgLang": document.target_language},
    )
    file = etree.SubElement(root, f"{{{XLIFF}}}file", id=_nmtoken(document.topic), original=document.original)
    etree.SubElement(file, f"{{{SLR}}}profiles", generalProfile="xliff:codepoints")
    _notes(file, document.notes)
    for unit in document.units:
        element = etree.SubElement(file, f"{{{XLIFF}}}unit", id=unit.id)
        if unit.max_chars:
            element.set(f"{{{SLR}}}sizeRestriction", str(unit.max_chars))
        _notes(element, list(unit.notes))
        segment = etree.SubElement(element, f"{{{XLIFF}}}segment", state=STATE_OF[unit.state])
        if unit.stale:
            segment.set("subState", "handouts:stale")
        etree.SubElement(segment, f"{{{XLIFF}}}source").text = unit.source
        if unit.target is not None:
            etree.SubElement(segment, f"{{{XLIFF}}}target").text = unit.target
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _notes(parent: object, notes: Sequence[tuple[str, str]]) -> None:
    from lxml import etree

    if not notes:
        return
    holder = etree.SubElement(parent, f"{{{XLIFF}}}notes")
    for category, text in notes:
        etree.SubElement(holder, f"{{{XLIFF}}}note", category=category).text = text


def _nmtoken(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._:-]", "-", text) or "topic"


def read(path: Path) -> Document:
    """Return the document in the XLIFF 2.0 file at `path`, or raise InputError with every problem at its line."""
    from lxml import etree

    name = display_name(path)
    problems = ProblemList()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(Location(name), f"cannot be read: {exc.strerror}", "check the file name")) from None
    if len(data) > MAX_BYTES:
        raise InputError(Problem(Location(name, 1, 1), f"is larger than {MAX_BYTES:,} bytes", "is it an XLIFF file?"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise InputError(
            Problem(
                Location(name, line or 1, col or 1),
                f"this is not an XLIFF file: {exc.msg}",
                "import the .xlf file the translator sent back, as `handouts translate export` wrote it",
            )
        ) from None
    if root.tag != f"{{{XLIFF}}}xliff" or root.get("version", "").split(".")[0] != "2":
        found = root.get("version") if root.tag.endswith("xliff") else f"<{etree.QName(root).localname}>"
        raise InputError(
            Problem(
                Location(name, root.sourceline or 1, 1),
                f"this is not an XLIFF 2 file (its root is {found})",
                "ask the translator for XLIFF 2.0, the format `handouts translate export` writes",
            )
        )
    files = root.findall("x:file", NS)
    if len(files) != 1:
        problems.add(
            Location(name, root.sourceline or 1, 1),
            f"an XLIFF file for one topic has one <file>, not {len(files)}",
            "export each topic on its own",
        )
        problems.raise_if_any()
    file = files[0]
    document = Document(
        topic=file.get("id", ""),
        original=file.get("original", ""),
        source_language=root.get("srcLang", ""),
        target_language=root.get("trgLang", ""),
    )
    notes = file.find("x:notes", NS)
    for note in notes.findall("x:note", NS) if notes is not None else ():
        document.notes.append((note.get("category", ""), note.text or ""))
    for element in file.iter(f"{{{XLIFF}}}unit"):
        unit = _read_unit(element, name, problems)
        if unit is not None:
            document.units.append(unit)
    problems.raise_if_any()
    return document


def _read_unit(element: object, name: str, problems: ProblemList) -> Unit | None:
    from lxml import etree

    assert isinstance(element, etree._Element)
    where = Location(name, element.sourceline or 0, 1)
    unit_id = element.get("id", "")
    segments = element.findall("x:segment", NS)
    if not segments:
        problems.add(where, f"the unit '{unit_id}' has no <segment>", "keep the units as exported")
        return None
    sources, targets = [], []
    state = "new"
    for segment in segments:
        source = segment.find("x:source", NS)
        target = segment.find("x:target", NS)
        for part in (p for p in (source, target) if p is not None):
            markup = next((child for child in part if isinstance(child.tag, str)), None)
            if markup is not None:
                problems.add(
                    Location(name, markup.sourceline or part.sourceline or 0, 1),
                    f"the {etree.QName(part).localname} of '{unit_id}' holds <{etree.QName(markup).localname}>, "
                    "markup a topic's text cannot carry (its text is printed exactly as written)",
                    "write plain text, with no formatting codes",
                )
                return None
        sources.append(source.text or "" if source is not None else "")
        if target is not None:
            targets.append(target.text or "")
        state = STATE_FROM.get(segment.get("state", "initial"), "new")
    target_text = "".join(targets) if targets else None
    if target_text is not None and not target_text.strip():
        target_text = None
    source_text = "".join(sources)
    if target_text is not None:
        wanted, found = sorted(CITATION.findall(source_text)), sorted(CITATION.findall(target_text))
        if wanted != found:
            problems.add(
                Location(name, segments[0].sourceline or where.line, 1),
                f"the target of '{unit_id}' has the citations {found or 'none'}, its source {wanted or 'none'}",
                "keep each [@id] of the English exactly as it is",
            )
    return Unit(unit_id, source_text, target_text, state, line=where.line)
