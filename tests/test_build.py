"""make build (and make serve) rebuilds an output only when its inputs changed: on an unchanged tree
every output is reused, and a change to any input of the sites changes their key."""

import shutil
import time

from scripts import build, epub, offline, pdf, stamps


def outputs() -> list:
    return [build.ROOT / "site" / "index.html", build.ROOT / "site" / "en" / "index.html",
            *map(pdf.pdf_path, pdf.EDITIONS), *map(epub.epub_path, pdf.EDITIONS), offline.ZIP]


def test_an_unchanged_tree_reuses_every_output(site, capsys):
    build.build_all()  # settles whatever an earlier test printed again
    before = {path: path.stat().st_mtime_ns for path in outputs()}
    started = time.perf_counter()
    build.build_all()
    seconds = time.perf_counter() - started
    printed = capsys.readouterr().out
    for line in ("sites: reused", "PDFs: reused", "EPUBs: reused", "offline edition: reused"):
        assert line in printed, printed
    assert {path: path.stat().st_mtime_ns for path in outputs()} == before
    assert seconds < 5, f"an unchanged build took {seconds:.1f} s"


def test_an_edit_to_any_site_input_changes_the_key(tmp_path):
    """On a copy of the inputs, since other test files read the originals at the same time."""
    for name in build.SITE_INPUTS:
        source = build.ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns(*stamps.IGNORED))
        else:
            shutil.copy2(source, tmp_path / name)
    key = build.sites_key(tmp_path)
    assert key == build.sites_key(), "the key depends on where the project is, not only on what it holds"
    for edited in ("docs/en/index.md", "snippets/var_sum.py", "overrides/assets/site.css", "mkdocs.yml"):
        path = tmp_path / edited
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert build.sites_key(tmp_path) != key, edited
        path.write_bytes(original)
    assert build.sites_key(tmp_path) == key
