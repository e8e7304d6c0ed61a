"""Keyboard and small-screen use: the skip link reaches the content, and the pages fit
a phone's width without sideways scrolling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import LoginState, RolePages, screenshot
from tests.browser.site import PAGE_CASES, PAGE_IDS, PAGES
from tests.browser.site import Page as SitePage

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_skip_link_moves_focus_to_main(page: Page, lang: str) -> None:
    page.goto(f"/{lang}/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


#: Pages with many kinds of focusable controls: links, facets, form fields, buttons.
FOCUS_NAMES = {"search-query", "new-item-form", "account-tokens", "item-as-editor"}
FOCUS_PAGES = [page for page in PAGES if page.name in FOCUS_NAMES]
MAX_TABS = 40
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2;
  const label = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + " " + (el.textContent || el.getAttribute("name") || "").trim().slice(0, 40);
  return {label, visible: outline || s.boxShadow !== "none", body: el === document.body};
}"""


@pytest.mark.parametrize("target", FOCUS_PAGES, ids=[page.name for page in FOCUS_PAGES])
def test_focus_is_visible(role_pages: RolePages, refs: dict[str, Any], target: SitePage) -> None:
    """A keyboard user sees where they are: every control Tab reaches shows a focus ring."""
    page = role_pages(target.user)
    page.goto(target.url("en", refs))
    hidden = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused["body"]:
            break
        if not focused["visible"]:
            hidden.append(focused["label"])
    assert not hidden, "no visible focus on: " + "; ".join(hidden)


@pytest.fixture(scope="module")
def phone_pages(browser: Browser, base_url: str, login_state: LoginState) -> Iterator[RolePages]:
    """Pages per role on a 375px-wide touch screen."""
    pages = RolePages(browser, base_url, login_state, viewport=PHONE, is_mobile=True,
                      has_touch=True)
    yield pages
    pages.close()


@pytest.mark.parametrize(("target", "lang"), PAGE_CASES, ids=PAGE_IDS)
def test_fits_a_phone(phone_pages: RolePages, refs: dict[str, Any], target: SitePage,
                      lang: str) -> None:
    phone = phone_pages(target.user)
    response = phone.goto(target.url(lang, refs))
    assert response is not None and response.status == target.status
    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, f"phone-{target.name}-{lang}", full_page=False)
    assert width <= PHONE["width"], f"{target.name} ({lang}) is {width}px wide on a 375px phone"
