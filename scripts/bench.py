"""make bench: how long the builds take, and where the time goes; how heavy the pages are.

Builds both languages several ways and prints one table: a cold build (no
snippet outputs, no notebook cache), make build's site stage after a prose-only edit to an
English page (the Chinese site is reused) and to a page in each language, a
build that skips the snippet stage (SNIPPETS=skip), a build after editing one
snippet, the snippets' own compute time from the cold run (CPU seconds), the time to
print both PDFs from the built site, a whole `make build` when nothing changed, and make live's
time from saving a page to serving it (scripts/reload_timer.py). The cold build is compared
with one in the design before, where each language ran every snippet (SNIPPETS=two-runs). Then
the bytes a first visit transfers for the heaviest page of the built site, by kind
(scripts/page_weight.py), and Lighthouse's scores and timings for every chapter of both
languages and one notebook page, on a phone and on a desktop (scripts/lighthouse.py), which
takes over two hours; `python -m scripts.bench --no-lighthouse` leaves it out.
"""

import contextlib
import json
import os
import shutil
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from scripts import build, chromium, lighthouse, page_weight, pdf, reload_timer, runner, stamps

PROSE_PAGES = {lang: build.ROOT / "docs" / lang / "index.md" for lang in build.CONFIGS}
WEIGHT_TARGET_KB = 1500


@contextmanager
def appended(path: Path, text: str):
    original = path.read_text(encoding="utf-8")
    path.write_text(original + text, encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")


def key_times() -> dict[str, float]:
    return {p.parent.name: p.stat().st_mtime_ns for p in runner.BUILD.glob("*/key")}


def timed_build(**env) -> tuple[float, int]:
    """Seconds for both languages, and how many snippets ran."""
    before = key_times()
    os.environ.update(env)
    started = time.perf_counter()
    try:
        build.build_sites()
    finally:
        for name in env:
            os.environ.pop(name)
    seconds = time.perf_counter() - started
    after = key_times()
    return seconds, sum(after.get(name) != before.get(name) for name in after)


def prose_edit(langs: tuple[str, ...], repeats: int = 3) -> tuple[float, list[str]]:
    """Median seconds of make build's site stage after an edit to the prose of the home page in
    each of `langs`, a new edit each time, and the sites it built."""
    runs = []
    for number in range(repeats):
        with contextlib.ExitStack() as edits:
            for lang in langs:
                edits.enter_context(appended(PROSE_PAGES[lang], f"\nA prose-only edit ({number}).\n"))
            started = time.perf_counter()
            built = build.update_sites(build.site_keys())
            runs.append(time.perf_counter() - started)
    build.update_sites(build.site_keys())  # the committed pages again, untimed
    return statistics.median(runs), built


def median_build(repeats: int = 3, **env) -> tuple[float, int]:
    runs = [timed_build(**env) for _ in range(repeats)]
    return statistics.median(s for s, _ in runs), max(n for _, n in runs)


def main() -> None:
    shutil.rmtree(build.ROOT / "build", ignore_errors=True)
    two_runs, _ = timed_build(SNIPPETS="two-runs")  # the design before: each language runs everything
    two_runs_compute = sum(json.loads(runner.SUMMARY.read_text())["ran"].values())
    shutil.rmtree(build.ROOT / "build", ignore_errors=True)
    cold, cold_ran = timed_build()
    ran = json.loads(runner.SUMMARY.read_text())["ran"]
    compute = sum(ran.values())
    for lang, key in build.site_keys().items():  # the sites just built, as make build would have stamped them
        stamps.record(f"site-{lang}", key)
    warm_en, built_en = prose_edit(("en",))
    warm, built = prose_edit(("zh", "en"))
    skipped, _ = median_build(SNIPPETS="skip")
    one_snippet = runner.all_snippets()[0]
    with appended(one_snippet, "\nbench_edit = 1\n"):  # code, not prose: no new message to translate
        edited, edited_ran = timed_build()
    timed_build()  # back to the committed snippet, untimed
    pdfs = pdf.make_pdfs()
    build.build_all()  # every output, stamped
    started = time.perf_counter()
    build.build_all()
    unchanged = time.perf_counter() - started
    reloads = reload_timer.edit_to_served()

    rows = [
        ("cold build (no outputs, no caches)", f"{cold:.2f}", cold_ran),
        ("cold build, each language running all (before)", f"{two_runs:.2f}", cold_ran),
        (f"make build's sites, an English page edited (built: {', '.join(built_en)}; goal ≤ 5)", f"{warm_en:.2f}", 0),
        (f"make build's sites, a page of each edited (built: {', '.join(built)})", f"{warm:.2f}", 0),
        ("build with snippet execution skipped", f"{skipped:.2f}", "-"),
        (f"build after editing {one_snippet.name}", f"{edited:.2f}", edited_ran),
        ("snippets' own compute, CPU s, both languages", f"{compute:.2f}", len(ran)),
        ("both PDFs from the built site (goal ≤ 30)", f"{pdfs:.2f}", ""),
        ("make build / make serve, nothing changed (goal ≤ 5)", f"{unchanged:.2f}", 0),
        ("make live: one page saved to served, median (goal ≤ 3)", f"{statistics.median(reloads):.2f}", 0),
        ("ratio cold / cold before (goal ≤ 0.6)", f"{cold / two_runs:.2f}", ""),
        ("ratio compute / compute before", f"{compute / two_runs_compute:.2f}", ""),
        ("ratio both sites edited / skipped", f"{warm / skipped:.2f}", ""),
        ("ratio cold / compute", f"{cold / compute:.2f}", ""),
    ]
    print(f"\n{'both languages, median of 3 where repeated':<66} {'seconds':>8}  snippets run")
    for label, value, count in rows:
        print(f"{label:<66} {value:>8}  {count}")
    print_page_weight()
    if "--no-lighthouse" not in sys.argv[1:]:
        print_lighthouse()


def print_page_weight() -> None:
    """The heaviest page of the built site, in the same table format: kB by kind, and share."""
    if not chromium.available():
        print("\npage weight skipped: no Chromium (Debian's chromium package)")
        return
    weights = page_weight.measure(build.ROOT / "site")
    url, weight = page_weight.heaviest(weights)
    total = page_weight.transferred(weight)
    rows = [(f"  {kind}", f"{weight[kind] / 1000:.1f}", f"{weight[kind] / total:.0%}") for kind in page_weight.KINDS]
    rows.append((f"  total transferred (target: at most {WEIGHT_TARGET_KB})", f"{total / 1000:.1f}", ""))
    rows.append(("  the same files before gzip", f"{weight['uncompressed'] / 1000:.1f}", ""))
    title = f"heaviest of {len(weights)} pages: {url or '(home)'}"
    print(f"\n{title:<44} {'kB':>8}  share")
    for label, value, share in rows:
        print(f"{label:<44} {value:>8}  {share}")


def print_lighthouse() -> None:
    if not lighthouse.available():
        print("\nLighthouse skipped: it needs Chromium (Debian's chromium) and node_modules (npm ci)")
        return
    print("\nLighthouse: mobile = its default phone (slow 4G, CPU slowed 4x, simulated); desktop = its desktop preset")
    lighthouse.print_table()


if __name__ == "__main__":
    main()
