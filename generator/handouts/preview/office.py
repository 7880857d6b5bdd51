"""Rendering decks to PDF with LibreOffice, with the project's fonts visible to it, when it is installed.

LibreOffice runs with network and linked-file access off: a deck (or the clinic template it was made from) may
link a picture on a web server or on the disk, and the gallery must neither fetch the one nor draw the other.
Its private profile turns on the "stealth mode" that refuses every linked resource of a document from outside a
trusted location (there are none), never updates links, runs no macros, and sends any web request to a proxy
that does not exist, as the environment's proxy variables do for anything else it might fetch.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from handouts.fonts import FONT_DIR, METRIC_TWINS, SLIDE_FONT_DIR
from handouts.fonts.scripts import preview_twins
from handouts.preview.tools import soffice


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
        for name, twin in {**METRIC_TWINS, **preview_twins()}.items()
    )
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONT_DIR}</dir>\n  <dir>{SLIDE_FONT_DIR}</dir>\n{aliases}"
        f"  <cachedir>{cache}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    _write_profile(work / "profile" / "user")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(work), **_NO_NETWORK}
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


_DEAD_PROXY = ("127.0.0.1", "9")  # the discard port: nothing listens there, so a request fails at once
_NO_NETWORK = {
    name: f"http://{_DEAD_PROXY[0]}:{_DEAD_PROXY[1]}"
    for name in ("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
} | {"no_proxy": "", "NO_PROXY": ""}
_SETTINGS = [
    # (configuration path, property, type, value)
    ("org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "boolean", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "DisableMacrosExecution", "boolean", "true"),
    ("org.openoffice.Office.Common/Security/Scripting", "MacroSecurityLevel", "int", "3"),
    ("org.openoffice.Office.Common/Security/Scripting", "SecureURL", "string-list", ""),
    ("org.openoffice.Office.Common/Misc", "ShowLinkWarningDialog", "boolean", "false"),
    ("org.openoffice.Office.Calc/Content/Update", "Link", "int", "1"),  # 1: never update links
    ("org.openoffice.Office.Writer/Content/Update", "Link", "int", "1"),
    ("org.openoffice.Inet/Settings", "ooInetProxyType", "int", "1"),  # 1: the proxies named here
    *(
        ("org.openoffice.Inet/Settings", f"ooInet{kind}Proxy{part}", kind_type, value)
        for kind in ("HTTP", "HTTPS", "FTP")
        for part, kind_type, value in (("Name", "string", _DEAD_PROXY[0]), ("Port", "int", _DEAD_PROXY[1]))
    ),
    ("org.openoffice.Inet/Settings", "ooInetNoProxy", "string", ""),
]


def _write_profile(user: Path) -> None:
    """Write LibreOffice's user settings (registrymodifications.xcu) that keep it off the network and the disk."""
    user.mkdir(parents=True, exist_ok=True)
    items = "".join(
        f'<item oor:path="/{path}"><prop oor:name="{name}" oor:op="fuse">'
        + (f'<value xsi:type="xs:{kind}">{value}</value>' if kind != "string-list" else "<value/>")
        + "</prop></item>\n"
        for path, name, kind, value in _SETTINGS
    )
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        f"{items}</oor:items>\n",
        encoding="utf-8",
    )


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
