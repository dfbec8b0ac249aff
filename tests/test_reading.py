"""What a reader does on the built site, in Debian's Chromium through Playwright, against the
site served on 127.0.0.1: the language selector keeps the page, search finds the chapters, a copy
button copies exactly its snippet section, the code of a folded answer takes keyboard focus when the
answer opens, figures stay legible in the dark palette, the light/dark toggle keeps the reader's
choice, old addresses of the chapters still arrive. Then the offline edition, unzipped and read
from file://: it searches, switches language, and its notebook pages look as they do online.

Without Chromium the module skips with one line saying so, except on CI (CI=true), whose set-up
installs it: there it fails."""

import re

import pytest
from PIL import Image

from tests import markdown_facts as md
from tests import reader
from tests.page_checks import COMPUTED_STYLES, DESKTOP, FIGURES, PHONE, REVEAL, axe_result, require_chromium, start_axe, with_axe

require_chromium()

HOME, GLOSSARY = "index.md", "glossary.md"
SEARCHES = [
    ("zh", "批归一化", "train-eval-batchnorm"),
    ("zh", "特征图", "cnn-feature-maps"),
    ("zh", "无偏估计", "variance-n-minus-1"),
    ("zh", "极大似然", "mle-em"),
    ("zh", "对比学习", "meeting-questions"),
    ("en", "batch normalization", "train-eval-batchnorm"),
    ("en", "feature map", "cnn-feature-maps"),
    ("en", "unbiased estimator", "variance-n-minus-1"),
    ("en", "maximum likelihood", "mle-em"),
    ("en", "contrastive learning", "meeting-questions"),
]
FIRST_RESULTS = 3  # a page of the chapter must be among this many results, not counting the home page and glossary
FIGURED_SNIPPET = sorted({ref.split("/")[1] for ref in md.figures(md.all_sources())})[0]
DARK_PAGES = ["train-eval-batchnorm/theory/t-bn-why/", "en/variance-n-minus-1/v-beyond/v-mse/", f"notebooks/{FIGURED_SNIPPET}/"]


@pytest.fixture(scope="module")
def context(browser, site_url):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    yield context
    context.close()


@pytest.fixture
def tab(context):
    page = context.new_page()
    yield page
    page.close()


# The selector maps every page alike: the home page, the glossary, a chapter's first page and a deep section.
@pytest.mark.parametrize("page", [HOME, GLOSSARY, "mle-em/index.md", "mle-em/m-em/m-em-collapse.md"])
def test_language_selector_keeps_the_page_both_ways(tab, site_url, page):
    # Material's own selector code maps pages through each language's sitemap.xml as they arrive
    # and, with the English one alone, sent readers to the English home page: hold the Chinese one.
    held = []
    tab.route(re.compile(rf"^{re.escape(site_url)}sitemap\.xml$"), lambda route: held.append(route))
    with tab.expect_response(f"{site_url}en/sitemap.xml"):
        tab.goto(site_url + md.url_of("zh", page))
    reader.choose_language(tab, "en")
    assert tab.url == site_url + md.url_of("en", page)
    reader.choose_language(tab, "zh")
    assert tab.url == site_url + md.url_of("zh", page)


@pytest.mark.parametrize("lang, query, chapter", SEARCHES)
def test_search_finds_the_chapter_and_stays_in_its_language(tab, site_url, lang, query, chapter):
    tab.goto(site_url + md.url_of(lang, HOME))
    results = [url.removeprefix(site_url) for url in reader.search(tab, query)]
    assert results, f"{query!r} found nothing"
    wrong_language = [url for url in results if url.startswith("en/") != (lang == "en")]
    assert not wrong_language, f"{query!r} on the {lang} site found pages in the other language: {wrong_language}"
    chapters = [url for url in results if url not in (md.url_of(lang, HOME), md.url_of(lang, GLOSSARY))]
    assert any(url.startswith(md.url_of(lang, f"{chapter}/index.md")) for url in chapters[:FIRST_RESULTS]), \
        f"{query!r} found {results}"


def test_search_index_comes_when_search_opens_and_results_highlight_the_terms(tab, site_url):
    """A page opens without the search index (scripts/search_on_open.py); opening search fetches
    it, once, and finds; the page a result leads to marks the terms searched for."""
    fetched = []
    tab.on("request", lambda request: "search_index" in request.url and fetched.append(request.url))
    tab.goto(site_url + md.url_of("en", "mle-em/index.md"), wait_until="networkidle")
    assert not fetched, "the page fetched the search index before search was opened"
    results = reader.search(tab, "likelihood")
    assert fetched == [f"{site_url}en/search/search_index.json"] and results, (fetched, results)
    tab.locator(".md-search-result__item .md-search-result__link").first.click()
    tab.wait_for_load_state("networkidle")
    assert "h=likelihood" in tab.url
    marked = tab.locator("mark[data-md-highlight]").all_text_contents()
    assert marked and all(text.lower() == "likelihood" for text in marked), marked


# Each code block of an answer that is not in a fold of its own: [scrolls sideways, tabIndex].
ANSWER_CODE = """() => [...document.querySelectorAll("article details.success pre > code")]
  .filter((box) => [null, box.closest("details.success")].includes(box.closest("details:not([open])")))
  .map((box) => [box.scrollWidth > box.clientWidth, box.tabIndex])"""
# Opens every answer, as a reader's click does but without scrolling, and resolves once each has
# fired its toggle event (scrollable.js hears it first, on the document while capturing).
OPEN_ANSWERS = """() => Promise.all([...document.querySelectorAll("article details.success")].map((fold) =>
  new Promise((opened) => { fold.addEventListener("toggle", opened, {once: true}); fold.open = true; })))"""


def test_code_in_a_folded_answer_takes_keyboard_focus_when_the_answer_opens(tab, site_url):
    """overrides/assets/scrollable.js leaves the code of folded answers alone at load (measuring it
    costs a layout of each fold) and, when an answer opens, makes every block in it that scrolls
    sideways focusable, including those below the screen, which Material reaches only in view."""
    tab.set_viewport_size(PHONE)
    tab.goto(site_url + md.url_of("zh", "mle-em/exercises.md"), wait_until="networkidle")
    folded = tab.evaluate(ANSWER_CODE)
    assert folded and all(index == -1 for _, index in folded), folded
    tab.evaluate(OPEN_ANSWERS)
    opened = tab.evaluate(ANSWER_CODE)
    assert any(scrolls for scrolls, _ in opened), "no code block in an answer scrolls sideways on a phone"
    assert all(index == 0 for scrolls, index in opened if scrolls), opened


@pytest.mark.parametrize("lang, page", [("zh", "mle-em/m-em/m-em-collapse.md"), ("en", "cnn-feature-maps/c-param-count.md")])
def test_copy_buttons_copy_exactly_the_snippet_section_and_no_output(tab, site_url, lang, page):
    """The page's first and last buttons (the first in a folded setup block) are clicked, and the
    clipboard then holds exactly that section: every button goes through the same copy code,
    and the test above checks what each one targets."""
    sections = md.shown_sections(md.source(lang, page))
    tab.goto(site_url + md.url_of(lang, page))
    blocks = tab.locator(".md-content div.highlight:has(> span.filename) pre > code")
    assert blocks.count() == len(sections), "the page's snippet blocks do not match its includes and setups"
    for index in sorted({0, len(sections) - 1}):
        code, (name, part) = blocks.nth(index), sections[index]
        code.evaluate(REVEAL)
        code.scroll_into_view_if_needed()  # Material adds the buttons of a block in view (content.lazy)
        tab.evaluate('navigator.clipboard.writeText("")')
        code.locator("xpath=..").locator("button.md-code__button[data-md-type=copy]").click()
        copied = tab.evaluate("navigator.clipboard.readText()")
        assert copied.rstrip("\n") == md.section_code(name, part, lang), f"the copy button of {name}:{part} copied:\n{copied}"
    outputs = tab.locator(".md-content details.output")
    assert outputs.count() > 0
    for index in range(outputs.count()):  # in view long enough for their buttons, had they any
        outputs.nth(index).evaluate(REVEAL)
        outputs.nth(index).scroll_into_view_if_needed()
    tab.wait_for_timeout(500)
    assert outputs.locator("button.md-code__button").count() == 0


def luminance(image: Image.Image) -> list[int]:
    return sorted(image.convert("L").get_flattened_data())


@pytest.mark.parametrize("url", DARK_PAGES)
def test_figures_stay_legible_in_the_dark_palette(browser, site_url, url, tmp_path):
    """No serious axe-core finding; around each figure the dark page, on its edge a light
    backing, inside dark ink on it."""
    context = with_axe(browser.new_context(viewport=DESKTOP, color_scheme="dark"))
    page = context.new_page()
    try:
        page.goto(site_url + url)
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        # axe-core first, before scrolling sets off the header's cross-fade, which it would measure.
        start_axe(page)
        violations = axe_result(page)
        assert not violations, f"{url} in the dark palette, axe-core: {violations}"
        figures = page.locator(".md-content img").all()
        assert figures, f"{url} has no figure to check"
        margin = 4
        for number, figure in enumerate(figures):
            figure.evaluate("img => { img.loading = 'eager'; return img.decode(); }")  # figures load lazily
            figure.scroll_into_view_if_needed()
            box = figure.bounding_box()
            shot = tmp_path / f"figure-{number}.png"
            page.screenshot(path=shot, clip={"x": box["x"] - margin, "y": box["y"] - margin,
                                             "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin})
            image = Image.open(shot)
            width, height = image.size
            around = luminance(image.crop((0, 0, width, margin)))
            edge = luminance(image.crop((margin, margin + 1, width - margin, margin + 3)))
            inside = luminance(image.crop((margin, margin, width - margin, height - margin)))
            where = f"{url} figure {number} (screenshot {shot})"
            assert around[len(around) // 2] < 90, f"{where}: the page around it is not dark"
            assert edge[len(edge) // 2] > 215, f"{where}: no light backing at its edge"
            assert inside[len(inside) // 100] < 90, f"{where}: no dark ink on the backing"
    finally:
        context.close()


@pytest.mark.parametrize("system", ["light", "dark"])
def test_palette_follows_the_system_until_the_reader_chooses_and_keeps_the_choice(browser, site_url, system):
    """overrides/partials/palette.html stands in for Material's palette script."""
    context = browser.new_context(viewport=DESKTOP, color_scheme=system)
    page = context.new_page()

    def shown() -> list:
        """The body's colour scheme, and the titles of the toggle buttons a reader sees."""
        return page.evaluate("""[document.body.dataset.mdColorScheme,
            [...document.querySelectorAll("[data-md-palette] label:not([hidden])")].map(label => label.title)]""")

    try:
        page.goto(site_url + "mle-em/")
        follows = {"light": ["default", ["切换到深色模式"]], "dark": ["slate", ["切换到浅色模式"]]}
        other = "dark" if system == "light" else "light"
        assert shown() == follows[system]
        page.locator("[data-md-palette] label:not([hidden])").click()
        assert shown() == follows[other]
        page.goto(site_url + "glossary/")  # the choice holds on the next page
        assert shown() == follows[other]
        page.locator("[data-md-palette] input:checked").focus()  # the keyboard's way back
        page.keyboard.press("Enter")
        assert shown() == follows[system]
        page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    finally:
        context.close()


# Chapters (and the larger sections) were single pages once: (an old address, where it leads now).
OLD_ADDRESSES = [
    ("mle-em/#m-em-gmm", "mle-em/m-em/m-em-gmm/#m-em-gmm"),
    ("train-eval-batchnorm/theory/#t-momentum", "train-eval-batchnorm/theory/t-eval-weights/#t-momentum"),
    ("en/cnn-feature-maps/#summary", "en/cnn-feature-maps/summary/#summary"),
    ("mle-em/#no-such-id", "mle-em/#no-such-id"),
]


@pytest.mark.parametrize("old, new", OLD_ADDRESSES)
def test_a_link_to_an_id_of_a_chapter_that_was_one_page_reaches_its_section_page(tab, site_url, old, new):
    """Chapters were single pages once: chapter/#id still leads to the id, now on a section page
    (the script of overrides/main.html); an unknown id leaves the reader on the chapter's first page."""
    tab.goto(site_url + old)
    tab.wait_for_url(site_url + new)
    assert tab.locator(f"[id='{new.partition('#')[2]}']").count() == (0 if "no-such" in new else 1)


@pytest.fixture
def offline_tab(browser):
    """A page that refuses, and records, every request that is not for a local file, and records
    failed loads and uncaught errors. Chromium refuses Material's look-ups of sitemap.xml from
    file:// pages (its language selector would use them; ours does not): those may fail."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.outside, page.failed, page.errors = [], [], []
    page.route(re.compile(r"^(?!file:)"), lambda route: (page.outside.append(route.request.url), route.abort()))
    page.on("requestfailed", lambda request: request.url.endswith("/sitemap.xml") or page.failed.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()
    assert not page.outside, f"the offline edition asked for {page.outside}"
    assert not page.failed, f"the offline edition could not load {page.failed}"
    assert not page.errors, f"the offline edition raised {page.errors}"


def test_offline_home_page_search_finds_a_chapter(offline_tab, unzipped):
    offline_tab.goto((unzipped / "index.html").as_uri())
    results = reader.search(offline_tab, "批归一化")
    assert any(url.startswith((unzipped / "train-eval-batchnorm").as_uri() + "/") for url in results), results


def test_offline_chapter_shows_math_and_finds_itself_in_english(offline_tab, unzipped):
    chapter = unzipped / "en" / "variance-n-minus-1" / "v-unbiased.html"
    offline_tab.goto(chapter.as_uri())
    assert offline_tab.locator(".md-content .katex").count() > 0, "no typeset math"
    assert chapter.as_uri() in reader.search(offline_tab, "unbiased estimator")


def test_offline_language_selector_keeps_the_page(offline_tab, unzipped):
    offline_tab.goto((unzipped / "train-eval-batchnorm" / "practice.html").as_uri())
    reader.choose_language(offline_tab, "en")
    assert offline_tab.url == (unzipped / "en" / "train-eval-batchnorm" / "practice.html").as_uri()
    reader.choose_language(offline_tab, "zh")
    assert offline_tab.url == (unzipped / "train-eval-batchnorm" / "practice.html").as_uri()


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_offline_notebook_page_looks_as_it_does_online(offline_tab, tab, unzipped, site_url, prefix):
    """The offline edition's notebook page links its language's copy of the cut notebook stylesheet
    (../assets/notebook.css): every element of the notebook has the computed style it has on the
    site served, and its figures, files beside the page, load from file://."""
    notebook = f"{prefix}notebooks/{FIGURED_SNIPPET}"
    def look(page, address):
        """The page's figures (FIGURES) and the computed styles of the notebook's own elements."""
        page.goto(address)
        return page.evaluate(FIGURES), page.evaluate(COMPUTED_STYLES, ".jupyter-wrapper, .jupyter-wrapper *")
    online_figures, online = look(tab, f"{site_url}{notebook}/")
    offline_figures, offline = look(offline_tab, (unzipped / f"{notebook}.html").as_uri())
    assert online_figures and all(figure["width"] > 0 for figure in offline_figures) and len(offline_figures) == len(online_figures)
    assert len(offline) == len(online) > 100
    differ = sum(a != b for a, b in zip(offline, online))
    assert not differ, f"{differ} of the notebook's {len(online)} elements are styled otherwise offline"
