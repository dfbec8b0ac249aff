"""One visit of one page in Chromium, recording what the browser tests check: console errors,
failed requests, requests that leave the site, figures, raw math, axe-core violations, and
whether the page scrolls sideways on a phone."""

import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

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

AXE_RUN = """async () => {
  const {violations} = await axe.run(document, {resultTypes: ["violations"]});
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


def stay_on(page, base: str, outside: list[str]) -> None:
    """Record and refuse every request that does not go to `base`."""
    def refuse(route):
        outside.append(route.request.url)
        route.abort()
    page.route(re.compile(rf"^(?!{re.escape(base)})"), refuse)


def wait_for_math(page) -> None:
    """overrides/assets/math.js marks the body once the page's math is typeset (or it has none)."""
    page.wait_for_selector("body[data-math-ready]", state="attached")


def run_axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


def visit(context, base: str, url: str) -> Visit:
    """Load base + url at desktop size, check it, then narrow the window to a phone's."""
    result = Visit(url)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and result.console_errors.append(message.text))
    page.on("pageerror", lambda error: result.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: result.failed_requests.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: response.status >= 400
            and result.failed_requests.append(f"{response.url}: HTTP {response.status}"))
    stay_on(page, base, result.outside_requests)
    try:
        page.goto(base + url)
        wait_for_math(page)
        result.lang = page.evaluate("document.documentElement.lang")
        result.figures = page.evaluate(FIGURES)
        result.raw_math = page.evaluate(RAW_MATH)
        result.axe = run_axe(page)
        page.set_viewport_size(PHONE)
        result.phone_width = page.evaluate(WIDTH)
    finally:
        page.close()
    return result


def figure_problems(visit: Visit) -> list[str]:
    """Figures that did not load, or whose alt text is missing or not in the page's language."""
    problems = []
    for figure in visit.figures:
        alt, where = figure["alt"].strip(), f"{figure['src']} (alt: {figure['alt']!r})"
        if figure["width"] == 0:
            problems.append(f"{where} did not load")
        if not alt:
            problems.append(f"{where} has no alt text")
        elif (visit.lang == "zh") != bool(CJK.search(alt)):
            problems.append(f"{where} alt text is not in the page's language ({visit.lang})")
    return problems
