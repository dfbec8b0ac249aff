"""Run the snippets whose source changed since their last run, in both languages.

    python -m scripts.runner            run what is stale, print the timing table
    python -m scripts.runner --all      run every snippet again

A snippet is stale when the hash of its source, the pinned requirements and
this pipeline differs from the key stored beside its outputs. Stale snippets
run in children forked from one process that has imported numpy, torch and
matplotlib once, as many at a time as there are CPU cores, one child per
snippet. Each snippet runs once, in English; the cells that depend on the
language (scripts/cells.py finds them) run again in Chinese in a forked twin,
so both languages share one computation and their numbers are the same by
construction. On a machine with CUDA, where a process that has used the GPU
cannot fork, the snippet runs once per language instead (SNIPPETS=two-runs
asks for that everywhere; make bench compares the two). Per snippet,
build/snippets/NAME/LANG/ then holds the figures and numbers.json that the
snippet wrote, printed.json (what each page section printed) and
notebooks/NAME.ipynb, the executed notebook. A failing snippet removes its
old outputs and ends the run with its file, line and exception.
"""

import hashlib
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from scripts import cells

ROOT = Path(__file__).resolve().parents[1]
SNIPPETS = ROOT / "snippets"
BUILD = ROOT / "build" / "snippets"
LANGS = ("zh", "en")
KEYED_FILES = [ROOT / "requirements.txt", Path(__file__), Path(cells.__file__)]
SUMMARY = BUILD / "last-run.json"


class SnippetError(Exception):
    pass


def all_snippets() -> list[Path]:
    return sorted(SNIPPETS.glob("*.py"))


def key(snippet: Path) -> str:
    digest = hashlib.sha256()
    for path in [snippet, *KEYED_FILES]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def is_stale(snippet: Path) -> bool:
    stored = BUILD / snippet.stem / "key"
    return not stored.exists() or stored.read_text() != key(snippet)


def stale_snippets() -> list[Path]:
    return [s for s in all_snippets() if is_stale(s)]


def preload() -> None:
    """Pay the imports once in the parent, so that forked children start warm.

    Nothing here runs a torch kernel or touches CUDA: a process that has
    started OpenMP threads or a CUDA context cannot be forked safely.
    """
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["OMP_NUM_THREADS"] = "1"  # one thread per child; the children share the cores
    os.environ["SOURCE_DATE_EPOCH"] = "0"  # no build date inside SVG and PDF figures
    import matplotlib.pyplot  # noqa: F401
    import numpy  # noqa: F401
    import torch
    from matplotlib import font_manager

    font_manager.findfont("Noto Sans CJK SC")  # builds matplotlib's font cache once
    torch.optim.SGD([torch.nn.Parameter(torch.empty(1))], lr=0.1)  # the first optimizer's lazy imports
    torch.broadcast_shapes((1,), (1,))  # imports sympy, as torch.distributions does on first use


def _cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (the twins)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _execute(snippet: Path, folders: dict[str, Path]) -> dict:
    """Both languages' notebooks and printed sections, from one run where the process may fork."""
    import torch

    os.environ.update(SNIPPET_LANG="en", SNIPPET_OUT=str(folders["en"]))
    if not torch.cuda.is_available() and os.environ.get("SNIPPETS") != "two-runs":
        return cells.execute(snippet, twin=("zh", folders["zh"]))
    runs = cells.execute(snippet)
    os.environ.update(SNIPPET_LANG="zh", SNIPPET_OUT=str(folders["zh"]))
    return runs | cells.execute(snippet)


def _child(snippet: Path, new: Path) -> None:
    """Runs in the forked child: execute the snippet, write both languages' outputs and a result file."""
    result = {}
    try:
        folders = {lang: new / lang for lang in LANGS}
        for folder in folders.values():
            folder.mkdir(parents=True)
        os.chdir(folders["en"])
        import matplotlib
        import nbformat

        matplotlib.rcParams["svg.hashsalt"] = snippet.stem  # stable ids inside SVG files
        started = _cpu_seconds()  # CPU seconds: what the snippet costs, whatever else runs
        runs = _execute(snippet, folders)
        result["seconds"] = _cpu_seconds() - started
        for lang, (notebook, printed) in runs.items():
            (folders[lang] / "printed.json").write_text(json.dumps(printed, indent=1, ensure_ascii=False))
            (folders[lang] / "notebooks").mkdir()
            nbformat.write(notebook, folders[lang] / "notebooks" / f"{snippet.stem}.ipynb")
        for path in folders["en"].iterdir():  # files of cells that do not depend on the language
            if path.is_file() and not (folders["zh"] / path.name).exists():
                shutil.copy2(path, folders["zh"] / path.name)
    except BaseException as error:  # noqa: BLE001 - everything must reach the parent
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(snippet)]
        line = frames[-1].lineno if frames else 0
        result["error"] = f"{snippet.relative_to(ROOT)}:{line}: {type(error).__name__}: {error}"
        shown = traceback.format_list(frames) + traceback.format_exception_only(error)
        result["traceback"] = "Traceback (the snippet's own lines):\n" + "".join(shown)
    (new / "result.json").write_text(json.dumps(result))


def _run_jobs(snippets: list[Path]) -> dict[str, dict]:
    """Fork one child per snippet, at most one per CPU core at a time."""
    jobs = list(snippets)
    workers = max(1, os.cpu_count() or 1)
    running = {}
    for snippet in snippets:
        shutil.rmtree(BUILD / f"{snippet.stem}.new", ignore_errors=True)
    while jobs or running:
        while jobs and len(running) < workers:
            snippet = jobs.pop(0)
            pid = os.fork()
            if pid == 0:
                try:
                    _child(snippet, BUILD / f"{snippet.stem}.new")
                finally:
                    os._exit(0)
            running[pid] = snippet
        pid, _ = os.wait()
        running.pop(pid)
    return {s.stem: _collect(s) for s in snippets}


def _collect(snippet: Path) -> dict:
    """Move a snippet's new outputs into place, or remove all of them if it failed."""
    new, final = BUILD / f"{snippet.stem}.new", BUILD / snippet.stem
    result_file = new / "result.json"
    result = (json.loads(result_file.read_text()) if result_file.exists() else
              {"error": f"{snippet.relative_to(ROOT)}: the run crashed before reporting"})
    shutil.rmtree(final, ignore_errors=True)
    if "error" in result:
        shutil.rmtree(new, ignore_errors=True)
        return {"errors": [result]}
    result_file.unlink()
    seconds = round(result["seconds"], 3)
    (new / "timing.json").write_text(json.dumps({"cpu_seconds": seconds}))
    (new / "key").write_text(key(snippet))
    new.rename(final)
    return {"seconds": seconds}


def run(force: bool = False) -> dict:
    """Run what is stale (everything with force); return {name: result}; raise SnippetError on failure."""
    todo = all_snippets() if force else stale_snippets()
    BUILD.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = {}
    if todo:
        preload()
        results = _run_jobs(todo)
    wall = time.perf_counter() - started
    rows = [(s.stem, results.get(s.stem)) for s in all_snippets()]
    _print_table(rows, wall)
    ran = {name: r["seconds"] for name, r in results.items() if "seconds" in r}
    SUMMARY.write_text(json.dumps({"ran": ran, "wall_seconds": round(wall, 3)}, indent=1))
    errors = {e["error"]: e for r in results.values() for e in r.get("errors", [])}
    if errors:
        for e in errors.values():
            print(e.get("traceback", ""), file=sys.stderr)
        raise SnippetError("\n".join(errors))
    return results


def _print_table(rows, wall: float) -> None:
    print(f"{'snippet':<28} {'cpu s':>8}  status")
    for name, result in rows:
        if result is None:
            print(f"{name:<28} {'':>8}  cached")
        elif "seconds" in result:
            print(f"{name:<28} {result['seconds']:>8.2f}  run")
        else:
            print(f"{name:<28} {'':>8}  FAILED")
    print(f"snippets: {sum(r is not None for _, r in rows)} run, "
          f"{sum(r is None for _, r in rows)} cached, {wall:.2f} s")


if __name__ == "__main__":
    try:
        run(force="--all" in sys.argv[1:])
    except SnippetError as error:
        print(f"snippet failed:\n{error}", file=sys.stderr)
        sys.exit(1)
