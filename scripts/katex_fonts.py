"""KaTeX's fonts cut down to the characters that the site's formulas draw.

The formulas are typeset when the site is built (scripts/math_html.py), so the build knows every
character that KaTeX's fonts will have to draw: the text of the HTML part of each formula's
output (the MathML part is for screen readers and is drawn by no KaTeX font). KaTeX ships each
font whole, 300 kB for the twenty; the site draws about 130 characters, and the two fonts of
nearly every formula, Main-Regular and Math-Italic, shrink from 43 to 20 kB.

cut() writes the cut fonts over KaTeX's in a built site; they are cached in build/katex/fonts/
under a hash of KaTeX's version, this file and the characters.
"""

import hashlib
import html
import io
import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KATEX = ROOT / "node_modules" / "katex" / "dist"
FONTS = KATEX / "fonts"
STYLESHEET = KATEX / "katex.min.css"
CACHE = ROOT / "build" / "katex" / "fonts"
KATEX_PACKAGE = KATEX.parent / "package.json"
DRAWN_PART = re.compile(r'class="katex-html"[^>]*>(.*)', re.S)  # the last part of KaTeX's output
TAG = re.compile(r"<[^>]+>")


def drawn_characters(formula_html: str) -> set[str]:
    """The characters that KaTeX's fonts draw for one formula (its output, as math_html caches it)."""
    drawn = DRAWN_PART.search(formula_html)
    return set(html.unescape(TAG.sub("", drawn[1]))) if drawn else set()


def _cut(font_file: Path, characters: set[str]) -> bytes:
    from fontTools import subset as font_subset  # imported here: a build with the cut fonts cached needs none of it
    from fontTools.ttLib import TTFont

    font = TTFont(font_file)
    options = font_subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep every OpenType feature of the glyphs kept
    options.hinting = False  # screens of today draw these sizes well without it; a third of the bytes
    options.name_IDs = []
    cutter = font_subset.Subsetter(options)
    cutter.populate(unicodes=[ord(character) for character in characters])
    cutter.subset(font)
    written = io.BytesIO()
    font.save(written)
    return written.getvalue()


def cut(site_fonts: Path, characters: set[str]) -> None:
    """Replace every KaTeX font in `site_fonts` (a built site's assets/katex/fonts) by the same font
    with only `characters`."""
    key = hashlib.sha256(KATEX_PACKAGE.read_bytes() + Path(__file__).read_bytes()
                         + "".join(sorted(characters)).encode()).hexdigest()[:16]
    cached = CACHE / key
    if not cached.exists():
        partial = CACHE / f"{key}.{os.getpid()}.part"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        for font_file in sorted(FONTS.glob("*.woff2")):
            (partial / font_file.name).write_bytes(_cut(font_file, characters))
        try:
            partial.rename(cached)
        except OSError:  # the other language's build, at the same time, got there first
            shutil.rmtree(partial)
    for font_file in cached.iterdir():
        shutil.copyfile(font_file, site_fonts / font_file.name)
