"""Web pages: semantic, self-contained HTML with the same words as the PDF handout for the same audience, text
escaped exactly, and checked in a real browser (headless Chromium) with axe-core and at a phone's width."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import FIXTURES, ROOT, TOPIC, copy_project, run_cli
from handouts import ir
from handouts.builders.context import BuildContext
from handouts.builders.html.builder import HtmlBuilder
from handouts.content.audience import audience_view
from handouts.content.brand import NEUTRAL
from handouts.errors import BuildError
from handouts.matrix import Target
from handouts.pipeline import brand_named, build_output, cached_topic, render_ir
from handouts.preview.browser import FLAGS
from handouts.project import Project
from handouts.templating.labels import labels_for
from handouts.templating.variants import discover_variants
from html_read import element_words, ir_words, pdf_body_words, read_page, without_markers
from html_structure import structure_problems
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from label_reading import label

FOOT_CARE = FIXTURES / "topics" / "foot-care.yaml"
TRICKY = FIXTURES / "tricky" / "tricky-text.yaml"
TOPICS = {"b12-neuropathy": TOPIC, "foot-care": FOOT_CARE}
BRANDS = ("", "riverside", "lakeview")
WEB = {"patient-handout-web": "patient-handout", "clinician-onepager-web": "clinician-onepager"}  # -> its PDF
PAGES = [(topic, brand, variant) for topic in TOPICS for brand in BRANDS for variant in WEB]
PAGE_IDS = [f"{topic}-{brand or 'neutral'}-{variant}" for topic, brand, variant in PAGES]
PROJECT = Project(ROOT)
VARIANTS = discover_variants(ROOT / "templates")


@pytest.fixture(scope="module")
def outputs(built: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Return the output folder of each topic: B12 from the whole build, foot-care and tricky text built here."""
    folder = tmp_path_factory.mktemp("html") / "out"
    only = [arg for name in (*WEB, *WEB.values()) for arg in ("--only", name)]
    result = run_cli("build", str(FOOT_CARE), *only, "--paper", "letter", "--out", str(folder))
    assert result.code == 0, result.err
    apart = folder.parent / "tricky"  # a build of another topic into the same folder would retire these outputs
    result = run_cli("build", str(TRICKY), "--only", "patient-handout-web", "--brand", "none", "--out", str(apart))
    assert result.code == 0, result.err
    return {"b12-neuropathy": built, "foot-care": folder, "tricky-text": apart}


def output_path(outputs: dict[str, Path], topic: str, brand: str, name: str) -> Path:
    folder = outputs[topic] / brand / topic if brand else outputs[topic] / topic
    return folder / name


# ----- structure ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("topic", "brand", "variant"), PAGES, ids=PAGE_IDS)
def test_every_page_is_semantic_and_self_contained(outputs: dict, topic: str, brand: str, variant: str) -> None:
    doc = read_page(output_path(outputs, topic, brand, f"{variant}.html"))
    assert structure_problems(doc) == []
    assert doc.get("lang") == "en"
    title = ir.plain(_pdf_ir(topic, brand, variant).title)
    assert doc.find(".//h1").text_content() == doc.find(".//title").text_content() == title


def test_a_broken_page_is_caught_by_the_structure_check(outputs: dict) -> None:
    page = output_path(outputs, TOPIC.stem, "riverside", "clinician-onepager-web.html").read_text(encoding="utf-8")
    broken = (
        page.replace('<html lang="en">', "<html>")
        .replace("<h2>", "<h4>", 1)
        .replace(' alt="', ' data-alt="', 1)
        .replace("</main>", '<script>alert(1)</script><img src="https://example.org/x.png" alt="x"></main>')
        .replace('scope="col"', "", 1)
        .replace('<a class="skip-link" href="#main">', '<a class="skip-link" href="#top">')
    )
    problems = "\n".join(structure_problems(lxml.html.document_fromstring(broken)))
    for expected in (
        "no lang",
        "skips from h1 to h4",
        "without alt text",
        "holds <script>",
        "from outside the page",
        "without scope=col",
        "not a skip link",
    ):
        assert expected in problems, f"the check missed: {expected}\n{problems}"


def test_a_page_shows_the_brand(outputs: dict) -> None:
    brand = brand_named(PROJECT, "lakeview")
    labels = labels_for(ROOT / "templates", "en")
    doc = read_page(output_path(outputs, "foot-care", "lakeview", "patient-handout-web.html"))
    header, footer = doc.find(".//header"), doc.find(".//footer")
    logo = header.find(".//img")
    assert logo.get("alt") == brand.logo_alt and logo.get("src").startswith("data:image/png;base64,")
    assert brand.name in header.text_content() and brand.address in header.text_content()
    tel = "tel:" + "".join(ch for ch in brand.phone if ch.isdigit())
    assert [a.get("href") for a in header.iter("a")] == [tel]
    assert [a.get("href") for a in footer.iter("a")] == [tel]
    footer_words = footer.text_content().split()
    reviewed = labels.format("footer_reviewed", date=labels.date("2026-03-01"))
    for words in (reviewed, labels.format("footer_version", version="1.0")):
        assert " ".join(words.split()) in " ".join(footer_words)
    assert brand.primary.lower() in doc.find(".//style").text.lower()
    url = brand.web.replace("{topic}", "foot-care")
    qr = doc.xpath(f"//main//a[@href='{url}']/img")
    assert len(qr) == 1 and url in qr[0].get("alt"), "the QR code links to the page's published address"


def test_the_neutral_page_has_no_clinic(outputs: dict) -> None:
    doc = read_page(output_path(outputs, "foot-care", "", "patient-handout-web.html"))
    assert doc.find(".//header//img") is None
    assert not doc.xpath("//a[starts-with(@href, 'tel:')]")
    assert structure_problems(doc) == []


def test_a_figure_keeps_its_alt_text_and_caption(outputs: dict) -> None:
    doc = read_page(output_path(outputs, "foot-care", "", "patient-handout-web.html"))
    (figure,) = doc.iter("figure")
    img = figure.find("img")
    assert img.get("alt") == "A drawing of a wire inside its coating, like a nerve inside its protective layer."
    assert img.get("src").startswith("data:image/svg+xml;base64,")
    assert figure.find("figcaption").text_content() == "A nerve is like a wire inside a coating."


# ----- the same words as the PDF ---------------------------------------------------------------------------------
# A web page prints what its PDF handout prints, from the same template, except the blocks and sections the topic
# gives one of them by name (`for: [clinician-onepager-web]`: detail the one printed page has no room for).
def _pdf_ir(topic: str, brand: str, web_variant: str, seen_by: str = "") -> ir.Document:
    """Return the IR the PDF handout for the same audience is drawn from (letter paper); with `seen_by`, drawn from
    the parts of the topic that variant shows (the web page's own blocks in, the printed page's own out)."""
    target = Target.of(TOPICS.get(topic, TRICKY), VARIANTS[WEB[web_variant]], brand, "letter")
    view = None
    if seen_by:
        audience = VARIANTS[seen_by].audience
        view = audience_view(cached_topic(PROJECT, str(TOPICS.get(topic, TRICKY))), audience, (seen_by,))
    document, _ = render_ir(PROJECT, target, view)
    assert isinstance(document, ir.Document)
    return document


@pytest.mark.parametrize(("topic", "brand", "variant"), PAGES, ids=PAGE_IDS)
def test_the_page_says_what_the_pdf_handout_says_in_order(outputs: dict, topic: str, brand: str, variant: str) -> None:
    """The page's main text, word for word and in order, is the text of the PDF handout's IR (alt text aside), drawn
    from what the topic shows the page."""
    doc = read_page(output_path(outputs, topic, brand, f"{variant}.html"))
    assert element_words(doc.find(".//main")) == ir_words(_pdf_ir(topic, brand, variant, seen_by=variant))


def _own_words(topic: str, brand: str, variant: str, numbered: bool = True) -> tuple[Counter[str], Counter[str]]:
    """Return the words only the page shows and the words only its PDF prints, from what the topic shows each;
    not `numbered`, without the citation numbers (a reference the page alone cites renumbers the ones after it)."""

    def words(document: ir.Document) -> Counter[str]:
        text = " ".join(without_markers(ir_words(document)))
        return Counter((text if numbered else re.sub(r"\[\d+(?:, \d+)*\]", "", text)).split())

    page = words(_pdf_ir(topic, brand, variant, seen_by=variant))
    printed = words(_pdf_ir(topic, brand, variant))
    return page - printed, printed - page


def test_the_b12_clinician_page_carries_what_the_printed_page_leaves_out() -> None:
    """The one printed page leaves detail to the web page (docs/b12-revision-2026-12.md): the page keeps every word
    the printed page has, and more; the other pages show exactly what their PDF prints."""
    only_page, only_print = _own_words("b12-neuropathy", "", "clinician-onepager-web", numbered=False)
    assert sum(only_page.values()) > 100 and only_print == Counter()
    for topic, variant in (("b12-neuropathy", "patient-handout-web"), ("foot-care", "clinician-onepager-web")):
        assert _own_words(topic, "", variant) == (Counter(), Counter())


@pytest.mark.parametrize(("topic", "brand", "variant"), PAGES, ids=PAGE_IDS)
def test_the_page_has_the_words_printed_in_the_pdf(outputs: dict, topic: str, brand: str, variant: str) -> None:
    """The words read back from the printed PDF's body are the page's words, each as many times.

    Compared as counts, not in order: a PDF read back runs table cells and columns together line by line.
    Left out on both sides: the page furniture (the PDF's brand bar, running header and footer; the page's header
    and footer landmarks), the title and subtitle (in the PDF's header block), list markers and bare numbers; and
    the PDF may print a table's header row again where the table continues in another column.
    """
    doc = read_page(output_path(outputs, topic, brand, f"{variant}.html"))
    main = doc.find(".//main")
    page_words = [w for el in main if el.tag != "h1" and el.get("class") != "subtitle" for w in element_words(el)]
    pdf = output_path(outputs, topic, brand, f"{WEB[variant]}-letter.pdf")
    printed = Counter(pdf_body_words(pdf))
    shown = Counter(without_markers(page_words))
    only_page, only_print = _own_words(topic, brand, variant)  # what the topic shows one of them by name
    assert shown - printed - only_page == Counter(), "words on the page that the PDF does not print"
    # A table that continues in the next column repeats its header row there: those words may print again.
    headers = {w for b in _tables(_pdf_ir(topic, brand, variant)) for cell in b.header for w in ir.plain(cell).split()}
    lacking = printed - shown - only_print
    assert {w for w in lacking if w not in headers} == set(), "words the PDF prints that the page lacks"


def _tables(document: ir.Document) -> list[ir.Table]:
    found, pending = [], list(document.blocks)
    while pending:
        block = pending.pop(0)
        if isinstance(block, ir.Table):
            found.append(block)
        elif isinstance(block, ir.Callout | ir.Section):
            pending[:0] = block.blocks
    return found


# ----- variants and styles as data -------------------------------------------------------------------------------
def test_a_web_variant_rebuilds_when_the_handout_template_it_borrows_changes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    args = ("--only", "patient-handout-web", "--only", "clinician-onepager-web", "--brand", "none", "--json")
    out = str(tmp_path / "out")
    assert run_cli("build", *args, "--out", out, cwd=project).code == 0
    template = project / "templates" / "patient-handout" / "content.xml.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = json.loads(run_cli("build", *args, "--out", out, cwd=project).out)
    status = {Path(a["path"]).name: a["status"] for a in second["artifacts"]}
    assert status == {"patient-handout-web.html": "built", "clinician-onepager-web.html": "reused"}


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("variant.yaml", "templates_from: patient-handot\n", "did you mean 'patient-handout'"),
        ("style.yaml", "page:\n  font_size: 18\n", "must be a CSS length"),
        ("style.yaml", "page:\n  font_family: 'Arial; color: red'\n", "must be a list of font names"),
        ("style.yaml", "colors:\n  accent: brand.primery\n", "unknown colour 'brand.primery'"),
    ],
)
def test_a_web_variants_mistakes_are_reported_at_their_line(tmp_path: Path, file: str, text: str, message: str) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "templates" / "patient-handout-web" / file
    path.write_text(path.read_text(encoding="utf-8") if file == "variant.yaml" else "", encoding="utf-8")
    if file == "variant.yaml":
        path.write_text(path.read_text(encoding="utf-8").replace("templates_from: patient-handout", "") + text)
    else:
        path.write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=project)
    assert result.code == 2, result.err
    assert f"{path.relative_to(project)}:" in result.err or f"{path}:" in result.err, result.err
    assert message in result.err, result.err


# ----- escaping ----------------------------------------------------------------------------------------------------
def test_tricky_text_prints_exactly_as_written(outputs: dict) -> None:
    path = output_path(outputs, "tricky-text", "", "patient-handout-web.html")
    doc = read_page(path)
    paragraphs = [p.text_content() for p in doc.iter("p")]
    for text in (
        "Ask about Q&A and R&D. A level of B12 < 200 pg/mL is low. Keep a<b and &copy here.",
        "Tags stay text: <b>not bold</b> and <font color=red>x</font> stay.",
        "Also <!-- not a comment --> stays.",
        "He said \"quotes\" and 'apostrophes' are fine, and 50% agree.",
        "Take 500 µg when the level is ≥ 300 and see the café.",
    ):
        assert text in paragraphs
    assert doc.find(".//h1").text_content() == doc.find(".//title").text_content() == "Tricky text: Q&A and R&D"
    assert not doc.findall(".//main//b") and not doc.findall(".//font")
    items = [li.text_content() for li in doc.findall(".//main//ul/li")]
    assert items[0] == "A character & its <markup> vanish."  # the urgent list opens the page, after the main message
    assert items[1:4] == ["NO", "7:30", "Third item here"]
    assert structure_problems(doc) == []


def _context(language: str = "en") -> BuildContext:
    meta = {"title": "T", "short_title": "T", "reviewed": "2026-11-01", "version": "1", "authors": ["A"]}
    meta |= {"language": language, "subject": "s", "keywords": [], "topic": "t"}
    labels = labels_for(ROOT / "templates", language)
    return BuildContext(VARIANTS["patient-handout-web"], "", NEUTRAL, meta, labels, ROOT, 0)


_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Co", "Cn")), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT.filter(lambda t: t.strip() == t and "  " not in t and t.strip()))
def test_any_text_reaches_the_page_as_written(text: str) -> None:
    span = (ir.Span(text),)
    document = ir.Document(
        span,
        span,
        (
            ir.Paragraph(
                (ir.Span(text, bold=True), ir.Span(" & "), ir.Span(text, href="https://example.org/?a=1&b=2"))
            ),
            ir.ListBlock("bullets", (span,)),
            ir.Table((span, span), ((span, span),)),
            ir.Callout("warning", (ir.Paragraph(span),), label=text),
        ),
    )
    doc = lxml.html.document_fromstring(HtmlBuilder().build(document, _context()).data)
    main = doc.find(".//main")
    assert main.find("h1").text_content() == text and doc.find(".//title").text_content() == text
    assert main.find("p").text_content() == text
    assert main.findall(".//p")[1].text_content() == f"{text} & {text}"
    assert main.find(".//p//a").get("href") == "https://example.org/?a=1&b=2"
    assert [li.text_content() for li in main.iter("li")] == [text]
    assert [cell.text_content() for cell in main.iter("th", "td")] == [text] * 4
    assert main.find(".//*[@class='callout-label']").text_content() == text


def test_pages_are_the_same_bytes_every_time() -> None:
    target = Target.of(FOOT_CARE, VARIANTS["patient-handout-web"], "riverside")
    assert build_output(PROJECT, target).data == build_output(PROJECT, target).data


def test_a_deck_template_is_refused_with_a_reason() -> None:
    deck = ir.Deck((ir.Span("T"),), (), ())
    with pytest.raises(BuildError, match="a web page is made from a <document>"):
        HtmlBuilder().build(deck, _context())  # type: ignore[arg-type]


# ----- a real browser ----------------------------------------------------------------------------------------------
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, tags: v.tags, help: v.help,
                                          nodes: v.nodes.map(n => n.target.join(' '))}))))
  .catch(e => done([{id: 'axe failed', tags: [], help: String(e), nodes: []}]));
"""


def axe_source() -> Path:
    """Return axe-core's script: $AXE_CORE_JS, or the copy `npm ci` puts in node_modules/ (see .ci/run)."""
    return Path(os.environ.get("AXE_CORE_JS") or ROOT / "node_modules" / "axe-core" / "axe.min.js")


def _missing_browser_tools() -> list[str]:
    missing = []
    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        missing.append("Chromium (Debian: apt-get install chromium)")
    if not shutil.which("chromedriver"):
        missing.append("ChromeDriver (Debian: apt-get install chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[test]')")
    if not axe_source().is_file():
        missing.append(f"axe-core at {axe_source()} (npm ci, or set AXE_CORE_JS)")
    return missing


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Start one headless Chromium for every page of this module; skip (fail in CI) when a tool is missing."""
    missing = _missing_browser_tools()
    if missing:
        reason = "the browser checks need " + "; ".join(missing) + " (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    import subprocess

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or shutil.which("chromium-browser") or ""
    for flag in [*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver"), log_output=subprocess.DEVNULL)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def _open(browser: Any, page: Path, width: int, height: int = 900) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    browser.get(page.resolve().as_uri())


def axe_violations(browser: Any, page: Path) -> list[dict]:
    """Return axe-core's violations of the WCAG 2.1 A and AA rules (and its best practices) on `page`."""
    _open(browser, page, 1280)
    browser.execute_script(axe_source().read_text(encoding="utf-8"))
    return list(browser.execute_async_script(RUN_AXE, AXE_TAGS))


@pytest.mark.parametrize(("topic", "brand", "variant"), PAGES, ids=PAGE_IDS)
def test_axe_finds_no_violations(browser: Any, outputs: dict, topic: str, brand: str, variant: str) -> None:
    page = output_path(outputs, topic, brand, f"{variant}.html")
    _open(browser, page, 1280)
    loaded = browser.execute_script(
        "return {scripts: document.scripts.length, requests: performance.getEntriesByType('resource').length,"
        " broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).length}"
    )
    assert loaded == {"scripts": 0, "requests": 0, "broken": 0}
    violations = axe_violations(browser, page)
    assert violations == [], "\n".join(
        f"{v['id']} ({', '.join(v['tags'])}): {v['help']} {v['nodes']}" for v in violations
    )


def test_axe_finds_what_is_wrong_with_a_broken_page(browser: Any, outputs: dict, tmp_path: Path) -> None:
    page = output_path(outputs, "foot-care", "riverside", "patient-handout-web.html").read_text(encoding="utf-8")
    broken = (
        page.replace('<html lang="en">', "<html>")
        .replace(' alt="', ' data-alt="', 1)
        .replace("<h2>", '<h2 class="faint">', 1)
        .replace("</style>", ".faint{color:#dddddd}</style>")
    )
    path = tmp_path / "broken.html"
    path.write_text(broken, encoding="utf-8")
    found = {v["id"] for v in axe_violations(browser, path)}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= found, found


@pytest.mark.parametrize(("topic", "brand", "variant"), PAGES, ids=PAGE_IDS)
def test_the_page_fits_a_phone_without_scrolling_sideways(
    browser: Any, outputs: dict, topic: str, brand: str, variant: str, tmp_path: Path
) -> None:
    from PIL import Image

    path = output_path(outputs, topic, brand, f"{variant}.html")
    _open(browser, path, 360, 800)
    widths = browser.execute_script(
        "const e = document.documentElement; return [e.scrollWidth, e.clientWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1] == 360, f"the page is {widths[0]} px wide in a 360 px window"
    with Image.open(io.BytesIO(browser.get_screenshot_as_png())) as shot:
        assert shot.width == 360
    # What the browser renders in <main> is the page's text as read from its source, word for word.
    rendered = browser.execute_script("return document.querySelector('main').innerText").split()
    assert rendered == element_words(read_page(path).find(".//main"))


@pytest.mark.parametrize("brand", BRANDS, ids=lambda brand: brand or "neutral")
def test_a_spanish_draft_page_shows_its_band_passes_axe_and_fits_a_phone(browser: Any, built: Path, brand: str) -> None:
    page = (built / brand if brand else built) / "b12-neuropathy" / "es" / "patient-handout-web.html"
    violations = axe_violations(browser, page)
    assert violations == [], "\n".join(f"{v['id']}: {v['help']} {v['nodes']}" for v in violations)
    _open(browser, page, 360, 800)
    widths = browser.execute_script("const e = document.documentElement; return [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1] == 360
    band = browser.execute_script(
        "const b = document.querySelector('header .draft-band'); const r = b.getBoundingClientRect();"
        " return [b.innerText, r.top, r.height, document.documentElement.lang]"
    )
    assert band[0] == label("es", "draft_band") and band[1] < 100 and band[2] > 0 and band[3].split("-")[0] == "es", (
        band
    )


# ----- the gallery -------------------------------------------------------------------------------------------------
def test_the_gallery_shows_each_page_as_a_phone_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gallery knows web pages from the registry: a phone-sized screenshot, or without a browser the title."""
    from handouts.preview import browser
    from handouts.preview.gallery import write_gallery
    from PIL import Image
    from test_gallery import parse, target

    out = tmp_path / "out"
    only = [arg for name in WEB for arg in ("--only", name)]
    assert run_cli("build", str(FOOT_CARE), *only, "--brand", "none", "--out", str(out)).code == 0
    if browser.browser() is not None:
        made = run_cli("gallery", "--out", str(out))
        assert made.code == 0, made.err
        cards = parse(out / "index.html").cards
        assert sorted(target(out, card["href"]).name for card in cards) == sorted(f"{name}.html" for name in WEB)
        for card in cards:
            (source,) = card["images"]
            with Image.open(target(out, source)) as thumbnail:
                assert thumbnail.format == "PNG" and thumbnail.height > thumbnail.width > 100
        shutil.rmtree(out / ".gallery")
    monkeypatch.setattr(browser, "browser", lambda: None)
    page = write_gallery(out).read_text(encoding="utf-8")
    cards = parse(out / "index.html").cards
    assert [card["images"] for card in cards] == [[], []] and [card["items"] for card in cards] == [1, 1]
    assert "<li>Caring for numb feet</li>" in page
