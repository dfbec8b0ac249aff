"""The two PDFs: they open, hold every chapter in their language with its figures and an
outline entry, carry no raw TeX, set Chinese correctly, and build with no network."""

import re
import shutil
import subprocess
import sys

import pytest
from pypdf import PdfReader

from scripts import chromium, outputs, pdf
from tests import markdown_facts as md

pytestmark = pytest.mark.skipif(not chromium.available(), reason="no Chromium: the PDFs cannot be printed here")
CJK = re.compile(r"[\u4e00-\u9fff]")
RADICALS = re.compile(r"[\u2e80-\u2fdf]")  # what a wrong glyph-to-text map turns ideographs into


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module", params=sorted(pdf.EDITIONS))
def edition(request, site):
    lang = request.param
    reader = PdfReader(pdf.pdf_path(lang))
    pages = [page.extract_text() for page in reader.pages]
    nav = pdf.EDITIONS[lang]["home"], *[title for folder, title in pdf._nav(pdf.EDITIONS[lang]["site"]) if folder]
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
        without_chinese = [n for n, page in enumerate(pages, 1) if not CJK.search(page)]
        assert not without_chinese, f"zh PDF pages without Chinese text: {without_chinese}"


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


def test_chapters_carry_their_figures(edition):
    lang, reader, pages, nav = edition
    starts = [reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)][1:]
    bounds = list(zip(starts, starts[1:] + [len(reader.pages)]))  # one range per nav page, in nav order
    figures = _tagged_figures(reader)
    for (first, end), page_file in zip(bounds, ["index.md", *[f"{f}.md" for f, _ in pdf._nav(pdf.SITE) if f]]):
        page_text = outputs.fill_numbers(md.source(lang, page_file), lang, page_file)
        wanted = sorted(md.figure_alts(page_text))
        drawn = sorted(alt for alt, number in figures if first <= number < end)
        assert drawn == wanted, f"{lang} {page_file}: the figures in the PDF differ from the page's"


def test_pdfs_build_with_the_network_cut_off(site):
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode:
        pytest.skip("cannot make a network namespace here (unshare -n needs root); offline build not checked")
    done = subprocess.run([unshare, "-n", sys.executable, "-m", "scripts.pdf"], cwd=pdf.ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


def test_links_inside_the_document_lead_somewhere(edition):
    lang, reader, pages, nav = edition
    targets = set(reader.named_destinations)
    links = [annotation.get_object()["/Dest"] for page in reader.pages for annotation in page.get("/Annots") or []
             if annotation.get_object().get("/Subtype") == "/Link" and "/Dest" in annotation.get_object()]
    assert len(links) > 2 * len(nav), f"{lang}: only {len(links)} internal links (the contents alone has more)"
    dangling = sorted({str(dest) for dest in links} - targets)
    assert not dangling, f"{lang}: links to destinations the PDF lacks: {dangling[:10]}"
