"""Finding LibreOffice and a browser where their installers put them on Windows, macOS and Linux, not only on
PATH; the gallery, the deck renders and `handouts doctor` all use this one lookup."""

from __future__ import annotations

from pathlib import Path, PureWindowsPath

import pytest
from handouts.preview import browser, office, tools
from handouts.preview.tools import BROWSER, LIBREOFFICE, candidates, find

WINDOWS = {
    "ProgramFiles": r"C:\Program Files",
    "ProgramFiles(x86)": r"C:\Program Files (x86)",
    "LOCALAPPDATA": r"C:\Users\nurse\AppData\Local",
}


def nothing_on_path(_command: str) -> None:
    return None


@pytest.mark.parametrize(
    "program,system,expected",
    [
        (LIBREOFFICE, "win32", str(PureWindowsPath(r"C:\Program Files\LibreOffice\program\soffice.exe"))),
        (LIBREOFFICE, "darwin", "/Applications/LibreOffice.app/Contents/MacOS/soffice"),
        (LIBREOFFICE, "linux", "/usr/lib/libreoffice/program/soffice"),
        (BROWSER, "win32", str(PureWindowsPath(r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"))),
        (BROWSER, "win32", str(PureWindowsPath(r"C:\Users\nurse\AppData\Local\Google\Chrome\Application\chrome.exe"))),
        (BROWSER, "darwin", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
        (BROWSER, "linux", "/snap/bin/chromium"),
    ],
)
def test_a_program_is_found_where_its_installer_puts_it(program: tools.Program, system: str, expected: str) -> None:
    places = candidates(program, system, WINDOWS, Path("/Users/nurse"))
    assert expected in places
    found = find(program, system, WINDOWS, Path("/Users/nurse"), which=nothing_on_path, is_file=lambda p: p == expected)
    assert found == expected


def test_path_comes_first_and_a_named_program_is_the_only_one_tried(tmp_path: Path) -> None:
    on_path = find(LIBREOFFICE, "linux", {}, tmp_path, which=lambda c: f"/bin/{c}" if c == "libreoffice" else None)
    assert on_path == "/bin/libreoffice"
    named = tmp_path / "my-soffice"
    named.write_text("", encoding="utf-8")
    env = {"HANDOUTS_SOFFICE": str(named)}
    assert find(LIBREOFFICE, "linux", env, tmp_path, which=lambda c: "/bin/soffice") == str(named)
    missing = {"HANDOUTS_SOFFICE": str(tmp_path / "not-there")}
    assert find(LIBREOFFICE, "linux", missing, tmp_path, which=lambda c: "/bin/soffice") is None
    assert find(BROWSER, "darwin", {}, tmp_path, which=nothing_on_path, is_file=lambda p: False) is None


def test_the_user_s_own_applications_folder_counts_on_a_mac(tmp_path: Path) -> None:
    app = tmp_path / "Applications" / "Chromium.app" / "Contents" / "MacOS" / "Chromium"
    app.parent.mkdir(parents=True)
    app.write_text("", encoding="utf-8")
    assert find(BROWSER, "darwin", {}, tmp_path, which=nothing_on_path) == str(app)


def test_the_gallery_and_the_renders_use_the_same_lookup() -> None:
    assert office.soffice is tools.soffice
    assert browser.browser is tools.browser


def test_a_version_is_read_and_a_program_that_cannot_run_gives_none(tmp_path: Path) -> None:
    assert tools.version_of(str(tmp_path / "no-such-program")) == ""
