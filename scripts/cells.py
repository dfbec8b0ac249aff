"""Run a percent-format snippet cell by cell in this process and return the executed notebook.

A snippet is a plain script: a module docstring, then cells opened by `# %%`
(code) or `# %% [markdown]` (text, each line behind `# `). Running it here,
rather than in a Jupyter kernel, lets one process that has already imported
torch run every snippet; the notebook gets each cell's printed output and the
figures the cell left open, as the inline backend would show them.
"""

import ast
import base64
import contextlib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

CELL_MARKER = re.compile(r"^# %%(.*)$")
SECTION_MARKER = re.compile(r"^\s*# --8<-- \[(start|end):([\w-]+)\]\s*$")  # page-section markers


@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    source: str
    first_line: int  # where the cell's source starts in the file, 1-based


def split_cells(text: str) -> list[Cell]:
    """The docstring becomes a markdown cell; each `# %%` opens a new cell."""
    cells, kind, start, lines = [], "header", 1, []

    def close():
        source = "\n".join(lines)
        if kind == "header":
            doc = ast.get_docstring(ast.parse(source))
            if doc:
                title, _, rest = doc.partition("\n")
                cells.append(Cell("markdown", f"# {title}\n{rest}".strip(), start))
        elif kind == "markdown":
            text = "\n".join(re.sub(r"^# ?", "", line) for line in lines)
            cells.append(Cell("markdown", text.strip(), start))
        elif source.strip():
            cells.append(Cell("code", source, start))

    for number, line in enumerate(text.splitlines(), 1):
        marker = CELL_MARKER.match(line)
        if marker:
            close()
            kind = "markdown" if "[markdown]" in marker.group(1) else "code"
            start, lines = number + 1, []
        else:
            lines.append(line)
    close()
    return cells


def shown_source(cell: Cell) -> str:
    """What a notebook reader sees: the code without the page-section markers."""
    kept = [line for line in cell.source.splitlines() if not SECTION_MARKER.match(line)]
    return "\n".join(kept).strip("\n")


def alt_text(figure) -> str:
    """A figure's titles, or else its axis labels, in the language it was drawn in."""
    titles = [figure.get_suptitle(), *(axes.get_title() for axes in figure.axes)]
    if not any(titles):
        titles = [label for axes in figure.axes for label in (axes.get_xlabel(), axes.get_ylabel())]
    return "; ".join(title for title in titles if title)


@contextlib.contextmanager
def _recording_saves(saved: dict):
    """While running, remember the file name each figure was last saved under: saved[figure]."""
    from matplotlib.figure import Figure

    original = Figure.savefig

    def savefig(figure, fname, *args, **kwargs):
        if isinstance(fname, (str, os.PathLike)):
            saved[figure] = Path(fname).name
        return original(figure, fname, *args, **kwargs)

    Figure.savefig = savefig
    try:
        yield
    finally:
        Figure.savefig = original


def _figures_as_outputs(saved: dict) -> list:
    """Every open matplotlib figure as a PNG display output; the figures are then closed.

    nbconvert gives a PNG the alt text "No description has been provided for this image";
    each output's metadata holds what the site describes it with instead (scripts/outputs.py):
    the file the snippet saved the figure as, whose alt text on the pages is used, and the
    figure's titles for a figure that no page shows.
    """
    import matplotlib.pyplot as plt

    outputs = []
    for number in plt.get_fignums():
        figure = plt.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
        png = base64.b64encode(buffer.getvalue()).decode("ascii")
        described = {"figure": saved.get(figure, ""), "alt": alt_text(figure)}
        outputs.append(nbformat.v4.new_output("display_data", data={"image/png": png}, metadata=described))
    plt.close("all")
    return outputs


def execute(path: Path) -> nbformat.NotebookNode:
    """Run the snippet at `path` top to bottom; exceptions propagate with the file's own line numbers."""
    namespace = {"__name__": "__main__", "__file__": str(path)}
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
    )
    count, saved = 0, {}
    for cell in split_cells(path.read_text(encoding="utf-8")):
        if cell.kind == "markdown":
            notebook.cells.append(nbformat.v4.new_markdown_cell(cell.source))
            continue
        # Pad with blank lines so that tracebacks name the line in the snippet file.
        code = compile("\n" * (cell.first_line - 1) + cell.source, str(path), "exec")
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr), _recording_saves(saved):
            exec(code, namespace)
        count += 1
        outputs = [
            nbformat.v4.new_output("stream", name=name, text=stream.getvalue())
            for name, stream in (("stdout", stdout), ("stderr", stderr))
            if stream.getvalue()
        ]
        outputs += _figures_as_outputs(saved)
        notebook.cells.append(
            nbformat.v4.new_code_cell(shown_source(cell), execution_count=count, outputs=outputs)
        )
    for number, cell in enumerate(notebook.cells):
        cell.id = f"cell-{number}"  # stable ids: the same snippet gives the same notebook
    return notebook
