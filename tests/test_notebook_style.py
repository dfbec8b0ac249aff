"""The notebook pages look exactly as mkdocs-jupyter styled them, from one small stylesheet.

mkdocs-jupyter writes JupyterLab's stylesheet into every notebook page (574 kB); the build moves
it into assets/notebook.css, cut to the rules these pages can use (scripts/notebook_css.py). In
Debian's Chromium, every element of the notebook pages that together hold every class the
notebook pages use is styled the same, in both palettes, by the cut file as by mkdocs-jupyter's
own styles put back in its place.

Without Chromium the module skips with one line saying so, except on CI (CI=true), whose set-up
installs it: there it fails."""

import gzip
import re

import pytest
from bs4 import BeautifulSoup

from scripts import notebook_css
from tests.page_checks import COMPUTED_STYLES, DESKTOP, require_chromium

require_chromium()

# The computed styles of the page's body and everything in it (COMPUTED_STYLES): kept in the page,
# then compared with what the same elements have later, the elements that differ returned.
KEEP = f"""() => {{ window.keptStyles = ({COMPUTED_STYLES})("body, body *"); return keptStyles.length; }}"""
DIFFERENT = f"""() => {{
    const now = ({COMPUTED_STYLES})("body, body *"), elements = document.querySelectorAll("body, body *");
    if (now.length !== keptStyles.length) return ["the page has other elements now"];
    return Array.from(elements).filter((element, i) => now[i] !== keptStyles[i]).map((e) => e.tagName + " " + (e.getAttribute("class") ?? ""));
}}"""
# Material's script sizes the sidebars (an inline height) after the page has loaded: on a first
# load, the sidebars had no height yet when goto() returned, and one run on a busy machine saw
# them change between the two measurements. Resolves once the page's inline styles have stayed
# the same over three reads 200 ms apart (or after 5 s).
SETTLED = """async () => {
    const inline = () => Array.from(document.querySelectorAll("[style]"), (e) => e.getAttribute("style")).join("|");
    for (let before = inline(), same = 0, waited = 0; same < 2 && waited < 5000; waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        const now = inline();
        same = now === before ? same + 1 : 0;
        before = now;
    }
}"""
# Material's links fade into a new palette's colours: no fading, in both measurements alike.
NO_TRANSITIONS = "*, ::before, ::after { transition: none !important; }"
# The link to the cut stylesheet replaced by mkdocs-jupyter's styles, in the same place.
PUT_BACK = """(styles) => {
    const link = document.querySelector('link[href$="notebook.css"]');
    link.insertAdjacentHTML("afterend", styles);
    link.remove();
}"""
SLATE = """() => document.body.setAttribute("data-md-color-scheme", "slate")"""


def notebook_pages(site):
    return sorted(site.glob("notebooks/*/index.html")) + sorted(site.glob("en/notebooks/*/index.html"))


def classes(path) -> set[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {name for element in soup.select(".jupyter-wrapper [class]") for name in element["class"]}


def covering(pages) -> list:
    """Few pages that together hold every class used inside the notebooks of `pages` (greedy: the
    page with most classes not yet held, the smaller of two that hold as many)."""
    held = {page: classes(page) for page in pages}
    missing, chosen = set().union(*held.values()), []
    while missing:
        page = max(held, key=lambda p: (len(held[p] & missing), -p.stat().st_size))
        chosen.append(page)
        missing -= held[page]
    return chosen


@pytest.fixture(scope="module")
def covering_pages(site) -> list:
    """covering() of every notebook page, found once for both palettes."""
    return covering(notebook_pages(site))


@pytest.fixture(scope="module")
def original_styles(site):
    """The <style> blocks that mkdocs-jupyter writes into a notebook page, as it writes them."""
    from mkdocs_jupyter import convert

    notebook = next(site.glob("notebooks/*/*.ipynb"))
    return "".join(re.findall(r"<style[^>]*>.*?</style>", convert.nb2html(str(notebook), theme=""), re.S))


def test_the_cut_keeps_every_rule_that_might_apply_once_and_no_other(tmp_path, monkeypatch):
    monkeypatch.setattr(notebook_css, "CACHE", tmp_path)
    css = (".a .b{color:red}.a :not(.zz){x:1}.zz{x:2}.a [data-q=slate]{x:3}.a :root{x:4}:root{x:4}"
           "div.b::before{x:5}@media (max-width:1px){.zz{x:6}.b{x:7}}.b,.zz>p{x:8}.b{x:9}.b{x:9}span .b{x:10}")
    present = notebook_css.names('<div class="a"><p class="b" id="q">x</p></div>')
    assert present == {"div", "p", ".a", ".b", "#q"}
    assert notebook_css.cut(css, present).splitlines() == [
        '@charset "UTF-8";', ".a .b{color:red}", ".a :not(.zz){x:1}", ".a [data-q=slate]{x:3}", ":root{x:4}",
        "div.b::before{x:5}", "@media (max-width:1px){.b{x:7}}", ".b{x:8}", ".b{x:9}"]


def test_notebook_pages_carry_no_styles_of_their_own_and_link_a_small_stylesheet(site, original_styles):
    for page in notebook_pages(site):
        html = page.read_text(encoding="utf-8")
        assert "<style" not in html and "mathjax" not in html.lower() and "mermaid" not in html.lower(), page
        links = [link["href"] for link in BeautifulSoup(html, "html.parser").select('head link[href$="notebook.css"]')]
        assert len(links) == 1 and (page.parent / links[0]).is_file(), (page, links)
    for lang_root in (site, site / "en"):
        cut = (lang_root / notebook_css.SITE_PATH).read_bytes()
        assert len(gzip.compress(cut)) * 10 < len(gzip.compress(original_styles.encode())), len(cut)


# The dark palette changes mkdocs-jupyter's colour variables only: one page shows whether they stay.
@pytest.mark.parametrize("palette, page_count", [("default", None), ("slate", 1)])
def test_every_element_of_the_notebooks_is_styled_as_by_mkdocs_jupyters_own_styles(browser, site_url, site, covering_pages,
                                                                                   original_styles, palette, page_count):
    pages = covering_pages[:page_count]
    assert pages
    context = browser.new_context(viewport=DESKTOP)
    tab = context.new_page()
    try:
        for page in pages:
            tab.goto(site_url + page.parent.relative_to(site).as_posix() + "/", wait_until="networkidle")
            tab.add_style_tag(content=NO_TRANSITIONS)
            if palette == "slate":
                tab.evaluate(SLATE)
            tab.evaluate(SETTLED)
            elements = tab.evaluate(KEEP)
            tab.evaluate(PUT_BACK, original_styles)
            differ = tab.evaluate(DIFFERENT)
            assert not differ, f"{page}: {len(differ)} of {elements} elements styled otherwise, first {differ[:5]}"
    finally:
        context.close()
