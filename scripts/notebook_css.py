"""The notebook pages' stylesheet: one file, cut to the rules that these pages can use.

mkdocs-jupyter writes JupyterLab's whole stylesheet into every notebook page, inline: 574 kB,
86 of the 111 kB that notebooks/q_gan_train/ weighs gzipped, styles for toolbars, menus and
widgets that a rendered notebook never shows. The browser parses it again on each notebook page,
and each change of style matches every element against its 3,188 rules. Its header also
carries MathJax's set-up and a Mermaid loader, which do nothing here: the build typesets the
math with KaTeX (scripts/math_html.py), and no notebook draws a Mermaid diagram (one that did
would fetch Mermaid from a CDN).

moved_out() takes the styles and those scripts out of a notebook page's content and returns the
CSS; cut() keeps the rules whose selectors name only classes, ids and elements that occur
on the notebook pages. A selector is judged by what it requires: whatever sits in :not(), :is()
and the like, in attribute selectors or after a colon, is not required, so the cut keeps a
rule whenever it might apply. The hook writes the result to assets/notebook.css, which every
notebook page links; it is cached in build/notebook-css/ under a hash of this file, the CSS and
the names.
"""

import hashlib
import re
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "notebook-css"
SITE_PATH = "assets/notebook.css"

STYLE = re.compile(r"<style[^>]*>(.*?)</style>\s*", re.S)
# mkdocs-jupyter 0.26 also appends the code colours as a Python list's repr ("['pre { …']"),
# a copy of the first style block that no browser can read.
LIST_REPR = re.compile(r"^\s*\[")
UNUSED_SCRIPTS = {
    "MathJax's set-up": re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S),
    "the Mermaid loader": re.compile(r'<script type="module">.*?<!-- End of mermaid configuration -->', re.S),
}
# What a selector does not require of the page: the arguments of functional pseudo-classes,
# attribute selectors, pseudo-classes and pseudo-elements.
NOT_REQUIRED = [re.compile(r"\((?:[^()]|\([^()]*\))*\)"), re.compile(r"\[[^\]]*\]"), re.compile(r"::?[\w-]+")]
# :root is the <html> element, which has no ancestor: after a combinator it matches nothing.
# JupyterLab's stylesheet, scoped by mkdocs-jupyter, has ".jupyter-wrapper :root{…}" rules of 86 kB.
ROOT_INSIDE = re.compile(r"\S\s*[\s>+~]\s*:root\b")
TAG = re.compile(r"<([a-zA-Z][\w-]*)")
CLASS = re.compile(r'\sclass="([^"]*)"')
ID = re.compile(r'\sid="([^"]*)"')
CLASS_OR_ID = re.compile(r"([.#])(-?[_a-zA-Z][\w-]*)")
ELEMENT = re.compile(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)")


class TemplateChanged(Exception):
    pass


def moved_out(content: str) -> tuple[str, str]:
    """(the notebook page's content without its styles and unused scripts, the CSS they held)."""
    for name, script in UNUSED_SCRIPTS.items():
        content, found = script.subn("", content, count=1)
        if not found:
            raise TemplateChanged(f"mkdocs-jupyter's notebook template changed: {name} was not found "
                                  "(scripts/notebook_css.py)")
    styles = [css for css in STYLE.findall(content) if not LIST_REPR.match(css)]
    if not styles:
        raise TemplateChanged("mkdocs-jupyter's notebook template changed: the page has no styles "
                              "(scripts/notebook_css.py)")
    return STYLE.sub("", content), "\n".join(styles)


def names(page_html: str) -> set[str]:
    """The element names, ".classes" and "#ids" that occur in a page. Read with patterns, not a
    parser (a sixth of the time): a tag or class seen in a script's text too only keeps a rule more."""
    found = {tag.lower() for tag in TAG.findall(page_html)}
    found.update("." + word for value in CLASS.findall(page_html) for word in value.split())
    return found | {"#" + value for value in ID.findall(page_html)}


def required(selector: str) -> set[str]:
    """What an element or its context must have for `selector` to match, in the form names() gives."""
    for pattern in NOT_REQUIRED:
        selector = pattern.sub(" ", selector)
    found = {kind + name for kind, name in CLASS_OR_ID.findall(selector)}
    return found | {name.lower() for name in ELEMENT.findall(CLASS_OR_ID.sub(" ", selector))}


def _selectors(prelude) -> list[str]:
    """A rule's selector list, split at its top-level commas."""
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    return selectors + [tinycss2.serialize(current).strip()]


def _kept(rules, present: set[str]) -> list[str]:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s for s in _selectors(rule.prelude) if required(s) <= present and not ROOT_INSIDE.search(s)]
            if selectors:
                kept.append(",".join(selectors) + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            inner = _kept(tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True), present)
            if inner:
                kept.append("@" + rule.at_keyword + tinycss2.serialize(rule.prelude).rstrip() + "{" + "".join(inner) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":  # @font-face, @keyframes…: kept whole
            kept.append(tinycss2.serialize([rule]).strip())
    return kept


def cut(css: str, present: set[str]) -> str:
    """The rules of `css` whose selectors can match a page with the names `present` (names())."""
    key = hashlib.sha256(Path(__file__).read_bytes() + css.encode() + "\n".join(sorted(present)).encode()).hexdigest()[:16]
    cached = CACHE / f"{key}.css"
    if cached.exists():
        return cached.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = _kept(rules, present)
    # The same rule twice (theme-light.css repeats the variables of index.css): the later one decides.
    kept = [rule for at, rule in enumerate(kept) if rule not in kept[at + 1:]]
    result = '@charset "UTF-8";\n' + "\n".join(kept) + "\n"  # the pages' styles hold non-ASCII
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(result, encoding="utf-8")
    return result
