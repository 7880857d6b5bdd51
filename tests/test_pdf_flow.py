"""Flow rules on their own, in a real reportlab document: a heading kept with what follows it."""

from __future__ import annotations

import io

from handouts.builders.pdf.flow import KeepWithNext
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer


def test_a_heading_kept_with_a_block_kept_together_that_moves_on() -> None:
    """reportlab splits a too-tall KeepTogether into a frame break and its content: the pair must not measure the
    break (reportlab raises when a frame break is wrapped), and the heading moves on with the block."""
    styles = getSampleStyleSheet()
    block = KeepTogether([Paragraph("words " * 60, styles["BodyText"]) for _ in range(4)])
    pair = KeepWithNext(Paragraph("A heading", styles["Heading2"]), block, min_body=40)
    story = [Spacer(1, 500), pair, Paragraph("After", styles["BodyText"])]
    document = SimpleDocTemplate(io.BytesIO())
    placed: list[tuple[int, str]] = []
    document.afterFlowable = lambda f: placed.append(
        (document.page, f.getPlainText()[:9] if isinstance(f, Paragraph) else "")
    )
    document.build(story)
    text_pages = [(page, text) for page, text in placed if text]
    assert text_pages[0] == (2, "A heading"), "the heading moved on with the block it is kept with"
    assert [page for page, text in text_pages if text.startswith("words")] == [2, 2, 2, 2], "the block stays whole"
