"""The code blocks of a built page as a reader meets them: which snippet each comes from (its
title), the code the copy button copies, and the output shown under it."""

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup


@dataclass
class Block:
    snippet: str  # the block's title without .py
    code: str  # the text of its <code>, which is what Material's copy button copies
    output: str  # the text of the output block right under it, "" when it printed nothing


def _output_under(highlight) -> str:
    following = highlight.find_next_sibling()
    if following is not None and following.name == "details" and "output" in following.get("class", []):
        return following.select_one("pre > code").get_text()
    return ""


@functools.cache
def blocks_of(page: Path) -> tuple[Block, ...]:
    """Every snippet block of the built page, in page order (setup blocks included); read once
    for all the tests of a run (the site is built before any of them)."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    found = []
    for highlight in soup.select("article div.highlight"):
        title = highlight.select_one(":scope > span.filename")
        if title is not None and title.get_text().endswith(".py"):
            code = highlight.select_one("pre > code").get_text()
            found.append(Block(title.get_text().removesuffix(".py"), code, _output_under(highlight)))
    return tuple(found)


def by_snippet(blocks: tuple[Block, ...]) -> dict[str, list[Block]]:
    groups = {}
    for block in blocks:
        groups.setdefault(block.snippet, []).append(block)
    return groups


def program(code: str) -> str:
    """What code computes: its syntax tree without docstrings (comments are never in it), which
    is the same for a snippet's English and Chinese versions, whose prose differs."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and \
                ast.get_docstring(node):
            node.body = node.body[1:]
    return ast.dump(tree)
