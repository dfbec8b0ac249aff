"""Each figure's width and height written into its <img>, so that the browser keeps the room for
it before the file arrives and the text below does not jump when it does (Lighthouse counts such
jumps as Cumulative Layout Shift; figures load lazily, so they arrive while the reader reads).

The size is the one the figure is shown at today, its own: an SVG's width and height (matplotlib
writes them in points, 4/3 of a CSS pixel each) or a PNG's pixels. The site's CSS keeps a figure
within the column (max-width: 100%, height: auto), and the two numbers then give its shape.
"""

import base64
import posixpath
import re
import struct
from collections.abc import Callable
from pathlib import Path

IMG = re.compile(r"<img\b[^>]*>")
SRC = re.compile(r'\ssrc="([^"]+)"')
SVG_ROOT = re.compile(rb"<svg\b[^>]*>")
LENGTH = {"width": re.compile(rb'\swidth="([\d.]+)(pt|px)?"'), "height": re.compile(rb'\sheight="([\d.]+)(pt|px)?"')}
PX_PER = {b"pt": 4 / 3, b"px": 1, None: 1}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class FigureSizeError(Exception):
    pass


def size(data: bytes) -> tuple[int, int]:
    """(width, height) in CSS pixels of an SVG or PNG file's bytes."""
    if data.startswith(PNG_SIGNATURE):
        return struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    root = SVG_ROOT.search(data)
    lengths = [LENGTH[name].search(root[0]) if root else None for name in ("width", "height")]
    if not all(lengths):
        raise FigureSizeError("neither a PNG nor an SVG with a width and a height")
    width, height = (round(float(match[1]) * PX_PER[match[2]]) for match in lengths)
    return width, height


def _bytes(src: str, page_url: str, source: Callable[[str], str | None]) -> bytes | None:
    """The file an <img src> on the page at `page_url` shows, or None when it is not the site's."""
    if src.startswith("data:image/png;base64,"):
        return base64.b64decode(src.partition(",")[2])
    if ":" in src or src.startswith("/"):
        return None
    path = source(posixpath.normpath(posixpath.join(posixpath.dirname("/" + page_url), src)).lstrip("/"))
    return Path(path).read_bytes() if path else None


def sized(html: str, page_url: str, source: Callable[[str], str | None]) -> str:
    """`html` (a page at `page_url`, relative to the site root) with width and height on every
    <img> that has neither. `source` gives the file behind a site path ('figures/x/y.svg'), or None."""

    def add_size(match: re.Match) -> str:
        tag = match[0]
        src = SRC.search(tag)
        if " width=" in tag or " height=" in tag or not src:
            return tag
        data = _bytes(src[1], page_url, source)
        if data is None:
            return tag
        try:
            width, height = size(data)
        except FigureSizeError as error:
            raise FigureSizeError(f"{page_url}: {src[1][:80]}: {error}") from None
        return f'<img width="{width}" height="{height}"{tag[len("<img"):]}'

    return IMG.sub(add_size, html)
