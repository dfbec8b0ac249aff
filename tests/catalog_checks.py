"""What a finished translation of the snippets' messages must satisfy, entry by entry: used by
tests/test_messages.py, and runnable on a catalog while translating:

    .venv/bin/python -m tests.catalog_checks snippets/locale/zh/LC_MESSAGES/snippets.po
"""

import re
import sys
import unicodedata
from pathlib import Path

from babel.messages.pofile import read_po

from scripts.messages import CHINESE

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "zh" / "glossary.md"
CODE = re.compile(r"`[^`]*`")
PARENTHESES = re.compile(r"\s*[(（][^)）]*[)）]")
ROW = re.compile(r"^\| ([^|]+) \| ([^|]+) \|", re.MULTILINE)
WIDEST = 88  # columns of a translated line, a CJK character counting two


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def glossary() -> dict[str, set[str]]:
    """{English term, lower case: the Chinese terms the glossary gives it}, from the rows whose two
    columns list the same number of terms; parenthesised asides and code are left out."""
    terms: dict[str, set[str]] = {}
    for zh, en in ROW.findall(GLOSSARY.read_text(encoding="utf-8")):
        zh_terms = [PARENTHESES.sub("", t).strip() for t in zh.split("、")]
        en_terms = [PARENTHESES.sub("", CODE.sub("", t)).strip(" ;") for t in en.split(",")]
        if len(zh_terms) == len(en_terms) and zh.strip() != "中文":
            for zh_term, en_term in zip(zh_terms, en_terms):
                if en_term and zh_term and en_term.lower() != zh_term.lower():
                    terms.setdefault(en_term.lower(), set()).add(zh_term)
    return terms


def problems(english: str, chinese: str, kind: str, terms: dict[str, set[str]], exempt=()) -> list[str]:
    """What is wrong with one translation (empty: nothing); `exempt`: glossary terms that the English
    uses in another sense here (a translator comment `# glossary: not TERM` on the entry)."""
    found = []
    if not CHINESE.search(chinese):
        found.append("has no Chinese")
    if kind.startswith("trailing") and "\n" in chinese:
        found.append("is a comment after code, so it must stay on one line")
    if sorted(CODE.findall(english)) != sorted(CODE.findall(chinese)):
        found.append("changes the `code` spans (they must stay exactly as in the English)")
    if not kind.startswith("trailing"):
        long = [line for line in chinese.split("\n") if width(line) > WIDEST]
        if long:
            found.append(f"has a line wider than {WIDEST} columns: {long[0]!r}")
    prose_en, prose_zh = CODE.sub("", english), CODE.sub("", chinese)
    for term in sorted(terms, key=len, reverse=True):  # "negative log-likelihood" before "negative"
        pattern = re.compile(rf"\b{re.escape(term)}(s|es)?\b", re.IGNORECASE)
        if term not in exempt and pattern.search(prose_en) and not any(t in prose_zh for t in terms[term]):
            found.append(f"uses '{term}' without the glossary's {' or '.join(sorted(terms[term]))}")
        prose_en = pattern.sub(" ", prose_en)  # a longer term's words are not checked again
    return found


def catalog_problems(path: Path) -> list[str]:
    """Every problem of every entry of a .po file: untranslated, fuzzy, or failing problems()."""
    with path.open("rb") as po:
        catalog = read_po(po)
    terms, found = glossary(), []
    for message in catalog:
        if not message.id:
            continue
        where = " ".join(f"{file}:{line}" for file, line in message.locations[:1])
        if not message.string:
            found.append(f"{where}: {message.id!r} has no translation")
        elif message.fuzzy:
            found.append(f"{where}: {message.id!r} is fuzzy")
        else:
            kind = message.auto_comments[0] if message.auto_comments else ""
            exempt = {c.removeprefix("glossary: not ").strip().lower() for c in message.user_comments
                      if c.startswith("glossary: not ")}
            found += [f"{where}: {message.id!r} {problem}" for problem in
                      problems(message.id, message.string, kind, terms, exempt)]
    return found


if __name__ == "__main__":
    listed = catalog_problems(Path(sys.argv[1]))
    print("\n".join(listed) or "no problems")
    print(f"{len(listed)} problems", file=sys.stderr)
