"""Math typeset when the site is built, so that pages carry no math script.

pymdownx.arithmatex (generic mode) leaves each formula as TeX: \\( … \\) in
<span class="arithmatex">, \\[ … \\] in <div class="arithmatex">. typeset() puts
KaTeX's output inside those elements instead: HTML that the page's KaTeX
stylesheet and fonts draw, and MathML, with the TeX as its annotation, for screen
readers and for the EPUB (scripts/epub.py reads the TeX back from there).

KaTeX runs in node (scripts/katex_render.js), one process per build, started for
the first formula that is not cached yet; each formula's output is cached in
build/katex/ under a hash of KaTeX's version, the renderer and the formula, so an
unchanged site starts no node at all. `drawn` collects the characters that KaTeX's fonts draw
on the pages typeset so far, for scripts/katex_fonts.py.
"""

import functools
import hashlib
import html
import json
import os
import re
import subprocess
from pathlib import Path

from scripts import katex_fonts

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "katex"
RENDERER = Path(__file__).with_name("katex_render.js")
ARITHMATEX = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]*)katex\.min\.css">')  # overrides/main.html's
# A rule of KaTeX's stylesheet that names the font of one kind of output, such as
# `.katex .mathbf{font-family:KaTeX_Main;font-weight:700}` (bold upright, KaTeX_Main-Bold.woff2).
FONT_RULE = re.compile(r'([^{}]+)\{font-family:"?KaTeX_(\w+)"?(?:;font-style:(\w+))?(?:;font-weight:(\d+))?[;}]')
CLASSES = re.compile(r'class="([^"]*)"')
drawn: set[str] = set()  # what KaTeX's fonts draw on the pages typeset since the build began


class MathError(Exception):
    pass


class _Renderer:
    """KaTeX in a node process that lives until close()."""

    def __init__(self):
        self.process = None

    def render(self, formulas: list[tuple[str, bool]]) -> list[dict]:
        if self.process is None:
            self.process = subprocess.Popen(["node", str(RENDERER)], cwd=ROOT, text=True, encoding="utf-8",
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.process.stdin.write(json.dumps(formulas) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()
            self.process.wait()
            self.process = None


_renderer = _Renderer()


@functools.cache
def _renderer_version() -> bytes:
    return katex_fonts.KATEX_PACKAGE.read_bytes() + RENDERER.read_bytes()


def _cache_key(tex: str, display: bool) -> str:
    return hashlib.sha256(_renderer_version() + f"\0{display}\0{tex}".encode()).hexdigest()


def _formula(match: re.Match, where: str) -> tuple[str, bool]:
    """(TeX without its delimiters, whether it is displayed) of one arithmatex element."""
    text = html.unescape(match[2]).strip()
    opening, closing = DELIMITERS[match[1]]
    if not (text.startswith(opening) and text.endswith(closing)):
        raise MathError(f"{where}: a formula without its delimiters: {text!r}")
    return text[len(opening):-len(closing)].strip(), match[1] == "div"


def typeset(page_html: str, where: str, preload_fonts: bool = True) -> str:
    """`page_html` with every arithmatex formula typeset by KaTeX, and with preload_fonts, the
    fonts its formulas draw with fetched at once; a formula that KaTeX cannot read
    raises MathError naming `where` (the page) and the formula."""
    cached = {formula: CACHE / f"{_cache_key(*formula)}.html"
              for formula in (_formula(match, where) for match in ARITHMATEX.finditer(page_html))}
    missing = [formula for formula, path in cached.items() if not path.exists()]
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        for (tex, display), result in zip(missing, _renderer.render(missing)):
            if "error" in result:
                raise MathError(f"{where}: KaTeX cannot typeset {tex!r}: {result['error']}")
            # Both languages build at once and may typeset the same formula: write, then rename,
            # so that neither reads the other's half-written file.
            partial = cached[tex, display].with_suffix(f".{os.getpid()}.part")
            partial.write_text(result["html"], encoding="utf-8")
            partial.replace(cached[tex, display])
    rendered = {formula: path.read_text(encoding="utf-8") for formula, path in cached.items()}
    for output in rendered.values():
        drawn.update(katex_fonts.drawn_characters(output))

    def replace(match: re.Match) -> str:
        return f'<{match[1]} class="arithmatex">{rendered[_formula(match, where)]}</{match[1]}>'

    page_html = ARITHMATEX.sub(replace, page_html)
    return _with_preloads(page_html, rendered.values()) if preload_fonts else page_html


@functools.cache
def _font_rules() -> list[tuple[frozenset[str], str]]:
    """(classes, font) for each kind of output that KaTeX's stylesheet gives a font of its own: an
    element of KaTeX's output with all those classes draws with that font, e.g. ({"mathbf"},
    "Main-Bold"). The `katex` class of every formula's outer element draws with Main-Regular."""
    rules = [(frozenset({"katex"}), "Main-Regular")]  # `.katex{font:normal 1.21em KaTeX_Main,…}`
    stylesheet = katex_fonts.STYLESHEET.read_text(encoding="utf-8")
    for selectors, family, style, weight in FONT_RULE.findall(stylesheet):
        face = ("Bold" if weight == "700" else "") + ("Italic" if style == "italic" else "") or "Regular"
        for selector in selectors.split(","):
            # `.katex .delimsizing.mult .delim-size1>span`: the classes of the last part that has any
            last = [part for part in re.split(r"[\s>]+", selector.strip()) if part.startswith(".")][-1]
            rules.append((frozenset(last[1:].split(".")), f"{family}-{face}"))
    return rules


def _fonts_drawn(outputs) -> set[str]:
    """The KaTeX fonts (e.g. "Main-Bold") that the formulas typeset as `outputs` draw with."""
    class_sets = {frozenset(value.split()) for output in outputs for value in CLASSES.findall(output)}
    return {font for classes, font in _font_rules() if any(classes <= found for found in class_sets)}


def _with_preloads(page_html: str, outputs) -> str:
    """The page with every font that its formulas draw with fetched at once, beside the stylesheet:
    there when the text is first laid out. The browser fetches them all with the page's first layout
    anyway (the page's whole text is laid out then, not just what is on screen); found that late,
    through the stylesheet, they widened the formulas already laid out in a fallback font and
    rewrapped the lines around them (Lighthouse on a phone, mle-em/exercises/: layout shift
    0.13-0.21 without Main-Regular and Math-Italic early, 0.001 with; mle-em/m-em/m-em-kmeans/,
    whose first lines have bold vectors: 0.119 with those two early, 0.001 with all five it draws with)."""
    fonts = sorted(_fonts_drawn(outputs))

    def preloads(link: re.Match) -> str:
        return "".join(f'<link rel="preload" href="{link[1]}fonts/KaTeX_{font}.woff2" as="font" type="font/woff2" '
                       f'crossorigin>' for font in fonts) + link[0]

    return STYLESHEET.sub(preloads, page_html, count=1)


def close() -> None:
    """End the node process, if this build started one."""
    _renderer.close()
