"""The reader's contract: every code block of a chapter shows, right under it, what it printed in
the build, and the blocks of one snippet, copied from the built page in page order after its
setup block, run in a fresh Python and print exactly that.

The only normalisation: memory addresses (0x7f…), which differ from one process to the next,
and the newline at the end of an output, which the page does not show."""

import json
import re
from pathlib import Path

import pytest

from scripts import blocks
from tests import markdown_facts as md
from tests import paste
from tests.shown_blocks import blocks_of, by_snippet, program

PAGES = [(lang, page) for lang in md.DOCS for page in md.pages(lang) if md.shown_sections(md.source(lang, page))]
ADDRESS = re.compile(r"0x[0-9a-f]{6,}")


def built(site: Path, lang: str, page: str) -> Path:
    return site / ("" if lang == "zh" else "en") / md.folder(page) / "index.html"


def normalised(text: str) -> str:
    return ADDRESS.sub("0x…", text).rstrip("\n")


def _program(group) -> str:
    """What a group of blocks computes, comments and docstrings aside (shown_blocks.program)."""
    return "\n".join(program(block.code) for block in group)


@pytest.fixture(scope="module")
def pasted(site, tmp_path_factory):
    """{(lang, page): {snippet: (its blocks, what each printed)}}. Each group runs in its own fresh
    Python in an empty folder (tests/paste.py), with the runner's thread count so that the numbers
    agree to the last digit. Groups that are the same program on both languages' pages (their
    comments and docstrings aside) run once: the same program prints the same."""
    groups = {(lang, page, name): group for lang, page in PAGES
              for name, group in by_snippet(blocks_of(built(site, lang, page))).items()}
    programs = {}
    for group in groups.values():
        programs.setdefault(_program(group), [block.code for block in group])
    jobs = [{"folder": str(tmp_path_factory.mktemp("paste")), "name": "<block {number}>", "blocks": codes}
            for codes in programs.values()]
    printed = dict(zip(programs, (result["blocks"] for result in paste.run_jobs(jobs))))
    runs = {}
    for (lang, page, name), group in groups.items():
        runs.setdefault((lang, page), {})[name] = (group, printed[_program(group)])
    return runs


@pytest.mark.parametrize("lang, page", PAGES)
def test_blocks_are_the_setup_then_the_sections_the_page_includes(site, lang, page):
    shown = [(block.snippet, block.code.rstrip("\n")) for block in blocks_of(built(site, lang, page))]
    expected = [(name, md.section_code(name, part, lang)) for name, part in md.shown_sections(md.source(lang, page))]
    assert shown == expected


@pytest.mark.parametrize("lang, page", PAGES)
def test_pasted_blocks_run_and_print_what_the_page_shows(pasted, lang, page):
    for name, (group, results) in pasted[(lang, page)].items():
        for number, (block, result) in enumerate(zip(group, results), 1):
            where = f"{lang}/{page}, {name}.py, block {number} of {len(group)}"
            assert result["error"] is None, f"{where} failed when pasted:\n{block.code}\n{result['error']}"
            assert normalised(result["stdout"]) == normalised(block.output), f"{where} printed something else"
        assert len(results) == len(group)


def test_every_section_that_prints_shows_its_output(site):
    """Under each block, the output block holds what the build's run printed for that section."""
    for lang, page in PAGES:
        shown = blocks_of(built(site, lang, page))
        for block, (name, part) in zip(shown, md.shown_sections(md.source(lang, page))):
            printed = json.loads((blocks.BUILD / name / lang / "printed.json").read_text(encoding="utf-8"))
            assert normalised(block.output) == normalised(printed.get(part, "")), f"{lang}/{page}: {name}:{part}"


def include(name: str, part: str) -> str:
    return f'```python\n--8<-- "snippets/{name}.py:{part}"\n```\n'


def test_a_block_that_uses_a_name_no_earlier_block_defines_stops_the_build():
    # em_gmm_2d's check reads the runs that its fit section makes; a page that skips fit is broken.
    with pytest.raises(blocks.ContractError) as error:
        blocks.expand(include("em_gmm_2d", "steps") + include("em_gmm_2d", "check"), "en", "page.md")
    message = str(error.value)
    assert "page.md" in message and "snippets/em_gmm_2d.py" in message and "'check'" in message
    assert "finals" in message and "runs" in message


def test_sections_shown_out_of_file_order_stop_the_build():
    with pytest.raises(blocks.ContractError, match="'ex1' comes after 'ex2'"):
        blocks.expand(include("cnn_exercises", "ex2") + include("cnn_exercises", "ex1"), "en", "page.md")


def test_the_setup_is_shown_folded_before_a_snippets_first_block():
    expanded = blocks.expand(include("em_gmm_2d", "steps"), "zh", "page.md")
    assert expanded.startswith('??? setup "em_gmm_2d.py 的准备代码')
    assert expanded.index("import numpy as np") < expanded.index("def e_step")


def test_a_page_that_starts_further_into_a_snippet_shows_the_sections_before_it_folded():
    expanded = blocks.expand(include("em_gmm_2d", "fit"), "en", "page.md")
    fold, _, shown = expanded.partition('```python title="em_gmm_2d.py"\ndef fit(')
    assert fold.startswith('??? setup "em_gmm_2d.py setup, and the script\'s parts before this page\'s')
    assert fold.index("import numpy as np") < fold.index("def e_step"), "setup, then the steps section"
    assert shown and not shown.startswith("    "), "the page's own block comes after the fold, not in it"
