"""The snippets run on their own as a reader would run them; the runner's cache runs each one
only when it changed, and a run of an edited one from nothing writes the build's bytes again; a
broken snippet fails the build naming its file and line. (That the Chinese scripts compute what
the English ones do: tests/test_messages.py finds them the same programs.)"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from scripts import runner
from tests import copies
from tests import markdown_facts as md

SNIPPETS = [path.stem for path in runner.all_snippets()]
FIGURE_SUFFIXES = (".svg", ".png")


def declared_figures(name: str) -> set[str]:
    """The files of snippet NAME that the pages show (figures/NAME/FILE)."""
    return {ref.split("/", 2)[2] for ref in md.figures(md.all_sources()) if ref.split("/")[1] == name}


def declared_numbers(name: str) -> set[str]:
    return {key for snippet, key in md.placeholders(md.all_sources()) if snippet == name}


def assert_valid_figure(path: Path) -> None:
    assert path.stat().st_size > 0, f"{path} is empty"
    if path.suffix == ".svg":
        root = ElementTree.parse(path).getroot()
        assert root.tag.endswith("svg") and len(root), f"{path} is not a drawing"
    else:
        with Image.open(path) as image:
            image.verify()
            assert image.width > 0 and image.height > 0


@pytest.mark.parametrize("name", SNIPPETS)
def test_snippet_runs_standalone_and_writes_what_pages_use(name, standalone_runs, site):
    error, out = standalone_runs[name]
    assert error is None, f"snippets/{name}.py failed on its own:\n{error[-3000:]}"
    for figure in declared_figures(name):
        assert (out / figure).exists(), f"snippets/{name}.py did not write {figure}"
        assert_valid_figure(out / figure)
    wanted = declared_numbers(name)
    if wanted:
        written = json.loads((out / "numbers.json").read_text())
        assert wanted <= written.keys(), f"snippets/{name}.py lacks numbers {sorted(wanted - written.keys())}"


@pytest.mark.parametrize("name", SNIPPETS)
def test_built_outputs_are_valid_and_figures_speak_their_language(name, site):
    for lang in runner.LANGS:
        folder = runner.BUILD / name / lang
        assert (folder / "notebooks" / f"{name}.ipynb").exists()
        for figure in folder.iterdir():
            if figure.suffix in FIGURE_SUFFIXES:
                assert_valid_figure(figure)
    # One run draws both languages (scripts/runner.py): every figure a page shows has words in it,
    # so the Chinese file must differ from the English one, or a cell was not run in Chinese.
    for figure in declared_figures(name):
        zh, en = (runner.BUILD / name / lang / figure for lang in ("zh", "en"))
        assert zh.read_bytes() != en.read_bytes(), f"{name}/zh/{figure} is the English figure"


def _runner_in(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.runner"], cwd=project, capture_output=True, text=True)


def _ran(project: Path) -> set[str]:
    return set(json.loads((project / "build" / "snippets" / "last-run.json").read_text())["ran"])


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory, site):
    """A copy of the project with the build's snippet outputs and cache, as the next build finds them."""
    return copies.project(tmp_path_factory.mktemp("copy") / "project", build=("snippets",))


TIMES = re.compile(r"[\d.]+ ms\b")  # q_gan_freeze prints how long steps took: never the same twice
RERUN = "var_sd_bias"  # seeded random draws, a figure in each language, two seconds of compute


def _stdout(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return TIMES.sub("… ms", "".join("".join(output["text"]) for cell in cells for output in cell.get("outputs", [])
                                     if output.get("name") == "stdout"))


def test_second_run_runs_nothing_and_an_edited_snippet_runs_again_to_the_same_bytes(project_copy):
    assert _runner_in(project_copy).returncode == 0
    assert _ran(project_copy) == set()
    edited = project_copy / "snippets" / f"{RERUN}.py"
    edited.write_text(edited.read_text() + "\n# an edit\n")
    assert _runner_in(project_copy).returncode == 0
    assert _ran(project_copy) == {RERUN}
    # Its run, from nothing in a fresh process, writes what the build's did, byte for byte.
    compared = 0
    for lang in runner.LANGS:
        build, again = runner.BUILD / RERUN / lang, project_copy / "build" / "snippets" / RERUN / lang
        for file in build.iterdir():
            if file.is_file():
                assert (again / file.name).read_bytes() == file.read_bytes(), f"{RERUN}/{lang}/{file.name} differs"
                compared += file.suffix in FIGURE_SUFFIXES
        notebook = Path("notebooks") / f"{RERUN}.ipynb"
        assert _stdout(again / notebook) == _stdout(build / notebook), f"{RERUN} ({lang}) printed something else"
    assert compared >= 2, "no figure to compare"


def test_broken_snippet_fails_the_build_naming_file_and_line(project_copy):
    victim = project_copy / "snippets" / f"{SNIPPETS[-1]}.py"
    original = victim.read_text()
    victim.write_text(original + "\n# %%\nvalues = [1, 2, 3]\nprint(values[10])\n")
    failing_line = len(original.splitlines()) + 4
    try:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project_copy,
                              capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    finally:
        victim.write_text(original)
    assert done.returncode != 0
    assert f"snippets/{SNIPPETS[-1]}.py:{failing_line}: IndexError: list index out of range" in done.stderr
    assert not (project_copy / "build" / "snippets" / SNIPPETS[-1]).exists(), "the failed snippet's old outputs remain"
