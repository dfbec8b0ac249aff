"""Visits of the site's pages in Chromium, recording what the browser tests check: console
errors, failed requests, requests that leave the site, figures, raw math, what the copy buttons
of code blocks copy, axe-core violations, and whether the page scrolls sideways on a phone."""

import os
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scripts import chromium
from scripts.messages import CHINESE

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}

FIGURES = """async () => {
  const images = [...document.querySelectorAll(".md-content img")];
  await Promise.all(images.map((img) => { img.loading = "eager"; return img.decode().catch(() => null); }));
  return images.map((img) => ({src: img.getAttribute("src").slice(0, 60), alt: img.alt, width: img.naturalWidth}));
}"""

# Text outside code and outside KaTeX's output that still looks like TeX.
RAW_MATH = r"""() => {
  const walker = document.createTreeWalker(document.querySelector(".md-content"), NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest("pre, code, script, style, .katex") && /\$|\\\(|\\\[|\\frac/.test(node.nodeValue)) {
      raw.push(node.nodeValue.trim().slice(0, 80));
    }
  }
  return raw;
}"""

# Open the folded details and the tabs that hold an element, so that it can be seen.
REVEAL = """(element) => {
  for (let e = element; e; e = e.parentElement) {
    if (e.tagName === "DETAILS") e.open = true;
    if (e.parentElement && e.parentElement.classList.contains("tabbed-content")) {
      const tab = [...e.parentElement.children].indexOf(e);
      e.closest(".tabbed-set").querySelectorAll(":scope > input")[tab].checked = true;
    }
  }
}"""

# For each snippet block: its code's text, and the text of the element that its copy button's
# clipboard target names, if that element is the block's own code. Material gives a block its
# buttons when the block first comes into view (the theme's content.lazy), as a reader scrolls:
# each block is opened, scrolled to, and given up to two seconds.
COPY_TARGETS = f"""async () => {{
  const reveal = {REVEAL};
  const targets = [];
  for (const block of document.querySelectorAll(".md-content div.highlight:has(> span.filename)")) {{
    reveal(block);
    block.scrollIntoView({{block: "center"}});
    let button = null;
    for (let waited = 0; !button && waited < 2000; waited += 20) {{
      await new Promise((resolve) => setTimeout(resolve, 20));
      button = block.querySelector("button.md-code__button[data-md-type=copy]");
    }}
    const code = block.querySelector("pre > code");
    const target = button && document.querySelector(button.dataset.clipboardTarget);
    targets.push({{code: code.textContent, target: target === code ? target.textContent : null}});
  }}
  return targets;
}}"""

# Every computed property of each element that `selector` matches, and of its ::before and ::after
# where it has them, one string per element, properties sorted by name: the order of the custom
# properties differs from one document to another, so two pages can be compared.
COMPUTED_STYLES = """(selector) => Array.from(document.querySelectorAll(selector), (element) => {
    const style = (pseudo) => {
        const s = getComputedStyle(element, pseudo);
        return pseudo && s.content === "none" ? "none" : [...s].sort().map((p) => `${p}:${s.getPropertyValue(p)}`).join(";");
    };
    return style(null) + "|" + style("::before") + "|" + style("::after");
})"""

AXE_START = """() => { window.axeRun = axe.run(document, {resultTypes: ["violations"]}); }"""
AXE_RESULT = """async () => {
  const {violations} = await window.axeRun;
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}x): ${v.help}; first at ${v.nodes[0].target.join(" ")}`);
}"""

# The page's width and, when wider than the screen, the elements that stick out of it
# (not counting those inside a box that scrolls or clips on its own).
WIDTH = """() => {
  const page = document.scrollingElement;
  const inScroller = (element) => {
    for (let e = element.parentElement; e && e !== document.body; e = e.parentElement) {
      if (getComputedStyle(e).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = page.scrollWidth <= page.clientWidth ? [] : [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > page.clientWidth + 1 && !inScroller(e))
    .slice(0, 3).map((e) => [e.tagName.toLowerCase(), ...e.classList].join("."));
  return {scroll: page.scrollWidth, client: page.clientWidth, wide};
}"""


# The KaTeX fonts that the page draws with (its loaded font faces, as file names), each with whether
# the page asks for it itself (a preload link, scripts/math_html.py): a font that only KaTeX's
# stylesheet asks for comes after the text was laid out, and whatever it draws moves when it comes.
KATEX_FONTS = r"""() => {
  const early = new Set(Array.from(document.querySelectorAll("link[rel=preload][as=font]"),
                                   (link) => link.href.split("/").pop()));
  // KaTeX's own faces; site.css's local fallbacks ("KaTeX_Main fallback") are fetched from nowhere
  return Array.from(document.fonts).filter((face) => /^"?KaTeX_\w+"?$/.test(face.family) && face.status === "loaded")
    .map((face) => {
      const style = (face.weight === "700" ? "Bold" : "") + (face.style === "italic" ? "Italic" : "") || "Regular";
      const file = `${face.family.replace(/"/g, "")}-${style}.woff2`;
      return {file, early: early.has(file)};
    });
}"""

def require_chromium() -> None:
    """At the top of a browser test module: without Chromium, skip the module with one line saying
    so, except on CI (CI=true), whose set-up installs it: there, fail."""
    if not chromium.available():
        message = "no Chromium (Debian's chromium package): the browser tests did not run"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)


@dataclass
class Visit:
    url: str
    lang: str = ""
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)
    raw_math: list[str] = field(default_factory=list)
    axe: list[str] = field(default_factory=list)
    phone_width: dict = field(default_factory=dict)
    copy_targets: list[dict] = field(default_factory=list)  # COPY_TARGETS
    katex_fonts: list[dict] = field(default_factory=list)  # KATEX_FONTS


def with_axe(context):
    """The context, with axe-core loaded into each of its pages."""
    context.add_init_script(path=str(AXE))
    return context


def start_axe(page) -> None:
    """Start axe-core on a page of a context with_axe(); it runs in the page's own process while
    Python goes on."""
    page.evaluate(AXE_START)


def axe_result(page) -> list[str]:
    """The serious and critical violations that start_axe found."""
    return page.evaluate(AXE_RESULT)


class Tab:
    """A browser tab that visits page after page: loading the next page in the same tab costs the
    browser less than half of what a new tab for each page does (no new renderer to start). What
    the tab reports (console, requests) goes to the visit of the page it is on."""

    def __init__(self, context, base: str):
        self.base, self.visit, self.page = base, Visit(""), context.new_page()
        self.page.on("console", lambda message: message.type == "error" and self.visit.console_errors.append(message.text))
        self.page.on("pageerror", lambda error: self.visit.console_errors.append(f"uncaught: {error}"))
        self.page.on("requestfailed", lambda request: self.visit.failed_requests.append(f"{request.url}: {request.failure}"))
        self.page.on("response", lambda response: response.status >= 400
                     and self.visit.failed_requests.append(f"{response.url}: HTTP {response.status}"))
        self.page.route(re.compile(rf"^(?!{re.escape(base)})"), self._refuse)

    def _refuse(self, route) -> None:
        """Record in the visit, and refuse, a request that does not go to the site."""
        self.visit.outside_requests.append(route.request.url)
        route.abort()

    def start(self, url: str) -> "Tab":
        """Load base + url at desktop size, check its figures and math, and start axe-core."""
        self.visit = Visit(url)
        self.page.set_viewport_size(DESKTOP)
        self.page.goto(self.base + url)
        self.visit.lang = self.page.evaluate("document.documentElement.lang")
        self.visit.figures = self.page.evaluate(FIGURES)
        self.visit.raw_math = self.page.evaluate(RAW_MATH)
        start_axe(self.page)
        return self

    def finish(self) -> Visit:
        """Collect axe-core's findings, then narrow the window to a phone's and measure the page;
        open and scroll to each snippet block for its copy button; last, list the KaTeX fonts it fetched."""
        self.visit.axe = axe_result(self.page)
        self.page.set_viewport_size(PHONE)
        self.visit.phone_width = self.page.evaluate(WIDTH)
        self.visit.copy_targets = self.page.evaluate(COPY_TARGETS)
        self.visit.katex_fonts = self.page.evaluate(KATEX_FONTS)
        return self.visit


def visit_all(context, base: str, urls: list[str], tabs: int = 3) -> dict[str, Visit]:
    """Visit every page in `tabs` tabs, in turn: while axe-core checks the pages of some, the next
    page loads in another."""
    waiting, visits = deque(urls), {}
    running = deque(Tab(context, base).start(waiting.popleft()) for _ in range(min(tabs, len(urls))))
    while running:
        tab = running.popleft()
        visit = tab.finish()
        visits[visit.url] = visit
        if waiting:
            running.append(tab.start(waiting.popleft()))
        else:
            tab.page.close()
    return visits


def figure_problems(visit: Visit) -> list[str]:
    """Figures that did not load, or whose alt text is missing or not in the page's language."""
    problems = []
    for figure in visit.figures:
        alt, where = figure["alt"].strip(), f"{figure['src']} (alt: {figure['alt']!r})"
        if figure["width"] == 0:
            problems.append(f"{where} did not load")
        if not alt:
            problems.append(f"{where} has no alt text")
        elif (visit.lang == "zh") != bool(CHINESE.search(alt)):
            problems.append(f"{where} alt text is not in the page's language ({visit.lang})")
    return problems
