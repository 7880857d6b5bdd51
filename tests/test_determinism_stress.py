"""Determinism under stress, the small version CI can afford (benchmarks/determinism.py runs 20 copies): the
example project built in 3 fresh copies at different paths (a space, a non-ASCII letter, another depth) with
different PYTHONHASHSEED and -j gives byte-identical outputs and manifests and rebuilds nothing; a `serve` session
in which a template is saved while an editor's swap file lies beside it leaves nothing for the next build to
rebuild; and outputs built each alone in a fresh process equal the batch's (no builder's cache leaks from one
output into the next)."""

from __future__ import annotations

import shutil
from pathlib import Path

from handouts.files.resources import packaged_templates

from benchmarks.determinism import EXAMPLE, stress


def test_the_example_project_builds_the_same_bytes_everywhere_and_rebuilds_nothing(tmp_path: Path) -> None:
    project = tmp_path / "clinic"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("output"))
    # A templates/ folder of the project's own, with the tool's labels in it (the same words): the serve session
    # then saves a template file, as an author does, while the editor's swap file is beside it.
    (project / "templates").mkdir()
    shutil.copy(packaged_templates() / "labels.yaml", project / "templates" / "labels.yaml")
    result = stress(3, project, work=tmp_path, serve=True, isolate=3)
    assert result.ok, result.report()
    assert result.outputs >= 14, "every output of the matrix and the manifest were compared"
    assert result.isolated == 3


def test_a_flowable_made_after_another_was_freed_is_still_tagged() -> None:
    """The cause of a difference the attack saw once: the tagger took a flowable for a repeat when it got the id
    (the address) of one drawn and freed before it, and left its words out of the tags. Whether an address is
    reused depends on what the process did before, so the same inputs made different bytes now and then."""
    import io

    from handouts.builders.pdf.tags import MarkedContent, Tagger
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Flowable

    addresses = [id(Flowable()) for _ in range(20)]
    assert len(set(addresses)) < len(addresses), "this Python reuses a freed object's address, as CPython does"
    tagger, canvas = Tagger(), Canvas(io.BytesIO())
    nodes = [tagger.add("P") for _ in range(20)]
    for node in nodes:
        with tagger.marking(canvas, node, Flowable()):  # a new piece each time; the one before is freed
            pass
    assert all(any(isinstance(kid, MarkedContent) for kid in node.kids) for node in nodes)
    repeat = Flowable()
    with tagger.marking(canvas, nodes[0], repeat):
        pass
    with tagger.marking(canvas, nodes[0], repeat):  # a table's header drawn again on the next page: an artifact
        pass
    assert sum(isinstance(kid, MarkedContent) for kid in nodes[0].kids) == 2
