"""A copy of the project in a temporary folder, for tests that run snippets or build there while
other test files read the real site and build/ at the same time."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", "build", "__pycache__", ".pytest_cache", "out")


def project(destination: Path, build: tuple[str, ...] = (), site: bool = False) -> Path:
    """The project's own files at `destination`, sharing the set-up (.venv, node_modules), with
    the folders of build/ named in `build` and, with `site`, the built site."""
    shutil.copytree(ROOT, destination, ignore=SKIP)
    (destination / "node_modules").symlink_to(ROOT / "node_modules")
    for name in build:
        shutil.copytree(ROOT / "build" / name, destination / "build" / name)
    if site:
        shutil.copytree(ROOT / "site", destination / "site")
    return destination
