"""The reader's blocks: each snippet section a page includes becomes its code, labelled with the
snippet's file name, and under it what that section printed when the site was built.

A page includes a section as a fenced block holding one line,

    ```python
    --8<-- "snippets/NAME.py:part"
    ```

Before the first block of a snippet on a page comes that snippet's `setup` section (imports,
device, seed, data, helpers), folded, unless the page shows `setup` itself first. A page that
starts further into a snippet (a section page whose chapter shows the earlier parts on earlier
pages) gets, in the same fold, every section of the snippet from `setup` to its first block. The
blocks of one snippet, in page order after its setup, are a program a reader can paste: this module
checks that a page shows a snippet's sections in file order, each once, and that no block reads
a name that no earlier block of the page defines. Output comes from printed.json, which the
runner writes per section (scripts/cells.py defines how sections and cells line up). The code
shown is the snippet in the page's language: its comments translated (scripts/messages.py).
"""

import builtins
import json
import re
import symtable

from scripts import cells, messages
from scripts.runner import BUILD, SNIPPETS

FENCED_INCLUDE = re.compile(
    r'^(?P<indent>[ \t]*)```python[ \t]*\n(?P=indent)--8<-- "snippets/(?P<name>\w+)\.py:(?P<part>[\w-]+)"[ \t]*\n'
    r"(?P=indent)```[ \t]*$", re.MULTILINE)
SETUP = "setup"
FOLD_AFTER = 12  # longer outputs start folded
LABELS = {
    "zh": {"output": "输出", "folded": "输出（{lines} 行，点击展开）",
           "setup": "{file} 的准备代码：导入、设备、随机种子、数据和辅助函数（先运行这一段）",
           "earlier": "{file} 的准备代码，以及脚本里排在本页代码之前的各段（先依次运行）"},
    "en": {"output": "Output", "folded": "Output ({lines} lines, click to open)",
           "setup": "{file} setup: imports, device, seed, data and helpers (run this first)",
           "earlier": "{file} setup, and the script's parts before this page's (run these first)"},
}
KNOWN = set(dir(builtins)) | {"__file__", "__name__"}


class ContractError(ValueError):
    """A page whose blocks would not run when pasted in order; the message names page, snippet and name."""


def _names(code: str) -> tuple[set[str], set[str]]:
    """(names the code binds at top level, global names it reads anywhere, functions included)."""
    table = symtable.symtable(code, "<block>", "exec")
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported() or s.is_namespace()}
    read = set()

    def visit(scope):
        for symbol in scope.get_symbols():
            if symbol.is_referenced() and (scope.get_type() == "module" or symbol.is_global()):
                read.add(symbol.get_name())
        for child in scope.get_children():
            visit(child)

    visit(table)
    return bound, read


def _printed(name: str, lang: str) -> dict[str, str]:
    path = BUILD / name / lang / "printed.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _fence(body: str, indent: str, opening: str) -> list[str]:
    return [f"{indent}{opening}", *(f"{indent}{line}" if line else "" for line in body.splitlines()), f"{indent}```"]


def _output(text: str, indent: str, lang: str) -> list[str]:
    """What a block printed, as a block of its own: labelled, never copied, folded when long."""
    text = text.rstrip("\n")
    if not text.strip():
        return []
    lines = len(text.splitlines())
    marker, label = ("???", LABELS[lang]["folded"].format(lines=lines)) if lines > FOLD_AFTER else \
        ("???+", LABELS[lang]["output"])
    return ["", f'{indent}{marker} output "{label}"', "",
            *_fence(text, indent + "    ", "``` { .text .no-copy }"), ""]


def _block(name: str, part: str, source: str, printed: dict, indent: str, lang: str) -> list[str]:
    code = cells.section_code(source, part, f"snippets/{name}.py")
    return [*_fence(code, indent, f'```python title="{name}.py"'), *_output(printed.get(part, ""), indent, lang)]


def expand(markdown: str, lang: str, page: str) -> str:
    """The page with every fenced snippet include replaced by its blocks; raises ContractError."""
    sources, shown, defined = {}, {}, {}

    def replace(match: re.Match) -> str:
        indent, name, part = match["indent"], match["name"], match["part"]
        where = f"{page}: snippets/{name}.py"
        if name not in sources:
            path = SNIPPETS / f"{name}.py"
            if not path.exists():
                raise ContractError(f"{page}: includes snippets/{name}.py, which does not exist")
            sources[name] = messages.translated(path.read_text(encoding="utf-8"), lang, f"snippets/{name}.py")
            shown[name], defined[name] = [], set(KNOWN)
        source, order = sources[name], cells.section_names(sources[name], f"snippets/{name}.py")
        if part not in order:
            raise ContractError(f"{where} has no section '{part}'")
        lines = []
        if not shown[name] and part != SETUP:
            if SETUP not in order or order.index(SETUP) > order.index(part):
                raise ContractError(f"{where} has no '{SETUP}' section to show before '{part}'")
            before = order[order.index(SETUP):order.index(part)]
            label = LABELS[lang]["setup" if before == [SETUP] else "earlier"].format(file=f"{name}.py")
            lines = [f'{indent}??? setup "{label}"', ""]
            for earlier in before:
                lines += [*_block(name, earlier, source, _printed(name, lang), indent + "    ", lang), ""]
                _check(where, earlier, source, defined[name])
            shown[name] += before
        if part in shown[name] or (shown[name] and order.index(part) < order.index(shown[name][-1])):
            raise ContractError(f"{where}: section '{part}' comes after '{shown[name][-1]}' on the page but "
                                f"before it in the file, or twice; show a snippet's sections once, in file order")
        _check(where, part, source, defined[name])
        shown[name].append(part)
        return "\n".join(lines + _block(name, part, source, _printed(name, lang), indent, lang))

    return FENCED_INCLUDE.sub(replace, markdown)


def _check(where: str, part: str, source: str, defined: set[str]) -> None:
    """Every name the section reads is defined by an earlier block or by itself; record what it binds."""
    bound, read = _names(cells.section_code(source, part, where))
    missing = sorted(read - defined - bound)
    if missing:
        raise ContractError(f"{where}: section '{part}' uses {', '.join(missing)}, which no earlier block "
                            "on the page defines; move it into the setup section or a shown block")
    defined |= bound
