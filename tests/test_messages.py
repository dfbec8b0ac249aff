"""The snippets' prose in Chinese (scripts/messages.py): the catalog covers every message, keeps
to the glossary and holds nothing obsolete; a translated snippet differs from the English one
in prose only; the Chinese site's notebooks and downloads read Chinese, the English site's English.
That a translated script computes and prints what the English one does follows from its being
the same program, comments and docstrings aside (test_translation_changes_prose_only)."""

import json
import re

import pytest

from scripts import cells, messages, runner
from tests.catalog_checks import catalog_problems
from tests.shown_blocks import program

SNIPPETS = runner.all_snippets()
LANG = "zh"


def where(snippet) -> str:
    return snippet.relative_to(runner.ROOT).as_posix()


def test_every_message_has_a_finished_translation():
    missing = [line for snippet in SNIPPETS
               for line in messages.untranslated(snippet.read_text(encoding="utf-8"), LANG, where(snippet))]
    assert not missing, "untranslated messages:\n" + "\n".join(missing)


def test_catalog_has_no_obsolete_entries_and_each_entry_keeps_to_the_rules():
    used = {m.text for snippet in SNIPPETS for m in messages.extract(snippet.read_text(encoding="utf-8"))}
    obsolete = set(messages.catalog(LANG)) - used
    assert not obsolete, f"entries no snippet uses (run `make messages`): {sorted(obsolete)[:5]}"
    problems = catalog_problems(messages.catalog_path(LANG))
    assert not problems, "\n".join(problems)


def test_a_new_comment_without_translation_is_named_with_its_file_and_line():
    source = (runner.SNIPPETS / "cnn_vgg16.py").read_text(encoding="utf-8")
    added = source + '\n# %%\nlabel = "# not a comment"  # a comment nobody has translated yet\n'
    line = len(source.splitlines()) + 3
    new = set(messages.untranslated(added, LANG, "snippets/cnn_vgg16.py")) - \
        set(messages.untranslated(source, LANG, "snippets/cnn_vgg16.py"))
    assert new == {f"snippets/cnn_vgg16.py:{line}: trailing 'a comment nobody has translated yet' has no "
                   "translation in snippets/locale/zh/LC_MESSAGES/snippets.po; run `make messages` and translate it"}


@pytest.mark.parametrize("snippet", SNIPPETS, ids=lambda path: path.stem)
def test_translation_changes_prose_only(snippet):
    english = snippet.read_text(encoding="utf-8")
    chinese = messages.translated(english, LANG, where(snippet))
    assert program(chinese) == program(english), "the translated script is another program"
    assert [c.kind for c in cells.split_cells(chinese)] == [c.kind for c in cells.split_cells(english)]
    assert cells.section_names(chinese) == cells.section_names(english)
    english_comments = [m.text for m in messages.extract(chinese) if not messages.CHINESE.search(m.text)]
    assert not english_comments, f"English left in the Chinese script: {english_comments[:3]}"


def _title(page_html: str) -> str:
    return re.search(r"<title>(.*?) - ", page_html, re.DOTALL).group(1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notebooks_and_downloads_speak_the_sites_language(site, lang):
    """Each notebook page's title and markdown cells, and each downloadable script's and notebook's
    prose, are in the site's language: Chinese on the Chinese site, none on the English one."""
    root = site if lang == "zh" else site / "en"
    wrong = []
    for snippet in SNIPPETS:
        name = snippet.stem
        title = _title((root / "notebooks" / name / "index.html").read_text(encoding="utf-8"))
        notebook = json.loads((root / "notebooks" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
        texts = [("title", title)] + [("markdown cell", "".join(cell["source"])) for cell in notebook["cells"]
                                      if cell["cell_type"] == "markdown"]
        script = (root / "snippets" / f"{name}.py").read_text(encoding="utf-8")
        texts += [(f"line {m.line}", m.text) for m in messages.extract(script)]
        for what, text in texts:
            if bool(messages.CHINESE.search(text)) != (lang == "zh"):
                wrong.append(f"{name} {what}: {text[:60]!r}")
    assert not wrong, f"prose in the other language on the {lang} site:\n" + "\n".join(wrong)
