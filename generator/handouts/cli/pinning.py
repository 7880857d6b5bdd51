"""requirements.txt for a project: the one line that installs exactly this handouts in the project's CI.

Until handouts is on a package index, a clinic gets it as a wheel file. The project keeps that wheel in
`wheels/` and names it with its sha256, so CI installs the very file the clinic checked its outputs with, and
refuses any other (pip checks a `#sha256=` on a file URL without asking hashes of every dependency). The wheel
is found where pip recorded installing it from (direct_url.json, PEP 610), or named with `--wheel`. A handouts
installed from an index is pinned by its version; a checkout (an editable install) has no wheel to keep, and its
version is on no index, which `init` and `pin` say.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from handouts.errors import InputError, Location, Problem

WHEELS = "wheels"  # in the project
REQUIREMENTS = "requirements.txt"


@dataclass(frozen=True)
class Pin:
    """What a project's requirements.txt says, and the wheel to keep beside it (None when there is none)."""

    text: str
    wheel: Path | None
    warning: str = ""


def installed_version() -> str:
    from handouts import __version__

    return __version__


def recorded_wheel() -> Path | None:
    """Return the wheel file pip installed this handouts from, when pip recorded one that is still there."""
    try:
        direct = metadata.distribution("handouts").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not direct:
        return None
    info = json.loads(direct)
    parts = urlsplit(str(info.get("url", "")))
    if parts.scheme != "file" or "archive_info" not in info:
        return None
    path = Path(unquote(parts.path.lstrip("/") if ":" in parts.path[:3] else parts.path))
    return path if path.suffix == ".whl" and path.is_file() else None


def wheel_version(wheel: Path) -> str:
    """Return the version a handouts wheel carries, or raise InputError when `wheel` is not one."""
    where = Location(str(wheel))
    try:
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            fields = dict(
                line.split(": ", 1) for line in archive.read(name).decode("utf-8").splitlines() if ": " in line
            )
    except (OSError, zipfile.BadZipFile, StopIteration, UnicodeDecodeError):
        raise InputError(
            Problem(where, "is not a wheel (.whl) file", "name the handouts-*.whl you installed")
        ) from None
    if fields.get("Name", "").lower() != "handouts":
        raise InputError(Problem(where, f"is a wheel of {fields.get('Name', '?')}, not of handouts", ""))
    return fields.get("Version", "")


def pin(wheel: Path | None = None) -> Pin:
    """Return the requirements.txt that installs this handouts, keeping `wheel` (or the one pip recorded)."""
    version = installed_version()
    chosen = wheel or recorded_wheel()
    if chosen is not None:
        found = wheel_version(chosen)
        if found != version:
            raise InputError(
                Problem(
                    Location(str(chosen)),
                    f"is handouts {found}, but handouts {version} is running",
                    f"install that wheel first (pip install {chosen}), or name the wheel of {version}",
                )
            )
        sha256 = hashlib.sha256(chosen.read_bytes()).hexdigest()
        text = (
            "# The handouts this project is built with: the wheel kept in wheels/, which pip checks against its\n"
            "# sha256 (any other file is refused). Install from the project folder: pip install -r requirements.txt\n"
            "# (pip reads ${PWD} as that folder). To upgrade: install the new wheel, then run `handouts pin`.\n"
            f"handouts @ file://${{PWD}}/{WHEELS}/{chosen.name}#sha256={sha256}\n"
        )
        return Pin(text, chosen)
    text = (
        "# The handouts this project is built with; CI installs exactly this version (pip install -r\n"
        "# requirements.txt). To upgrade: pip install --upgrade handouts, then run `handouts pin`.\n"
        f"handouts=={version}\n"
    )
    warning = ""
    if _editable():
        warning = (
            f"requirements.txt names handouts {version}, a checkout that no package index has: CI cannot install it; "
            "build a wheel (pip wheel --no-deps -w dist .), install it, and run `handouts pin --wheel dist/<it>.whl`"
        )
    return Pin(text, None, warning)


def _editable() -> bool:
    try:
        direct = metadata.distribution("handouts").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return True  # running from sources that were never installed
    if not direct:
        return False
    return bool(json.loads(direct).get("dir_info", {}).get("editable"))


def pinned_files(project: Path, made: Pin) -> dict[Path, bytes]:
    """Return the files a project needs for `made`: requirements.txt, and the wheel in wheels/ when there is one."""
    files = {project / REQUIREMENTS: made.text.encode()}
    if made.wheel is not None:
        files[project / WHEELS / made.wheel.name] = made.wheel.read_bytes()
    return files
