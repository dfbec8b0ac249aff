"""Shared fixtures: the built site (both languages), built once per test session, and the two
kernel sets that every chapter's claims are checked on.

pytest.ini runs the test files side by side, one pytest-xdist worker per core, each file on
one worker. What several files share (the build, the standalone runs) is made once by the
first worker that needs it and read by the others (`once`)."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

from scripts import build, chromium, epub, offline, pdf, runner, stamps
from scripts.site_server import serve
from tests import paste

# The build runs on this CPU's vector kernels (AVX-512, AVX2, NEON...). PyTorch picks its CPU
# kernels by ATEN_CPU_CAPABILITY; "default" is the portable set, with other rounding, which
# training magnifies: a claim that holds on both sets is not an accident of one machine.
KERNELS = ("native", "default")


@dataclass
class Build:
    site: Path
    network_cut: bool  # whether it ran in a network namespace of its own, with no way out
    log: str  # what it printed: one line per output, saying whether it was made or reused


def session_folder(tmp_path_factory) -> Path:
    """A folder of this test session that all its workers see."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


def once(tmp_path_factory, name: str, make):
    """make() -> a JSON value, called by the first worker of the session that asks for `name`;
    the others wait for it and read what it returned."""
    folder = session_folder(tmp_path_factory)
    result = folder / f"{name}.json"
    with FileLock(folder / f"{name}.lock"):
        if not result.exists():
            result.write_text(json.dumps(make()), encoding="utf-8")
        return json.loads(result.read_text(encoding="utf-8"))


def _build_everything() -> dict:
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-n", "true"], capture_output=True).returncode:
        build.build_all()
        return {"network_cut": False, "log": ""}
    for lang in pdf.EDITIONS:
        stamps.forget(f"pdf-{lang}")
        (epub.BUILD / f"{lang}.key").unlink(missing_ok=True)
    done = subprocess.run([unshare, "-n", sys.executable, "-m", "scripts.build"], cwd=build.ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return {"network_cut": True, "log": done.stdout}


@pytest.fixture(scope="session")
def site_build(tmp_path_factory) -> Build:
    """Build everything with --strict (running any stale snippet): both languages, the PDFs, the
    EPUBs and the offline edition. Where this machine can cut the network off (unshare -n, as
    root), the build runs that way, with the PDFs and EPUBs made again from nothing, so that the
    tests know they need no network."""
    return Build(build.ROOT / "site", **once(tmp_path_factory, "site_build", _build_everything))


@pytest.fixture(scope="session")
def site(site_build) -> Path:
    """site/, built (site_build)."""
    return site_build.site


@pytest.fixture(scope="session")
def standalone_runs(tmp_path_factory) -> dict[str, tuple[str | None, Path]]:
    """What a reader does: every snippet run on its own with defaults (English labels, ./out), in
    a fresh Python from an empty folder (tests/paste.py), here on PyTorch's portable kernels,
    one thread each as in the runner, as many at a time as there are cores:
    {name: (its traceback, or None when it ran through, its out/ folder)}."""
    def run_all() -> dict[str, list]:
        names = [path.stem for path in runner.all_snippets()]
        folders = {name: session_folder(tmp_path_factory) / "standalone" / name for name in ["probe", *names]}
        for folder in folders.values():
            folder.mkdir(parents=True)
        probe = {"folder": str(folders["probe"]), "name": "<probe>",
                 "blocks": ["import torch\nprint(torch.backends.cpu.get_cpu_capability())"]}
        jobs = [probe] + [{"folder": str(folders[name]), "name": f"{name}.py",
                           "blocks": [(runner.SNIPPETS / f"{name}.py").read_text(encoding="utf-8")]}
                          for name in names]
        results = paste.run_jobs(jobs, ATEN_CPU_CAPABILITY="default")
        assert results[0]["blocks"][0]["stdout"].strip() == "DEFAULT", f"not the portable kernels: {results[0]}"
        return {name: [result["blocks"][0]["error"], str(folders[name] / "out")]
                for name, result in zip(names, results[1:])}

    runs = once(tmp_path_factory, "standalone_runs", run_all)
    return {name: (error, Path(out)) for name, (error, out) in runs.items()}


@pytest.fixture(scope="session", params=KERNELS)
def kernel_run(request, site):
    """kernel_run(name) -> the folder where snippet NAME wrote numbers.json and its tables, in English:
    the build's run on this CPU's own kernels, or a reader's run of the script on the portable ones."""
    if request.param == "native":
        return lambda name: runner.BUILD / name / "en"
    runs = request.getfixturevalue("standalone_runs")

    def folder(name: str) -> Path:
        error, out = runs[name]
        assert error is None, f"snippets/{name}.py failed on its own:\n{error[-3000:]}"
        return out

    return folder


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, through Playwright (the browser test modules call require_chromium first)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_url(site):
    """The built site served on 127.0.0.1 at a free port, as 'http://127.0.0.1:PORT/'."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def unzipped(site, tmp_path_factory) -> Path:
    """The offline edition as a reader unzips it."""
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(offline.ZIP) as archive:
        archive.extractall(folder)
    return folder / offline.NAME


# The files that take longest start first (pytest.ini turns off xdist's own order, the file with
# most tests first). xdist gives each worker one file to start, and each next file to the first
# worker with at most two tests left: test_browser_zh.py makes the build, which it needs before
# its visit of the Chinese pages, while test_snippets.py makes the standalone runs of the
# snippets; the worker that ends first, test_snippets.py's, then visits the English pages.
FIRST = ("test_browser_zh.py", "test_snippets.py", "test_browser_en.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: FIRST.index(item.path.name) if item.path.name in FIRST else len(FIRST))


FILE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Time per test file, set-up of shared fixtures included (charged to the first test using them;
    a worker that waited for another's build charges its wait)."""
    file = report.nodeid.split("::")[0]
    FILE_SECONDS[file] = FILE_SECONDS.get(file, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if FILE_SECONDS:
        terminalreporter.section("time by file")
        for file, seconds in sorted(FILE_SECONDS.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{seconds:8.1f} s  {file}")
        workers = terminalreporter.config.getoption("numprocesses", None)
        summed = f", summed over {workers} workers" if workers else ""
        terminalreporter.write_line(f"{sum(FILE_SECONDS.values()):8.1f} s  in all{summed}")
