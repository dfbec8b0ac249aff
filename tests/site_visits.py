"""Every page of one language's site, the notebooks' included, opened in Debian's Chromium through
Playwright from the site served on 127.0.0.1, once each (tests/page_checks.py): it loads with no
console error, no failed request and no request elsewhere, shows its figures with alt text in its
language and its math typeset, fits a phone, passes axe-core, and each code block's copy button
copies the block's own code, the snippet's section. What a reader does on the pages is in
tests/test_reading.py.

tests/test_browser_zh.py and tests/test_browser_en.py run these checks, one language each, so
that the two test workers visit the pages side by side. Without Chromium they skip with one line
saying so, except on CI (CI=true), whose set-up installs it: there they fail."""

import pytest

from scripts import runner
from scripts.site_server import site_pages
from tests import markdown_facts as md
from tests.page_checks import DESKTOP, figure_problems, require_chromium, visit_all, with_axe

require_chromium()


def report(problems: dict[str, list[str]]) -> str:
    return "\n".join(f"{url or '(home)'}:\n  " + "\n  ".join(items) for url, items in problems.items())


class SiteVisits:
    """The checks, on the pages of the language that a subclass names in LANG ("zh" or "en")."""

    LANG = ""

    @pytest.fixture(scope="class")
    @classmethod
    def visits(cls, browser, site_url, site):
        """Every page of the language, visited once; the tests below read what each visit found."""
        pages = [url for url in site_pages(site) if url.startswith("en/") == (cls.LANG == "en")]
        context = with_axe(browser.new_context(viewport=DESKTOP))
        context.set_default_timeout(10_000)
        try:
            return visit_all(context, site_url, pages)
        finally:
            context.close()

    def test_every_page_is_visited(self, visits):
        prefix = md.PREFIX[self.LANG]
        expected = {md.url_of(self.LANG, page) for page in md.pages(self.LANG)}
        expected |= {f"{prefix}notebooks/{snippet.stem}/" for snippet in runner.all_snippets()}
        assert expected <= visits.keys(), f"pages missing from the built site: {sorted(expected - visits.keys())}"

    def test_no_page_logs_a_console_error(self, visits):
        problems = {url: v.console_errors for url, v in visits.items() if v.console_errors}
        assert not problems, "console errors:\n" + report(problems)

    def test_no_request_fails(self, visits):
        problems = {url: v.failed_requests for url, v in visits.items() if v.failed_requests}
        assert not problems, "failed requests:\n" + report(problems)

    def test_no_request_leaves_127_0_0_1(self, visits):
        problems = {url: v.outside_requests for url, v in visits.items() if v.outside_requests}
        assert not problems, "requests to other hosts (refused):\n" + report(problems)

    def test_figures_load_with_alt_text_in_the_page_language(self, visits):
        problems = {url: figure_problems(v) for url, v in visits.items() if figure_problems(v)}
        assert not problems, "figures:\n" + report(problems)

    def test_math_is_typeset(self, visits):
        problems = {url: v.raw_math for url, v in visits.items() if v.raw_math}
        assert not problems, "raw TeX in the visible text:\n" + report(problems)

    def test_pages_fetch_every_font_of_their_formulas_with_the_page(self, visits):
        """Each KaTeX font a page draws with is asked for by the page itself, before the layout that
        needs it (on a phone, a font found by the layout rewrapped the lines of its formulas)."""
        drawing = {url: v.katex_fonts for url, v in visits.items() if v.katex_fonts}
        problems = {url: [font["file"] for font in fonts if not font["early"]] for url, fonts in drawing.items()}
        problems = {url: late for url, late in problems.items() if late}
        assert not problems, "KaTeX fonts that only the layout asked for:\n" + report(problems)
        assert len(drawing) >= 30, f"only {len(drawing)} pages draw with KaTeX's fonts"

    def test_no_page_scrolls_sideways_on_a_375_px_phone(self, visits):
        widths = {url: v.phone_width for url, v in visits.items()}
        problems = {url: [f"{w['scroll']} px wide in a {w['client']} px window; sticking out: {w['wide']}"]
                    for url, w in widths.items() if w["scroll"] > w["client"]}
        assert not problems, "pages wider than a phone:\n" + report(problems)

    def test_axe_finds_no_serious_or_critical_violation(self, visits):
        problems = {url: v.axe for url, v in visits.items() if v.axe}
        assert not problems, "axe-core, serious and critical:\n" + report(problems)

    def test_every_copy_button_targets_its_blocks_code_which_is_the_snippet_section(self, visits):
        """On every page, each snippet block's copy button names the block's own code as what it
        copies, and that code is the snippet's section in the page's language."""
        snippet_pages = [page for page in md.pages(self.LANG) if any(md.fenced_includes(md.source(self.LANG, page)))]
        for page in snippet_pages:
            sections = md.shown_sections(md.source(self.LANG, page))
            found = visits[md.url_of(self.LANG, page)].copy_targets
            assert len(found) == len(sections), f"{self.LANG}/{page}: the snippet blocks do not match its includes and setups"
            for target, (name, part) in zip(found, sections):
                where = f"{self.LANG}/{page}, {name}:{part}"
                assert target["target"] == target["code"], f"{where}: the copy button copies something else"
                assert target["code"].rstrip("\n") == md.section_code(name, part, self.LANG), f"{where}: other code is shown"
        assert snippet_pages
