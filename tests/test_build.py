"""make build (and make serve) rebuilds an output only when its inputs changed: on an unchanged tree
every output is reused; a change to an input of a language's site changes that site's key, and
an edit to one language's pages rebuilds that language only."""

import shutil
import subprocess
import sys
import time

from scripts import build, epub, offline, pdf, stamps
from tests import copies


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


def test_an_edit_to_a_site_input_changes_the_key_of_each_language_it_feeds(tmp_path):
    """On a copy of the inputs, since other test files read the originals at the same time."""
    for name in {*build.SHARED_INPUTS, *(name for own in build.OWN_INPUTS.values() for name in own)}:
        source = build.ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns(*stamps.IGNORED))
        else:
            shutil.copy2(source, tmp_path / name)
    keys = build.site_keys(tmp_path)
    assert keys == build.site_keys(), \
        "the keys depend on where the project is, not only on what it holds"
    feeds = {"docs/en/index.md": {"en"}, "docs/zh/index.md": {"zh"}, "mkdocs.en.yml": {"en"},
             "snippets/var_sum.py": {"zh", "en"}, "overrides/assets/site.css": {"zh", "en"}, "mkdocs.yml": {"zh", "en"}}
    for edited, langs in feeds.items():
        path = tmp_path / edited
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        changed = {lang for lang, key in build.site_keys(tmp_path).items() if key != keys[lang]}
        assert changed == langs, edited
        path.write_bytes(original)
    assert build.site_keys(tmp_path) == keys


def test_an_edit_to_the_chinese_pages_rebuilds_the_chinese_site_only(site, tmp_path):
    """In a copy of the built project: the Chinese site is built again with the edit, and the
    English site, the books and the zip, which the Chinese build would otherwise wipe, stay as
    they were, file for file."""
    project = copies.project(tmp_path / "project", site=True,
                             build=("snippets", "translated", "jupyter-cache", "katex", "stamps"))
    kept = {path: path.stat().st_mtime_ns for folder in ("en", "pdf", "epub", "downloads")
            for path in (project / "site" / folder).rglob("*") if path.is_file()}
    page = project / "docs" / "zh" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n一处只改文字的编辑。\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", "from scripts import build; "
                           "print(build.update_sites(build.site_keys()))"],
                          cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines()[-1] == "['zh']", done.stdout[-3000:]
    assert "一处只改文字的编辑" in (project / "site" / "index.html").read_text(encoding="utf-8")
    assert len(kept) > 100 and {path: path.stat().st_mtime_ns for path in kept if path.exists()} == kept
