"""What a reader does on a page, done through the page's real controls: search by typing, and
switch language with the selector in the header."""

import time

RESULT_LINKS = ".md-search-result__item > .md-search-result__link"


def search(page, query: str, settle: float = 0.3, timeout: float = 5.0) -> list[str]:
    """Type `query` into the search box key by key; return the result pages' addresses, best
    first (without their ?h= highlight), once the list has stopped changing for `settle` s."""
    page.locator(".md-search__input").click()
    page.keyboard.type(query)
    # Chinese is typed as text, which sends no key events, and Material searches on key events.
    page.keyboard.press("End")
    shown, since, deadline = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = [href.split("?")[0].split("#")[0] for href in page.locator(RESULT_LINKS).evaluate_all("(links) => links.map((a) => a.href)")]
        if now != shown:
            shown, since = now, time.monotonic()
        elif now and time.monotonic() - since >= settle:
            break
        page.wait_for_timeout(50)
    return shown or []


def choose_language(page, lang: str) -> None:
    """Open the language selector (the translate button) and pick `lang`; wait for the new page."""
    page.locator(".md-header__option .md-select > button").click()
    with page.expect_navigation():
        page.locator(f".md-select__link[hreflang={lang}]").click()
