"""Build everything into site/: the Chinese site, the English site in site/en/, then the PDFs.

The order matters: each MkDocs build empties its own site_dir, so building
Chinese second would delete site/en. The Chinese build's hook runs the stale
snippets (both languages at once); the English build then finds them fresh.
The PDFs are printed from the two built sites.
"""

import os
import subprocess
import sys
from pathlib import Path

from scripts import chromium, pdf

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ("mkdocs.yml", "mkdocs.en.yml")


def build_sites() -> None:
    # Not --quiet: it hides warnings from the counter that makes --strict fail.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for config in CONFIGS:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config],
                       cwd=ROOT, env=env, check=True)


def build_all() -> None:
    build_sites()
    if chromium.available():
        print(f"PDFs printed in {pdf.make_pdfs():.1f} s: site/pdf/")
    else:
        print("PDFs skipped: Chromium is not installed (set-up installs Debian's chromium).")


if __name__ == "__main__":
    try:
        build_all()
    except subprocess.CalledProcessError as error:
        sys.exit(f"build failed: {' '.join(error.cmd[2:])}")
