"""Every main page, in both languages, loads cleanly and axe-core finds no WCAG 2.1 A/AA
violation on it.

The pages are those of tests/browser/site.py (one line there adds a page here,
to the phone-width check and to the HTML validator). axe runs in Chromium on the
live page, so it sees the real CSS (contrast, focus, layout). A screenshot of
each page is kept in test-artifacts/screenshots/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page as BrowserPage

from tests.browser.conftest import AXE, WCAG_21_AA, RolePages, assert_accessible, screenshot
from tests.browser.site import PAGE_CASES, PAGE_IDS, Page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("target", "lang"), PAGE_CASES, ids=PAGE_IDS)
def test_page_is_accessible(role_pages: RolePages, refs: dict[str, Any], target: Page,
                            lang: str) -> None:
    page = role_pages(target.user)
    response = page.goto(target.url(lang, refs))
    assert response is not None and response.status == target.status
    assert page.locator("html").get_attribute("lang") == lang
    screenshot(page, f"{target.name}-{lang}")
    own_status = "Failed to load resource"
    errors = [f"{text} ({url})" for text, url in role_pages.errors
              if not (target.status >= 400 and url == page.url and text.startswith(own_status))]
    assert not errors, "console errors:\n" + "\n".join(errors)
    assert_accessible(page)


def test_axe_reports_violations(page: BrowserPage) -> None:
    """The check can fail: a page with an unlabelled input and low contrast is reported."""
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<input type="text"><p style="color:#bbb;background:#fff">faint</p></main></body></html>'
    )
    results = AXE.run(page, options=WCAG_21_AA)
    found = {violation["id"] for violation in results.response["violations"]}
    assert {"label", "color-contrast"} <= found
