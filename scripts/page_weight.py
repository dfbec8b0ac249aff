"""What a reader's browser transfers to show each page of the built site, by kind of file: a
first visit (empty cache) to the site served on 127.0.0.1 as `make serve` serves it (text
gzip-compressed, scripts/site_server.py), until the network is idle, so the search index and
KaTeX's stylesheet and fonts count where a page loads them. Figures load lazily;
here every one of them is loaded, as for a reader who scrolls to the end. Each page's size before
compression is kept too.

    python -m scripts.page_weight      every page's total in kB, heaviest first, by kind
"""

from collections import Counter
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from scripts import chromium
from scripts.site_server import serve, site_pages

KINDS = ("html", "scripts", "styles", "fonts", "math", "figures", "search index", "other")
SUFFIXES = {".js": "scripts", ".css": "styles", ".woff2": "fonts", ".woff": "fonts", ".ttf": "fonts"}
# Every file the page fetched, the page itself first, with its body size (Resource Timing
# sees the search worker's script too, which Playwright's request events report as empty).
FETCHED = """() => [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")]
  .map((entry) => [entry.name, entry.initiatorType, entry.encodedBodySize, entry.decodedBodySize])"""


def kind(path: str, initiator: str) -> str:
    if "/assets/katex/" in path:
        return "math"  # KaTeX's stylesheet and fonts, fetched only by pages with math
    if path.endswith("/search_index.json"):
        return "search index"
    if "/figures/" in path:
        return "figures"
    if initiator == "navigation":
        return "html"
    return SUFFIXES.get(PurePosixPath(path).suffix, "other")


def measure(site: Path) -> dict[str, Counter]:
    """{page: Counter(kind -> bytes transferred)} for every page of the built site; the key
    "uncompressed" holds the page's total before compression, and is not one of KINDS."""
    from playwright.sync_api import sync_playwright

    weights = {}
    with sync_playwright() as playwright, serve(site) as base:
        browser = chromium.launch(playwright)
        for url in site_pages(site):
            context = browser.new_context()  # an empty cache, as on a first visit
            page = context.new_page()
            page.goto(base + url)
            page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")  # all figures
            page.wait_for_load_state("networkidle")
            page.wait_for_function("Array.from(document.images).every(image => image.complete)")
            weights[url] = Counter()
            for address, initiator, size, uncompressed in page.evaluate(FETCHED):
                weights[url][kind(urlsplit(address).path, initiator)] += size
                weights[url]["uncompressed"] += uncompressed
            context.close()
        browser.close()
    return weights


def transferred(weight: Counter) -> int:
    return sum(weight[k] for k in KINDS)


def heaviest(weights: dict[str, Counter]) -> tuple[str, Counter]:
    return max(weights.items(), key=lambda item: transferred(item[1]))


def main() -> None:
    weights = measure(Path(__file__).resolve().parents[1] / "site")
    print(f"{'page, first visit, kB':<34} {'total':>7}" + "".join(f" {k:>8.8}" for k in KINDS) + "  unzipped")
    for url, weight in sorted(weights.items(), key=lambda item: -transferred(item[1])):
        print(f"{url or '(zh home)':<34} {transferred(weight) / 1000:>7.1f}"
              + "".join(f" {weight[k] / 1000:>8.1f}" for k in KINDS) + f" {weight['uncompressed'] / 1000:>9.1f}")


if __name__ == "__main__":
    main()
