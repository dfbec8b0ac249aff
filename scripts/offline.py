"""The offline edition: both languages built for reading from file:// (Material's offline
plugin, switched on by OFFLINE=true in mkdocs.yml), zipped into site/downloads/ with the PDFs
and EPUBs.

One zip holds both languages, Chinese at its root and English under en/ as on the site,
so that the language selector works offline too. The offline plugin sets
use_directory_urls: false (links name their .html files) and inlines the search index into a
script; mkdocs_hook.py swaps the plugin's CDN worker shim for overrides/assets/file-worker.js.
"""

import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "build" / "offline" / "site"
SITE_DIRS = {"mkdocs.yml": SITE, "mkdocs.en.yml": SITE / "en"}  # config -> where the offline build goes
NAME = "dl-stats-basics-offline"
ZIP = ROOT / "site" / "downloads" / f"{NAME}.zip"
# Of no use to a reader: source maps, and the 404 pages, which file:// never shows and whose
# root-absolute links would lead out of the unzipped folder.
LEFT_OUT = {".map", "404.html"}


def pack() -> Path:
    """Zip the offline build, the PDFs and the EPUBs into site/downloads/, under one top folder,
    byte for byte the same from one build to the next (sorted entries, fixed timestamps)."""
    ZIP.parent.mkdir(parents=True, exist_ok=True)
    files = {p.relative_to(SITE).as_posix(): p for p in SITE.rglob("*") if p.is_file() and not {p.suffix, p.name} & LEFT_OUT}
    # The PDFs and EPUBs, where the home pages' links expect them, when make build has made them.
    for book in ("pdf", "epub"):
        files.update({f"{book}/{p.name}": p for p in (ROOT / "site" / book).glob(f"*.{book}")})
    with zipfile.ZipFile(ZIP, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in sorted(files.items()):
            entry = zipfile.ZipInfo(f"{NAME}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return ZIP
