"""Rendering decks to PDF with LibreOffice, with the project's fonts visible to it, when it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from handouts.fonts import FONT_DIR, METRIC_TWINS, SLIDE_FONT_DIR


def soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def decks_to_pdf(decks: list[Path], work: Path, timeout: float = 600) -> dict[Path, Path]:
    """Render `decks` to PDFs under `work` and return each deck's PDF; decks that fail are left out.

    LibreOffice runs with a private profile and a fontconfig that adds the project's fonts and draws each
    typeface a deck names with its metric twin (Calibri with Carlito), as a clinic PC draws it with the
    original: it neither touches the user's profile nor lays text out with a substitute of other widths.
    """
    command = soffice()
    if command is None or not decks:
        return {}
    work.mkdir(parents=True, exist_ok=True)
    cache = work / "fontconfig-cache"
    conf = work / "fonts.conf"
    aliases = "".join(
        f'  <alias binding="same"><family>{name}</family><prefer><family>{twin}</family></prefer></alias>\n'
        for name, twin in METRIC_TWINS.items()
    )
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONT_DIR}</dir>\n  <dir>{SLIDE_FONT_DIR}</dir>\n{aliases}"
        f"  <cachedir>{cache}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work)}
    rendered: dict[Path, Path] = {}
    # Decks of different clinics share file names, so each batch of distinct names gets a folder of its own.
    for number, batch in enumerate(_distinct_names(decks)):
        target = work / f"pdf-{number}"
        arguments = [
            command,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(target),
            *(str(d.resolve()) for d in batch),
        ]
        try:
            subprocess.run(arguments, env=env, capture_output=True, timeout=timeout, cwd=work, check=False)
        except subprocess.TimeoutExpired:
            continue
        for deck in batch:
            result = target / f"{deck.stem}.pdf"
            if result.is_file():
                rendered[deck] = result
    return rendered


def _distinct_names(decks: list[Path]) -> list[list[Path]]:
    """Split `decks` into groups in which no two files share a name."""
    groups: list[list[Path]] = []
    for deck in decks:
        for group in groups:
            if all(other.name != deck.name for other in group):
                group.append(deck)
                break
        else:
            groups.append([deck])
    return groups
