"""The site at a desk and on a phone: screenshots of the main pages at 1280 and 375 pixels
in both languages, results above the fold on a phone, the phone menu and the search
filters working without JavaScript, "skip to results", and the edit form's language
switch keeping what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import LoginState, assert_accessible, screenshot

pytestmark = pytest.mark.browser

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
#: The pages a reviewer looks at: name -> (path, role to log in as).
SHOTS: dict[str, tuple[str, str | None]] = {
    "home": ("/{lang}/", None),
    "search": ("/{lang}/search?q=city", None),
    "item": ("/{lang}/items/{bilingual}", "editor"),
    "edit-form": ("/{lang}/items/{draft}/edit", "contributor"),
    "city": ("/{lang}/cities/1", None),
    "overview": ("/{lang}/overview", None),
}


@pytest.fixture
def context_for(browser: Browser, base_url: str,
                login_state: LoginState) -> Callable[..., BrowserContext]:
    """``context_for(viewport, role, javascript=True)``: a fresh context, closed afterwards."""
    made: list[BrowserContext] = []

    def make(viewport: dict[str, int], role: str | None = None,
             javascript: bool = True) -> BrowserContext:
        phone = viewport["width"] < 600
        context = browser.new_context(
            base_url=base_url, viewport=viewport, is_mobile=phone, has_touch=phone,
            java_script_enabled=javascript,
            storage_state=login_state(role) if role else None)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width}px wide in a {viewport}px window"


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "375"])
def test_screenshots_of_the_main_pages(context_for, refs: dict[str, Any], lang: str,
                                       viewport: dict[str, int]) -> None:
    """Each main page loads, fits the width, and is kept as a picture for reviewers."""
    pages: dict[str | None, Page] = {}
    for name, (path, role) in SHOTS.items():
        if role not in pages:
            pages[role] = context_for(viewport, role).new_page()
        page = pages[role]
        response = page.goto(path.format(lang=lang, **refs))
        assert response is not None and response.status == 200, name
        no_sideways_scroll(page)
        screenshot(page, f"site-{name}-{lang}-{viewport['width']}")


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("path", ["/{lang}/search?q=city",
                                  "/{lang}/search?sector=municipality&theme=sdg11"])
def test_results_come_first_on_a_phone(context_for, lang: str, path: str) -> None:
    page = context_for(PHONE).new_page()
    page.goto(path.format(lang=lang))
    first = page.locator("ol.results > li").first
    top = first.bounding_box()["y"]
    assert top < PHONE["height"], f"the first result starts at {top}px"
    expect(page.locator("aside.facets")).to_be_hidden()
    no_sideways_scroll(page)
    assert_accessible(page)


def test_filters_disclosure_counts_the_active_filters(context_for) -> None:
    page = context_for(PHONE, javascript=False).new_page()
    page.goto("/en/search?sector=municipality&theme=sdg11")
    summary = page.locator("details.filters > summary")
    expect(summary).to_have_text("Filters (2 active)")
    summary.click()
    expect(page.locator("aside.facets")).to_be_visible()
    with_script = context_for(PHONE).new_page()
    with_script.goto("/en/search?sector=municipality&theme=sdg11")
    with_script.locator("details.filters > summary").click()
    assert_accessible(with_script)


def test_filters_are_a_column_at_a_desk(context_for) -> None:
    page = context_for(DESK).new_page()
    page.goto("/en/search?q=city")
    expect(page.locator("aside.facets")).to_be_visible()
    expect(page.locator("details.filters > summary")).to_be_hidden()
    facets, results = page.locator("aside.facets").bounding_box(), page.locator(
        "#results").bounding_box()
    assert facets["x"] + facets["width"] <= results["x"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_phone_menu_opens_without_javascript(context_for, lang: str) -> None:
    page = context_for(PHONE, "contributor", javascript=False).new_page()
    page.goto(f"/{lang}/")
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 100, f"the header takes {header['height']}px of the phone"
    expect(page.locator("nav.main-nav")).to_be_hidden()
    menu = page.locator("details.site-menu")
    menu.locator("summary").click()
    search = menu.get_by_role("link", name="Zoeken" if lang == "nl" else "Search")
    expect(search).to_be_visible()
    expect(menu.get_by_role("button", name="Uitloggen" if lang == "nl" else "Log out")
           ).to_be_visible()
    screenshot(page, f"site-menu-open-{lang}-375", full_page=False)
    search.click()
    assert "/search" in page.url
    # axe needs scripts: the same open menu, checked in a page that runs them.
    with_script = context_for(PHONE, "contributor").new_page()
    with_script.goto(f"/{lang}/")
    with_script.locator("details.site-menu > summary").click()
    assert_accessible(with_script)


def test_desk_shows_the_navigation_bar_not_the_menu(context_for) -> None:
    page = context_for(DESK).new_page()
    page.goto("/en/")
    expect(page.locator("nav.main-nav")).to_be_visible()
    expect(page.locator("details.site-menu")).to_be_hidden()
    heading = page.locator("main h1").bounding_box()
    bar = page.locator("nav.main-nav").bounding_box()
    assert heading["y"] >= bar["y"] + bar["height"] + 16, "the heading touches the navigation"


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "375"])
def test_skip_to_results(context_for, viewport: dict[str, int]) -> None:
    page = context_for(viewport).new_page()
    page.goto("/en/search?q=city")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to results")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('ol.results, .sort-links') !== null")


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280", "375"])
def test_error_pages_speak_the_address_language(browser: Browser, base_url: str,
                                                login_state: LoginState,
                                                viewport: dict[str, int]) -> None:
    """A Dutch browser, logged in, on an English address: the 404 is English, with a switch."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="nl-NL",
                                  storage_state=login_state("contributor"))
    try:
        page = context.new_page()
        response = page.goto("/en/items/999999")
        assert response is not None and response.status == 404
        expect(page.locator("main h1")).to_have_text(
            "This page does not exist, or you may not see it.")
        page.get_by_role("link", name="Nederlands").first.click() if viewport is DESK else (
            page.locator("nav.language-switch a").click())
        expect(page.locator("main h1")).to_have_text(
            "Deze pagina bestaat niet, of u mag haar niet zien.")
        assert page.url.endswith("/nl/items/999999")
    finally:
        context.close()


def test_edit_form_language_switch_keeps_the_text(context_for, refs: dict[str, Any]) -> None:
    page = context_for(DESK, "contributor", javascript=False).new_page()
    page.goto(f"/nl/items/{refs['draft']}/edit")
    title = page.locator("#in-en-title")
    title.fill("Repair café network, typed but not saved")
    page.locator("nav.language-switch a").click()
    switch = page.locator("#switch-language")
    expect(switch).to_be_in_viewport()
    switch.click()
    assert page.url.endswith(f"/en/items/{refs['draft']}/edit")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#in-en-title")).to_have_value("Repair café network, typed but not saved")
    page.goto(f"/en/items/{refs['draft']}")
    expect(page.locator("main h1")).to_have_text("Repair café network")


def test_item_page_links_onward(context_for, refs: dict[str, Any]) -> None:
    page = context_for(PHONE).new_page()
    page.goto(f"/en/items/{refs['dutch_only']}")
    facts = page.locator("dl.facts")
    facts.get_by_role("link", name="Deventer").click()
    expect(page.locator("main h1")).to_have_text("Deventer")
    no_sideways_scroll(page)
    page.go_back()
    facts.get_by_role("link", name="Quality education").click()
    assert "theme=sdg4" in page.url
    expect(page.locator("ol.results > li").first).to_be_visible()
