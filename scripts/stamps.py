"""Outputs rebuilt only when their inputs changed: each output is keyed by a hash of what it is
made from, like the snippets (scripts/runner.py), and the key is kept in build/stamps/NAME."""

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMPS = ROOT / "build" / "stamps"
IGNORED = {"__pycache__", ".pytest_cache"}


def digest(*sources: Path | str, root: Path = ROOT) -> str:
    """A hash of files (folders: every file below them, by path relative to `root`) and strings
    (other keys)."""
    hasher = hashlib.sha256()
    for source in sources:
        if isinstance(source, str):
            hasher.update(source.encode())
            continue
        files = sorted(p for p in source.rglob("*") if p.is_file() and not IGNORED & set(p.parts)) \
            if source.is_dir() else [source]
        for path in files:
            hasher.update(path.relative_to(root).as_posix().encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def fresh(name: str, key: str, *outputs: Path) -> bool:
    """True when the outputs exist and were made from inputs with this key."""
    stamp = STAMPS / name
    return all(path.exists() for path in outputs) and stamp.exists() and stamp.read_text() == key


def record(name: str, key: str) -> None:
    STAMPS.mkdir(parents=True, exist_ok=True)
    (STAMPS / name).write_text(key)


def forget(name: str) -> None:
    (STAMPS / name).unlink(missing_ok=True)
