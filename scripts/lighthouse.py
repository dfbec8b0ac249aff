"""Lighthouse (pinned in package-lock.json) on the built site, as a reader's phone and desktop meet it.

The site is served as `make serve` serves it (scripts/site_server.py: gzip, 127.0.0.1), and
Lighthouse opens each page in Debian's Chromium with its default mobile preset (a mid-range
phone on a slow 4G network, CPU slowed down 4×, simulated) and with its desktop preset. It
reports, per page and preset: the performance and accessibility scores, Largest Contentful
Paint, Total Blocking Time, Cumulative Layout Shift and the number of DOM elements.

    python -m scripts.lighthouse [--runs N] [--preset mobile|desktop] [PAGE ...]
        e.g. `mle-em/m-em/ en/mle-em/m-em/`; by default chapter_pages(), both presets

One run of a page can differ from the next by 10 points or more on a machine with two shared cores
(Chromium's tasks take longer when other processes run, and Lighthouse multiplies them by four);
with --runs N (odd) each row is the run with the median performance score, as Lighthouse's own
advice on variability suggests, and the row shows the N scores.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scripts import chromium, pdf, site_server

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
NOTEBOOK = "notebooks/q_gan_train/"  # the notebook page whose figures weigh the most
PRESETS = ("mobile", "desktop")
# Headless Chromium sometimes withholds frames from a page while it loads (viz throttles a frame
# sink it takes for unresponsive; GoogleChrome/lighthouse#17148). The first paint then comes 1 to 2 s
# after the page has loaded, with nothing running, and Lighthouse's simulation counts everything that
# happened before it as needed for it. With no frame-rate limit every frame is sent: on
# meeting-questions/q-losses/ the first paint came at 188-392 ms in 4 runs, against 1,299-2,277 ms in
# 3 runs without the flag (load at 670-1,080 ms in all 7).
HEADLESS_PAINT = ["--disable-frame-rate-limit"]


@dataclass
class Report:
    performance: int  # scores out of 100
    accessibility: int
    lcp_s: float
    tbt_ms: float
    cls: float
    dom: int


def available() -> bool:
    return chromium.available() and CLI.exists()


def run(url: str, preset: str) -> Report:
    """One Lighthouse run of `url` with the "mobile" (Lighthouse's default) or "desktop" preset."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        command = ["node", str(CLI), url, "--quiet", "--output=json", f"--output-path={report}",
                   "--only-categories=performance,accessibility", "--no-enable-error-reporting",
                   "--chrome-flags=" + " ".join(["--headless=new", *chromium.FLAGS, *HEADLESS_PAINT])]
        if preset == "desktop":
            command.append("--preset=desktop")
        # Lighthouse's Chrome launcher keeps its profile in a temporary folder of its own.
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chromium.EXECUTABLE})
        data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return Report(
        performance=round(100 * data["categories"]["performance"]["score"]),
        accessibility=round(100 * data["categories"]["accessibility"]["score"]),
        lcp_s=audits["largest-contentful-paint"]["numericValue"] / 1000,
        tbt_ms=audits["total-blocking-time"]["numericValue"],
        cls=audits["cumulative-layout-shift"]["numericValue"],
        dom=int(audits["dom-size"]["numericValue"]),
    )


HEADER = f"{'page':<38} {'preset':<8} {'perf':>4} {'a11y':>4} {'LCP s':>6} {'TBT ms':>7} {'CLS':>6} {'DOM':>6}"


def row(page: str, preset: str, report: Report, scores: Sequence[int] = ()) -> str:
    return (f"{page or '(home)':<38} {preset:<8} {report.performance:>4} {report.accessibility:>4} "
            f"{report.lcp_s:>6.1f} {report.tbt_ms:>7.0f} {report.cls:>6.3f} {report.dom:>6}"
            + (f"  runs {', '.join(map(str, scores))}" if len(scores) > 1 else ""))


def median_run(url: str, preset: str, runs: int) -> tuple[Report, list[int]]:
    """`runs` runs of one page: the run with the median performance score, and every run's score."""
    reports = sorted((run(url, preset) for _ in range(runs)), key=lambda report: report.performance)
    return reports[len(reports) // 2], [report.performance for report in reports]


def chapter_pages() -> list[str]:
    """Every page of every chapter (its first page and the pages under it) in both languages, as the
    built site's navigation lists them, and NOTEBOOK."""
    pages = [f"{page}/" for folder, _, under in pdf.nav(ROOT / "site") if under
             for page in (folder, *(p for p, _ in under))]
    return [*pages, *(f"en/{page}" for page in pages), NOTEBOOK]


def print_table(pages=None, presets=PRESETS, runs: int = 1) -> dict[tuple[str, str], Report]:
    """Run every page with every preset against site/, `runs` times, printing one row (the median
    run) as each page and preset ends."""
    reports = {}
    print(HEADER, flush=True)
    with site_server.serve(ROOT / "site") as base:
        for page in pages or chapter_pages():
            for preset in presets:
                reports[page, preset], scores = median_run(base + page, preset, runs)
                print(row(page, preset, reports[page, preset], scores), flush=True)
    return reports


if __name__ == "__main__":
    if not available():
        sys.exit("Lighthouse needs Chromium (Debian's chromium) and node_modules (npm ci)")
    parser = argparse.ArgumentParser(description="Lighthouse on pages of the built site (site/)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page and preset (odd); each row is the median run")
    parser.add_argument("--preset", choices=PRESETS, action="append", help="only this preset (default: both)")
    parser.add_argument("pages", nargs="*", help="e.g. mle-em/m-em/ en/mle-em/m-em/ (default: every chapter page)")
    arguments = parser.parse_args()
    if arguments.runs < 1 or arguments.runs % 2 == 0:
        parser.error("--runs takes an odd number, so that one run is the median")
    print_table(arguments.pages, tuple(arguments.preset or PRESETS), arguments.runs)
