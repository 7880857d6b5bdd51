"""Clinic brands: header, logo, phone, QR link and metadata in the PDFs; brand files validated like topics;
page budgets that fail loudly; clinic PowerPoint templates used by layout name."""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import yaml
from conftest import ROOT, copy_project, run_cli
from handouts.templating.labels import labels_for
from pptx import Presentation
from pypdf import PdfReader

PAPERS = ("letter", "a4")


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("branded")
    result = run_cli(
        "build", "--out", str(out), "--topic", "b12-neuropathy", "--brand", "riverside", "--brand", "lakeview"
    )
    assert result.code == 0, result.err
    return out


@pytest.mark.parametrize(
    "brand,name,phone",
    [
        ("riverside", "Riverside Family Health", "(555) 010-0142"),
        ("lakeview", "Lakeview Community Clinic", "(555) 010-0199"),
    ],
)
@pytest.mark.parametrize("variant", ["patient-handout", "patient-handout-large", "clinician-onepager"])
@pytest.mark.parametrize("paper", PAPERS)
def test_brand_name_phone_and_logo_on_the_first_page(
    branded: Path, brand: str, name: str, phone: str, variant: str, paper: str
) -> None:
    path = branded / brand / "b12-neuropathy" / f"{variant}-{paper}.pdf"
    with pdfplumber.open(path) as pdf:
        first = pdf.pages[0]
        text = " ".join((first.extract_text() or "").split())
        assert name in text
        assert phone in text
        assert first.images, "the logo is not on the first page"
        logo = first.images[0]
        assert logo["top"] < 100, "the logo is not in the header"


@pytest.mark.parametrize(
    "brand,url",
    [
        ("riverside", "https://riverside-health.example/handouts/en/b12-neuropathy"),
        ("lakeview", "https://lakeview-clinic.example/patients/b12-neuropathy"),
    ],
)
@pytest.mark.parametrize("paper", PAPERS)
def test_patient_handout_has_call_us_box_and_qr_link(branded: Path, brand: str, url: str, paper: str) -> None:
    reader = PdfReader(branded / brand / "b12-neuropathy" / f"patient-handout-{paper}.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Questions? Call us at (555)" in text
    links = [
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/A", {}).get("/URI")
    ]
    assert url in links


@pytest.mark.parametrize(
    "brand,url",
    [
        ("riverside", "https://riverside-health.example/handouts/en/b12-neuropathy"),
        ("lakeview", "https://lakeview-clinic.example/patients/b12-neuropathy"),
    ],
)
@pytest.mark.parametrize("paper", PAPERS)
def test_qr_code_decodes_to_the_brand_page(branded: Path, brand: str, url: str, paper: str) -> None:
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(str(branded / brand / "b12-neuropathy" / f"patient-handout-{paper}.pdf"))
    try:
        found = [r.text for page in document for r in zxingcpp.read_barcodes(page.render(scale=3).to_pil())]
    finally:
        document.close()
    assert found == [url]


@pytest.mark.parametrize("variant", ["patient-handout", "clinician-onepager"])
def test_document_properties(branded: Path, variant: str) -> None:
    reader = PdfReader(branded / "riverside" / "b12-neuropathy" / f"{variant}-letter.pdf")
    info = reader.metadata
    assert info.title and "Vitamin B12" in info.title
    assert info.author == "Riverside Family Health"
    audience = {"patient-handout": "patient", "clinician-onepager": "clinician"}[variant]
    assert info.subject == labels_for(ROOT / "templates", "en")[f"for_audience_{audience}"]
    assert "b12-neuropathy" in str(info.get("/Keywords"))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en"
    assert str(catalog["/ViewerPreferences"]["/DisplayDocTitle"]).lower() == "true"


def test_neutral_brand_has_no_clinic_but_tells_patients_to_call_their_doctor(b12: Path) -> None:
    reader = PdfReader(b12 / "patient-handout-letter.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Questions? Call your doctor's office." in text
    assert not reader.pages[0].images


def test_large_print_headings_and_body_sizes(branded: Path) -> None:
    with pdfplumber.open(branded / "riverside" / "b12-neuropathy" / "patient-handout-large-letter.pdf") as pdf:
        sizes = {round(c["size"], 1) for page in pdf.pages for c in page.chars if c["text"].strip()}
        fonts = {c["fontname"] for page in pdf.pages for c in page.chars}
    assert 18.0 in sizes and 22.0 in sizes
    assert not any("Italic" in f for f in fonts), "large print must not use italics"


# ----- brand files are validated like topics ----------------------------------------------------------------
BRAND = """id: testclinic
name: Test Clinic
phone: (555) 010-0100
web: https://test-clinic.example/{topic}
logo: content/brands/riverside-logo.png
colors:
  primary: "#123456"
  secondary: "#eeeeee"
"""


@pytest.mark.parametrize(
    "change,where,fragment",
    [
        (("name:", "nmae:"), "content/brands/testclinic.yaml:2:1", "did you mean 'name'?"),
        (("web: https://", "web: http://"), "content/brands/testclinic.yaml:4:6", "only https://"),
        (
            ("web: https://test-clinic.example/{topic}", "web: javascript:alert(1)"),
            "content/brands/testclinic.yaml:4:6",
            "https://",
        ),
        (
            ("logo: content/brands/riverside-logo.png", "logo: ../../etc/passwd.png"),
            "content/brands/testclinic.yaml:5:7",
            "outside the project",
        ),
        (
            ("logo: content/brands/riverside-logo.png", "logo: content/brands/missing.png"),
            "content/brands/testclinic.yaml:5:7",
            "does not exist",
        ),
        (('primary: "#123456"', 'primary: "blue!"'), "content/brands/testclinic.yaml:7:12", "colour"),
    ],
)
def test_brand_errors_are_located(tmp_path: Path, change: tuple[str, str], where: str, fragment: str) -> None:
    project = copy_project(tmp_path)
    (project / "content" / "brands" / "testclinic.yaml").write_text(BRAND.replace(*change), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), "--brand", "testclinic", "--only", "patient-handout", cwd=project)
    assert result.code == 2, result.err
    assert where in result.err.replace(str(project) + "/", "")
    assert fragment in result.err
    assert "Traceback" not in result.err
    assert not out.exists() or not any(out.rglob("*.pdf"))


def test_logo_that_is_not_an_image_or_too_big_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    fake = project / "content" / "brands" / "fake.png"
    fake.write_bytes(b"<svg>not a png</svg>")
    huge = project / "content" / "brands" / "huge.png"
    # A PNG header that claims 40000 x 40000 pixels: refused from the header, before any decoding.
    huge.write_bytes(
        b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (40000).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    )
    for logo, fragment in (("fake.png", "not a PNG or JPEG"), ("huge.png", "pixels")):
        text = BRAND.replace("riverside-logo.png", logo)
        (project / "content" / "brands" / "testclinic.yaml").write_text(text, encoding="utf-8")
        result = run_cli(
            "build", "--out", str(tmp_path / "out"), "--brand", "testclinic", "--only", "patient-handout", cwd=project
        )
        assert result.code == 2 and fragment in result.err, result.err


# ----- page budgets fail loudly --------------------------------------------------------------------------------------
def _lengthen(project: Path, audience: str, paragraphs: int) -> None:
    """Add paragraphs for `audience` to the first section every audience sees (the first may be for some only)."""
    topic = project / "content" / "b12-neuropathy.yaml"
    text = topic.read_text(encoding="utf-8")
    extra = "\n".join(
        f"      - paragraph:\n          {audience}: >-\n            "
        + "This added sentence makes the section longer than the page allows. " * 6
        for _ in range(paragraphs)
    )
    sections = yaml.safe_load(text)["sections"]
    shared = next(s["id"] for s in sections if "for" not in s)
    start = text.index(f"  - id: {shared}\n")
    at = text.index("    blocks:\n", start) + len("    blocks:\n")
    text = text[:at] + extra + "\n" + text[at:]
    topic.write_text(text, encoding="utf-8")


def test_over_long_one_pager_fails_saying_how_much_and_where(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _lengthen(project, "clinician", 12)
    result = run_cli(
        "build",
        "--out",
        str(tmp_path / "out"),
        "--topic",
        "b12-neuropathy",
        "--only",
        "clinician-onepager",
        "--brand",
        "none",
        "--keep-going",
        cwd=project,
    )
    assert result.code == 1, result.err
    # One message for every paper, naming them.
    assert f"clinician-onepager ({', '.join(sorted(PAPERS))}; brand none): does not fit its 1 page" in result.err
    assert re.search(r"about \d+ lines of [\d.]+ pt text too many: .* run over onto page 2", result.err)
    assert "the longest sections are '" in result.err
    assert not list((tmp_path / "out").rglob("*.pdf")), "no one-pager may be written when it does not fit"


def test_over_long_patient_handout_never_gets_a_silent_third_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _lengthen(project, "patient", 6)
    result = run_cli(
        "build",
        "--out",
        str(tmp_path / "out"),
        "--topic",
        "b12-neuropathy",
        "--only",
        "patient-handout",
        "--brand",
        "none",
        "--keep-going",
        cwd=project,
    )
    assert result.code == 1
    assert "does not fit its 2 pages" in result.err and "onto page 3" in result.err
    assert re.search(r"cut about \d+ lines \(at [\d.]+ pt\) of the patient text", result.err)


# ----- clinic PowerPoint templates --------------------------------------------------------------------------------
def _clinic_template(path: Path) -> None:
    """Write a template whose layouts have the clinic's own names."""
    deck = Presentation()
    names = {"Title Slide": "Clinic Cover", "Title and Content": "Clinic Text", "Title Only": "Clinic Heading"}
    for layout in deck.slide_layouts:
        if layout.name in names:
            layout._element.cSld.set("name", names[layout.name])
    deck.save(str(path))


def test_clinic_template_layouts_are_used_by_name(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _clinic_template(project / "content" / "brands" / "clinic.pptx")
    brand = BRAND + (
        "pptx_template: content/brands/clinic.pptx\n"
        "pptx_layouts:\n  title: Clinic Cover\n  content: Clinic Text\n  table: Clinic Heading\n"
    )
    (project / "content" / "brands" / "testclinic.yaml").write_text(brand, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), "--brand", "testclinic", "--only", "training-deck", cwd=project)
    assert result.code == 0, result.err
    deck = Presentation(str(out / "testclinic" / "b12-neuropathy" / "training-deck.pptx"))
    used = {slide.slide_layout.name for slide in deck.slides}
    assert used <= {"Clinic Cover", "Clinic Text", "Clinic Heading"}
    assert {"Clinic Cover", "Clinic Text"} <= used


def test_broken_clinic_template_lists_its_layouts(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    _clinic_template(project / "content" / "brands" / "clinic.pptx")
    brand = BRAND + "pptx_template: content/brands/clinic.pptx\npptx_layouts:\n  content: Clinic Txt\n"
    (project / "content" / "brands" / "testclinic.yaml").write_text(brand, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", "--out", str(out), "--brand", "testclinic", "--only", "training-deck", cwd=project)
    assert result.code == 2, result.err
    assert "no slide layout named 'Clinic Txt'" in result.err
    assert "'Clinic Text'" in result.err and "'Clinic Cover'" in result.err
    assert not out.exists() or not any(out.rglob("*.pptx"))
