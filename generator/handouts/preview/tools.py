"""Finding LibreOffice and a Chromium-family browser: on PATH, then where their installers put them on Windows,
macOS and Linux, so the gallery and `handouts doctor` find them on a clinic PC that never put them on PATH.

HANDOUTS_SOFFICE and HANDOUTS_BROWSER name a program explicitly (its full path); when set, nothing else is tried.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath


@dataclass(frozen=True)
class Program:
    """A program the gallery uses: its commands on PATH, and where installers put it on each system."""

    kind: str  # "libreoffice" or "browser"
    variable: str  # the environment variable that names it explicitly
    commands: tuple[str, ...]  # looked up on PATH, in this order
    windows: tuple[str, ...]  # under %ProgramFiles%, %ProgramFiles(x86)% and %LOCALAPPDATA%
    mac: tuple[str, ...]  # under /Applications and ~/Applications
    linux: tuple[str, ...]  # absolute
    install: str  # what to install, said to a person


LIBREOFFICE = Program(
    kind="libreoffice",
    variable="HANDOUTS_SOFFICE",
    commands=("soffice", "libreoffice"),
    windows=("LibreOffice/program/soffice.exe",),
    mac=("LibreOffice.app/Contents/MacOS/soffice",),
    linux=(
        "/usr/bin/soffice",
        "/usr/lib/libreoffice/program/soffice",
        "/opt/libreoffice/program/soffice",
        "/snap/bin/libreoffice",
        "/var/lib/flatpak/exports/bin/org.libreoffice.LibreOffice",
    ),
    install="LibreOffice (https://www.libreoffice.org/download/; on Debian or Ubuntu: apt install libreoffice-impress)",
)

BROWSER = Program(
    kind="browser",
    variable="HANDOUTS_BROWSER",
    commands=("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "microsoft-edge", "msedge"),
    windows=(
        "Google/Chrome/Application/chrome.exe",
        "Chromium/Application/chrome.exe",
        "Microsoft/Edge/Application/msedge.exe",
    ),
    mac=(
        "Google Chrome.app/Contents/MacOS/Google Chrome",
        "Chromium.app/Contents/MacOS/Chromium",
        "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
    ),
    linux=(
        "/usr/bin/chromium",
        "/snap/bin/chromium",
        "/usr/bin/google-chrome",
        "/opt/google/chrome/chrome",
        "/usr/bin/microsoft-edge",
    ),
    install="Chromium, Google Chrome or Microsoft Edge (on Debian or Ubuntu: apt install chromium)",
)


def candidates(program: Program, system: str, env: Mapping[str, str], home: Path) -> list[str]:
    """Return the places `program` is installed on `system` (a sys.platform value), most likely first."""
    if system == "win32":
        roots = [env.get(name, "") for name in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA", "ProgramW6432")]
        return [str(PureWindowsPath(root, place)) for root in dict.fromkeys(roots) if root for place in program.windows]
    if system == "darwin":
        return [str(Path(root, place)) for root in ("/Applications", home / "Applications") for place in program.mac]
    return list(program.linux)


def find(
    program: Program,
    system: str = sys.platform,
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
    which: Callable[[str], str | None] = shutil.which,
    is_file: Callable[[str], bool] = os.path.isfile,
) -> str | None:
    """Return the command to run `program` with, or None when it is not installed."""
    env = os.environ if env is None else env
    named = env.get(program.variable, "")
    if named:
        return named if is_file(named) else None
    for command in program.commands:
        found = which(command)
        if found:
            return found
    for place in candidates(program, system, env, home or Path.home()):
        if is_file(place):
            return place
    return None


def soffice() -> str | None:
    """Return the LibreOffice command, or None when it is not installed."""
    return find(LIBREOFFICE)


def browser() -> str | None:
    """Return a Chromium-family browser's command, or None when none is installed."""
    return find(BROWSER)


def version_of(command: str, timeout: float = 30) -> str:
    """Return the first line `command --version` prints ("" when it prints nothing or cannot run)."""
    try:
        proc = subprocess.run([command, "--version"], capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if lines else ""
