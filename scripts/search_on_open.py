"""Material's search index fetched when the reader opens search, not as every page opens.

Material 9 fetches search/search_index.json (140 kB gzipped for the Chinese site, 118 kB for the
English) as soon as a page opens, parses it on the page's main thread and hands it to the search
worker, which builds its index; on every page, whether or not the reader searches. Two places in
Material's script ask for it: the search worker's set-up, at once over http (it waits for the
search to open only on file://, which is how the offline edition already works), and the
highlighting of search terms (search.highlight), which asks for the index on every page although it
uses it only on a page opened from a search result (an `h=` in its address).

patch() edits those two places in the built site's copy of Material's script: the worker waits for
the search to open on http too, and the highlighting starts only on a page opened from a search
result. Each edit must find its place exactly once, or the build stops and says which: a later
Material may have changed that code. The script's source map describes Material's unedited
script, so the edited copy no longer points to it.
"""

import re
from pathlib import Path

EDITS = {
    "the search worker's set-up, which fetches the index at once unless the page is a file": (
        re.compile(r'([\w$]+)\(location\.protocol!=="file:"\),([\w$]+)\("search"\)'),
        r'\1(!1),\2("search")'),
    "the highlighting of search terms, which fetches the index on every page": (
        re.compile(r'([\w$]+)\("search\.highlight"\)\?([\w$]+)\(([\w$]+),\{index\$:'),
        r'\1("search.highlight")&&/[?&]h=/.test(location.search)?\2(\3,{index$:'),
}
EDITED = "/* search index: fetched when search opens, scripts/search_on_open.py */\n"
SOURCE_MAP = re.compile(r"\n//# sourceMappingURL=\S+\s*$")


class BundleChanged(Exception):
    pass


def patch(site_dir: Path) -> None:
    """Edit Material's script in the built site `site_dir` (once: a dirty build keeps the edited copy)."""
    bundles = list((site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    if len(bundles) != 1:
        raise BundleChanged(f"expected one Material script (bundle.*.min.js), found {len(bundles)}")
    script = bundles[0].read_text(encoding="utf-8")
    if script.startswith(EDITED):
        return
    for place, (pattern, replacement) in EDITS.items():
        script, found = pattern.subn(replacement, script)
        if found != 1:
            raise BundleChanged(f"{bundles[0].name}: {place} was found {found} times, not once "
                                f"(scripts/search_on_open.py); has Material changed?")
    bundles[0].write_text(EDITED + SOURCE_MAP.sub("\n", script), encoding="utf-8")
