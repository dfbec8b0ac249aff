"""What the snippet runner left in build/snippets/, as the site uses it.

For the language being built, every snippet publishes:
    figures/NAME/FILE      each figure it saved (SVG or PNG)
    notebooks/NAME.ipynb   its executed notebook, rendered by mkdocs-jupyter
    snippets/NAME.py       its source, to download
and its numbers.json fills the placeholders {{ NAME.KEY }} in the pages.
"""

import html
import json
import re
from pathlib import Path

from scripts.runner import BUILD, all_snippets

FIGURE_SUFFIXES = {".svg", ".png"}
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\.(\w+)\s*\}\}")
# ![alt](figures/NAME/FILE) in a page; the alt text may hold brackets one level deep: "E[s] against n"
PAGE_FIGURE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\((figures/[^)\s]+)\)")
NBCONVERT_ALT = 'alt="No description has been provided for this image"'  # nbconvert's, for every notebook PNG


class MissingNumber(KeyError):
    pass


def published_files(lang: str) -> dict[str, Path]:
    """Site path -> file on disk, for one language (snippets that never ran publish only their source)."""
    files = {}
    for snippet in all_snippets():
        name, folder = snippet.stem, BUILD / snippet.stem / lang
        files[f"snippets/{name}.py"] = snippet
        for path in sorted(folder.glob("*")):
            if path.suffix in FIGURE_SUFFIXES:
                files[f"figures/{name}/{path.name}"] = path
        notebook = folder / "notebooks" / f"{name}.ipynb"
        if notebook.exists():
            files[f"notebooks/{name}.ipynb"] = notebook
    return files


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
