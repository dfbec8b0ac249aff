"""What the build does to a page's HTML so that it opens fast: math typeset by KaTeX at build
time, figures with their size, code without the spans that show nothing, scripts that wait for
the page to be parsed."""

import functools
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from fontTools.ttLib import TTFont

from scripts import code_spans, katex_fonts, math_html, runner
from tests import markdown_facts as md

VIEWBOX = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) ([\d.]+)"')


def built_pages(site: Path) -> list[Path]:
    """Every page written in docs/, both languages (notebook pages are not)."""
    folders = [md.folder(page) for page in md.pages("zh")]
    return [site / lang / folder / "index.html" for lang in ("", "en") for folder in folders]


def notebook_pages(site: Path) -> list[Path]:
    """Every notebook page, both languages."""
    return sorted(site.glob("notebooks/*/index.html")) + sorted(site.glob("en/notebooks/*/index.html"))


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


# Fonts of KaTeX's output, by its stylesheet's rules (tests/site_visits.py checks, in a browser, that
# every font a page draws with is preloaded; this, the built pages).
DRAWN_WITH = {"Main-Regular": ".katex", "Math-Italic": ".katex .mathnormal", "Main-Bold": ".katex .mathbf",
              "Math-BoldItalic": ".katex .boldsymbol", "AMS-Regular": ".katex .mathbb", "Size1-Regular":
              ".katex .delimsizing.size1, .katex .op-symbol.small-op"}


def test_pages_with_math_fetch_the_fonts_their_formulas_draw_with_at_once(site):
    """Main-Regular on every page with math, Math-Italic where a formula has a variable, and so on:
    each link names a font the site serves, in the mode the stylesheet's fonts are fetched in
    (crossorigin), which is what lets the browser use the early copy rather than fetch it again."""
    pages_with = dict.fromkeys(DRAWN_WITH, 0)
    for path in built_pages(site):
        soup = soup_of(path)
        preloaded = {Path(link["href"]).name: link for link in soup.find_all("link", rel="preload")}
        drawn = {f"KaTeX_{font}.woff2" for font, selector in DRAWN_WITH.items() if soup.select_one(selector)}
        assert drawn <= set(preloaded), f"{path}: fonts fetched at once {sorted(preloaded)}, drawn {sorted(drawn)}"
        assert bool(preloaded) == bool(soup.select_one(".katex")), f"{path}: {sorted(preloaded)}"
        for name, link in preloaded.items():
            assert (path.parent / link["href"]).resolve().is_file(), f"{path}: {link['href']} is not in the site"
            assert link.has_attr("crossorigin") and link["as"] == "font", f"{path}: {link}"
            font = name.removeprefix("KaTeX_").removesuffix(".woff2")
            pages_with[font] = pages_with.get(font, 0) + 1
    assert all(pages_with[font] >= 2 for font in DRAWN_WITH), pages_with


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


def test_notebook_figures_are_files_of_their_own_loaded_lazily_at_their_size(site):
    """nbconvert writes a notebook's figures into its page as data: URLs; the built page loads each
    from a PNG beside it (scripts/outputs.py), so the page itself stays small for a phone."""
    pages = notebook_pages(site)
    figures = 0
    for path in pages:
        assert 'src="data:' not in path.read_text(encoding="utf-8"), f"{path}: a figure still inside the page"
        for image in soup_of(path).select(".md-content img"):
            assert image.get("loading") == "lazy", f"{path}: {image['src']}"
            assert Image.open(path.parent / image["src"]).size == (int(image["width"]), int(image["height"]))
            figures += 1
    assert len(pages) == 2 * len(runner.all_snippets()) and figures > 40, (len(pages), figures)


def test_every_page_runs_its_scripts_once_it_has_been_parsed(site):
    """Material's script and the site's are deferred (overrides/main.html), so that the browser can
    draw the page before they run; a page without Material's script among them would not work."""
    notebooks = notebook_pages(site)
    for path in built_pages(site) + notebooks:
        scripts = soup_of(path).select("script[src]")
        assert any(re.search(r"/bundle\.\w+\.min\.js$", script["src"]) for script in scripts), f"{path}: no Material script"
        undeferred = [script["src"] for script in scripts if not script.has_attr("defer")]
        assert not undeferred, f"{path}: scripts that run before the page is parsed: {undeferred}"
    assert len(notebooks) == 2 * len(runner.all_snippets())


def test_code_keeps_its_text_and_coloured_spans_without_the_plain_ones():
    highlighted = ('<pre><span></span><code><span class="n">x</span><span class="w"> </span><span class="o">=</span> '
                   '<span class="mi">1</span></code></pre><p><span class="n">kept</span></p>')
    assert code_spans.trimmed(highlighted) == ('<pre><span></span><code>x <span class="o">=</span> '
                                               '<span class="mi">1</span></code></pre><p><span class="n">kept</span></p>')
