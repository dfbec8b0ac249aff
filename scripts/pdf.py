"""make pdf: site/pdf/NAME-zh.pdf and site/pdf/NAME-en.pdf, printed by headless Chromium.

For each language, the pages of the built site's navigation are joined into
one print page, build/print/LANG.html: a cover, a table of contents, then each
top-level entry as a chapter that starts on a new page: a chapter's first page,
then its section pages, their headings one level lower (two for the pages of a
section that has pages of its own). Ids get the chapter's name in
front, so that links between chapters become links inside the document; links
to pages that are not in the PDF (notebooks, scripts) keep their text only.
Content tabs print one after the other, each under its label as a heading.
Chromium prints it with page numbers and an outline (bookmarks) made from the
headings. Everything is read from local files: no network is needed.

Chromium cannot number a table of contents, so each book is printed twice: a
draft tells, through its named destinations, the page where each entry of the
contents landed; the numbers go into the contents, which keeps a fixed width
for them, and the book is printed again. If an entry has moved all the same,
it is numbered and printed once more. Both languages' print pages are made at
the same time, one process each, and print at the same time, in two tabs of one Chromium.

Chinese is set in a subset of Noto Sans CJK SC made for the text at hand:
with the whole font, Chromium's PDF maps glyphs that the font shares between
an ideograph and a Kangxi radical (方 and ⽅) to the radical, and the PDF's
text then reads, searches and copies wrong.
"""

import asyncio
import base64
import concurrent.futures
import datetime
import hashlib
import html
import io
import posixpath
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from fontTools import subset
from fontTools.ttLib import TTCollection
from pypdf import PdfReader

from scripts import chromium

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "site"
PRINT_DIR = ROOT / "build" / "print"
NAME = "dl-stats-basics"
EDITIONS = {
    "zh": {"site": SITE, "edition": "中文版", "contents": "目录", "home": "导言",
           "built": "构建日期", "version": "版本"},
    "en": {"site": SITE / "en", "edition": "English edition", "contents": "Contents", "home": "Introduction",
           "built": "Built on", "version": "Version"},
}
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")  # Debian's fonts-noto-cjk
HEADING = re.compile(r"^h[1-6]$")
FOOTER = ('<div style="width:100%;font-size:8px;text-align:center;color:#666">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')
PAGE = {"format": "A4", "print_background": True, "display_header_footer": True,
        "header_template": "<span></span>", "footer_template": FOOTER,
        "margin": {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}}
# Writes each contents entry's page number; returns the entries whose target has none.
FILL_CONTENTS = """pages => Array.from(document.querySelectorAll(".contents a")).filter(link => {
  const target = link.getAttribute("href").slice(1);
  link.querySelector(".page").textContent = pages[target] ?? "";
  return !(target in pages); }).map(link => link.getAttribute("href"))"""
MAX_PRINTS = 4  # the draft, then as many numbered prints as it takes for no entry to move


def pdf_path(lang: str) -> Path:
    return SITE / "pdf" / f"{NAME}-{lang}.pdf"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def nav(site: Path) -> list[tuple[str, str, list[tuple[str, int]]]]:
    """(page folder, nav title, the pages under it) of each top-level entry of the navigation, in
    nav order; the home page is ''. The pages under a chapter are (folder, depth) in nav order:
    depth 1 for its sections, 2 for the pages of a section that has pages of its own. They are
    the pages that its first page lists (ol.chapter-contents, overrides/main.html), and theirs."""
    nav = _soup(site / "index.html").find("nav", class_="md-nav--primary").find("ul", class_="md-nav__list")
    entries = []
    for item in nav.find_all("li", recursive=False):
        container = item.find("div", class_="md-nav__container", recursive=False) or item
        link = container.find("a", class_="md-nav__link", recursive=False)
        folder = link["href"].strip("./").rstrip("/")
        entries.append((folder, link.get_text(" ", strip=True), _pages_under(site, folder, 1)))
    return entries


def _pages_under(site: Path, folder: str, depth: int) -> list[tuple[str, int]]:
    html_text = (site / folder / "index.html").read_text(encoding="utf-8")
    if 'class="chapter-contents"' not in html_text:
        return []
    pages = []
    for link in BeautifulSoup(html_text, "html.parser").find("ol", class_="chapter-contents").find_all("a"):
        page = posixpath.join(folder, link["href"]).rstrip("/")
        pages += [(page, depth), *_pages_under(site, page, depth + 1)]
    return pages


def _tabs_as_sections(article: BeautifulSoup) -> None:
    """Each content tab in turn, under its label as a heading one level below the section's
    (Material's print style leaves the labels as loose lines, stranded at the foot of a page)."""
    # From the last set up: the heading found above a set is then never an earlier set's label.
    for tabs in reversed(article.find_all(class_="tabbed-set")):
        section = tabs.find_previous(HEADING)
        level = min(int(section.name[1]) + 1 if section else 2, 6)
        parts = []
        for label, block in zip(tabs.select(":scope > .tabbed-labels > label"),
                                tabs.select(":scope > .tabbed-content > .tabbed-block")):
            heading = article.new_tag(f"h{level}", attrs={"id": label["for"]})
            heading.string = label.get_text(" ", strip=True)
            parts += [heading, *block.contents]
        tabs.replace_with(*parts)


def _article(site: Path, folder: str, chapters: dict[str, str], below: int) -> BeautifulSoup:
    """One page's article, its headings `below` levels lower, its ids prefixed by its chapter's
    name, and its URLs made absolute (figures) or internal (pages of the book, by `chapters`)."""
    page_url = f"/{folder}/" if folder else "/"
    # find_all rather than CSS selectors: soupsieve took half of the time spent here.
    article = _soup(site / folder / "index.html").find("article", class_="md-content__inner")
    for clutter in article.find_all(class_=["headerlink", "md-content__button", "md-source-file", "chapter-contents"]):
        clutter.decompose()
    for script in article.find_all("script"):
        script.decompose()
    for heading in article.find_all(HEADING):
        heading.name = f"h{min(int(heading.name[1]) + below, 6)}"
    _tabs_as_sections(article)
    slug = chapters[folder]
    for element in article.find_all(id=True):
        element["id"] = f"{slug}--{element['id']}"
    for details in article.find_all("details"):
        details["open"] = ""  # folded answers print open
    for image in article.find_all("img", src=True):
        del image["loading"]  # the print page loads every figure before it prints
        image["src"] = (site / unquote(posixpath.normpath(posixpath.join(page_url, image["src"]))).lstrip("/")).as_uri()
    for link in article.find_all("a", href=True):
        url = urlsplit(link["href"])
        if url.scheme or url.netloc:
            continue
        target = posixpath.normpath(posixpath.join(page_url, url.path)).strip("/") if url.path else folder
        if target not in chapters:
            link.unwrap()
        elif url.fragment:
            link["href"] = f"#{chapters[target]}--{url.fragment}"
        elif chapters[target] in (target, "home"):  # the home page or a chapter's first page
            link["href"] = f"#{chapters[target]}"
        else:  # a section page: its title's id is its file's name
            link["href"] = f"#{chapters[target]}--{posixpath.basename(target)}"
    return article


def chapter_of(entries: list[tuple[str, str, list[tuple[str, int]]]]) -> dict[str, str]:
    """{page folder: the name of its chapter} for every page of nav()'s entries; the home page's is 'home'."""
    return {page: folder or "home" for folder, _, under in entries for page in (folder, *(p for p, _ in under))}


def chapter_article(site: Path, folder: str, under: list[tuple[str, int]], chapters: dict[str, str]) -> BeautifulSoup:
    """A chapter as the book prints it: its first page's article, then the pages under it, a
    section's title an h2 (_article); `chapters` is chapter_of() of the whole navigation."""
    article = _article(site, folder, chapters, 0)
    for page, depth in under:
        article.extend(_article(site, page, chapters, depth).contents)
    return article


def cjk_font_faces(texts: list[str]) -> str:
    """@font-face rules for Noto Sans CJK SC, regular and bold, cut down to the characters of `texts`;
    kept in build/print/ for the next print of the same characters (cutting them takes seconds)."""
    wanted = sorted({ord(c) for text in texts for c in text if ord(c) >= 0x2000})
    fonts = [NOTO_CJK / f"NotoSansCJK-{style}.ttc" for style in ("Regular", "Bold")]
    key = hashlib.sha256(repr([wanted, [(f.stat().st_size, f.stat().st_mtime) for f in fonts]]).encode()).hexdigest()
    cached = PRINT_DIR / f"cjk-fonts-{key[:16]}.css"
    if not cached.exists():
        for stale in PRINT_DIR.glob("cjk-fonts-*.css"):
            stale.unlink()
        cached.write_text(_cjk_subsets(wanted, fonts), encoding="utf-8")
    return cached.read_text(encoding="utf-8")


def _cjk_subsets(wanted: list[int], fonts: list[Path]) -> str:
    """The rules themselves: each font subset to `wanted`, inlined as a data: URI."""
    rules = []
    for weight, path in zip((400, 700), fonts):
        collection = TTCollection(path, lazy=True)
        font = next(f for f in collection.fonts if f["name"].getDebugName(1) == "Noto Sans CJK SC")
        options = subset.Options()
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")  # file:// fonts are blocked as cross-origin
        rules.append(f'@font-face {{ font-family: "Print CJK"; font-weight: {weight}; '
                     f'src: url("data:font/otf;base64,{data}"); }}')
    return "\n".join(rules)


def commit() -> str:
    """The short hash of the commit that the site was built from, as the covers name it."""
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "—"


def _contents_link(target: str, title: str) -> str:
    """An entry of the contents; its page number is filled in once a draft has shown where `target` lands."""
    return f'<a href="#{target}"><span class="title">{html.escape(title)}</span><span class="page"></span></a>'


def print_page(lang: str) -> str:
    """The print page of one language, as HTML built from the site in site/."""
    edition = EDITIONS[lang]
    site = edition["site"]
    home = _soup(site / "index.html")
    title = home.select_one("meta[property='og:title']")
    site_name = title["content"] if title else home.title.get_text(strip=True)
    parts = [(folder, edition["home"] if not folder else label, under) for folder, label, under in nav(site)]
    names = chapter_of(parts)
    styles = [(site / link["href"]).resolve().as_uri() for link in home.select("link[rel=stylesheet]")]
    # KaTeX's stylesheet draws the math that the build typeset (scripts/math_html.py); the home page has none.
    styles += [(site / "assets" / "katex" / "katex.min.css").as_uri(), (ROOT / "scripts" / "pdf.css").as_uri()]

    chapters, contents = [], []
    for folder, label, under in parts:
        slug = names[folder]
        article = chapter_article(site, folder, under, names)
        article.h1.string = label  # the home page's title is the book's; here it is the introduction
        entries = [f'<li>{_contents_link(h["id"], h.get_text(" ", strip=True))}</li>' for h in article.find_all("h2", id=True)]
        contents.append(f'<li>{_contents_link(slug, label)}<ol>{"".join(entries)}</ol></li>')
        chapters.append(f'<section class="chapter" id="{slug}">{article.decode_contents()}</section>')

    document = f"""<!doctype html>
<html lang="{lang}" dir="ltr"><head><meta charset="utf-8"><title>{html.escape(site_name)}</title>
{"".join(f'<link rel="stylesheet" href="{href}">' for href in styles)}
<style>/* CJK_FONT_FACES */</style>
</head><body><div class="md-typeset">
<section class="cover">
  <p class="cover-title">{html.escape(site_name)}</p>
  <p class="cover-edition">{edition["edition"]}</p>
  <p class="cover-meta">{edition["built"]}: {datetime.date.today().isoformat()}<br>
  {edition["version"]}: {commit()}</p>
</section>
<nav class="contents"><h1 id="contents">{edition["contents"]}</h1><ol>{"".join(contents)}</ol></nav>
{"".join(chapters)}
</div></body></html>"""
    return document


def _landing_pages(document: bytes) -> dict[str, int]:
    """The page number (from 1) of each named destination of a printed PDF, by its id."""
    reader = PdfReader(io.BytesIO(document))
    return {name.lstrip("/"): reader.get_destination_page_number(target) + 1
            for name, target in reader.named_destinations.items()}


async def _load(browser, lang: str):
    """A tab with the print page of `lang`, its fonts and figures loaded, in print media."""
    page = await browser.new_page()
    await page.goto((PRINT_DIR / f"{lang}.html").as_uri())
    await page.evaluate("document.fonts.ready.then(() => true)")  # no text laid out twice
    await page.wait_for_function("Array.from(document.images).every(image => image.complete)")
    broken = await page.evaluate("Array.from(document.images).filter(i => !i.naturalWidth).map(i => i.src)")
    if broken:
        raise RuntimeError(f"the {lang} PDF's figures did not load: {broken}")
    await page.emulate_media(media="print")
    return page


async def _print_book(browser, lang: str) -> int:
    """Print `lang`'s PDF with a numbered contents into site/pdf/; return how many prints it took."""
    page = await _load(browser, lang)
    # The draft only tells where things land: hidden (the layout stays), untagged and without
    # outline, it prints in half the time.
    await page.evaluate("document.body.style.visibility = 'hidden'")
    landed = _landing_pages(await page.pdf(**PAGE))
    await page.evaluate("document.body.style.visibility = ''")
    for prints in range(2, MAX_PRINTS + 1):
        unnumbered = await page.evaluate(FILL_CONTENTS, landed)
        if unnumbered:
            raise RuntimeError(f"the {lang} PDF has no destination for contents entries {unnumbered}")
        book = await page.pdf(**PAGE, outline=True, tagged=True)
        numbered, landed = landed, _landing_pages(book)
        if landed == numbered:
            pdf_path(lang).write_bytes(book)
            await page.close()
            return prints
    raise RuntimeError(f"the {lang} PDF's contents entries still moved after {MAX_PRINTS} prints")


async def _print_books(langs) -> dict[str, int]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await chromium.launch(playwright)
        prints = await asyncio.gather(*(_print_book(browser, lang) for lang in langs))
        await browser.close()
    return dict(zip(langs, prints))


def make_pdfs(langs=tuple(EDITIONS)) -> float:
    """Print each language's PDF into site/pdf/; return the seconds it took."""
    started = time.perf_counter()
    PRINT_DIR.mkdir(parents=True, exist_ok=True)
    pdf_path(langs[0]).parent.mkdir(parents=True, exist_ok=True)
    with concurrent.futures.ProcessPoolExecutor(len(langs)) as pool:  # BeautifulSoup's work, one core each
        pages = dict(zip(langs, pool.map(print_page, langs)))
    faces = cjk_font_faces(list(pages.values()))
    for lang, document in pages.items():
        (PRINT_DIR / f"{lang}.html").write_text(document.replace("/* CJK_FONT_FACES */", faces), encoding="utf-8")
    for lang, prints in asyncio.run(_print_books(langs)).items():
        print(f"{pdf_path(lang).relative_to(ROOT)}: contents numbered in {prints} prints")
    return time.perf_counter() - started


if __name__ == "__main__":
    if not chromium.available():
        sys.exit("make pdf: Chromium is not installed (set-up installs Debian's chromium; or: apt-get install chromium)")
    took = make_pdfs()
    print(f"{', '.join(str(pdf_path(lang).relative_to(ROOT)) for lang in EDITIONS)}: {took:.1f} s")
