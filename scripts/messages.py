"""The snippets' prose in the reader's language: a gettext catalog per language, English the source.

    python -m scripts.messages      (make messages) extract the messages of every snippet and
                                    update snippets/locale/LANG/LC_MESSAGES/snippets.po

A message is one of:
  - a paragraph of the module docstring (the notebook's title and introduction);
  - a function's or class's docstring, whole;
  - a `# %% [markdown]` cell, whole;
  - a comment: a run of full-line comments at one indentation, or the comment that ends a line
    of code.
Comments are found with `tokenize`, so a `#` inside a string is never one. Cell and section
markers, `noqa` and comments without a word (`# γ = 1, β = 0`) are not messages.

`translated(text, lang)` gives the snippet with each message replaced by its translation and
nothing else changed: code, identifiers, strings and what the script prints stay the same. The
line breaks of a translation are the translator's; scripts/cells.py joins a Chinese paragraph's
lines again when it makes a markdown cell. A message that the catalog lacks, or marks fuzzy,
stays English, with a warning naming the snippet, the line and the text: `make live` still
shows the page, and the --strict builds of `make build` and the tests fail.
"""

import ast
import datetime
import io
import logging
import re
import sys
import tokenize
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
LOCALE = SNIPPETS / "locale"
DOMAIN = "snippets"
CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a Han character: ideographs, extension A, compatibility
SOURCE_LANG = "en"
TRANSLATED = ("zh",)
NOT_PROSE = re.compile(r"^# (%%|--8<--)|noqa|^#!")  # cell and section markers, linter pragmas, shebang
WORD = re.compile(r"[A-Za-z]{2,}")
CELL = re.compile(r"^# %%(.*)$")
LOG = logging.getLogger("mkdocs.snippets.messages")  # MkDocs --strict counts its warnings
EPOCH = datetime.datetime(2026, 12, 1, tzinfo=datetime.timezone.utc)  # fixed header dates: no churn


@dataclass
class Message:
    text: str  # the English, line breaks kept
    line: int  # 1-based line where it starts
    end: int  # the last line it covers (a trailing comment: the same line)
    kind: str  # "docstring", "function docstring", "markdown", "comment" (whole lines) or "trailing"
    indent: str = ""  # comments: what comes before the `#`; docstrings: the opening quotes, if on its line
    column: int = 0  # trailing comments: where the `#` is
    closing: str = ""  # docstrings: the closing quotes, if on its last line


def _prose(comment: str) -> str:
    return comment[2:] if comment.startswith("# ") else comment[1:]


def _docstring(tokens: list, lines: list[str]) -> list[Message]:
    """The module docstring's paragraphs, each its own message."""
    first = next((t for t in tokens if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING)), None)
    if not first or first.type != tokenize.STRING or not first.string.startswith('"""'):
        return []
    messages, paragraph, line = [], [], first.start[0]
    body = first.string[3:-3].split("\n")
    for offset, text in enumerate(body + [""]):
        if text.strip():
            paragraph.append(offset)
        elif paragraph:
            start, end = paragraph[0], paragraph[-1]
            messages.append(Message("\n".join(body[start:end + 1]), line + start, line + end, "docstring",
                                    indent='"""' if start == 0 else "",
                                    closing='"""' if end == len(body) - 1 else ""))
            paragraph = []
    return messages


def _function_docstrings(text: str, lines: list[str]) -> list[Message]:
    """Each function's and class's docstring, whole, its lines dedented."""
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and ast.get_docstring(node):
            first, last = node.body[0].lineno, node.body[0].end_lineno
            indent = lines[first - 1][:len(lines[first - 1]) - len(lines[first - 1].lstrip())]
            raw = "\n".join(lines[first - 1:last]).strip()[3:-3]
            body = [line.removeprefix(indent) for line in raw.strip().split("\n")]
            found.append(Message("\n".join(body), first, last, "function docstring", indent=indent,
                                 closing="\n" if lines[last - 1].strip() == '"""' else ""))
    return found


@lru_cache(maxsize=256)  # a build asks for each snippet's messages several times
def extract(text: str) -> tuple[Message, ...]:
    """The messages of one snippet, in file order."""
    lines = text.splitlines()
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    messages = _docstring(tokens, lines) + _function_docstrings(text, lines)
    markdown_lines = set()
    number = 0
    while number < len(lines):  # markdown cells: from `# %% [markdown]` to the next cell marker
        marker = CELL.match(lines[number])
        if marker and "[markdown]" in marker.group(1):
            start = number + 1
            number += 1
            while number < len(lines) and not CELL.match(lines[number]):
                number += 1
            body = lines[start:number]
            while body and not body[-1].strip():
                body.pop()
            markdown_lines |= set(range(start + 1, start + len(body) + 1))
            messages.append(Message("\n".join(_prose(line) for line in body), start + 1, start + len(body),
                                    "markdown"))
        else:
            number += 1
    run: list = []  # the full-line comments gathered so far, one message when the run ends

    def close_run():
        if run:
            first = run[0]
            messages.append(Message("\n".join(_prose(t.string) for t in run), first.start[0], run[-1].start[0],
                                    "comment", indent=lines[first.start[0] - 1][:first.start[1]]))
            run.clear()

    for token in tokens:
        if token.type != tokenize.COMMENT or token.start[0] in markdown_lines:
            continue
        row, column = token.start
        if NOT_PROSE.search(token.string) or not WORD.search(token.string):
            close_run()
            continue
        if lines[row - 1][:column].strip():
            close_run()
            messages.append(Message(_prose(token.string), row, row, "trailing", column=column))
        elif run and run[-1].start[0] == row - 1 and run[-1].start[1] == column:
            run.append(token)
        else:
            close_run()
            run.append(token)
    close_run()
    return tuple(sorted(messages, key=lambda m: m.line))


def catalog_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def _catalog(lang: str, stamp: int) -> dict[str, tuple[str, bool]]:
    with catalog_path(lang).open("rb") as po:
        catalog = read_po(po, locale=lang)
    return {m.id: (m.string, m.fuzzy) for m in catalog if m.id}


def catalog(lang: str) -> dict[str, tuple[str, bool]]:
    """{English: (translation, fuzzy)} of one language, read again when the file changes."""
    path = catalog_path(lang)
    return _catalog(lang, path.stat().st_mtime_ns) if path.exists() else {}


def untranslated(text: str, lang: str, where: str = "snippet") -> list[str]:
    """One line per message of the snippet that `lang`'s catalog lacks or marks fuzzy:
    'snippets/NAME.py:LINE: comment 'text' has no translation in ...'."""
    if lang == SOURCE_LANG:
        return []
    table, found = catalog(lang), []
    for message in extract(text):
        string, fuzzy = table.get(message.text, ("", False))
        if not string or fuzzy:
            state = "is fuzzy" if string else "has no translation"
            found.append(f"{where}:{message.line}: {message.kind} {message.text!r} {state} in "
                         f"{catalog_path(lang).relative_to(ROOT)}; run `make messages` and translate it")
    return found


def translated(text: str, lang: str, where: str = "snippet") -> str:
    """The snippet with its messages in `lang` (the text itself in English). A message without a
    finished translation stays English, with a warning, which fails a --strict build."""
    if lang == SOURCE_LANG:
        return text
    path = catalog_path(lang)
    return _translated(text, lang, where, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=256)  # the pages and the downloads ask for the same snippets: one warning each
def _translated(text: str, lang: str, where: str, stamp: int) -> str:
    for problem in untranslated(text, lang, where):
        LOG.warning(problem)
    table, lines = catalog(lang), text.splitlines()
    for message in reversed(extract(text)):  # from the end, so that earlier line numbers hold
        string, fuzzy = table.get(message.text, ("", False))
        if not string or fuzzy:
            continue
        new = string.split("\n")
        if message.kind == "trailing":
            row = message.line - 1
            lines[row] = lines[row][:message.column] + "# " + " ".join(new)
        elif message.kind == "comment":
            lines[message.line - 1:message.end] = [f"{message.indent}# {line}".rstrip() for line in new]
        elif message.kind == "markdown":
            lines[message.line - 1:message.end] = [f"# {line}".rstrip() for line in new]
        elif message.kind == "function docstring":
            indent = message.indent
            body = [f'{indent}"""{new[0]}', *(f"{indent}{line}" if line else "" for line in new[1:])]
            body += [f'{indent}"""'] if message.closing else []
            body[-1] += "" if message.closing else '"""'
            lines[message.line - 1:message.end] = body
        else:
            new[0] = message.indent + new[0]
            new[-1] += message.closing
            lines[message.line - 1:message.end] = new
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


GUIDE = {  # what a translator reads above each message
    "docstring": "docstring paragraph: the notebook's title (first) or introduction",
    "function docstring": "docstring of a function or class, shown in the code",
    "markdown": "markdown cell of the notebook",
    "comment": "comment on lines of its own",
    "trailing": "trailing comment after code: keep it on one line",
}


def _new_catalog(lang: str) -> Catalog:
    return Catalog(domain=DOMAIN, locale=lang, project="dl-stats-basics snippets", version="1",
                   header_comment=f"# The snippets' docstrings, markdown cells and comments ({lang}).\n"
                                  "# Made and updated by `make messages`; translate the empty msgstr entries.",
                   msgid_bugs_address="-", last_translator="-", language_team="-",
                   creation_date=EPOCH, revision_date=EPOCH, charset="utf-8", fuzzy=False)


def template() -> Catalog:
    """Every message of every snippet, with where it occurs and what kind it is."""
    messages = _new_catalog(SOURCE_LANG)
    for snippet in sorted(SNIPPETS.glob("*.py")):
        where = snippet.relative_to(ROOT).as_posix()
        for message in extract(snippet.read_text(encoding="utf-8")):
            known = messages.get(message.text)
            if known:
                known.locations.append((where, message.line))
            else:
                messages.add(message.text, locations=[(where, message.line)], auto_comments=[GUIDE[message.kind]])
    return messages


def update(lang: str) -> tuple[int, int]:
    """Bring one language's catalog up to the snippets: new messages added untranslated, changed ones
    kept as fuzzy suggestions, obsolete ones dropped. Returns (messages, still untranslated or fuzzy)."""
    path = catalog_path(lang)
    if path.exists():
        with path.open("rb") as po:
            current = read_po(po, locale=lang)
    else:
        current = _new_catalog(lang)
    current.update(template())
    current.creation_date = current.revision_date = EPOCH
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, current, width=0, ignore_obsolete=True, omit_header=False, sort_output=False)
    todo = sum(1 for m in current if m.id and (not m.string or m.fuzzy))
    return sum(1 for m in current if m.id), todo


if __name__ == "__main__":
    for language in TRANSLATED:
        total, todo = update(language)
        print(f"{catalog_path(language).relative_to(ROOT)}: {total} messages, {todo} to translate")
    sys.exit(0)
