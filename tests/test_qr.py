"""QR codes come from segno: every address a brand may give scans back to itself (zxing-cpp, the reader the
PDF tests use), at error correction M, the same modules every time; the web page's drawing of them scans too."""

from __future__ import annotations

import base64
import re

import segno
import zxingcpp
from handouts.builders.html.pictures import qr_data_uri
from handouts.builders.qr import dark_runs, qr_modules
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

PATHS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/%.~", min_size=0, max_size=120)
ADDRESSES = st.builds(
    lambda host, path: f"https://{host}.example/{path}", st.from_regex(r"[a-z]{1,20}", fullmatch=True), PATHS
)


def picture(modules: tuple[tuple[bool, ...], ...], scale: int = 6, quiet: int = 4) -> Image.Image:
    """Draw modules as a printer would, with the quiet zone the standard asks for."""
    size = (len(modules) + 2 * quiet) * scale
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    for row, col, length in dark_runs(modules):
        x, y = (col + quiet) * scale, (row + quiet) * scale
        draw.rectangle((x, y, x + length * scale - 1, y + scale - 1), fill=0)
    return image


@settings(max_examples=40, deadline=None)
@given(ADDRESSES)
def test_every_address_scans_back_to_itself(url: str) -> None:
    modules = qr_modules(url)
    [found] = zxingcpp.read_barcodes(picture(modules))
    assert found.text == url
    assert found.format == zxingcpp.BarcodeFormat.QRCode
    assert found.ec_level == "M"
    assert len(modules) == len(modules[0]) == 17 + 4 * segno.make_qr(url, error="m", boost_error=False).version


def test_the_same_address_gives_the_same_modules_and_the_mask_is_chosen() -> None:
    url = "https://riverside-health.example/handouts/b12-neuropathy"
    qr_modules.cache_clear()
    first = qr_modules(url)
    qr_modules.cache_clear()
    assert qr_modules(url) == first
    masks = {segno.make_qr(f"https://a.example/{n}", error="m", boost_error=False).mask for n in range(40)}
    assert len(masks) > 1, "the mask follows the standard's penalty rules, not a fixed choice"


def test_the_web_page_s_drawing_of_the_code_scans() -> None:
    url = "https://lakeview-clinic.example/patients/foot-care"
    svg = base64.b64decode(qr_data_uri(url).removeprefix("data:image/svg+xml;base64,")).decode("ascii")
    size = int(re.search(r'viewBox="0 0 (\d+) ', svg)[1])  # type: ignore[index]
    scale = 6
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    runs = re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", svg)
    assert runs, "the drawing is one rectangle a run of dark modules"
    for x, y, length in runs:
        left, top = int(x) * scale, int(y) * scale
        draw.rectangle((left, top, left + int(length) * scale - 1, top + scale - 1), fill=0)
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == url
