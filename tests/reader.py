"""What a reader does on a page, done through the page's real controls: search by typing, and
switch language with the selector in the header."""

import time

# A result item is a page: its first link leads to the page (or its best section), more follow.
FIRST_LINKS = "(items) => items.map((item) => item.querySelector('.md-search-result__link').href)"


def search(page, query: str, settle: float = 0.3, timeout: float = 5.0) -> list[str]:
    """Type `query` into the search box key by key; return the result pages' addresses, best
    first (without their ?h= highlight), once the list has stopped changing for `settle` s."""
    page.locator(".md-search__input").click()
    page.keyboard.type(query)
    # Chinese is typed as text, which sends no key events, and Material searches on key events.
    page.keyboard.press("End")
    shown, since, deadline = None, time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < deadline:
        links = page.locator(".md-search-result__item").evaluate_all(FIRST_LINKS)
        now = [link.split("?")[0].split("#")[0] for link in links]
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
