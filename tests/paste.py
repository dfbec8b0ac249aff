"""What a reader does with code from the site: run it in a fresh Python, in an empty folder.

    python tests/paste.py JOBS.json RESULTS.json      (or run_jobs() from a test)

Each job is {"folder": an empty folder, "blocks": [code, ...], "name": how tracebacks call the
blocks}: the blocks run one after another in one namespace, as a notebook or an interactive
session runs what a reader pastes; a whole script is a job with one block. Each result is
{"blocks": [{"stdout": what the block printed, "error": its traceback or null}, ...]}; a job
stops at its first error.

This process imports numpy, torch and matplotlib once and forks one child per job, as many at
a time as there are cores: each child starts with those modules imported and nothing else, as
if its Python had just imported them, and the jobs do not pay the imports again. No kernel runs
before the fork, so the environment the caller sets (ATEN_CPU_CAPABILITY, OMP_NUM_THREADS)
decides how the jobs compute, as it would for `python script.py`.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path


def run_job(job: dict) -> dict:
    """In the forked child: the job's blocks in one fresh namespace, in the job's folder."""
    os.chdir(job["folder"])
    namespace = {"__name__": "__main__"}
    results = []
    for number, code in enumerate(job["blocks"], 1):
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(code, job["name"].format(number=number), "exec"), namespace)
        except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
            results.append({"stdout": printed.getvalue(), "error": traceback.format_exc()})
            break
        results.append({"stdout": printed.getvalue(), "error": None})
    return {"blocks": results}


def run_jobs(jobs: list[dict], **env: str) -> list[dict]:
    """The jobs' results, from a fresh process of this script with the SNIPPET_ variables unset,
    MPLBACKEND=Agg, one thread per job as in the runner, and `env` on top."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SNIPPET_")}
    environment.update(OMP_NUM_THREADS="1", MPLBACKEND="Agg", **env)
    with tempfile.TemporaryDirectory() as folder:
        given, taken = Path(folder, "jobs.json"), Path(folder, "results.json")
        given.write_text(json.dumps(jobs), encoding="utf-8")
        done = subprocess.run([sys.executable, __file__, str(given), str(taken)], env=environment,
                              capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(taken.read_text(encoding="utf-8"))


def main(jobs_file: str, results_file: str) -> None:
    jobs = json.loads(Path(jobs_file).read_text(encoding="utf-8"))
    import matplotlib.pyplot  # noqa: F401 - paid once, before the forks
    import numpy  # noqa: F401
    import torch  # noqa: F401

    reports = tempfile.mkdtemp()
    running, pending = {}, list(enumerate(jobs))
    while pending or running:
        while pending and len(running) < (os.cpu_count() or 1):
            index, job = pending.pop(0)
            pid = os.fork()
            if pid == 0:
                try:
                    result = run_job(job)
                except BaseException:  # noqa: BLE001
                    result = {"blocks": [{"stdout": "", "error": traceback.format_exc()}]}
                Path(reports, f"{index}.json").write_text(json.dumps(result), encoding="utf-8")
                os._exit(0)
            running[pid] = index
        pid, _ = os.wait()
        running.pop(pid)
    results = []
    for index in range(len(jobs)):
        path = os.path.join(reports, f"{index}.json")
        crashed = {"blocks": [{"stdout": "", "error": "the Python running this job crashed"}]}
        results.append(json.loads(Path(path).read_text(encoding="utf-8")) if os.path.exists(path) else crashed)
    Path(results_file).write_text(json.dumps(results), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
