"""Shared fixtures: the built site (both languages), built once per test session, and the two
kernel sets that every chapter's claims are checked on."""

import os
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from scripts import build, offline, runner

# The build runs on this CPU's vector kernels (AVX-512, AVX2, NEON...). PyTorch picks its CPU
# kernels by ATEN_CPU_CAPABILITY; "default" is the portable set, with other rounding, which
# training magnifies: a claim that holds on both sets is not an accident of one machine.
KERNELS = ("native", "default")


@pytest.fixture(scope="session")
def site():
    """Build everything with --strict (running any stale snippet): both languages, the PDFs and
    the offline edition; return site/."""
    build.build_all()
    return build.ROOT / "site"


def run_by_hand(name: str, workdir: Path) -> subprocess.CompletedProcess:
    """What a reader does: copy the script somewhere empty and run it with defaults (English labels,
    ./out), here on PyTorch's portable kernels, one thread as in the runner."""
    shutil.copy(runner.SNIPPETS / f"{name}.py", workdir)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SNIPPET_")}
    env.update(OMP_NUM_THREADS="1", MPLBACKEND="Agg", ATEN_CPU_CAPABILITY="default")
    return subprocess.run([sys.executable, f"{name}.py"], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def standalone_runs(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Every snippet run once on its own, in a fresh process from an empty folder, with the portable
    kernels, as many at a time as there are cores: {name: (the process, its out/ folder)}."""
    names = [path.stem for path in runner.all_snippets()]
    folders = {name: tmp_path_factory.mktemp(name) for name in names}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        done = dict(zip(names, pool.map(lambda name: run_by_hand(name, folders[name]), names)))
    return {name: (done[name], folders[name] / "out") for name in names}


@pytest.fixture(scope="session", params=KERNELS)
def kernel_run(request, site):
    """kernel_run(name) -> the folder where snippet NAME wrote numbers.json and its tables, in English:
    the build's run on this CPU's own kernels, or a reader's run of the script on the portable ones."""
    if request.param == "native":
        return lambda name: runner.BUILD / name / "en"
    runs = request.getfixturevalue("standalone_runs")

    def folder(name: str) -> Path:
        process, out = runs[name]
        assert process.returncode == 0, f"snippets/{name}.py failed on its own:\n{process.stderr[-3000:]}"
        return out

    return folder


@pytest.fixture(scope="session")
def unzipped(site, tmp_path_factory) -> Path:
    """The offline edition as a reader unzips it."""
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(offline.ZIP) as archive:
        archive.extractall(folder)
    return folder / offline.NAME


FILE_SECONDS: dict[str, float] = {}


def pytest_runtest_logreport(report):
    """Time per test file, set-up of shared fixtures included (charged to the first test using them)."""
    file = report.nodeid.split("::")[0]
    FILE_SECONDS[file] = FILE_SECONDS.get(file, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if FILE_SECONDS:
        terminalreporter.section("time by file")
        for file, seconds in sorted(FILE_SECONDS.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{seconds:8.1f} s  {file}")
        terminalreporter.write_line(f"{sum(FILE_SECONDS.values()):8.1f} s  in all")
