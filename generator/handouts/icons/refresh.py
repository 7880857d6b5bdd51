"""Refresh the vendored Health Icons: `python -m handouts.icons.refresh [--from icons.json]`.

Health Icons (https://healthicons.org, by Resolve to Save Lives, MIT licence) are made for public-health
material. The set is published on the npm registry as `@iconify-json/healthicons`; this script takes that
package (with `npm pack`, or a local icons.json), writes one SVG per icon named in NAMES into this folder, and
nothing else, so the project carries only the icons its topics may name.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from handouts.icons import DRAWN_AS, FOLDER, NAMES

PACKAGE = "@iconify-json/healthicons"


def svg_of(body: str, size: int) -> str:
    """Return a standalone SVG for an Iconify icon body drawn on a `size` x `size` grid."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {size} {size}">'
        f"{body}</svg>\n"
    )


def write_icons(data: dict[str, Any]) -> list[str]:
    """Write the SVG of every icon in NAMES from Iconify JSON `data`; return the names written."""
    size = int(data.get("width", 48))
    written = []
    for name in NAMES:
        icon = data["icons"].get(DRAWN_AS.get(name, name))
        if icon is None:
            raise SystemExit(
                f"{PACKAGE} has no icon named {name!r}; remove it from NAMES in handouts/icons/__init__.py"
            )
        (FOLDER / f"{name}.svg").write_text(svg_of(icon["body"], int(icon.get("width", size))), encoding="utf-8")
        written.append(name)
    return written


def download() -> dict[str, Any]:
    """Return the icon set's JSON from the npm registry (needs npm)."""
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=work, check=True, capture_output=True)
        archive = next(Path(work).glob("*.tgz"))
        with tarfile.open(archive) as tar:
            member = tar.extractfile("package/icons.json")
            assert member is not None
            data: dict[str, Any] = json.load(member)
            return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="an icons.json already downloaded")
    args = parser.parse_args()
    data = json.loads(args.source.read_text(encoding="utf-8")) if args.source else download()
    print(f"wrote {len(write_icons(data))} icons into {FOLDER}")


if __name__ == "__main__":
    main()
