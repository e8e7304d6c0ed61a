"""Keyboard and small-screen use: the skip link reaches the content, and the pages fit
a phone's width without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import screenshot
from tests.browser.site import PAGE_CASES, PAGE_IDS
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


def test_focus_is_visible(page: Page) -> None:
    """A keyboard user sees where they are: the focused link gets an outline."""
    page.goto("/en/")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2


@pytest.fixture(scope="module")
def phone(browser: Browser, base_url: str) -> Any:
    context = browser.new_context(viewport=PHONE, base_url=base_url, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize(("target", "lang"), PAGE_CASES, ids=PAGE_IDS)
def test_fits_a_phone(phone: Page, refs: dict[str, Any], target: SitePage, lang: str) -> None:
    phone.goto(target.url(lang, refs))
    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, f"phone-{target.name}-{lang}")
    assert width <= PHONE["width"], f"{target.name} ({lang}) is {width}px wide on a 375px phone"
