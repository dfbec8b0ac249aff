"""Build everything into site/: the Chinese site, the English site in site/en/, the PDFs in
site/pdf/, the EPUBs in site/epub/, then the offline edition (both languages again, for
file://, with the PDFs and EPUBs) zipped into site/downloads/. Each output is rebuilt only
when its inputs changed (scripts/stamps.py), so `make serve` on an unchanged tree serves at once,
and an edit to one language's pages rebuilds that language's site and book only.

The stale snippets run first (both languages at once, scripts/runner.py); then the two
languages build side by side, one process each. The PDFs and EPUBs are made from the two
built sites, and the zip, which carries them, goes in last.
"""

import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from scripts import chromium, epub, offline, pdf, runner, stamps

ROOT = Path(__file__).resolve().parents[1]


def mkdocs_builds(site_dirs: dict[str, Path], **env: str) -> None:
    """Build each config into its site_dir, all at once (one process each). MkDocs empties its
    site_dir first, so a site that goes inside another's (site/en inside site/) is built in
    build/staging/ and moved into place when all are done."""
    if runner.stale_snippets():  # once, before the builds, whose hooks would otherwise all run it
        subprocess.run([sys.executable, "-m", "scripts.runner"], cwd=ROOT, check=True)
    staged = {}
    for config, site_dir in site_dirs.items():
        if any(other != site_dir and other in site_dir.parents for other in site_dirs.values()):
            staged[config] = ROOT / "build" / "staging" / config
    # Not --quiet: it hides warnings from the counter that makes --strict fail.
    builds = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config,
                                "--site-dir", str(staged.get(config, site_dir))],
                               cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})
              for config, site_dir in site_dirs.items()]
    failed = [build.args for build in builds if build.wait()]
    if failed:
        raise subprocess.CalledProcessError(1, failed[0])
    for config, staging in staged.items():
        shutil.rmtree(site_dirs[config], ignore_errors=True)
        staging.rename(site_dirs[config])


CONFIGS = {"zh": "mkdocs.yml", "en": "mkdocs.en.yml"}
SITE_DIRS = {"zh": ROOT / "site", "en": ROOT / "site" / "en"}
# What a language's site is made from: the shared inputs and its own. A change to a shared input
# rebuilds both sites; an edit to one language's pages rebuilds that language only.
SHARED_INPUTS = ("snippets", "overrides", "scripts", "mkdocs.yml", "requirements.txt", "package-lock.json")
OWN_INPUTS = {"zh": ("docs/zh",), "en": ("docs/en", "mkdocs.en.yml")}
EDITIONS = ("pdf", "epub", "downloads")  # made from the built sites, in site/


def build_sites(langs=tuple(CONFIGS)) -> None:
    mkdocs_builds({CONFIGS[lang]: SITE_DIRS[lang] for lang in langs})
    if "en" in langs:
        # Hosts answer every missing URL with the root 404.html. The English one, never served, would
        # link root-absolute to the Chinese pages: without a site_url, MkDocs cannot know the /en/ prefix.
        (SITE_DIRS["en"] / "404.html").unlink()


def site_keys(root: Path = ROOT) -> dict[str, str]:
    """{language: the hash of everything its site is made from}, in the project at `root`."""
    return {lang: stamps.digest(*(root / name for name in (*SHARED_INPUTS, *own)), root=root)
            for lang, own in OWN_INPUTS.items()}


@contextmanager
def kept_aside(names):
    """MkDocs empties site/ before it builds the Chinese site: move site/NAME aside meanwhile for
    each of `names` (the English site when it is not rebuilt, the PDFs, EPUBs and zip), and put
    back what the build did not make again."""
    kept = ROOT / "build" / "kept"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for name in names:
        if (ROOT / "site" / name).exists():
            (ROOT / "site" / name).rename(kept / name)
    try:
        yield
    finally:
        for name in names:
            if (kept / name).exists() and not (ROOT / "site" / name).exists():
                (kept / name).rename(ROOT / "site" / name)


def update_sites(keys: dict[str, str]) -> list[str]:
    """Build the languages whose site is missing or was made from other inputs; return them."""
    stale = [lang for lang in CONFIGS if not stamps.fresh(f"site-{lang}", keys[lang], SITE_DIRS[lang] / "index.html")]
    if not stale:
        return []
    for lang in stale:
        stamps.forget(f"site-{lang}")
    with kept_aside([*EDITIONS, *(["en"] if stale == ["zh"] else [])]):
        build_sites(stale)
    for lang in stale:
        stamps.record(f"site-{lang}", keys[lang])
    return stale


def build_offline() -> None:
    """Both languages built for file:// into build/offline/site, zipped into site/downloads/."""
    mkdocs_builds(offline.SITE_DIRS, OFFLINE="true")
    offline.pack()


def build_all() -> None:
    """Every output, each rebuilt only when its inputs changed; one line each says which."""
    keys = site_keys()
    started = time.perf_counter()
    built = update_sites(keys)
    reused = [lang for lang in CONFIGS if lang not in built]
    said = [f"built {', '.join(built)} in {time.perf_counter() - started:.1f} s"] if built else []
    said += [f"reused {', '.join(reused)} (pages, snippets, pipeline and configs unchanged)"] if reused else []
    print(f"sites: {'; '.join(said)}")
    commit = pdf.commit()  # the covers name the commit
    pdf_keys = {lang: stamps.digest(keys[lang], commit) for lang in CONFIGS}
    stale_pdfs = tuple(lang for lang in CONFIGS if not stamps.fresh(f"pdf-{lang}", pdf_keys[lang], pdf.pdf_path(lang)))
    if not chromium.available():
        print("PDFs: skipped, Chromium is not installed (set-up installs Debian's chromium)")
    elif not stale_pdfs:
        print("PDFs: reused")
    else:
        print(f"PDFs: {', '.join(stale_pdfs)} printed in {pdf.make_pdfs(stale_pdfs):.1f} s: site/pdf/")
        for lang in stale_pdfs:
            stamps.record(f"pdf-{lang}", pdf_keys[lang])
    if epub.available():
        seconds, made = epub.make_epubs()
        print(f"EPUBs: {'made ' + ', '.join(made) if made else 'reused'} ({seconds:.1f} s): site/epub/")
    else:
        print("EPUBs: skipped, pandoc is not installed (set-up installs Debian's pandoc)")
    editions = [path for name in ("pdf", "epub") for path in sorted((ROOT / "site" / name).glob("*"))]
    offline_key = stamps.digest(*keys.values(), *editions)
    if stamps.fresh("offline", offline_key, offline.ZIP):
        print("offline edition: reused")
    else:
        started = time.perf_counter()
        build_offline()
        stamps.record("offline", offline_key)
        print(f"offline edition: built and zipped in {time.perf_counter() - started:.1f} s: {offline.ZIP.relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        build_all()
    except subprocess.CalledProcessError as error:
        sys.exit(f"build failed: {' '.join(error.cmd[2:])}")
