"""Write the parts of the manual that the code knows better than a person: the command reference, the table of
block kinds, what `handouts check` prints for a typical mistake, and pictures of the example project's outputs.

    python docs/generate.py          # write them (`make docs-generated`)
    python docs/generate.py --check  # exit 1 naming what is stale (tests/test_docs.py runs the same check)

Each generated part of a page sits between `<!-- NAME:start -->` and `<!-- NAME:end -->`; the pictures are PNG
files in docs/_static/outputs/, drawn with pypdfium2 from a real build of the project `handouts init` writes.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PICTURES = HERE / "_static" / "outputs"
PICTURE_WIDTH = 640  # pixels: sharp enough to read a heading, small enough for the wheel
# (output in the example project's output folder, page, picture's file name)
PICTURED = (
    ("maple-street/home-blood-pressure/patient-handout-letter.pdf", 1, "patient-handout-page-1.png"),
    ("maple-street/home-blood-pressure/patient-handout-large-letter.pdf", 1, "large-print-page-1.png"),
    ("maple-street/home-blood-pressure/clinician-onepager-letter.pdf", 1, "clinician-onepager.png"),
    ("maple-street/home-blood-pressure/patient-leaflet-half-letter.pdf", 1, "patient-leaflet.png"),
)
PICTURED_VARIANTS = ("patient-handout", "patient-handout-large", "clinician-onepager", "patient-leaflet")
# The mistakes the tutorial makes on purpose, in the example topic: (text, the same text mistyped).
MISTAKES = (
    ("main_message:", "main_mesage:"),
    ("    heading:\n      patient: What the numbers mean", "    heading:\n      patinet: What the numbers mean"),
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run handouts in a fresh process, as a person would, with nothing of a CI around it."""
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "FORCE_COLOR", "SOURCE_DATE_EPOCH")}
    command = [sys.executable, "-m", "handouts", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**env, "NO_COLOR": "1"}, check=False)


def example_project(work: Path) -> Path:
    """Write the project `handouts init` writes into `work` and return it."""
    result = run("init", "clinic", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "clinic"


# ----- text parts --------------------------------------------------------------------------------------------
def cli_reference() -> str:
    """Return every command with its usage, what it does and its options, as Markdown."""
    from handouts.cli.main import cli

    sections = []
    root = click.Context(cli, info_name="handouts")
    sections.append(_command_markdown(cli, root, "handouts", level=2))
    for name in sorted(cli.commands):
        command = cli.commands[name]
        ctx = click.Context(command, info_name=name, parent=root)
        if isinstance(command, click.Group):
            for sub_name in sorted(command.commands):
                sub = command.commands[sub_name]
                sub_ctx = click.Context(sub, info_name=sub_name, parent=ctx)
                sections.append(_command_markdown(sub, sub_ctx, f"handouts {name} {sub_name}", level=2))
        else:
            sections.append(_command_markdown(command, ctx, f"handouts {name}", level=2))
    return "\n\n".join(sections)


def _command_markdown(command: click.Command, ctx: click.Context, title: str, level: int) -> str:
    usage = " ".join(command.collect_usage_pieces(ctx))
    help_text = (command.help or "").split("\f")[0]
    paragraphs = [" ".join(p.split()) for p in help_text.replace("\b\n", "").split("\n\n") if p.strip()]
    if "\b" in help_text:  # click's "keep these lines as they are": a code block
        paragraphs = []
        for block in help_text.split("\n\n"):
            if block.startswith("\b"):
                lines = [line.strip() for line in block.removeprefix("\b").strip("\n").splitlines()]
                paragraphs.append("```\n" + "\n".join(lines) + "\n```")
            elif block.strip():
                paragraphs.append(" ".join(block.split()))
    rows = ["| option | what it does |", "|---|---|"]
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
        if record is None or param.name == "help":
            continue
        options, text = record
        rows.append(f"| `{_cell(options)}` | {_cell(text)} |")
    parts = [f"{'#' * level} `{title}`", f"```\n{title} {usage}\n```".replace(f"{title} \n", f"{title}\n"), *paragraphs]
    if len(rows) > 2:
        parts.append("\n".join(rows))
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def block_table() -> str:
    """Return the table of the content block kinds a section may hold, from the code's one table of them."""
    from handouts.content.blocks import CONTENT_BLOCKS

    rows = ["| block | what it is |", "|---|---|"]
    rows += [f"| `{name}` | {block.summary} |" for name, block in CONTENT_BLOCKS.items()]
    return "\n".join(rows)


def check_example() -> str:
    """Return what `handouts check` prints for the tutorial's mistakes in the example topic, as a console block."""
    with tempfile.TemporaryDirectory(prefix="handouts-docs-") as work:
        project = example_project(Path(work))
        topic = project / "content" / "home-blood-pressure.yaml"
        text = topic.read_text(encoding="utf-8")
        for right, wrong in MISTAKES:
            assert right in text, f"the example topic no longer has {right!r}: change MISTAKES in docs/generate.py"
            text = text.replace(right, wrong, 1)
        topic.write_text(text, encoding="utf-8")
        result = run("check", cwd=project)
    assert result.returncode == 2, result.stderr
    return f"```console\n$ handouts check\n{result.stderr.rstrip()}\n```"


GENERATED: dict[str, tuple[str, Callable[[], str]]] = {
    "cli": ("cli.md", cli_reference),
    "blocks": ("blocks.md", block_table),
    "check-example": ("tutorial.md", check_example),
}


def _split(text: str, name: str) -> tuple[str, str, str]:
    """Return what comes before NAME's part (its start marker included), the part, and what comes after."""
    start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
    before, found, rest = text.partition(start)
    assert found, f"no {start.strip()} marker"
    part, found, after = rest.partition(end)
    assert found, f"no {end} marker"
    return before + start, part.removesuffix("\n"), end + after


def replace_part(text: str, name: str, made: str) -> str:
    """Return `text` with the part between NAME's markers replaced by `made`."""
    before, _, after = _split(text, name)
    return before + made + "\n" + after


def written_part(text: str, name: str) -> str:
    return _split(text, name)[1]


# ----- pictures ----------------------------------------------------------------------------------------------
def pictures() -> dict[str, bytes]:
    """Return the PNG of every page PICTURED, drawn from a fresh build of the example project."""
    import pypdfium2
    from PIL import Image

    made = {}
    with tempfile.TemporaryDirectory(prefix="handouts-docs-") as work:
        project = example_project(Path(work))
        only = [arg for variant in PICTURED_VARIANTS for arg in ("--only", variant)]
        result = run("build", "--paper", "letter", "--paper", "half-letter", *only, "-j", "1", cwd=project)
        assert result.returncode == 0, result.stderr
        for path, page, name in PICTURED:
            document = pypdfium2.PdfDocument(str(project / "output" / path))
            try:
                pdf_page = document[page - 1]
                scale = PICTURE_WIDTH / pdf_page.get_width()
                image = pdf_page.render(scale=scale).to_pil().convert("RGB")
            finally:
                document.close()
            small = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
            buffer = io.BytesIO()
            small.save(buffer, format="PNG", optimize=True)
            made[name] = buffer.getvalue()
    return made


# ----- writing and checking ----------------------------------------------------------------------------------
def stale() -> list[str]:
    """Return what the manual has that the code would write differently (files and parts, by name)."""
    found = []
    for name, (page, make) in GENERATED.items():
        if written_part((HERE / page).read_text(encoding="utf-8"), name) != make():
            found.append(f"docs/{page} ({name})")
    for name, data in pictures().items():
        path = PICTURES / name
        if not path.is_file() or path.read_bytes() != data:
            found.append(f"docs/_static/outputs/{name}")
    return found


def write() -> None:
    for name, (page, make) in GENERATED.items():
        path = HERE / page
        path.write_text(replace_part(path.read_text(encoding="utf-8"), name, make()), encoding="utf-8")
    shutil.rmtree(PICTURES, ignore_errors=True)
    PICTURES.mkdir(parents=True)
    for name, data in pictures().items():
        (PICTURES / name).write_bytes(data)


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        outdated = stale()
        for item in outdated:
            print(f"{item} is stale; run `make docs-generated`", file=sys.stderr)
        sys.exit(1 if outdated else 0)
    write()
