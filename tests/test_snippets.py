"""The snippets run on their own as a reader would run them; the runner's cache runs each one
only when it changed; a broken snippet fails the build naming its file and line. A cold run of
the Chinese scripts (comments translated, scripts/messages.py) gives byte-identical figures and
the same numbers and printed output as the build's run of the English ones."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from PIL import Image

from scripts import runner
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


def _copy_project(destination: Path) -> Path:
    """The project's own files in a temporary folder, sharing the set-up (.venv, node_modules)."""
    skip = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", "build", "__pycache__", ".pytest_cache", "out")
    shutil.copytree(runner.ROOT, destination, ignore=skip)
    (destination / "node_modules").symlink_to(runner.ROOT / "node_modules")
    return destination


def _runner_in(project: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scripts.runner"], cwd=project, capture_output=True, text=True)


def _ran(project: Path) -> set[str]:
    return set(json.loads((project / "build" / "snippets" / "last-run.json").read_text())["ran"])


@pytest.fixture(scope="module")
def cold_copy(tmp_path_factory, site):
    """A copy of the project whose snippets, replaced by their Chinese versions (the downloads of
    the Chinese site), have been run once, from nothing."""
    project = _copy_project(tmp_path_factory.mktemp("cold") / "project")
    for name in SNIPPETS:
        (project / "snippets" / f"{name}.py").write_text((site / "snippets" / f"{name}.py").read_text())
    done = _runner_in(project)
    assert done.returncode == 0, done.stderr
    assert _ran(project) == set(SNIPPETS)
    return project


def test_cold_runs_give_byte_identical_figures(cold_copy):
    compared = 0
    for name in SNIPPETS:
        for lang in runner.LANGS:
            for figure in (runner.BUILD / name / lang).iterdir():
                if figure.suffix in FIGURE_SUFFIXES:
                    again = cold_copy / "build" / "snippets" / name / lang / figure.name
                    assert again.read_bytes() == figure.read_bytes(), f"{name}/{lang}/{figure.name} differs"
                    compared += 1
    assert compared >= len(SNIPPETS)


TIMES = re.compile(r"[\d.]+ ms\b")  # q_gan_freeze prints how long steps took: never the same twice


def _stdout(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return TIMES.sub("… ms", "".join("".join(output["text"]) for cell in cells for output in cell.get("outputs", [])
                                     if output.get("name") == "stdout"))


def test_chinese_scripts_compute_and_print_what_the_english_ones_do(cold_copy):
    for name in SNIPPETS:
        for lang in runner.LANGS:
            build, cold = runner.BUILD / name / lang, cold_copy / "build" / "snippets" / name / lang
            for file in ("numbers.json", "printed.json"):
                if (build / file).exists():
                    assert (cold / file).read_text() == (build / file).read_text(), f"{name}/{lang}/{file} differs"
            notebook = Path("notebooks") / f"{name}.ipynb"
            assert _stdout(cold / notebook) == _stdout(build / notebook), f"{name} ({lang}) printed something else"


def test_second_run_runs_nothing_and_an_edit_reruns_only_that_snippet(cold_copy):
    assert _runner_in(cold_copy).returncode == 0
    assert _ran(cold_copy) == set()
    edited = cold_copy / "snippets" / f"{SNIPPETS[0]}.py"
    edited.write_text(edited.read_text() + "\n# an edit\n")
    assert _runner_in(cold_copy).returncode == 0
    assert _ran(cold_copy) == {SNIPPETS[0]}


def test_broken_snippet_fails_the_build_naming_file_and_line(cold_copy):
    victim = cold_copy / "snippets" / f"{SNIPPETS[-1]}.py"
    original = victim.read_text()
    victim.write_text(original + "\n# %%\nvalues = [1, 2, 3]\nprint(values[10])\n")
    failing_line = len(original.splitlines()) + 4
    try:
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=cold_copy,
                              capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    finally:
        victim.write_text(original)
    assert done.returncode != 0
    assert f"snippets/{SNIPPETS[-1]}.py:{failing_line}: IndexError: list index out of range" in done.stderr
    assert not (cold_copy / "build" / "snippets" / SNIPPETS[-1]).exists(), "the failed snippet's old outputs remain"
