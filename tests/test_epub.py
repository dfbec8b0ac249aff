"""The two EPUBs: EPUBCheck finds nothing wrong; the cover names the edition, the date and the
commit; each page of the site's nav is a chapter file of its own whose title, and whose sections,
are in the navigation in the book's language; every figure, formula, code block and output of a
page is in its chapter; the text is in the book's language; links between chapters lead
somewhere; and the books build with no network.

Without pandoc or EPUBCheck (Debian's pandoc and epubcheck packages) the module skips with one
line saying so, except on CI (CI=true), whose set-up installs them: there it fails."""

import functools
import json
import os
import posixpath
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from scripts import epub, pdf
from scripts.messages import CHINESE

EPUBCHECK = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck; its /usr/bin link needs binfmt_misc
MISSING = [name for name, there in [("pandoc", epub.available()),
                                    ("epubcheck", EPUBCHECK.exists() and shutil.which("java"))] if not there]
if MISSING:
    NO_TOOLS = f"no {' and no '.join(MISSING)} (Debian packages): the EPUB tests did not run"
    if os.environ.get("CI"):
        pytest.fail(NO_TOOLS, pytrace=False)
    pytest.skip(NO_TOOLS, allow_module_level=True)

pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")  # XHTML read with html.parser
LATIN_WORD = re.compile(r"[A-Za-z]+")


def soup(data: bytes) -> BeautifulSoup:
    return BeautifulSoup(data.decode("utf-8"), "html.parser")


class Book:
    """One EPUB as read from its zip: its files, and its chapters in spine order."""

    def __init__(self, lang: str):
        self.lang, self.path = lang, epub.epub_path(lang)
        with zipfile.ZipFile(self.path) as archive:
            self.names = archive.namelist()
            self.files = {name: archive.read(name) for name in self.names}
        self.opf = soup(self.files["EPUB/content.opf"])
        manifest = {item["id"]: item["href"] for item in self.opf.select("manifest > item")}
        spine = [f"EPUB/{manifest[ref['idref']]}" for ref in self.opf.select("spine > itemref")]
        self.chapters = {name: soup(self.files[name]) for name in spine if name.startswith("EPUB/text/ch")}
        self.nav = soup(self.files["EPUB/nav.xhtml"])

    def toc(self) -> list[tuple[str, str, list[str]]]:
        """(title, file, titles of its sections) of each top-level entry of nav.xhtml's contents."""
        entries = []
        for item in self.nav.select("nav#toc > ol > li"):
            link = item.find("a")
            sections = [a.get_text(" ", strip=True) for a in item.select(":scope > ol > li > a")]
            entries.append((link.get_text(" ", strip=True), "EPUB/" + urlsplit(link["href"]).path, sections))
        return entries


@pytest.fixture(scope="module", params=sorted(pdf.EDITIONS))
def book(request, site):
    return Book(request.param)


@pytest.fixture(scope="module")
def checks(site, tmp_path_factory):
    """EPUBCheck's report on each book, both checked at once (each takes seconds of Java)."""
    folder = tmp_path_factory.mktemp("epubcheck")
    runs = {lang: subprocess.Popen(["java", "-jar", str(EPUBCHECK), str(epub.epub_path(lang)),
                                    "--json", str(folder / f"{lang}.json")],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for lang in pdf.EDITIONS}
    for run in runs.values():
        run.wait(timeout=300)
    return {lang: json.loads((folder / f"{lang}.json").read_text()) for lang in runs}


@functools.cache  # the built site does not change during the tests
def site_pages(lang: str) -> list[tuple[str, str, BeautifulSoup]]:
    """(folder, nav title, article) of each top-level entry of the site's nav, in nav order: a
    chapter's pages joined as the PDF's print page joins them (pdf.chapter_article); the home page
    is the book's introduction."""
    site = pdf.EDITIONS[lang]["site"]
    entries = pdf.nav(site)
    chapters = pdf.chapter_of(entries)
    return [(folder, title if folder else pdf.EDITIONS[lang]["home"], pdf.chapter_article(site, folder, under, chapters))
            for folder, title, under in entries]


def test_epubcheck_finds_no_error_and_no_warning(book, checks):
    report = checks[book.lang]
    assert report["checker"]["nFatal"] + report["checker"]["nError"] + report["checker"]["nWarning"] == 0, (
        "\n".join(f"{m['severity']} {m['ID']}: {m['message']} at {[loc['path'] for loc in m['locations']][:3]}"
                  for m in report["messages"] if m["severity"] in ("FATAL", "ERROR", "WARNING")))
    assert book.opf.package["version"] == "3.0", "not an EPUB 3 package"
    assert report["publication"]["language"] == epub.LANGUAGE[book.lang]
    assert not report["publication"]["isScripted"], "a book that needs scripts (MathML needs none)"


def test_cover_names_the_title_the_edition_the_date_and_the_commit(book):
    cover = soup(book.files["EPUB/text/title_page.xhtml"]).select_one("section.titlepage")
    text = cover.get_text(" ", strip=True)
    edition = pdf.EDITIONS[book.lang]
    site_name = book.opf.find("dc:title").get_text()
    assert text.startswith(site_name) and edition["edition"] in text, text
    assert re.search(rf"{edition['built']}: \d{{4}}-\d{{2}}-\d{{2}}", text), text
    assert f"{edition['version']}: {pdf.commit()}" in text, text


def test_each_chapter_is_a_file_whose_title_and_sections_are_in_the_navigation(book):
    toc = book.toc()
    pages = site_pages(book.lang)
    assert [title for title, _, _ in toc] == [title for _, title, _ in pages]
    assert [file for _, file, _ in toc] == list(book.chapters), "one file per chapter, in the nav's order"
    for (title, file, sections), (folder, _, article) in zip(toc, pages):
        assert book.chapters[file].h1.get_text(" ", strip=True) == title
        headings = [h.get_text(" ", strip=True).removesuffix("¶").strip() for h in article.select("h2")]
        assert sections == headings, f"{book.lang} {folder or 'home'}: the navigation's sections differ"
    contents = book.nav.select_one("nav#toc h1").get_text(strip=True)
    assert contents == pdf.EDITIONS[book.lang]["contents"]


def test_navigation_speaks_the_books_language(book):
    labels = [a.get_text(" ", strip=True) for a in book.nav.select("nav a")]  # contents and landmarks
    labels.append(book.nav.select_one("nav#toc h1").get_text(strip=True))
    if book.lang == "zh":
        assert all(CHINESE.search(label) for label in labels), [label for label in labels if not CHINESE.search(label)]
    else:
        assert not any(CHINESE.search(label) for label in labels), [label for label in labels if CHINESE.search(label)]
    landmarks = [a.get_text(strip=True) for a in book.nav.select("nav#landmarks a")]
    assert len(landmarks) == 2 and "Title Page" not in landmarks and "Table of Contents" not in landmarks


def test_every_figure_formula_code_block_and_output_of_the_site_is_in_the_book(book):
    for (folder, _, article), chapter in zip(site_pages(book.lang), book.chapters.values()):
        where = f"{book.lang} {folder or 'home'}"
        assert [img["alt"] for img in chapter.select("img")] == [img["alt"] for img in article.select("img")], where
        for image in chapter.select("img"):
            media = posixpath.normpath(posixpath.join("EPUB/text", unquote(image["src"])))
            assert media in book.files and len(book.files[media]) > 1000, f"{where}: {image['src']} is missing"
        assert len(chapter.select("math")) == len(article.select(".arithmatex")), f"{where}: formulas"
        assert len(chapter.select("math[display=block]")) == len(article.select("div.arithmatex")), where
        assert [pre.get_text().strip() for pre in chapter.select("pre")] == \
               [pre.get_text().strip() for pre in article.select("pre")], f"{where}: code blocks"
        assert len(chapter.select(".output pre")) == len(article.select(".output pre")), f"{where}: outputs"


def test_no_raw_tex_is_left(book):
    for name in book.chapters:
        chapter = soup(book.files[name])  # a copy of its own: the code and math come out
        for tag in chapter.select("pre, code, math"):
            tag.decompose()
        text = chapter.body.get_text()
        for raw in (r"\(", r"\[", r"\frac", "$$"):
            assert raw not in text, f"{book.lang} {name} shows raw TeX {raw!r}"


def test_text_is_in_the_books_language(book):
    """Prose, without code, formulas and tables (the glossary's tables hold both languages)."""
    for name, data in book.files.items():
        if not name.endswith(".xhtml"):
            continue
        page = soup(data)
        assert page.html["xml:lang"] == page.html["lang"] == epub.LANGUAGE[book.lang], name
        for tag in page.select("pre, code, math, table"):
            tag.decompose()
        text = page.body.get_text()
        chinese, english = len(CHINESE.findall(text)), len(LATIN_WORD.findall(text))
        if book.lang == "zh":
            assert chinese > 2 * english, f"zh {name}: {chinese} Chinese characters, {english} Latin words"
        else:
            assert chinese == 0 and english > 0, f"en {name}: Chinese in the English book: {CHINESE.findall(text)[:20]}"


def test_links_between_chapters_lead_somewhere(book):
    ids = {name: {tag["id"] for tag in page.select("[id]")} for name, page in book.chapters.items()}
    between = 0
    for name, page in book.chapters.items():
        for link in page.select("a[href]"):
            url = urlsplit(link["href"])
            if url.scheme:
                continue
            target = name if not url.path else posixpath.normpath(posixpath.join("EPUB/text", unquote(url.path)))
            assert target in ids, f"{book.lang} {name}: {link['href']} leads to no chapter"
            assert not url.fragment or unquote(url.fragment) in ids[target], f"{book.lang} {name}: {link['href']}"
            between += target != name
    assert between >= len(book.chapters), f"{book.lang}: only {between} links between chapters"


def test_epubs_build_with_the_network_cut_off(site_build):
    if not site_build.network_cut:
        pytest.skip("cannot make a network namespace here (unshare -n needs root); offline build not checked")
    assert "EPUBs: made zh, en" in site_build.log, site_build.log
    for lang in pdf.EDITIONS:
        assert len(Book(lang).chapters) == len(site_pages(lang)), f"{lang}: the book made offline lacks chapters"
