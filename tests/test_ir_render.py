"""Content text to markup (escaped, cited) and markup to the IR (styled runs, numbered citations, safe links)."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path

import pytest
from conftest import ROOT
from handouts.content.references import Reference, load_references
from handouts.errors import BuildError
from handouts.ir import (
    Callout,
    Deck,
    Document,
    Faq,
    Heading,
    ListBlock,
    Paragraph,
    Qr,
    ReferenceEntry,
    References,
    Section,
    Span,
    Table,
    parse_markup,
    plain,
)
from handouts.templating.render import MAX_OUTPUT_CHARS, markup_text, render_markup
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

LIBRARY = {
    "smith2020": Reference(
        "smith2020", "Smith J, Jones K", "A first study", "J Test", "2020", "12", "3", "45-67", doi="10.1000/first"
    ),
    "doe2021": Reference("doe2021", "Doe A", "Does it work?", "Test Rev", "2021", pmid="123456"),
    "roe2019": Reference("roe2019", "Roe B, Poe C", "Web only", "Clinic Site", "2019", url="https://example.org/guide"),
}


def doc(body: str) -> Document:
    result = parse_markup(f"<document><title>T</title>{body}</document>", LIBRARY)
    assert isinstance(result, Document)
    return result


def only_paragraph(body: str) -> Paragraph:
    [block] = doc(body).blocks
    assert isinstance(block, Paragraph)
    return block


# --- markup_text: content text is text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "markup"),
    [
        ("Q&A", "Q&amp;A"),
        ("R&D", "R&amp;D"),
        ("B12 < 200 pg/mL", "B12 &lt; 200 pg/mL"),
        ("a<b", "a&lt;b"),
        ("<b>", "&lt;b&gt;"),
        ("&copy", "&amp;copy"),
        ("&copy;", "&amp;copy;"),
        ("<!-- x -->", "&lt;!-- x --&gt;"),
        ('say "hi"', "say &#34;hi&#34;"),
        ("it's", "it&#39;s"),
        ('<font color="red">x</font>', "&lt;font color=&#34;red&#34;&gt;x&lt;/font&gt;"),
        ("50%", "50%"),
    ],
)
def test_markup_text_escapes_everything(text: str, markup: str) -> None:
    result = markup_text(text)
    assert isinstance(result, Markup)
    assert str(result) == markup


def test_markup_text_turns_a_citation_into_cite() -> None:
    assert str(markup_text("Works [@julian2020].")) == 'Works <cite ids="julian2020"/>.'


def test_markup_text_turns_a_multi_citation_into_one_cite() -> None:
    assert str(markup_text("[@stabler2013; @devalia2014]")) == '<cite ids="stabler2013 devalia2014"/>'


def test_markup_text_leaves_a_malformed_citation_as_text() -> None:
    assert str(markup_text("[@Bad] & [@ok")) == "[@Bad] &amp; [@ok"


def test_markup_text_turns_newlines_into_br() -> None:
    assert str(markup_text("line one\nline two\n\nthree")) == "line one<br/>line two<br/><br/>three"


def test_markup_text_escapes_around_citations() -> None:
    assert str(markup_text("<i>x</i> [@a1] & y")) == '&lt;i&gt;x&lt;/i&gt; <cite ids="a1"/> &amp; y'


def test_markup_text_keeps_markup_made_by_templates() -> None:
    assert markup_text(Markup("<b>x</b>")) == Markup("<b>x</b>")


def test_markup_text_of_numbers() -> None:
    assert str(markup_text(12)) == "12"


def test_markup_text_of_none_is_a_build_error() -> None:
    with pytest.raises(BuildError) as info:
        markup_text(None)
    assert "missing" in str(info.value)
    assert info.value.exit_code == 1


# --- parse_markup: inline text ---------------------------------------------------------------------------------


def test_whitespace_collapses_and_ends_are_trimmed() -> None:
    result = doc("<p>\n   one    two\n\t three   </p>")
    assert result.title == (Span("T"),)
    [paragraph] = result.blocks
    assert paragraph == Paragraph((Span("one two three"),))


def test_br_becomes_a_newline() -> None:
    assert only_paragraph("<p>first<br/>  second<br/>third</p>").spans == (Span("first\nsecond\nthird"),)


def test_br_becomes_a_newline_without_spaces_around_it() -> None:
    assert only_paragraph("<p>first  <br/>  second</p>").spans == (Span("first\nsecond"),)


def test_bold_and_italic_spans() -> None:
    paragraph = only_paragraph("<p>plain <b>bold</b> <i>italic <b>both</b></i> end</p>")
    assert paragraph.spans == (
        Span("plain "),
        Span("bold", bold=True),
        Span(" "),
        Span("italic ", italic=True),
        Span("both", bold=True, italic=True),
        Span(" end"),
    )
    assert plain(paragraph.spans) == "plain bold italic both end"


def test_neighbouring_spans_of_the_same_style_merge() -> None:
    assert only_paragraph("<p><i>a</i><i>b</i></p>").spans == (Span("ab", italic=True),)


def test_escaped_text_comes_back_exactly() -> None:
    text = 'Q&A, B12 < 200 pg/mL, <b>, &copy and <!-- x --> and "quotes"'
    assert plain(only_paragraph(f"<p>{markup_text(text)}</p>").spans) == text


def test_empty_paragraphs_and_items_are_dropped() -> None:
    result = doc("<p>   </p><bullets><item>kept</item><item>  </item></bullets><bullets><item/></bullets>")
    assert result.blocks == (ListBlock("bullets", ((Span("kept"),),)),)


def test_safe_links_are_kept() -> None:
    paragraph = only_paragraph('<p><a href="https://example.org/x?a=1">site</a></p>')
    assert paragraph.spans == (Span("site", href="https://example.org/x?a=1"),)
    paragraph = only_paragraph('<p><a href="mailto:help@example.org">mail</a></p>')
    assert paragraph.spans == (Span("mail", href="mailto:help@example.org"),)
    paragraph = only_paragraph('<p><a href="tel:+1 555-0100">call</a></p>')
    assert paragraph.spans == (Span("call", href="tel:+1 555-0100"),)


def test_link_ends_with_its_element() -> None:
    paragraph = only_paragraph('<p>see <a href="https://example.org/">the site</a> for more</p>')
    assert paragraph.spans == (Span("see "), Span("the site", href="https://example.org/"), Span(" for more"))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "http://example.org/",
        "JAVASCRIPT:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "",
        "https://example.org/a b",
        " https://example.org/",
        "vbscript:x",
    ],
)
def test_unsafe_link_in_a_is_a_build_error(url: str) -> None:
    from xml.sax.saxutils import quoteattr

    with pytest.raises(BuildError) as info:
        doc(f"<p><a href={quoteattr(url)}>x</a></p>")
    assert "is not allowed" in str(info.value)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://example.org/", "ftp://example.org/"])
def test_unsafe_link_in_qr_is_a_build_error(url: str) -> None:
    with pytest.raises(BuildError) as info:
        doc(f"<qr>{url}</qr>")
    assert "QR code link" in str(info.value) and "is not allowed" in str(info.value)


def test_safe_qr() -> None:
    assert doc("<qr> https://example.org/b12 </qr>").blocks == (Qr("https://example.org/b12"),)


def test_unknown_block_element_is_a_build_error() -> None:
    with pytest.raises(BuildError) as info:
        doc("<img src='/etc/passwd'/>")
    assert "unknown element <img>" in str(info.value)


def test_unknown_inline_element_is_a_build_error() -> None:
    with pytest.raises(BuildError) as info:
        doc("<p>text <font color='red'>x</font></p>")
    assert "unknown inline element <font>" in str(info.value)


def test_unknown_root_is_a_build_error() -> None:
    with pytest.raises(BuildError) as info:
        parse_markup("<html><p>x</p></html>", LIBRARY)
    assert "must start with <document> or <deck>, not <html>" in str(info.value)


def test_broken_markup_is_a_build_error_with_its_place() -> None:
    with pytest.raises(BuildError) as info:
        parse_markup("<document>\n<p>a<b</p>\n</document>", LIBRARY)
    assert "broken markup at line 2" in str(info.value)


def test_unescaped_entity_is_broken_markup() -> None:
    with pytest.raises(BuildError):
        parse_markup("<document><p>&copy;</p></document>", LIBRARY)


def test_faq_with_a_missing_answer_is_a_build_error() -> None:
    with pytest.raises(BuildError):
        doc("<faq><q>one?</q><a>yes</a><q>two?</q></faq>")


def test_heading_with_a_bad_level_is_a_build_error() -> None:
    with pytest.raises(BuildError):
        doc('<h level="two">x</h>')


# --- parse_markup: blocks -----------------------------------------------------------------------------------------


def test_blocks_of_a_document() -> None:
    result = doc(
        "<subtitle>Sub</subtitle>"
        "<section id='s1'><h level='3'>Head</h><p role='lead'>Lead</p>"
        "<steps><item>one</item></steps><checklist><item>tick</item></checklist>"
        "<table><caption>Cap</caption><head><cell>A</cell><cell>B</cell></head>"
        "<row><cell>a1</cell><cell>b1</cell></row></table>"
        "<callout kind='warning'><p>Careful</p></callout>"
        "<faq><q>Q?</q><a>A.</a></faq></section>"
    )
    assert result.subtitle == (Span("Sub"),)
    [section] = result.blocks
    assert isinstance(section, Section)
    assert section.id == "s1" and section.heading == "Head"
    assert section.blocks == (
        Heading((Span("Head"),), 3),
        Paragraph((Span("Lead"),), "lead"),
        ListBlock("steps", ((Span("one"),),)),
        ListBlock("checklist", ((Span("tick"),),)),
        Table(((Span("A"),), (Span("B"),)), (((Span("a1"),), (Span("b1"),)),), (Span("Cap"),)),
        Callout("warning", (Paragraph((Span("Careful"),)),)),
        Faq((((Span("Q?"),), (Span("A."),)),)),
    )


def test_deck_with_slides_and_notes() -> None:
    result = parse_markup(
        "<deck><title>Deck</title><subtitle>Sub</subtitle>"
        "<slide kind='title'><title>First</title></slide>"
        "<slide><title>Second</title><bullets><item>a</item></bullets><notes>  say\n  this  </notes></slide>"
        "</deck>",
        LIBRARY,
    )
    assert isinstance(result, Deck)
    assert result.title == (Span("Deck"),) and result.subtitle == (Span("Sub"),)
    first, second = result.slides
    assert (first.kind, first.title, first.blocks, first.notes) == ("title", (Span("First"),), (), "")
    assert second.kind == "content"
    assert second.blocks == (ListBlock("bullets", ((Span("a"),),)),)
    assert second.notes == "say this"


# --- citations -----------------------------------------------------------------------------------------------------


def test_citations_are_numbered_in_order_of_first_appearance() -> None:
    result = doc(
        '<p>First <cite ids="doe2021"/>, then <cite ids="smith2020 doe2021"/>.</p>'
        '<p>Later <cite ids="roe2019 smith2020"/> and again <cite ids="doe2021"/>.</p>'
        "<references/>"
    )
    first, second, references = result.blocks
    assert isinstance(first, Paragraph) and isinstance(second, Paragraph)
    assert plain(first.spans) == "First [1], then [1, 2]."
    assert plain(second.spans) == "Later [2, 3] and again [1]."
    assert references == References(
        (
            ReferenceEntry(
                1, "Doe A. Does it work? Test Rev. 2021. PMID: 123456", "https://pubmed.ncbi.nlm.nih.gov/123456/"
            ),
            ReferenceEntry(
                2,
                "Smith J, Jones K. A first study. J Test. 2020;12(3):45-67. doi:10.1000/first",
                "https://doi.org/10.1000/first",
            ),
            ReferenceEntry(
                3, "Roe B, Poe C. Web only. Clinic Site. 2019. https://example.org/guide", "https://example.org/guide"
            ),
        )
    )


def test_reference_list_before_the_citations_still_lists_them_in_order() -> None:
    result = doc('<references/><p><cite ids="roe2019"/> <cite ids="smith2020"/></p>')
    references, paragraph = result.blocks
    assert isinstance(references, References) and isinstance(paragraph, Paragraph)
    assert [entry.number for entry in references.entries] == [1, 2]
    assert [entry.link for entry in references.entries] == [
        "https://example.org/guide",
        "https://doi.org/10.1000/first",
    ]
    assert plain(paragraph.spans) == "[1] [2]"


def test_every_reference_list_prints_titles() -> None:
    result = doc('<p><cite ids="smith2020 doe2021"/></p><references/>')
    references = result.blocks[1]
    assert isinstance(references, References)
    texts = [entry.text for entry in references.entries]
    assert all(". " in text and len(text.split(". ")) >= 3 for text in texts), texts  # authors. title. source


def test_reference_list_without_citations_is_left_out() -> None:
    assert doc("<references/>").blocks == ()
    assert doc('<section id="refs"><h>References</h><references/></section>').blocks == ()


def test_citation_without_a_reference_list_is_a_build_error() -> None:
    with pytest.raises(BuildError) as info:
        doc('<p>Claim <cite ids="smith2020"/>.</p>')
    assert "prints no reference list" in str(info.value)


def test_citation_of_an_unknown_reference_is_a_build_error() -> None:
    with pytest.raises(BuildError) as info:
        doc('<p><cite ids="nosuch2000"/></p><references/>')
    assert "[@nosuch2000] names no reference" in str(info.value)


def test_real_library_citation_text() -> None:
    library = load_references(ROOT / "content" / "references")
    result = parse_markup('<document><p>X <cite ids="aroda2016 julian2020"/></p><references/></document>', library)
    assert isinstance(result, Document)
    paragraph, references = result.blocks
    assert isinstance(paragraph, Paragraph) and isinstance(references, References)
    assert plain(paragraph.spans) == "X [1, 2]"
    assert [e.text for e in references.entries] == [
        library["aroda2016"].citation_text(),
        library["julian2020"].citation_text(),
    ]
    assert references.entries[1].text.startswith("Julian T, Syeed R, Glascow N, et al. ")
    assert references.entries[1].link == "https://doi.org/10.3390/nu12082221"


def test_reference_without_a_year_has_one_final_full_stop() -> None:
    reference = Reference("x", "Roe B", "A page", "Clinic Site")
    assert reference.citation_text() == "Roe B. A page. Clinic Site."


# --- render_markup end to end, sandboxed and confined ---------------------------------------------------------------


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.j2").write_text("TOP SECRET", encoding="utf-8")
    return folder


def write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_content_text_reaches_the_ir_exactly(templates: Path) -> None:
    write(
        templates,
        "doc.j2",
        "<document><title>{{ t.title }}</title>\n"
        "{% for p in t.paras %}<p>{{ p }}</p>\n{% endfor %}<references/></document>",
    )
    text = 'Q&A, B12 < 200 pg/mL, <b>bold?</b>, &copy and <!-- x --> "quoted" [@doe2021]'
    markup = render_markup([templates], "doc.j2", {"t": {"title": "A < B & C", "paras": [text, "one\ntwo"]}})
    result = parse_markup(markup, LIBRARY)
    assert plain(result.title) == "A < B & C"
    assert isinstance(result, Document)
    first, second, references = result.blocks
    assert isinstance(first, Paragraph) and isinstance(second, Paragraph) and isinstance(references, References)
    assert plain(first.spans) == 'Q&A, B12 < 200 pg/mL, <b>bold?</b>, &copy and <!-- x --> "quoted" [1]'
    assert all(not span.bold for span in first.spans)
    assert plain(second.spans) == "one\ntwo"
    assert [entry.number for entry in references.entries] == [1]


def test_text_filter_is_the_same_escaping(templates: Path) -> None:
    write(templates, "f.j2", "{{ t.a|text }}|{{ t.a }}")
    assert render_markup([templates], "f.j2", {"t": {"a": "a<b & [@x1]"}}) == (
        'a&lt;b &amp; <cite ids="x1"/>|a&lt;b &amp; <cite ids="x1"/>'
    )


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ lipsum.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ ''|attr('__class__') }}",
        "{{ '{0.__class__}'.format('') }}",
        "{% set x = t.seen.append(1) %}{{ t.seen }}",
        "{{ t.__class__ }}",
    ],
)
def test_sandbox_refuses_attribute_walks_and_mutation(templates: Path, source: str) -> None:
    write(templates, "evil.j2", source)
    with pytest.raises(BuildError) as info:
        render_markup([templates], "evil.j2", {"t": {"seen": []}})
    assert "unsafe" in str(info.value)


def test_undefined_value_is_a_build_error(templates: Path) -> None:
    write(templates, "u.j2", "{{ t.nothing }}")
    with pytest.raises(BuildError) as info:
        render_markup([templates], "u.j2", {"t": {}})
    assert "template error in 'u.j2'" in str(info.value)
    assert "nothing" in str(info.value)


def test_none_value_is_a_build_error_not_the_word_none(templates: Path) -> None:
    write(templates, "n.j2", "<p>{{ t.dose }}</p>")
    with pytest.raises(BuildError) as info:
        render_markup([templates], "n.j2", {"t": {"dose": None}})
    assert "missing" in str(info.value)


def test_output_size_is_bounded(templates: Path) -> None:
    write(templates, "big.j2", "{% for i in range(30) %}{{ 'y' * 100000 }}{% endfor %}")
    with pytest.raises(BuildError) as info:
        render_markup([templates], "big.j2", {})
    assert f"more than {MAX_OUTPUT_CHARS:,} characters" in str(info.value)


def test_missing_template_is_a_build_error(templates: Path) -> None:
    with pytest.raises(BuildError) as info:
        render_markup([templates], "absent.j2", {})
    assert "template 'absent.j2' not found" in str(info.value)


@pytest.mark.parametrize("name", ["../outside/secret.j2", "{outside}/secret.j2"])
def test_template_outside_the_search_path_is_not_loaded(templates: Path, name: str) -> None:
    name = name.format(outside=templates.parent / "outside")
    write(templates, "inc.j2", "{% include '" + name + "' %}")
    for entry in ("inc.j2", name):
        with pytest.raises(BuildError) as info:
            render_markup([templates], entry, {})
        assert "not found" in str(info.value)
        assert "TOP SECRET" not in str(info.value)


def test_symlinked_file_pointing_outside_is_not_loaded(templates: Path) -> None:
    os.symlink(templates.parent / "outside" / "secret.j2", templates / "link.j2")
    write(templates, "inc.j2", "{% include 'link.j2' %}")
    for entry in ("link.j2", "inc.j2"):
        with pytest.raises(BuildError) as info:
            render_markup([templates], entry, {})
        assert "template 'link.j2' not found" in str(info.value)


def test_symlinked_folder_pointing_outside_is_not_loaded(templates: Path) -> None:
    os.symlink(templates.parent / "outside", templates / "sub", target_is_directory=True)
    write(templates, "inc.j2", "{% include 'sub/secret.j2' %}")
    with pytest.raises(BuildError) as info:
        render_markup([templates], "inc.j2", {})
    assert "template 'sub/secret.j2' not found" in str(info.value)


def test_symlink_inside_the_search_path_is_fine(templates: Path) -> None:
    write(templates, "real.j2", "REAL")
    os.symlink(templates / "real.j2", templates / "alias.j2")
    assert render_markup([templates], "alias.j2", {}) == "REAL"


def test_first_folder_of_the_search_path_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "variant", tmp_path / "shared"
    first.mkdir()
    second.mkdir()
    write(first, "part.j2", "FROM VARIANT")
    write(second, "part.j2", "FROM SHARED")
    write(second, "main.j2", "{% include 'part.j2' %} {% include 'only.j2' %}")
    write(second, "only.j2", "ONLY SHARED")
    assert render_markup([first, second], "main.j2", {}) == "FROM VARIANT ONLY SHARED"


_PIECES = st.sampled_from([" ", "  ", "\t", "\n", "a", "bc", "\u2028", "é", "中"])
_SPANS = st.lists(
    st.tuples(st.lists(_PIECES, max_size=6).map("".join), st.booleans(), st.booleans(), st.sampled_from(["", "u"])),
    max_size=5,
)


@settings(max_examples=400, deadline=None)
@given(_SPANS)
def test_whitespace_is_collapsed_as_the_text_reads_whatever_the_spans(spans: list[tuple[str, bool, bool, str]]) -> None:
    """However the runs are cut, the words read as the whole text collapsed: one space between words, none at
    either end or beside a line break; no run is empty, and neighbouring runs differ in style."""
    from handouts.ir import _normalise

    result = _normalise([Span(*span) for span in spans])
    whole = re.sub(r"[ \t\r\n]+", " ", "".join(text for text, *_ in spans))
    expected = re.sub(r" ?\u2028 ?", "\u2028", whole).strip(" ").replace("\u2028", "\n")
    assert "".join(span.text for span in result) == expected
    assert all(span.text for span in result)
    styles = [(span.bold, span.italic, span.href) for span in result]
    assert all(a != b for a, b in itertools.pairwise(styles))
