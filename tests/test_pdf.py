"""The two PDFs: they open, hold every chapter in their language with its figures and an
outline entry, carry no raw TeX, set Chinese correctly, and build with no network. As printed
books: the contents give each chapter's page, no page but a chapter's last is nearly blank, no
page ends with a heading, and text prints at full size."""

import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image
from pypdf import PdfReader

from scripts import chromium, outputs, pdf
from tests import markdown_facts as md

pytestmark = [pytest.mark.skipif(not chromium.available(), reason="no Chromium: the PDFs cannot be printed here"),
              pytest.mark.skipif(not shutil.which("pdftotext"), reason="no poppler-utils (pdftotext, pdftoppm): the PDFs cannot be read")]
CJK = re.compile(r"[\u4e00-\u9fff]")
FOOTER_LINE = re.compile(r"\d+ / \d+")  # the page number at the foot of each page
RADICALS = re.compile(r"[\u2e80-\u2fdf]")  # what a wrong glyph-to-text map turns ideographs into


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


SIZE_SAMPLE = 8  # the size test reads one page in this many (reading a page's fonts takes pypdf some 0.2 s)


def _page_texts(path: Path) -> list[str]:
    """Each page's text, read by poppler's pdftotext (a second a book; pypdf takes some 50 s)."""
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]  # a form feed ends each page


def _text_sizes(reader: PdfReader) -> Counter:
    """Characters by (monospaced, printed size in pt) on one page in SIZE_SAMPLE: the size Chromium
    prints at is one scale for the whole document, so a sample of its pages shows it."""
    sizes = Counter()

    def count(text, matrix, text_matrix, font, size):
        if text.strip() and font:
            monospaced = "Mono" in str(font.get("/BaseFont", ""))
            sizes[monospaced, round(size * text_matrix[0] * matrix[0], 1)] += len(text.strip())

    for page in reader.pages[::SIZE_SAMPLE]:
        page.extract_text(visitor_text=count)
    return sizes


@pytest.fixture(scope="module", params=sorted(pdf.EDITIONS))
def edition(request, site):
    """(language, the PDF, each page's text, the nav's titles)."""
    lang = request.param
    reader = PdfReader(pdf.pdf_path(lang))
    pages = _page_texts(pdf.pdf_path(lang))
    assert len(pages) == len(reader.pages), f"{lang}: pdftotext read {len(pages)} pages of {len(reader.pages)}"
    nav = pdf.EDITIONS[lang]["home"], *[title for folder, title, _ in pdf.nav(pdf.EDITIONS[lang]["site"]) if folder]
    return lang, reader, pages, nav


def test_page_count_fits_the_content(edition):
    lang, reader, pages, nav = edition
    # A cover, the contents, then each page of the nav starting on a page of its own.
    assert len(nav) + 2 <= len(pages) <= 40 * len(nav), f"{lang}: {len(pages)} pages"


def test_every_chapter_title_is_in_the_text_and_the_outline(edition):
    lang, reader, pages, nav = edition
    text = squash("".join(pages))
    top_level = [squash(item.title) for item in reader.outline if not isinstance(item, list)]
    for title in nav:
        assert squash(title) in text, f"{lang}: '{title}' is not in the PDF's text"
        assert squash(title) in top_level, f"{lang}: '{title}' has no outline entry"


def test_no_raw_tex_is_left(edition):
    lang, reader, pages, nav = edition
    for number, text in enumerate(pages, 1):
        for raw in (r"\frac", "$$", r"\(", r"\[", r"\sigma"):
            assert raw not in text, f"{lang} PDF page {number} shows raw TeX {raw!r}"


def test_chinese_is_set_throughout_and_reads_back_correctly(edition):
    lang, reader, pages, nav = edition
    text = "".join(pages)
    assert not RADICALS.search(text), f"{lang}: ideographs read back as radicals: {set(RADICALS.findall(text))}"
    if lang == "zh":
        # A page may be all code (a long setup block prints open); any other page has Chinese on it.
        code = {squash(line) for block in BeautifulSoup(pdf.print_page("zh"), "html.parser").select("pre code")
                for line in block.get_text().splitlines() if line.strip()}
        without_chinese = [n for n, page in enumerate(pages, 1) if not CJK.search(page)
                           and not _all_code(page.splitlines()[:-1], code)]  # the last line is the page number
        assert not without_chinese, f"zh PDF pages without Chinese text that are not all code: {without_chinese}"


def _all_code(lines: list[str], code: set[str]) -> bool:
    """Every line of a page is a line of code, or the start of one that wrapped, or a block's file name."""
    return all(any(squash(line) in known for known in code) or line.strip().endswith(".py")
               for line in lines if line.strip())


def _tagged_figures(reader: PdfReader) -> list[tuple[str, int]]:
    """(alt text, page index) of each Figure in the tagged PDF's structure tree."""
    found, todo = [], [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop().get_object()
        if isinstance(node, list):
            todo.extend(reversed(node))
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure":
                found.append((str(node.get("/Alt", "")), reader.get_page_number(node["/Pg"].get_object())))
            if "/K" in node:
                todo.append(node["/K"])
    return found


def _chapter_starts(reader: PdfReader) -> list[int]:
    """The page index where each top-level outline entry (the contents, then each chapter) starts."""
    return [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)]


def test_chapters_carry_their_figures(edition):
    lang, reader, pages, nav = edition
    starts = _chapter_starts(reader)[1:]
    bounds = list(zip(starts, starts[1:] + [len(reader.pages)]))  # one range per nav page, in nav order
    figures = _tagged_figures(reader)
    chapters = [(folder, md.chapter_source(lang, folder) if under else md.source(lang, f"{folder or 'index'}.md"))
                for folder, _, under in pdf.nav(pdf.SITE)]
    for (first, end), (folder, source) in zip(bounds, chapters):
        page_text = outputs.fill_numbers(source, lang, folder or "index")
        wanted = sorted(md.figure_alts(page_text))
        drawn = sorted(alt for alt, number in figures if first <= number < end)
        assert drawn == wanted, f"{lang} {folder or 'home'}: the figures in the PDF differ from its pages'"


def test_pdfs_build_with_the_network_cut_off(site_build):
    if not site_build.network_cut:
        pytest.skip("cannot make a network namespace here (unshare -n needs root); offline build not checked")
    assert "PDFs: zh, en printed" in site_build.log, site_build.log


def test_links_inside_the_document_lead_somewhere(edition):
    lang, reader, pages, nav = edition
    targets = set(reader.named_destinations)
    links = [annotation.get_object()["/Dest"] for page in reader.pages for annotation in page.get("/Annots") or []
             if annotation.get_object().get("/Subtype") == "/Link" and "/Dest" in annotation.get_object()]
    assert len(links) > 2 * len(nav), f"{lang}: only {len(links)} internal links (the contents alone has more)"
    dangling = sorted({str(dest) for dest in links} - targets)
    assert not dangling, f"{lang}: links to destinations the PDF lacks: {dangling[:10]}"


def test_the_contents_give_each_chapter_its_page(edition):
    lang, reader, pages, nav = edition
    starts = _chapter_starts(reader)
    lines = [re.fullmatch(r"(.*?)\s*(\d+)", line.strip()) for line in "\n".join(pages[1:starts[1]]).splitlines()
             if not FOOTER_LINE.fullmatch(line.strip())]
    numbered = [(squash(line[1]), int(line[2])) for line in lines if line]  # (title, the number after its leader)
    links = sum(1 for page in reader.pages[1:starts[1]] for annotation in page.get("/Annots") or []
                if annotation.get_object().get("/Subtype") == "/Link")
    assert len(numbered) == links, f"{lang}: {links} entries in the contents, {len(numbered)} with a page number"
    entries = iter(numbered)  # the chapters come in order; the glossary's sections repeat their titles
    chapters = [item for item in reader.outline if not isinstance(item, list)][1:]
    for chapter, start in zip(chapters, starts[1:]):
        printed = next((number for title, number in entries if title == squash(chapter.title)), None)
        assert printed == start + 1, f"{lang}: the contents give '{chapter.title}' page {printed}; it starts on {start + 1}"


MARGINS = {side: float(length.removesuffix("mm")) for side, length in pdf.PAGE["margin"].items()}


def _reach(path) -> list[float]:
    """How far down each page's text area (inside the margins) its lowest ink reaches, as a share
    of the area's height, from a 30 dpi greyscale rendering by poppler."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "30", "-gray", str(path), f"{tmp}/page"], check=True)
        reach = []
        for image in sorted(Path(tmp).glob("page-*.pgm")):
            pixels = np.asarray(Image.open(image))
            mm = pixels.shape[0] / 297  # A4
            top, bottom, left, right = (round(MARGINS[side] * mm) for side in ("top", "bottom", "left", "right"))
            area = pixels[top:pixels.shape[0] - bottom, left:pixels.shape[1] - right]
            inked = np.flatnonzero((area < 192).any(axis=1))
            reach.append((inked[-1] + 1) / len(area) if len(inked) else 0.0)
    return reach


def test_no_page_is_nearly_blank_but_a_chapters_last(edition):
    """Every page's ink reaches at least 15% down its text area, but the cover's and the last page's
    of a chapter (the contents are one): a stranded heading or a table pushed over leaves less."""
    lang, reader, pages, nav = edition
    starts = _chapter_starts(reader)
    last_pages = {start - 1 for start in starts[1:]} | {len(reader.pages) - 1}
    reach = _reach(pdf.pdf_path(lang))
    assert len(reach) == len(reader.pages)
    nearly_blank = [(number + 1, f"{share:.0%}") for number, share in enumerate(reach)
                    if share < 0.15 and number and number not in last_pages]
    assert not nearly_blank, f"{lang}: pages whose text reaches less than 15% down the page: {nearly_blank}"


HEADINGS = {f"/H{level}" for level in range(1, 7)}
BLOCKS = HEADINGS | {"/P", "/Figure", "/L", "/LI", "/Table", "/TR", "/TH", "/TD", "/Code", "/BlockQuote"}


def _blocks_in_reading_order(reader: PdfReader) -> list[tuple[int, str]]:
    """(page index, role) of each piece of marked content in the tagged PDF's structure tree, in
    reading order; the role is that of the nearest enclosing block (a heading, paragraph, figure,
    list, table or code). Pieces in no such block (decoration: icons, backgrounds) are left out."""
    page_index = {page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)}
    found, todo = [], [(reader.trailer["/Root"]["/StructTreeRoot"]["/K"], None, None)]
    while todo:
        node, page, block = todo.pop()
        node = node.get_object()
        if isinstance(node, list):
            todo.extend((child, page, block) for child in reversed(node))
        elif isinstance(node, dict):
            if node.get("/Type") == "/OBJR":  # a link annotation, not content
                continue
            page = node.get("/Pg", page)
            if node.get("/Type") == "/MCR" and block:
                found.append((page_index[page.idnum], block))
            elif "/K" in node:
                role = node.get("/S")
                todo.append((node["/K"], page, block if block in HEADINGS or role not in BLOCKS else role))
        elif block:  # a marked-content id
            found.append((page_index[page.idnum], block))
    return found


def test_no_page_ends_with_a_heading(edition):
    """The last block on each page, in the tagged PDF's reading order, is never a heading."""
    lang, reader, pages, nav = edition
    last_block = dict(_blocks_in_reading_order(reader))  # the last piece on each page wins
    assert len(last_block) >= len(reader.pages) - 1, f"{lang}: pages with no tagged text: {len(reader.pages) - len(last_block)}"
    stranded = [(number + 1, role) for number, role in sorted(last_block.items()) if role in HEADINGS]
    assert not stranded, f"{lang}: pages that end with a heading: {stranded}"


def test_text_prints_at_full_size_and_code_legibly(edition):
    """Anything wider than the page makes Chromium shrink every page to fit it: running text
    prints at the 10 pt that pdf.css sets, code at 8 pt or more."""
    lang, reader, pages, nav = edition
    sizes = _text_sizes(reader)
    text = max((count, size) for (monospaced, size), count in sizes.items() if not monospaced)[1]
    code = max((count, size) for (monospaced, size), count in sizes.items() if monospaced)[1]
    assert text == 10.0, f"{lang}: running text prints at {text} pt"
    assert code >= 8.0, f"{lang}: code prints at {code} pt"
