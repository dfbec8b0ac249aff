"""How long `make live` takes from saving a page to serving the new version (make bench).

It starts `mkdocs serve --dirty` as `make live` does, waits for the first build, then appends a
line to a page several times and polls the served page until the line is there: the time a
writer waits before the browser can show the edit (the reload itself adds a page load).
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _served(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait_for(url: str, text: str, limit: float) -> float:
    started = time.perf_counter()
    while text not in _served(url):
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"{url} did not show {text!r} within {limit:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def edit_to_served(page: str = "train-eval-batchnorm/practice", config: str = "mkdocs.yml", repeats: int = 3) -> list[float]:
    """Seconds from each save of docs/zh/PAGE.md to its new version being served."""
    source = ROOT / "docs" / "zh" / f"{page}.md"
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{page}/"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-f", config, "-a", f"127.0.0.1:{port}"],
                              cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    original = source.read_text(encoding="utf-8")
    try:
        _wait_for(url, "</html>", 600)
        times = []
        for number in range(repeats):
            time.sleep(1.5)  # let the watcher settle after the previous rebuild
            marker = f"live-reload-probe-{number}-{time.time_ns()}"
            source.write_text(f"{original}\n{marker}\n", encoding="utf-8")
            times.append(_wait_for(url, marker, 120))
        return times
    finally:
        source.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait()


if __name__ == "__main__":
    print(" ".join(f"{seconds:.2f}" for seconds in edit_to_served()))
