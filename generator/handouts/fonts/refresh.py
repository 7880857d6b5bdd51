"""Refresh the vendored typefaces: `python -m handouts.fonts.refresh [--from FOLDER] [--family NAME]` (needs fontTools).

Latin, Vietnamese, Cyrillic and Greek are printed in Open Sans, Chinese, Korean and Arabic in Noto Sans SC, TC, KR
and Arabic (all SIL Open Font License 1.1). reportlab
embeds only TrueType (glyf) outlines, and the one pinned source of static glyf files of these families is the
npm registry's `@expo-google-fonts/*` packages (Google Fonts' own files); PyPI and Debian have the CJK families
only with PostScript (CFF) outlines. This script takes each pinned package (with `npm pack`, its tarball checked
against the integrity below, or from a folder of the tarballs), keeps the faces we print with (Open Sans whole, in
the five faces a style may name; Noto's Regular and Bold), subsets the CJK
ones to whole Unicode blocks (every unified ideograph, every Hangul syllable: a clinic's medical words are never
cut out, as the legacy GB2312 and Big5 sets would cut 腘, 肽 or 骶) and writes them, their licence and
SHA256SUMS into the typefaces folder. The same packages give the same bytes: fontTools keeps the source's
timestamp.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from handouts.fonts import SCRIPT_FONT_DIR, SUMS_FILE

# Latin, its punctuation and symbols, and the CJK punctuation blocks: what a Chinese or Korean line also holds.
_COMMON = (
    (0x0020, 0x007E),
    (0x00A0, 0x024F),  # Latin-1, Latin Extended-A and -B
    (0x0370, 0x04FF),  # Greek and Cyrillic (units, and a Russian word quoted)
    (0x2000, 0x206F),  # general punctuation
    (0x2070, 0x209F),  # super- and subscripts
    (0x20A0, 0x20CF),  # currency
    (0x2100, 0x214F),  # letterlike symbols (℃, №)
    (0x2150, 0x218F),  # number forms
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators (≤ ≥ ±)
    (0x2460, 0x24FF),  # enclosed numbers (①)
    (0x2500, 0x25FF),  # box drawing and geometric shapes (• ■ ○)
    (0x3000, 0x303F),  # CJK punctuation 。、「」
    (0xFF00, 0xFFEF),  # full-width forms ，：（）
)
_HAN = ((0x4E00, 0x9FFF),)  # the CJK Unified Ideographs block: every hanzi of GB2312, GBK and Big5
_BOPOMOFO = ((0x3100, 0x312F),)
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7A3))  # jamo, compatibility jamo, all 11,172 syllables


@dataclass(frozen=True)
class Package:
    """One pinned npm package of Google Fonts' static TrueType files, and the faces and characters taken from it."""

    name: str
    version: str
    integrity: str  # npm's sha512 of the tarball
    family: str  # the file names' prefix: NotoSansSC_400Regular.ttf
    ranges: tuple[tuple[int, int], ...]  # () keeps the whole font
    faces: tuple[tuple[str, str], ...] = (("400Regular", "Regular"), ("700Bold", "Bold"))  # (package's, ours)

    @property
    def tarball(self) -> str:
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


PACKAGES = (
    Package(
        "@expo-google-fonts/open-sans",
        "0.4.2",
        "sha512-gvhPqLXYnltWgll3iBwRGUwf5yN2HCh4mgQmFoQ8oU66LTs23oX4N7T3t0BDsKfP/1Z8F8+4c7wSkA11Nnk4kA==",
        "OpenSans",
        (),  # whole: Latin, Vietnamese, Cyrillic and Greek, every one a topic may be written in
        (
            ("400Regular", "Regular"),
            ("700Bold", "Bold"),
            ("400Regular_Italic", "Italic"),
            ("700Bold_Italic", "BoldItalic"),
            ("600SemiBold", "SemiBold"),
        ),
    ),
    Package(
        "@expo-google-fonts/noto-sans-sc",
        "0.4.3",
        "sha512-9rAwdFTFHbO/u6Cs0gj2jZbW74TGIiaFNQnXYH2s5wA1bzVkwbaviL4t8YUV642eGYjg86eH6DkAEQmfNHDncQ==",
        "NotoSansSC",
        _COMMON + _HAN,
    ),
    Package(
        "@expo-google-fonts/noto-sans-tc",
        "0.4.3",
        "sha512-69XAOTLPz0WlAxL6qJEKlDMxHsBd4J1M39HjV0gPF2o1xWVALOsVWvDgistnecVockA9wbU/tH5C/gyS2PdnHg==",
        "NotoSansTC",
        _COMMON + _HAN + _BOPOMOFO,
    ),
    Package(
        "@expo-google-fonts/noto-sans-kr",
        "0.4.3",
        "sha512-EVS/uJPcf1TgJtjmQmrFr0oGdcl7ml09CSu0E/AyGzR0UfzdR2pBbzWWPsnuzZiGUl643ODYwYiXK5+B+fLjhQ==",
        "NotoSansKR",
        _COMMON + _HANGUL,
    ),
    Package(
        "@expo-google-fonts/noto-sans-arabic",
        "0.4.3",
        "sha512-YvtxyuegxPegu2g5urXJ+gQxRp8i798nQswTmEjwXOWR/fqy0Gvey6h5IoNRBrc43SxRxPezqCiR9ivpfPAXSg==",
        "NotoSansArabic",
        (),  # 194 KB whole, with the shaping tables harfbuzz needs
    ),
)


def tarball(package: Package, source: Path | None, work: Path) -> bytes:
    """Return the package's tarball, from `source` or the npm registry, after checking its integrity."""
    if source is not None:
        data = (source / package.tarball).read_bytes()
    else:
        spec = f"{package.name}@{package.version}"
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=work, check=True, capture_output=True)
        data = (work / package.tarball).read_bytes()
    found = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if found != package.integrity:
        raise SystemExit(f"{package.tarball}: integrity {found} is not the pinned {package.integrity}")
    return data


def subset(font_bytes: bytes, ranges: tuple[tuple[int, int], ...]) -> bytes:
    """Return the font keeping only the characters in `ranges` (all of it when empty), its tables as they were."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(font_bytes), recalcTimestamp=False)
    if ranges:
        options = ft_subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.hinting = False  # reportlab and printers ignore hinting; it is a third of a CJK font's size
        subsetter = ft_subset.Subsetter(options)
        subsetter.populate(unicodes=[code for low, high in ranges for code in range(low, high + 1)])
        subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def refresh(source: Path | None, families: tuple[str, ...] = ()) -> list[Path]:
    """Write every face of every package (or of those `families`), their licences and SHA256SUMS; return the files
    written."""
    unknown = set(families) - {package.family for package in PACKAGES}
    if unknown:
        raise SystemExit(f"no package of the families {sorted(unknown)}: {[p.family for p in PACKAGES]}")
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for package in PACKAGES:
            if families and package.family not in families:
                continue
            with tarfile.open(fileobj=io.BytesIO(tarball(package, source, work))) as tar:
                for weight, face in package.faces:
                    member = tar.extractfile(f"package/{weight}/{package.family}_{weight}.ttf")
                    assert member is not None
                    target = SCRIPT_FONT_DIR / f"{package.family}-{face}.ttf"
                    target.write_bytes(subset(member.read(), package.ranges))
                    written.append(target)
                licence = tar.extractfile("package/LICENSE_FONT")
                assert licence is not None
                target = SCRIPT_FONT_DIR / f"OFL-{package.family}.txt"
                target.write_bytes(licence.read())
                written.append(target)
    write_sums()
    return written


def write_sums() -> None:
    """Write SHA256SUMS: the digest of every font file in the folder (Open Sans and Carlito too), which keys every
    output."""
    fonts = sorted(SCRIPT_FONT_DIR.glob("*.ttf"))
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n" for p in fonts)
    (SCRIPT_FONT_DIR / SUMS_FILE).write_text(sums, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, help="a folder holding the packages' .tgz files")
    parser.add_argument("--family", action="append", default=[], help="refresh only this family (OpenSans...)")
    args = parser.parse_args()
    written = refresh(args.source, tuple(args.family))
    print(f"wrote {len(written)} files into {SCRIPT_FONT_DIR}")


if __name__ == "__main__":
    main()
