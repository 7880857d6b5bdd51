"""The tool's part of every output's key is its code and the files it draws with, not its version: each commit
has a version of its own (setuptools-scm), and one that changes no code must rebuild nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import handouts
import pytest
from handouts.files import digests


def digest_of(package: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(handouts, "__file__", str(package / "__init__.py"))
    digests.tool_digest.cache_clear()
    digests.file_digest.cache_clear()
    return digests.tool_digest()


def test_a_new_version_with_the_same_code_keeps_the_digest_and_new_code_changes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "handouts"
    shutil.copytree(Path(handouts.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "_version.py").write_text('__version__ = "0.2.dev1+gaaaaaaa"\n', encoding="utf-8")
    try:
        first = digest_of(package, monkeypatch)
        (package / "_version.py").write_text('__version__ = "0.2.dev2+gbbbbbbb"\n', encoding="utf-8")
        monkeypatch.setattr(handouts, "__version__", "0.2.dev2+gbbbbbbb")
        assert digest_of(package, monkeypatch) == first, "a version alone must not rebuild every output"
        (package / "_data" / "docs").mkdir(parents=True)
        (package / "_data" / "docs" / "index.html").write_text("<p>the manual</p>", encoding="utf-8")
        assert digest_of(package, monkeypatch) == first, "the manual makes no output"
        builder = package / "builders" / "pdf" / "furniture.py"
        builder.write_text(builder.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        changed = digest_of(package, monkeypatch)
        assert changed != first, "a changed builder rebuilds"
        icon = package / "icons" / "heart.svg"
        icon.write_bytes(icon.read_bytes() + b"\n")
        with_icon = digest_of(package, monkeypatch)
        assert with_icon != changed, "a changed icon is drawn differently: it rebuilds"
        font = package / "typefaces" / "OpenSans-Regular.ttf"
        font.write_bytes(font.read_bytes() + b"\0")
        assert digest_of(package, monkeypatch) == with_icon, "the fonts are keyed by SHA256SUMS, not read each run"
        sums = package / "typefaces" / "SHA256SUMS"
        refreshed = hashlib.sha256(font.read_bytes()).hexdigest()
        lines = [
            f"{refreshed}  {name}" if name == font.name else f"{digest}  {name}"
            for digest, name in (line.split("  ", 1) for line in sums.read_text(encoding="utf-8").splitlines())
        ]
        sums.write_text("\n".join(lines) + "\n", encoding="utf-8")  # as `python -m handouts.fonts.refresh` writes
        assert digest_of(package, monkeypatch) != with_icon, "a refreshed typeface measures differently: it rebuilds"
    finally:
        monkeypatch.undo()
        digests.tool_digest.cache_clear()


def test_every_file_a_typeface_draws_with_keys_every_output() -> None:
    """A font refresh rebuilds: every face of every typeface (Open Sans too) lies in the vendored folder and is
    listed in SHA256SUMS, which stands for the fonts in every output's key (fonts_digest)."""
    from handouts.fonts import FONT_DIR, OPEN_SANS, SCRIPT_TYPEFACES, SLIDE_TYPEFACES, SUMS_FILE, fonts_fingerprint

    lines = (FONT_DIR / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in lines}
    typefaces = [OPEN_SANS, *SCRIPT_TYPEFACES, *SLIDE_TYPEFACES.values()]
    paths = {typeface.path(face) for typeface in typefaces for face, _ in typeface.files}
    assert len(paths) == 5 + 8 + 2
    for path in paths:
        assert path.parent == FONT_DIR and path.name in listed, path
    assert FONT_DIR / SUMS_FILE in fonts_fingerprint()


def test_each_library_version_is_the_one_importlib_metadata_finds() -> None:
    """The libraries' versions key the outputs; they are read from the folders' names, as fast as a listing."""
    from importlib import metadata

    digests.library_version.cache_clear()
    names = {str(distribution.metadata["Name"]) for distribution in metadata.distributions()}
    assert len(names) > 30
    for name in sorted(names):
        assert digests.library_version(name) == metadata.version(name), name
    assert digests.library_version("no-such-library-here") == "missing"
    assert digests.library_version("PyYAML") == digests.library_version("pyyaml") == metadata.version("pyyaml")
