"""What the build does to a page's HTML so that it opens fast: math typeset by KaTeX at build
time, figures with their size, code without the spans that show nothing."""

import functools
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from fontTools.ttLib import TTFont

from scripts import code_spans, katex_fonts, math_html
from tests import markdown_facts as md

VIEWBOX = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"')


def built_pages(site: Path) -> list[Path]:
    """Every page written in docs/, both languages (notebook pages are not)."""
    folders = [md.folder(page) for page in md.pages("zh")]
    return [site / lang / folder / "index.html" for lang in ("", "en") for folder in folders]


@functools.cache
def soup_of(path: Path) -> BeautifulSoup:
    """A built page, parsed once for all the tests here (the site is built before any runs)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_every_formula_is_typeset_when_the_site_is_built(site):
    with_math = 0
    for path in built_pages(site):
        soup = soup_of(path)
        formulas = soup.select(".arithmatex")
        untyped = [f.get_text()[:60] for f in formulas if not f.select_one(".katex .katex-html")]
        assert not untyped, f"{path}: formulas left as TeX: {untyped}"
        assert all(f.find("annotation", encoding="application/x-tex") for f in formulas), path
        assert not soup.find("script", src=re.compile("katex")), f"{path} loads a math script"
        stylesheet = soup.find("link", href=re.compile(r"katex\.min\.css$"))
        assert bool(stylesheet) == bool(formulas), f"{path}: KaTeX's stylesheet where there is math, only there"
        with_math += bool(formulas)
    assert with_math >= 10  # the five chapters in both languages


def test_pages_with_math_fetch_the_fonts_their_formulas_draw_with_at_once(site):
    """Main-Regular on every page with math, Math-Italic where a formula has a variable: each link
    names a font the site serves, in the mode the stylesheet's fonts are fetched in (crossorigin),
    which is what lets the browser use the early copy rather than fetch it again."""
    italic_pages = 0
    for path in built_pages(site):
        soup = soup_of(path)
        preloaded = {Path(link["href"]).name: link for link in soup.find_all("link", rel="preload")}
        expected = {f"KaTeX_{font}.woff2" for font, drawn in
                    (("Main-Regular", soup.select_one(".katex")), ("Math-Italic", soup.select_one(".katex .mathnormal")))
                    if drawn}
        assert set(preloaded) == expected, f"{path}: fonts fetched at once {sorted(preloaded)}, drawn {sorted(expected)}"
        for name, link in preloaded.items():
            assert (path.parent / link["href"]).resolve().is_file(), f"{path}: {link['href']} is not in the site"
            assert link.has_attr("crossorigin") and link["as"] == "font", f"{path}: {link}"
        italic_pages += "KaTeX_Math-Italic.woff2" in preloaded
    assert italic_pages >= 10


def _drawn_in(site_root: Path) -> set[int]:
    """The code points that KaTeX's HTML draws on the pages of one language's site, notebooks included."""
    drawn = set()
    for path in site_root.rglob("*.html"):
        if (site_root / "en") not in path.parents and "katex-html" in path.read_text(encoding="utf-8"):
            for formula in soup_of(path).select(".katex-html"):
                drawn.update(map(ord, formula.get_text()))
    return drawn


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_katex_fonts_keep_every_character_the_formulas_draw_at_less_than_half_the_size(site, lang):
    site_root = site if lang == "zh" else site / "en"
    drawn, served, whole_bytes = _drawn_in(site_root), 0, 0
    assert len(drawn) > 50
    for whole in sorted(katex_fonts.FONTS.glob("*.woff2")):
        cut = site_root / "assets" / "katex" / "fonts" / whole.name
        had, kept = (set(TTFont(font).getBestCmap()) for font in (whole, cut))
        assert had & drawn <= kept, f"{lang}, {whole.name} lost {sorted(map(chr, had & drawn - kept))}"
        served, whole_bytes = served + cut.stat().st_size, whole_bytes + whole.stat().st_size
    assert served < whole_bytes / 2, f"{lang}: the fonts are {served} bytes, {whole_bytes} whole"


def test_a_formula_that_katex_cannot_read_stops_the_build_naming_page_and_formula():
    with pytest.raises(math_html.MathError, match=r"broken\.md: KaTeX cannot typeset '\\\\frac\{'"):
        math_html.typeset('<p><span class="arithmatex">\\(\\frac{\\)</span></p>', "broken.md")
    math_html.close()


def test_every_figure_carries_the_shape_of_its_file(site):
    checked = 0
    for path in built_pages(site):
        for image in soup_of(path).select(".md-content img"):
            assert image.get("width") and image.get("height"), f"{path}: {image['src']} has no size"
            figure = (path.parent / image["src"]).resolve()
            if figure.suffix == ".png":
                width, height = Image.open(figure).size
            else:
                width, height = map(float, VIEWBOX.search(figure.read_text(encoding="utf-8")).groups())
            assert int(image["width"]) / int(image["height"]) == pytest.approx(width / height, rel=0.01), image["src"]
            checked += 1
    assert checked > 40


def test_code_keeps_its_text_and_coloured_spans_without_the_plain_ones():
    highlighted = ('<pre><span></span><code><span class="n">x</span><span class="w"> </span><span class="o">=</span> '
                   '<span class="mi">1</span></code></pre><p><span class="n">kept</span></p>')
    assert code_spans.trimmed(highlighted) == ('<pre><span></span><code>x <span class="o">=</span> '
                                               '<span class="mi">1</span></code></pre><p><span class="n">kept</span></p>')
