"""Build everything into site/: the Chinese site, the English site in site/en/, the PDFs in
site/pdf/, the EPUBs in site/epub/, then the offline edition (both languages again, for
file://, with the PDFs and EPUBs) zipped into site/downloads/. Each output is rebuilt only
when its inputs changed (scripts/stamps.py), so `make serve` on an unchanged tree serves at once.

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


def build_sites() -> None:
    mkdocs_builds({"mkdocs.yml": ROOT / "site", "mkdocs.en.yml": ROOT / "site" / "en"})
    # Hosts answer every missing URL with the root 404.html. The English one, never served, would
    # link root-absolute to the Chinese pages: without a site_url, MkDocs cannot know the /en/ prefix.
    (ROOT / "site" / "en" / "404.html").unlink()


# What the sites are built from: a change to any of these files rebuilds both sites.
SITE_INPUTS = ("docs", "snippets", "overrides", "scripts", "mkdocs.yml", "mkdocs.en.yml",
               "requirements.txt", "package-lock.json")
EDITIONS = ("pdf", "epub", "downloads")  # made from the built sites, in site/


def sites_key(root: Path = ROOT) -> str:
    """The hash of everything the sites are made from, in the project at `root`."""
    return stamps.digest(*(root / name for name in SITE_INPUTS), root=root)


@contextmanager
def editions_kept():
    """MkDocs empties site/ before it builds: move the PDFs, EPUBs and the zip aside meanwhile, so
    that those whose inputs did not change can be reused."""
    kept = ROOT / "build" / "editions"
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for name in EDITIONS:
        if (ROOT / "site" / name).exists():
            (ROOT / "site" / name).rename(kept / name)
    try:
        yield
    finally:
        for name in EDITIONS:
            if (kept / name).exists() and not (ROOT / "site" / name).exists():
                (kept / name).rename(ROOT / "site" / name)


def build_offline() -> None:
    """Both languages built for file:// into build/offline/site, zipped into site/downloads/."""
    mkdocs_builds(offline.SITE_DIRS, OFFLINE="true")
    offline.pack()


def build_all() -> None:
    """Every output, each rebuilt only when its inputs changed; one line each says which."""
    site_key = sites_key()
    started = time.perf_counter()
    if stamps.fresh("sites", site_key, ROOT / "site" / "index.html", ROOT / "site" / "en" / "index.html"):
        print("sites: reused (docs, snippets, pipeline and configs unchanged)")
    else:
        stamps.forget("sites")
        with editions_kept():
            build_sites()
        stamps.record("sites", site_key)
        print(f"sites: built in {time.perf_counter() - started:.1f} s")
    pdf_key = stamps.digest(site_key, pdf.commit())  # the covers name the commit
    if not chromium.available():
        print("PDFs: skipped, Chromium is not installed (set-up installs Debian's chromium)")
    elif stamps.fresh("pdf", pdf_key, *map(pdf.pdf_path, pdf.EDITIONS)):
        print("PDFs: reused")
    else:
        print(f"PDFs: printed in {pdf.make_pdfs():.1f} s: site/pdf/")
        stamps.record("pdf", pdf_key)
    if epub.available():
        seconds, made = epub.make_epubs()
        print(f"EPUBs: {'made ' + ', '.join(made) if made else 'reused'} ({seconds:.1f} s): site/epub/")
    else:
        print("EPUBs: skipped, pandoc is not installed (set-up installs Debian's pandoc)")
    editions = [path for name in ("pdf", "epub") for path in sorted((ROOT / "site" / name).glob("*"))]
    offline_key = stamps.digest(site_key, *editions)
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
