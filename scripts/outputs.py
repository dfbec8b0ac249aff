"""What the snippet runner left in build/snippets/, as the site uses it.

For the language being built, every snippet publishes:
    figures/NAME/FILE      each figure it saved (SVG or PNG)
    notebooks/NAME.ipynb   its executed notebook, rendered by mkdocs-jupyter
    snippets/NAME.py       its source, to download
and its numbers.json fills the placeholders {{ NAME.KEY }} in the pages. In a language other
than English, the source and the notebook's text cells and comments are the translated ones
(scripts/messages.py), written to build/translated/LANG/.
"""

import base64
import hashlib
import html
import json
import re
from pathlib import Path

import nbformat

from scripts import cells, messages
from scripts.runner import BUILD, ROOT, all_snippets

TRANSLATED = ROOT / "build" / "translated"
PIPELINE = [Path(cells.__file__), Path(messages.__file__), Path(__file__)]  # what a translated notebook is made by

FIGURE_SUFFIXES = {".svg", ".png"}
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\.(\w+)\s*\}\}")
# What ties a page to snippet NAME: an include, a number, a figure, a table, a link
USES_SNIPPET = re.compile(r"snippets/(\w+)\.py|\{\{\s*(\w+)\.|figures/(\w+)/|build/snippets/(\w+)/|notebooks/(\w+)\.ipynb")
# ![alt](figures/NAME/FILE) in a page; the alt text may hold brackets one level deep: "E[s] against n"
PAGE_FIGURE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\((?:\.\./)*(figures/[^)\s]+)\)")
NBCONVERT_ALT = 'alt="No description has been provided for this image"'  # nbconvert's, for every notebook PNG


class MissingNumber(KeyError):
    pass


def published_files(lang: str) -> dict[str, Path]:
    """Site path -> file on disk, for one language (snippets that never ran publish only their source)."""
    files = {}
    for snippet in all_snippets():
        name, folder = snippet.stem, BUILD / snippet.stem / lang
        source = messages.translated(snippet.read_text(encoding="utf-8"), lang, f"snippets/{name}.py")
        files[f"snippets/{name}.py"] = _written(TRANSLATED / lang / "snippets" / f"{name}.py", source) \
            if lang != messages.SOURCE_LANG else snippet
        for path in sorted(folder.glob("*")):
            if path.suffix in FIGURE_SUFFIXES:
                files[f"figures/{name}/{path.name}"] = path
        notebook = folder / "notebooks" / f"{name}.ipynb"
        if notebook.exists() and lang != messages.SOURCE_LANG:
            translated = TRANSLATED / lang / "notebooks" / notebook.name
            if not _newer(translated, notebook, snippet, messages.catalog_path(lang), *PIPELINE):
                _written(translated, _resourced(notebook, source))
            notebook = translated
        if notebook.exists():
            files[f"notebooks/{name}.ipynb"] = notebook
    return files


def _resourced(notebook: Path, source: str) -> str:
    """The executed notebook with its cells' text taken from `source`, the translated snippet:
    markdown cells and code with translated comments; the outputs are the run's."""
    executed = nbformat.read(notebook, as_version=4)
    shown = cells.split_cells(source, notebook.stem)
    kinds = ([cell.kind for cell in shown], [cell.cell_type for cell in executed.cells])
    if kinds[0] != kinds[1]:
        raise ValueError(f"snippets/{notebook.stem}.py: its translation has other cells than its notebook; "
                         "a translation must not add or remove `# %%` cells")
    for cell, text in zip(executed.cells, shown):
        cell.source = text.source if text.kind == "markdown" else cells.shown_source(text)
    return nbformat.writes(executed)


def _newer(output: Path, *inputs: Path) -> bool:
    """Whether `output` exists and was written after every input last changed."""
    return output.exists() and output.stat().st_mtime_ns > max(path.stat().st_mtime_ns for path in inputs)


def _written(path: Path, text: str) -> Path:
    """`text` in the file at `path`, written only when it differs (MkDocs and mkdocs-jupyter go by
    mtime), and marked as made now either way (_newer)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    else:
        path.touch()
    return path


def numbers(lang: str, name: str) -> dict:
    path = BUILD / name / lang / "numbers.json"
    return json.loads(path.read_text()) if path.exists() else {}


def fill_numbers(markdown: str, lang: str, page: str) -> str:
    """Replace each {{ NAME.KEY }} with the value the snippet NAME wrote; unknown keys are errors."""
    cache = {}

    def value(match: re.Match) -> str:
        name, item = match.groups()
        table = cache.setdefault(name, numbers(lang, name))
        if item not in table:
            raise MissingNumber(f"{page}: {{{{ {name}.{item} }}}} has no value: snippets/{name}.py "
                                f"does not write '{item}' to its numbers.json")
        return str(table[item])

    return PLACEHOLDER.sub(value, markdown)


def figure_alts(docs_dir: Path, lang: str) -> dict[str, str]:
    """The alt text the pages give each figure: {"figures/NAME/FILE": alt}, numbers filled in."""
    alts = {}
    for page in sorted(docs_dir.rglob("*.md")):
        for alt, figure in PAGE_FIGURE.findall(page.read_text(encoding="utf-8")):
            alts[figure] = fill_numbers(alt, lang, page.name)
    return alts


def with_figure_alts(notebook_html: str, notebook: Path, name: str, alts: dict[str, str]) -> str:
    """Snippet NAME's notebook page, each figure described as the pages describe the file it was
    saved as, or else by its titles (the metadata scripts/cells.py gives each PNG output)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    pngs = [output["metadata"] for cell in cells for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]
    described = iter(alts.get(f"figures/{name}/{png.get('figure')}", png.get("alt", "")) for png in pngs)
    return re.sub(re.escape(NBCONVERT_ALT), lambda _: f'alt="{html.escape(next(described, ""))}"', notebook_html)



INLINE_PNG = re.compile(r'<img\b([^>]*?)\ssrc="data:image/png;base64,([^"]+)"')


def with_figure_files(notebook_html: str, folder: Path) -> str:
    """The notebook page with each figure, which nbconvert writes into the page as a data: URL, saved
    as a PNG of its own in `folder` (the page's folder in the built site), from which the page loads
    it. Inline, the figures were most of what a phone had to fetch before it could draw the page
    (notebooks/em_gmm_2d/: 404 kB gzipped, 282 kB of it its two figures' PNGs)."""
    def saved(match: re.Match) -> str:
        data = base64.b64decode(match[2])
        name = f"figure-{hashlib.sha256(data).hexdigest()[:12]}.png"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        return f'<img{match[1]} src="{name}"'

    return INLINE_PNG.sub(saved, notebook_html)


EMPTY_HEADING_ID = re.compile(r'(<h[1-6] id=")(">.*?<a class="anchor-link" href="#)(")', re.DOTALL)


def with_heading_ids(notebook_html: str, toc) -> str:
    """mkdocs-jupyter makes a heading's id from its ASCII letters only: a Chinese heading gets an
    empty id, while the page's contents list (and Material's skip link) call it _1, _2, ...
    Each heading with an empty id takes, in order, an id of the contents list that no element has."""
    def flat(items):
        for item in items:
            yield item.id
            yield from flat(item.children)

    unused = iter([anchor for anchor in flat(toc) if f'id="{anchor}"' not in notebook_html])

    def named(match: re.Match) -> str:
        anchor = next(unused, "")
        return f"{match[1]}{anchor}{match[2]}{anchor}{match[3]}"

    return EMPTY_HEADING_ID.sub(named, notebook_html)


def drop_outdated_pages(files, lang: str) -> list[str]:
    """For MkDocs' dirty builds (make live), which rebuild only the pages whose source is newer
    than their HTML: remove the HTML of each page that shows a snippet whose outputs, source or
    translation changed since the page was built, so that it is rebuilt too. Returns those pages."""
    dropped = []
    for file in files.documentation_pages():
        built = Path(file.abs_dest_path)
        if not built.exists():
            continue
        names = {name for match in USES_SNIPPET.findall(Path(file.abs_src_path).read_text(encoding="utf-8"))
                 for name in match if name}
        inputs = [path for name in names for path in (BUILD / name / "key", ROOT / "snippets" / f"{name}.py")]
        inputs += [messages.catalog_path(lang)] if lang != messages.SOURCE_LANG else []
        if any(path.exists() and path.stat().st_mtime_ns > built.stat().st_mtime_ns for path in inputs):
            built.unlink()
            dropped.append(file.src_uri)
    return dropped
