"""Languages in a real browser: the switch keeps the reader on the same page, and an
item shown in a language it lacks says so and marks its text with the right ``lang``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from kennisbank.config import LANGUAGES
from tests.browser.conftest import RolePages
from tests.browser.site import PAGES
from tests.browser.site import Page as SitePage

pytestmark = pytest.mark.browser


def switch_language(page: Page, to: str) -> None:
    """Click the header's language switch (the one link whose ``hreflang`` is ``to``).

    On the item form that link leads to the form's own switch button, which
    carries what was typed to the other language's page; press it too.
    """
    page.locator(f"header nav a[hreflang='{to}']").click()
    if page.url.endswith("#switch-language"):
        page.locator("#switch-language").click()
    page.wait_for_load_state()


#: Every checked page once, starting alternately in Dutch and in English.
SWITCH_CASES = [(page, LANGUAGES[index % 2]) for index, page in enumerate(PAGES)]


def same_address(url: str, expected: str) -> bool:
    """Same path and the same query parameters (in any order)."""
    got, want = urlsplit(url), urlsplit(expected)
    return got.path == want.path and sorted(parse_qsl(got.query)) == sorted(parse_qsl(want.query))


@pytest.mark.parametrize(("target", "start"), SWITCH_CASES, ids=[page.name for page in PAGES])
def test_switch_lands_on_the_same_page(role_pages: RolePages, refs: dict[str, Any],
                                       target: SitePage, start: str) -> None:
    """On every page, the switch leads to that page in the other language, and each
    language version names both with ``<link rel=alternate hreflang>``."""
    other = "en" if start == "nl" else "nl"
    page = role_pages(target.user)
    page.goto(target.url(start, refs))
    links = page.locator("link[rel=alternate][hreflang]")
    alternates = {links.nth(i).get_attribute("hreflang"): links.nth(i).get_attribute("href") or ""
                  for i in range(links.count())}
    assert alternates.keys() == set(LANGUAGES)
    for lang, href in alternates.items():
        assert same_address(href, target.url(lang, refs)), (lang, href)
    switch_language(page, other)
    assert same_address(page.url, target.url(other, refs)), page.url
    expect(page.locator("html")).to_have_attribute("lang", other)


@pytest.mark.parametrize(("start", "other"), [("nl", "en"), ("en", "nl")])
def test_switch_on_item(page: Page, live_server: str, refs: dict[str, Any], start: str,
                        other: str) -> None:
    path = f"/items/{refs['bilingual']}"
    page.goto(f"/{start}{path}")
    switch_language(page, other)
    assert page.url == f"{live_server}/{other}{path}"
    expect(page.locator("html")).to_have_attribute("lang", other)
    title = "Bicycle streets in the centre" if other == "en" else "Fietsstraten in de binnenstad"
    expect(page.locator("h1")).to_have_text(title)


def test_switch_back_and_forth_keeps_query(page: Page, live_server: str,
                                           refs: dict[str, Any]) -> None:
    """A twin link carries the query string, so a reader never loses their place."""
    page.goto(f"/nl/items/{refs['bilingual']}?from=home")
    switch_language(page, "en")
    assert page.url == f"{live_server}/en/items/{refs['bilingual']}?from=home"
    switch_language(page, "nl")
    assert page.url == f"{live_server}/nl/items/{refs['bilingual']}?from=home"


@pytest.mark.parametrize(("lang", "key", "content_lang", "notice"), [
    ("en", "dutch_only", "nl", "This practice is only available in Dutch."),
    ("nl", "english_only", "en", "Deze praktijk is alleen beschikbaar in het Engels."),
])
def test_fallback_notice(page: Page, refs: dict[str, Any], lang: str, key: str,
                         content_lang: str, notice: str) -> None:
    page.goto(f"/{lang}/items/{refs[key]}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    shown = page.get_by_text(notice)
    expect(shown).to_be_visible()
    assert _effective_lang(page, shown) == lang
    title = page.locator("main h1")
    assert _effective_lang(page, title) == content_lang
    assert _effective_lang(page, page.locator("main .body")) == content_lang


def test_no_notice_when_the_language_exists(page: Page, refs: dict[str, Any]) -> None:
    page.goto(f"/nl/items/{refs['dutch_only']}")
    expect(page.locator("main h1")).to_have_text("Taalcafé in de bibliotheek")
    expect(page.get_by_text(re.compile("alleen beschikbaar"))).to_have_count(0)
    assert _effective_lang(page, page.locator("main h1")) == "nl"


def _effective_lang(page: Page, locator: Any) -> str:
    """The language a screen reader uses for an element: its nearest ``lang`` attribute."""
    return locator.first.evaluate("el => el.closest('[lang]').getAttribute('lang')")


@pytest.mark.parametrize(("locale", "lang"), [("nl-NL", "nl"), ("en-GB", "en"), ("de-DE", "en")])
def test_root_follows_the_browser_language(new_context: Callable[..., BrowserContext],
                                           live_server: str, locale: str, lang: str) -> None:
    """``/`` goes to the browser's language if the site has it, else to English."""
    page = new_context(locale=locale).new_page()
    page.goto("/")
    assert page.url == f"{live_server}/{lang}/"
    expect(page.locator("html")).to_have_attribute("lang", lang)
