"""make epub: site/epub/NAME-zh.epub and site/epub/NAME-en.epub, EPUB 3 made by pandoc.

A book holds what its language's PDF holds: scripts/pdf.py's print page, joined from the built
site (chapters in nav order, ids prefixed by chapter, links between chapters made internal,
links to notebooks and scripts reduced to their text), trimmed here for an e-book:
- the print cover becomes pandoc's title page (epub.xhtml: title, edition, build date, commit);
- the print contents go: nav.xhtml, which pandoc writes from the headings, is the contents;
- each chapter is unwrapped to its h1, where pandoc starts a new file;
- tabs are laid out one after the other, each under its label; admonition titles and the
  folded answers' labels become bold paragraphs (pandoc keeps no class on a paragraph);
- figures are copied into build/epub/ without the DOCTYPE that matplotlib writes (EPUB 3
  forbids external entities) and with d="" on its empty glyph paths (the schema wants one).
Each formula goes back to the TeX that KaTeX typeset (its MathML's annotation, scripts/math_html.py)
between \\( \\) or \\[ \\]; pandoc reads it as TeX and writes MathML (--mathml), which EPUB
readers render without scripts; it splits the book into one file per chapter and writes
nav.xhtml from the headings (chapters and their sections), whose hidden landmarks it labels in
English: they are relabelled here. Nothing is fetched: pandoc reads local files only.

A book is made again only when its inputs changed (inputs_key): the site's pages in the nav,
the figures, the commit, this module, pdf.py, the template, the stylesheet and pandoc's version.
The cover's date is the day the book was made.
"""

import hashlib
import re
import shutil
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

from scripts import pdf

ROOT = pdf.ROOT
BUILD = ROOT / "build" / "epub"
HERE = Path(__file__).resolve().parent
TEMPLATE, STYLESHEET = HERE / "epub.xhtml", HERE / "epub.css"
PANDOC = "pandoc"  # Debian's pandoc
LANGUAGE = {"zh": "zh-Hans", "en": "en"}  # BCP 47: readers choose Simplified Chinese glyphs for zh-Hans
TITLE_PAGE = {"zh": "扉页", "en": "Title page"}  # the landmark's label
DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*")
PATH_WITHOUT_D = re.compile(r"<path(?![^>]*\sd=)")


def epub_path(lang: str) -> Path:
    return pdf.SITE / "epub" / f"{pdf.NAME}-{lang}.epub"


def available() -> bool:
    return shutil.which(PANDOC) is not None


def _figure(src: str, lang: str) -> tuple[Path, Path]:
    """(figure in the site, its EPUB-ready copy in build/epub/LANG/) for an <img src> of the print page."""
    original = Path(unquote(urlsplit(src).path))
    return original, BUILD / lang / original.relative_to(pdf.EDITIONS[lang]["site"])


def book_page(lang: str) -> tuple[BeautifulSoup, dict[str, str], list[tuple[Path, Path]]]:
    """The print page made ready for pandoc, the cover's lines, and the figures it shows."""
    page = BeautifulSoup(pdf.print_page(lang), "html.parser")
    for tag in page.head.select("link, script, style"):
        tag.decompose()
    cover = page.select_one("section.cover").extract()
    lines = {name: cover.select_one(f".cover-{name}").decode_contents().strip() for name in ("edition", "meta")}
    page.select_one("nav.contents").decompose()
    for chapter in page.select("section.chapter"):
        chapter.h1["id"] = chapter["id"]
        chapter.unwrap()
    page.select_one("div.md-typeset").unwrap()
    for tabs in page.select(".tabbed-set"):
        labels = tabs.select(".tabbed-labels > label")
        for label, block in zip(labels, tabs.select(".tabbed-content > .tabbed-block")):
            block.insert(0, _bold_paragraph(page, label))
        for tag in tabs.select("input, .tabbed-labels"):
            tag.decompose()
    for formula in page.select(".arithmatex"):
        tex = formula.find("annotation", encoding="application/x-tex").get_text()
        formula.string = f"\\[{tex}\\]" if formula.name == "div" else f"\\({tex}\\)"
    for title in page.select("p.admonition-title, details > summary"):
        title.replace_with(_bold_paragraph(page, title))
    for details in page.select("details"):
        details.name = "div"  # answers open, as in the PDF
        del details["open"]
    figures = []
    for image in page.select("img[src]"):
        original, copy = _figure(image["src"], lang)
        image["src"] = str(copy)
        figures.append((original, copy))
    return page, lines, figures


def _bold_paragraph(page: BeautifulSoup, tag) -> BeautifulSoup:
    paragraph, strong = page.new_tag("p"), page.new_tag("strong")
    strong.extend(list(tag.contents))
    paragraph.append(strong)
    return paragraph


def _epub_ready(svg: str) -> str:
    return PATH_WITHOUT_D.sub('<path d=""', DOCTYPE.sub("", svg, count=1))


def _pandoc_version() -> str:
    return subprocess.run([PANDOC, "--version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]


def inputs_key(lang: str) -> str:
    """A hash of what the book is made from: the site's pages in the nav and its figures, the
    commit, the code that turns them into a book, and pandoc's version."""
    site = pdf.EDITIONS[lang]["site"]
    files = [site / page / "index.html" for page in pdf.chapter_of(pdf.nav(site))]  # every page, in nav order
    files += sorted(path for path in (site / "figures").rglob("*") if path.is_file())
    files += [Path(pdf.__file__), Path(__file__), TEMPLATE, STYLESHEET]
    key = hashlib.sha256(f"{pdf.commit()} {_pandoc_version()}".encode())
    for path in files:
        key.update(path.relative_to(ROOT).as_posix().encode())
        key.update(path.read_bytes())
    return key.hexdigest()


def _localize_landmarks(book: Path, lang: str) -> None:
    """pandoc labels the (hidden) landmarks of nav.xhtml in English whatever the book's language."""
    labels = {"Title Page": TITLE_PAGE[lang], "Table of Contents": pdf.EDITIONS[lang]["contents"]}
    with zipfile.ZipFile(book) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(book, "w") as archive:
        for info, data in entries:  # in their order, each compressed as before: mimetype first, stored
            if info.filename == "EPUB/nav.xhtml":
                text, landmarks, rest = data.decode().partition('<nav epub:type="landmarks"')
                for english, label in labels.items():
                    rest = rest.replace(f">{english}<", f">{label}<")
                data = (text + landmarks + rest).encode()
            archive.writestr(info, data)


def make_epub(lang: str) -> bool:
    """Write site/epub/NAME-LANG.epub unless it is up to date; return whether it was written."""
    key, stamp, target = inputs_key(lang), BUILD / f"{lang}.key", epub_path(lang)
    if target.exists() and stamp.exists() and stamp.read_text() == key:
        return False
    page, cover, figures = book_page(lang)
    for original, copy in figures:
        copy.parent.mkdir(parents=True, exist_ok=True)
        if original.suffix == ".svg":
            copy.write_text(_epub_ready(original.read_text(encoding="utf-8")), encoding="utf-8")
        else:
            copy.write_bytes(original.read_bytes())
    html_file = BUILD / f"{lang}.html"
    html_file.write_text(str(page), encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    edition = pdf.EDITIONS[lang]
    subprocess.run([
        PANDOC, str(html_file), "--from", "html+tex_math_single_backslash", "--to", "epub3",
        "--output", str(target), "--mathml", "--toc", "--toc-depth", "2", "--epub-chapter-level", "1",
        "--template", str(TEMPLATE), "--css", str(STYLESHEET),
        "--metadata", f"lang={LANGUAGE[lang]}", "--metadata", f"toc-title={edition['contents']}",
        "--metadata", f"subtitle={cover['edition']}", "--variable", f"cover-meta={cover['meta']}",
        # The same identifier for every build of one language, so that readers see a new version.
        "--metadata", f"identifier=urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, target.name)}",
    ], cwd=BUILD, check=True)
    _localize_landmarks(target, lang)
    stamp.write_text(key)
    return True


def make_epubs(langs=tuple(pdf.EDITIONS)) -> tuple[float, list[str]]:
    """Make each language's EPUB that is out of date; return the seconds it took and the
    languages whose books were made."""
    started = time.perf_counter()
    BUILD.mkdir(parents=True, exist_ok=True)
    made = [lang for lang in langs if make_epub(lang)]
    return time.perf_counter() - started, made


if __name__ == "__main__":
    if not available():
        sys.exit("make epub: pandoc is not installed (set-up installs Debian's pandoc; or: apt-get install pandoc)")
    took, made = make_epubs()
    books = ", ".join(str(epub_path(lang).relative_to(ROOT)) for lang in pdf.EDITIONS)
    print(f"{books}: {'made ' + ', '.join(made) if made else 'up to date'} in {took:.1f} s")
