"""Build everything into site/: the Chinese site, the English site in site/en/, the PDFs in
site/pdf/, the EPUBs in site/epub/, then the offline edition (both languages again, for
file://, with the PDFs and EPUBs) zipped into site/downloads/.

The order matters: each MkDocs build empties its own site_dir, so building
Chinese second would delete site/en; the PDFs and EPUBs are made from the two built
sites, and the zip, which carries them, goes in last. The Chinese build's hook
runs the stale snippets (both languages at once); the other builds then find
them fresh.
"""

import os
import subprocess
import sys
from pathlib import Path

from scripts import chromium, epub, offline, pdf

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ("mkdocs.yml", "mkdocs.en.yml")


def mkdocs_build(config: str, site_dir: Path | None = None, **env: str) -> None:
    # Not --quiet: it hides warnings from the counter that makes --strict fail.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config]
    if site_dir:
        command += ["--site-dir", str(site_dir)]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}, check=True)


def build_sites() -> None:
    for config in CONFIGS:
        mkdocs_build(config)
    # Hosts answer every missing URL with the root 404.html. The English one, never served, would
    # link root-absolute to the Chinese pages: without a site_url, MkDocs cannot know the /en/ prefix.
    (ROOT / "site" / "en" / "404.html").unlink()


def build_offline() -> None:
    """Both languages built for file:// into build/offline/site, zipped into site/downloads/."""
    for config in CONFIGS:
        mkdocs_build(config, offline.SITE_DIRS[config], OFFLINE="true")
    offline.pack()


def build_all() -> None:
    build_sites()
    if chromium.available():
        print(f"PDFs printed in {pdf.make_pdfs():.1f} s: site/pdf/")
    else:
        print("PDFs skipped: Chromium is not installed (set-up installs Debian's chromium).")
    if epub.available():
        seconds, made = epub.make_epubs()
        print(f"EPUBs {'made: ' + ', '.join(made) if made else 'up to date'} ({seconds:.1f} s): site/epub/")
    else:
        print("EPUBs skipped: pandoc is not installed (set-up installs Debian's pandoc).")
    build_offline()


if __name__ == "__main__":
    try:
        build_all()
    except subprocess.CalledProcessError as error:
        sys.exit(f"build failed: {' '.join(error.cmd[2:])}")
