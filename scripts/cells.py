"""Run a percent-format snippet cell by cell in this process and return the executed notebook.

A snippet is a plain script: a module docstring, then cells opened by `# %%`
(code) or `# %% [markdown]` (text, each line behind `# `). Running it here,
rather than in a Jupyter kernel, lets one process that has already imported
torch run every snippet; the notebook gets each cell's printed output and the
figures the cell left open, as the inline backend would show them.

Pages show sections of a snippet, marked `# --8<-- [start:name]` ... `[end:name]`,
and under each section what it printed. The rule that lines sections up with what
runs: a section holds whole top-level statements. It may fill part of a cell, a
whole cell or several cells (the markdown cells between are not part of it), but
it never starts or ends inside a statement, and sections do not nest. The runner
executes each cell in chunks cut at the section markers, so each section's output
is exactly what its own statements printed.
"""

import ast
import base64
import contextlib
import functools
import io
import json
import os
import re
import textwrap
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CELL_MARKER = re.compile(r"^# %%(.*)$")
# A line break between two Chinese characters (or full-width punctuation) is no space in Chinese;
# in HTML it would show as one. Markdown cells join such lines (translations break lines anywhere).
CJK_BREAK = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])\n(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")
SECTION_MARKER = re.compile(r"^\s*# --8<-- \[(start|end):([\w-]+)\]\s*$")  # page-section markers


class SectionError(ValueError):
    """A section marker that breaks the rule above; the message names the file and line."""


@dataclass
class Chunk:
    source: str  # the chunk's lines, markers left out
    first_line: int  # 1-based line of the chunk's first line in the file
    section: str | None  # the section the chunk belongs to, if any


@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    source: str
    first_line: int  # where the cell's source starts in the file, 1-based
    chunks: list[Chunk] = field(default_factory=list)  # code cells: the cell cut at section markers


def _section_of_each_line(text: str, where: str) -> list[str | None]:
    """For each line, the section it lies in (marker lines: None); checks that markers pair up."""
    sections, current, seen = [], None, set()
    for number, line in enumerate(text.splitlines(), 1):
        marker = SECTION_MARKER.match(line)
        if not marker:
            sections.append(current)
            continue
        action, name = marker.groups()
        if action == "start":
            if current:
                raise SectionError(f"{where}:{number}: section '{name}' starts inside section '{current}'; "
                                   "sections do not nest")
            if name in seen:
                raise SectionError(f"{where}:{number}: section '{name}' is marked twice")
            current = name
            seen.add(name)
        elif name != current:
            raise SectionError(f"{where}:{number}: [end:{name}] closes no open section "
                               f"(open: {current or 'none'})")
        else:
            current = None
        sections.append(None)
    if current:
        raise SectionError(f"{where}: section '{current}' is never closed with [end:{current}]")
    return sections


def _chunks(lines: list[str], sections: list[str | None], first_line: int) -> list[Chunk]:
    """A code cell's lines cut where a section starts or ends; marker lines stay out."""
    chunks, start = [], 0
    for end in range(1, len(lines) + 1):
        if end == len(lines) or sections[end] != sections[start] or SECTION_MARKER.match(lines[end]):
            kept = [line for line in lines[start:end] if not SECTION_MARKER.match(line)]
            if "\n".join(kept).strip():
                chunks.append(Chunk("\n".join(kept), first_line + start, sections[start]))
            start = end
    return chunks


def split_cells(text: str, where: str = "snippet") -> list[Cell]:
    """The docstring becomes a markdown cell; each `# %%` opens a new cell."""
    line_sections = _section_of_each_line(text, where)
    cells, kind, start, lines = [], "header", 1, []

    def close():
        source = "\n".join(lines)
        if kind == "header":
            doc = ast.get_docstring(ast.parse(source))
            if doc:
                title, _, rest = CJK_BREAK.sub("", doc).partition("\n")
                cells.append(Cell("markdown", f"# {title}\n{rest}".strip(), start))
        elif kind == "markdown":
            text = "\n".join(re.sub(r"^# ?", "", line) for line in lines)
            cells.append(Cell("markdown", CJK_BREAK.sub("", text).strip(), start))
        elif source.strip():
            sections = line_sections[start - 1:start - 1 + len(lines)]
            cells.append(Cell("code", source, start, _chunks(lines, sections, start)))

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


@functools.lru_cache(maxsize=256)  # a build asks for the sections of the same snippets hundreds of times
def _sections(text: str, where: str) -> dict[str, tuple[str, ...]]:
    """Each section's chunks of code, sections in file order."""
    sections = {}
    for cell in split_cells(text, where):
        for chunk in cell.chunks:
            if chunk.section:
                sections[chunk.section] = (*sections.get(chunk.section, ()), chunk.source)
    return sections


def section_names(text: str, where: str = "snippet") -> list[str]:
    """The snippet's sections in file order."""
    return list(_sections(text, where))


def section_code(text: str, name: str, where: str = "snippet") -> str:
    """What a page shows of section `name`: its code, one blank line between the cells it spans,
    dedented, without markers or markdown cells."""
    parts = _sections(text, where).get(name)
    if not parts:
        raise SectionError(f"{where}: no section '{name}'")
    return "\n\n".join(textwrap.dedent(part).strip("\n") for part in parts)


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


def _compiled(chunk: Chunk, cell: Cell, where: str):
    """The chunk's code, padded with blank lines so that tracebacks name the line in the file."""
    try:
        return compile("\n" * (chunk.first_line - 1) + chunk.source, where, "exec")
    except SyntaxError:
        if len(cell.chunks) == 1:
            raise
        name = chunk.section or next(c.section for c in cell.chunks if c.section)
        raise SectionError(f"{where}:{chunk.first_line}: section '{name}' cuts a statement in two: a section "
                           "must start and end between top-level statements") from None


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _binds(statement) -> set[str]:
    """The names a top-level statement binds: assignment targets, or a def's or class's name."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return {name for target in targets for name in _names(target)}
    return set()


def language_cells(cells: list[Cell]) -> dict[int, list[str]]:
    """The code cells whose result depends on the language, by index: those that read LANG, or a
    name bound from it earlier (TEXT = {...}[LANG]; def draw(): ... TEXT["title"] ...). For each,
    the code of its top-level statements that bind such names, line numbers kept, which a later
    cell's run in another language must run again first."""
    tainted, found = {"LANG"}, {}
    for index, cell in enumerate(cells):
        if cell.kind != "code":
            continue
        tree = ast.parse(cell.source)
        if not _names(tree) & tainted:
            continue
        found[index] = []
        for statement in tree.body:
            bound = _binds(statement)
            if bound and _names(statement) & tainted:
                tainted |= bound
                if "LANG" not in bound:  # the bookkeeping cell: the other run sets LANG itself
                    segment = ast.get_source_segment(cell.source, statement)
                    found[index].append("\n" * (cell.first_line + statement.lineno - 2) + segment)
    return found


def _run_cell(cell: Cell, namespace: dict, where: str, saved: dict) -> tuple[list, dict[str, str]]:
    """Execute one code cell in chunks; return its notebook outputs and what each section printed."""
    stdout, stderr, printed = io.StringIO(), io.StringIO(), {}
    for chunk in cell.chunks:
        code = _compiled(chunk, cell, where)
        chunk_stdout = io.StringIO()
        with contextlib.redirect_stdout(chunk_stdout), contextlib.redirect_stderr(stderr), _recording_saves(saved):
            exec(code, namespace)
        stdout.write(chunk_stdout.getvalue())
        if chunk.section:
            printed[chunk.section] = printed.get(chunk.section, "") + chunk_stdout.getvalue()
    outputs = [
        nbformat.v4.new_output("stream", name=name, text=stream.getvalue())
        for name, stream in (("stdout", stdout), ("stderr", stderr))
        if stream.getvalue()
    ]
    return outputs + _figures_as_outputs(saved), printed


def _run_cell_in_twin(cell: Cell, namespace: dict, where: str, saved: dict, lang: str, out: Path,
                      rebinds: list[str]):
    """Execute the cell in a forked copy of this process, in language `lang` with its files going to
    `out`, after running again the statements that bound language-dependent names in earlier cells;
    this process is left as it was. Returns what _run_cell returns."""
    report = out / f".cell-{cell.first_line}.json"
    pid = os.fork()
    if pid == 0:  # the twin: same state, other language
        status = 1
        try:
            os.environ.update(SNIPPET_LANG=lang, SNIPPET_OUT=str(out))
            namespace.update({name: value for name, value in (("LANG", lang), ("OUT", out)) if name in namespace})
            for code in rebinds:
                exec(compile(code, where, "exec"), namespace)
            outputs, printed = _run_cell(cell, namespace, where, saved)
            report.write_text(json.dumps({"outputs": outputs, "printed": printed}))
            status = 0
        except BaseException:  # noqa: BLE001 - reported by the parent, which runs the cell next
            report.write_text(json.dumps({"error": traceback.format_exc()}))
        finally:
            os._exit(status)
    os.waitpid(pid, 0)
    result = json.loads(report.read_text())
    report.unlink()
    if "error" in result:
        raise RuntimeError(f"{where}:{cell.first_line}: the {lang} run of this cell failed:\n{result['error']}")
    return [nbformat.from_dict(output) for output in result["outputs"]], result["printed"]


def _new_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata.update(
        kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"},
        language_info={"name": "python"},
    )
    return notebook


def execute(path: Path, twin: tuple[str, Path] | None = None) -> dict[str, tuple[nbformat.NotebookNode, dict]]:
    """Run the snippet at `path` top to bottom, in the language of SNIPPET_LANG; return
    {language: (the executed notebook, what each section printed)}.

    With twin=(lang, folder), the cells whose result depends on the language are also run, each
    just before its own run, in a forked copy of the process in that language, writing into that
    folder: one run computes everything, and both languages get their figures and notebook. Every
    other cell's outputs are the same in both. Exceptions propagate with the file's own line numbers.
    """
    where = str(path)
    own = os.environ.get("SNIPPET_LANG", "en")
    namespace = {"__name__": "__main__", "__file__": where}
    langs = [own] + ([twin[0]] if twin else [])
    notebooks, printed = {lang: _new_notebook() for lang in langs}, {lang: {} for lang in langs}
    snippet_cells = split_cells(path.read_text(encoding="utf-8"), where)
    twinned = language_cells(snippet_cells) if twin else {}
    count, saved, rebinds = 0, {}, []
    for index, cell in enumerate(snippet_cells):
        if cell.kind == "markdown":
            for lang in langs:
                notebooks[lang].cells.append(nbformat.v4.new_markdown_cell(cell.source))
            continue
        results = {}
        if index in twinned:
            results[twin[0]] = _run_cell_in_twin(cell, namespace, where, saved, *twin, rebinds)
            rebinds += twinned[index]
        results[own] = _run_cell(cell, namespace, where, saved)
        count += 1
        for lang in langs:
            outputs, cell_printed = results.get(lang, results[own])
            for section, text in cell_printed.items():  # a section may span cells
                printed[lang][section] = printed[lang].get(section, "") + text
            notebooks[lang].cells.append(
                nbformat.v4.new_code_cell(shown_source(cell), execution_count=count, outputs=outputs))
    for notebook in notebooks.values():
        for number, cell in enumerate(notebook.cells):
            cell.id = f"cell-{number}"  # stable ids: the same snippet gives the same notebook
    return {lang: (notebooks[lang], printed[lang]) for lang in langs}
