"""What the tests read out of the Markdown sources: pages, headings, figures, includes, numbers."""

import re
from pathlib import Path

from scripts import blocks, cells, messages
from scripts.outputs import PAGE_FIGURE, PLACEHOLDER

ROOT = Path(__file__).resolve().parents[1]
DOCS = {"zh": ROOT / "docs" / "zh", "en": ROOT / "docs" / "en"}

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^(#{1,4}) (.+?)(?:\s*\{#([\w-]+)\})?\s*$", re.MULTILINE)
ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?) (\w+)", re.MULTILINE)
INCLUDE = re.compile(r'^\s*--8<-- "([^"]+)"', re.MULTILINE)
LINK = re.compile(r"\]\(((?:\.\./)*(?:snippets|notebooks)/[^)\s]+|(?:\.\./)*[\w/-]+\.md(?:#[\w-]+)?|#[\w-]+)\)")
# Any fenced block, indented or not (inside admonitions, details and tabs): its body.
NAV_PAGE = re.compile(r"^\s*- (?:[^:\n]+: )?([\w/-]+\.md)\s*$", re.MULTILINE)  # `- file.md` or `- Title: file.md`
ANY_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n(.*?)^\1\2[ \t]*$", re.MULTILINE | re.DOTALL)


def pages(lang: str) -> list[str]:
    return sorted(p.relative_to(DOCS[lang]).as_posix() for p in DOCS[lang].rglob("*.md"))


def source(lang: str, page: str) -> str:
    return (DOCS[lang] / page).read_text(encoding="utf-8")


def folder(page: str) -> str:
    """Where a page is built, relative to its site's root: index.md is '', x/index.md is 'x', x/y.md is 'x/y'."""
    return page.removesuffix(".md").removesuffix("index").rstrip("/")


PREFIX = {"zh": "", "en": "en/"}  # where each language's site lies in site/


def url_of(lang: str, page: str) -> str:
    """The address of docs/LANG/PAGE relative to the site root: '', 'mle-em/', 'en/mle-em/m-em/'."""
    return PREFIX[lang] + (folder(page) + "/" if folder(page) else "")


def nav_pages(config: str = "mkdocs.yml") -> list[str]:
    """The pages of a config's navigation, in order (the two configs list the same files)."""
    return NAV_PAGE.findall((ROOT / config).read_text(encoding="utf-8"))


def chapter_source(lang: str, chapter: str) -> str:
    """A chapter's pages, its first page and then its sections, joined in navigation order."""
    return "\n".join(source(lang, page) for page in nav_pages() if page.startswith(f"{chapter}/"))


def headings(text: str) -> list[tuple[str, str | None]]:
    """(level, explicit id) of each heading down to #### outside code fences."""
    return [(m.group(1), m.group(3)) for m in HEADING.finditer(FENCE.sub("", text))]


def admonitions(text: str) -> list[tuple[str, str]]:
    """(marker, type) of each admonition and collapsible block, in order: !!! warning, ??? success..."""
    return ADMONITION.findall(FENCE.sub("", text))


def figures(text: str) -> list[str]:
    return [path for _, path in PAGE_FIGURE.findall(text)]


def figure_alts(text: str) -> list[str]:
    return [alt for alt, _ in PAGE_FIGURE.findall(text)]


def includes(text: str) -> list[str]:
    return INCLUDE.findall(text)


def links(text: str) -> list[str]:
    """Markdown links to other pages and anchors, to snippets and to notebooks."""
    return LINK.findall(text)


def placeholders(text: str) -> list[tuple[str, str]]:
    return PLACEHOLDER.findall(text)


def all_sources() -> str:
    return "\n".join(source(lang, page) for lang in DOCS for page in pages(lang))


def fenced_includes(text: str) -> list[str | None]:
    """For each fenced block of a page, in order: the snippet it includes ("snippets/x.py:part"),
    or None for a block written out in the page."""
    blocks = []
    for match in ANY_FENCE.finditer(text):
        include = INCLUDE.match(match.group(3))
        blocks.append(include.group(1) if include else None)
    return blocks


def shown_sections(text: str) -> list[tuple[str, str]]:
    """(snippet, section) of each code block the built page shows from a snippet, in page order:
    before a snippet's first block, its setup and the sections between the two (blocks.expand), then
    the includes."""
    shown = []
    for include in filter(None, fenced_includes(text)):
        path, _, part = include.partition(":")
        name = Path(path).stem
        if part != blocks.SETUP and not any(snippet == name for snippet, _ in shown):
            order = cells.section_names((ROOT / path).read_text(encoding="utf-8"), path)
            shown += [(name, earlier) for earlier in order[order.index(blocks.SETUP):order.index(part)]]
        shown.append((name, part))
    return shown


def section_code(name: str, part: str, lang: str) -> str:
    """What a page in `lang` shows of a snippet's section: the code, its comments in that language
    (scripts/messages.py); the rule for sections is in scripts/cells.py."""
    source = (ROOT / "snippets" / f"{name}.py").read_text(encoding="utf-8")
    return cells.section_code(messages.translated(source, lang, name), part, name)
