"""Both builds pass --strict; the two languages mirror each other; nothing loads from outside
the site; every internal link and anchor of the built site and of the offline edition resolves;
the outline is covered."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests import markdown_facts as md

# The notes' points, in order (../shared/NOTES-OUTLINE.md): each is a heading id in its chapter's pages.
OUTLINE = {
    "meeting-questions": ["q-gan-freeze", "q-contrastive", "q-bert-blip", "q-enc-dec", "q-retrieval",
                             "q-bn", "q-feature-map", "q-ground-truth", "q-map", "q-losses"],
    "train-eval-batchnorm": ["t-train", "t-eval", "t-eval-weights", "t-bn-what", "t-bn-why",
                                "t-bn-scale-shift", "p-train-steps", "p-eval-steps"],
    "cnn-feature-maps": ["c-process", "c-filter-depth", "c-feature-map", "c-notation", "c-layer-count",
                            "c-param-count"],
    "mle-em": ["m-mle", "m-em"],
    "variance-n-minus-1": ["v-sum", "v-unbiased"],
}


def test_both_languages_have_the_same_pages():
    only_zh = set(md.pages("zh")) - set(md.pages("en"))
    only_en = set(md.pages("en")) - set(md.pages("zh"))
    assert not only_zh, f"pages only in docs/zh: {sorted(only_zh)}"
    assert not only_en, f"pages only in docs/en: {sorted(only_en)}"


def test_both_navigations_list_the_same_pages_in_the_same_order():
    assert md.nav_pages("mkdocs.en.yml") == md.nav_pages("mkdocs.yml")
    assert sorted(md.nav_pages("mkdocs.yml")) == md.pages("zh"), "every page is in the navigation, once"


def _same_language(paths):
    return sorted(re.sub(r"/(zh|en)/", "/LANG/", p) for p in paths)


@pytest.mark.parametrize("page", md.pages("zh"))
def test_page_mirrors_the_other_language(page):
    zh, en = md.source("zh", page), md.source("en", page)
    assert [h[0] for h in md.headings(zh)] == [h[0] for h in md.headings(en)], \
        f"{page}: the headings differ between docs/zh and docs/en"
    assert md.admonitions(zh) == md.admonitions(en), f"{page}: the admonitions and folded answers differ"
    assert [h[1] for h in md.headings(zh)] == [h[1] for h in md.headings(en)], \
        f"{page}: the heading ids differ between docs/zh and docs/en"
    assert sorted(md.figures(zh)) == sorted(md.figures(en)), f"{page}: the figures differ"
    assert _same_language(md.includes(zh)) == _same_language(md.includes(en)), f"{page}: the snippet includes differ"
    assert sorted(md.placeholders(zh)) == sorted(md.placeholders(en)), f"{page}: the computed numbers differ"
    assert md.links(zh) == md.links(en), f"{page}: the links to pages, anchors, snippets and notebooks differ"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_snippet_is_used_by_a_page(lang):
    used = set()
    for page in md.pages(lang):
        text = md.source(lang, page)
        used |= {path.split("/")[1].split(".py")[0] for path in md.includes(text) if path.startswith("snippets/")}
        used |= {path.split("/")[1] for path in md.figures(text)}
        used |= {name for name, _ in md.placeholders(text)}
    unused = {p.stem for p in (md.ROOT / "snippets").glob("*.py")} - used
    assert not unused, f"snippets that no docs/{lang} page shows (code, figure or number): {sorted(unused)}"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chapter", sorted(OUTLINE))
def test_outline_points_are_headings_in_order(chapter, lang):
    ids = [i for _, i in md.headings(md.chapter_source(lang, chapter)) if i in OUTLINE[chapter]]
    assert ids == OUTLINE[chapter], f"docs/{lang}/{chapter}/: outline ids found {ids}, expected {OUTLINE[chapter]}"


class _Collector(HTMLParser):
    """Collects ids, links, and the URLs a browser would load from one HTML page."""

    LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.loads = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "link" and attrs.get("href"):
            if self.LOADING_LINK_RELS & set((attrs.get("rel") or "").split()):
                self.loads.append(attrs["href"])
        elif tag in ("script", "img", "iframe", "source", "video", "audio", "embed") and attrs.get("src"):
            self.loads.append(attrs["src"])


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def _html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def _is_external(url: str) -> bool:
    return bool(re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.IGNORECASE))


def test_nothing_is_loaded_from_outside_the_site(site):
    offending = [f"{page.relative_to(site)}: {url}"
                 for page in _html_pages(site) for url in _parse(page).loads
                 if _is_external(url) and not url.startswith("data:")]
    assert not offending, "pages load from outside the site:\n" + "\n".join(offending)


def _target_file(site: Path, page: Path, path: str) -> Path:
    # Root-absolute paths occur only in 404.html, which any URL may serve.
    base = site if path.startswith("/") else page.parent
    target = (base / unquote(path).lstrip("/")).resolve() if path else page
    return target / "index.html" if target.is_dir() or path.endswith("/") else target


@pytest.mark.parametrize("edition", ["site", "unzipped"])
def test_every_internal_link_and_anchor_resolves(edition, request):
    """On the site as served, and in the offline edition as unzipped, read from file://."""
    site = request.getfixturevalue(edition)
    parsed = {page: _parse(page) for page in _html_pages(site)}
    broken = []
    for page, collector in parsed.items():
        for url in collector.links + collector.loads:
            if _is_external(url):
                continue
            parts = urlsplit(url)
            target = _target_file(site, page, parts.path)
            where = f"{page.relative_to(site)} -> {url}"
            if not target.exists():
                broken.append(f"{where}: no such file")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else _parse(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where}: no anchor #{parts.fragment}")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_each_language_is_built_in_its_own_folder(site):
    assert 'lang="zh"' in (site / "index.html").read_text(encoding="utf-8")
    assert 'lang="en"' in (site / "en" / "index.html").read_text(encoding="utf-8")
    for folder in OUTLINE:
        assert (site / folder / "index.html").exists() and (site / "en" / folder / "index.html").exists()


@pytest.mark.parametrize("folder", sorted(OUTLINE))
def test_language_selector_keeps_the_page(site, folder):
    zh_links = _parse(site / folder / "index.html").links
    en_links = _parse(site / "en" / folder / "index.html").links
    assert f"../en/{folder}/" in zh_links, f"the Chinese {folder} page does not link its English twin"
    assert f"../../{folder}/" in en_links, f"the English {folder} page does not link its Chinese twin"
