"""The thin layer between MkDocs and the pipeline in scripts/ (named under `hooks:` in mkdocs.yml).

Before each build it runs the stale snippets; it adds their figures, notebooks
and sources, and KaTeX's stylesheet and fonts from node_modules, to the site; it fills the
pages' {{ NAME.KEY }} numbers from the snippets' numbers.json; it turns snippet
includes into setup, code and output blocks (scripts/blocks.py); it typesets the
math (scripts/math_html.py); it sizes figures and makes them load lazily; it drops the code
spans that show nothing (scripts/code_spans.py); it keeps notebook pages out of search, gives
their figures the pages' alt text and moves their styles into one stylesheet cut to what they
use (scripts/notebook_css.py); it writes the
search index as UTF-8, which Material's script fetches when the reader opens search
(scripts/search_on_open.py).
In the offline edition (OFFLINE=true) it gives the pages our own file:// worker shim.
"""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # MkDocs loads hooks by file path; make `scripts` importable

from mkdocs.utils import get_relative_url  # noqa: E402

from scripts import (blocks, cells, code_spans, figure_size, katex_fonts, math_html, notebook_css, outputs,  # noqa: E402
                     runner, search_on_open)

FILE_WORKER = "assets/file-worker.js"  # overrides/assets/file-worker.js
EDITION_ONLY = re.compile(r'<p class="(online|offline)-only">.*?</p>\n?', re.DOTALL)
# Quieter builds: jieba (the search plugin's segmenter) and mkdocs-jupyter log every file they touch.
logging.getLogger("jieba").setLevel(logging.WARNING)
logging.getLogger("mkdocs.plugins.mkdocs_jupyter").setLevel(logging.WARNING)


@event_priority(-100)  # after Material's offline plugin, which adds iframe-worker from a CDN
def on_config(config):
    """The offline edition loads our own file:// worker shim instead of a CDN's."""
    polyfills = config.extra.get("polyfills", [])
    config.extra["polyfills"] = [FILE_WORKER if "iframe-worker" in url else url for url in polyfills]


every_page_built = True  # False in a dirty build (make live), which typesets only the pages that changed


def on_startup(command, dirty):
    global every_page_built
    every_page_built = not dirty


notebook_styles = {}  # the CSS that mkdocs-jupyter put in the notebook pages (one text, kept once)
notebook_names = set()  # the element names, classes and ids on the notebook pages (notebook_css.names)


def on_pre_build(config):
    math_html.drawn.clear()
    notebook_styles.clear()
    notebook_names.clear()
    if os.environ.get("SNIPPETS") == "skip" or not runner.stale_snippets():
        return  # SNIPPETS=skip builds with whatever outputs exist (make bench uses it)
    # A separate process: it imports torch once and forks per snippet, which MkDocs' own
    # process (threads of `mkdocs serve`) should not do.
    done = subprocess.run([sys.executable, "-m", "scripts.runner"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        raise PluginError(f"a snippet failed, so the site was not built:\n{done.stderr.strip()}")


figure_alts = {}  # the alt text the pages give each figure, read once per build for the notebook pages


@event_priority(100)  # before mkdocs-jupyter looks for notebooks among the files
def on_files(files, config):
    lang = config.theme["language"]
    figure_alts.clear()
    figure_alts.update(outputs.figure_alts(Path(config.docs_dir), lang))
    extra = dict(outputs.published_files(lang))
    if not katex_fonts.STYLESHEET.exists():
        raise PluginError(f"KaTeX is missing from {katex_fonts.KATEX}: run `make` (set-up runs `npm ci`)")
    extra["assets/katex/katex.min.css"] = katex_fonts.STYLESHEET
    for font in sorted(katex_fonts.FONTS.glob("*.woff2")):
        extra[f"assets/katex/fonts/{font.name}"] = font
    for site_path, path in extra.items():
        if site_path.startswith("notebooks/"):
            # mkdocs-jupyter wraps notebook files and needs them read from a real src_dir
            src_dir = str(path.parents[1])
            files.append(File(site_path, src_dir, config.site_dir, config.use_directory_urls))
        else:
            files.append(File.generated(config, site_path, abs_src_path=str(path)))
    outputs.drop_outdated_pages(files, lang)  # only dirty builds (make live) keep built pages around
    return files


def on_page_markdown(markdown, page, config, files):
    """Numbers filled in from numbers.json, then each snippet include made into the reader's blocks:
    setup, code and what it printed (scripts/blocks.py)."""
    lang = config.theme["language"]
    try:
        return blocks.expand(outputs.fill_numbers(markdown, lang, page.file.src_uri), lang, page.file.src_uri)
    except (outputs.MissingNumber, blocks.ContractError, cells.SectionError) as error:
        raise PluginError(str(error)) from None


def on_page_content(html, page, config, files):
    """Paragraphs marked `{ .online-only }` or `{ .offline-only }` appear in that edition only (the
    zip cannot link to itself). Figures carry their width and height (scripts/figure_size.py) and
    load when the reader scrolls near them; code blocks lose the spans that show nothing
    (scripts/code_spans.py). Notebook pages stay out of search, their figures get the alt text
    the pages give them and become files of their own, their Chinese headings get ids, and their
    styles move to one stylesheet (scripts/notebook_css.py).

    In search they came before the chapters that explain the same terms, and their code and
    outputs made up two thirds of the index that every page loads; each chapter links its
    notebooks and shows the same code."""
    edition = "offline" if config.plugins["material/offline"].config.enabled else "online"
    html = EDITION_ONLY.sub(lambda match: match[0] if match[1] == edition else "", html)
    notebook = page.file.src_uri.startswith("notebooks/")
    html = html.replace("<img ", '<img loading="lazy" ')
    if not notebook:
        html = code_spans.trimmed(html)
    else:
        page.meta["search"] = {"exclude": True}
        try:
            html, css = notebook_css.moved_out(html)
        except notebook_css.TemplateChanged as error:
            raise PluginError(str(error)) from None
        notebook_styles[css] = None
        html = outputs.with_figure_alts(html, Path(page.file.abs_src_path), Path(page.file.src_uri).stem, figure_alts)
        html = outputs.with_heading_ids(html, page.toc)
    try:
        html = figure_size.sized(html, page.url, lambda uri: getattr(files.get_file_from_path(uri), "abs_src_path", None))
    except figure_size.FigureSizeError as error:
        raise PluginError(str(error)) from None
    # Sized first: figure_size reads a notebook's figures from the data: URLs they then leave.
    return outputs.with_figure_files(html, Path(config.site_dir) / Path(page.file.dest_uri).parent) if notebook else html


def on_post_page(output, page, config):
    """Math typeset by KaTeX (scripts/math_html.py), once the search plugin has indexed the
    page's TeX, which reads better in the index than KaTeX's text does. The offline edition's
    pages fetch KaTeX's fonts through its stylesheet only: from file://, Chromium refuses the
    early fetch of a font (a CORS request) and then fetches it again. A notebook page links the
    notebooks' stylesheet, where its inline styles were, and its names are noted for the cut."""
    try:
        output = math_html.typeset(output, page.file.src_uri, preload_fonts=not config.plugins["material/offline"].config.enabled)
    except math_html.MathError as error:
        raise PluginError(str(error)) from None
    if page.file.src_uri.startswith("notebooks/"):  # after the site's own stylesheets, as its inline styles were
        link = f'<link rel="stylesheet" href="{get_relative_url(notebook_css.SITE_PATH, page.url)}">\n'
        output = output.replace("</head>", link + "</head>", 1)
        notebook_names.update(notebook_css.names(output))
    return output


@event_priority(-50)  # after the search plugin writes the index, before the offline plugin copies it
def on_post_build(config):
    """Material writes the search index with each Chinese character escaped (\\u6279, six bytes
    for three): written again as UTF-8, the Chinese index that every page loads is a third smaller.
    The build's KaTeX process, if it started one, ends, and KaTeX's fonts are cut down to what the
    formulas draw (scripts/katex_fonts.py), except in a dirty build, which cannot know all of it;
    so is the notebooks' stylesheet (scripts/notebook_css.py). Material's script fetches the
    index when the reader opens search (scripts/search_on_open.py)."""
    math_html.close()
    if every_page_built:
        katex_fonts.cut(Path(config.site_dir) / "assets" / "katex" / "fonts", math_html.drawn)
    if notebook_styles:
        css = "\n".join(notebook_styles)
        # A dirty build has seen only the pages that changed: it keeps every rule.
        css = notebook_css.cut(css, notebook_names) if every_page_built else css
        (Path(config.site_dir) / notebook_css.SITE_PATH).write_text(css, encoding="utf-8")
    index = Path(config.site_dir) / "search" / "search_index.json"
    if index.exists():
        data = json.loads(index.read_text(encoding="utf-8"))
        index.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    try:
        search_on_open.patch(Path(config.site_dir))
    except search_on_open.BundleChanged as error:
        raise PluginError(str(error)) from None
