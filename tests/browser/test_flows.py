"""What people do on the site, in a real browser: log in and out, search with facets and
pages, and write an item in both languages that readers then find in search."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in, screenshot
from tests.browser.site import Site
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_login_and_logout_through_the_form(page: Page, site: Site, live_server: str,
                                            refs: dict[str, Any]) -> None:
    item_url = f"{live_server}/en/items/{refs['bilingual']}"
    page.goto(item_url)
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Email address").fill(site.email("contributor"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.url == item_url, "after logging in, the reader is back where they were"
    expect(page.get_by_text("You are logged in.")).to_be_visible()
    account = page.get_by_role("navigation", name="Account")
    expect(account).to_contain_text("Check Contributor")
    account.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in")
           ).to_be_visible()


def test_failed_login_is_announced(page: Page) -> None:
    page.goto("/en/login")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_label("Password", exact=True).fill("not the password")
    page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible()
    email = page.get_by_label("Email address")
    described = (email.get_attribute("aria-describedby") or "").split()
    assert alert.get_attribute("id") in described, "the error is read out with the field"
    screenshot(page, "login-failed-en")
    assert_accessible(page)


def result_count(page: Page) -> int:
    status = page.locator("main [role=status]").inner_text()
    match = re.search(r"\d+", status)
    assert match, status
    return int(match.group())


def result_titles(page: Page) -> list[str]:
    return page.locator("ol.results > li h2").all_inner_texts()


def test_search_with_facets_and_pagination(page: Page) -> None:
    page.goto("/en/")
    page.get_by_role("search").get_by_role("searchbox").fill("")
    page.get_by_role("search").get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/en/search"))
    total = result_count(page)
    first_page = result_titles(page)
    assert total > len(first_page) > 0, "the demo set fills more than one page"

    pages = page.get_by_role("navigation", name="Pages")
    pages.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"[?&]page=2"))
    assert result_count(page) == total
    second_page = result_titles(page)
    assert second_page and not set(second_page) & set(first_page)
    expect(page.get_by_role("navigation", name="Pages").locator("[aria-current=page]")
           ).to_have_text("2")

    filters = page.get_by_role("complementary", name="Filters")
    filters.get_by_role("link", name=re.compile(r"^Education$")).click()
    expect(page).to_have_url(re.compile(r"[?&]sector=education"))
    assert "page=" not in page.url, "a new filter starts again at page 1"
    filtered = result_count(page)
    assert 0 < filtered < total
    metas = page.locator("ol.results > li .meta").all_inner_texts()
    assert metas and all("Education" in meta for meta in metas)
    screenshot(page, "search-filtered-en")

    page.get_by_role("link", name=re.compile(r"Sector: Education")).click()
    assert result_count(page) == total, "removing the filter shows everything again"


def test_search_query_in_both_languages(page: Page) -> None:
    page.goto("/nl/search")
    page.get_by_role("search").get_by_role("searchbox").fill("fietsstraten")
    page.get_by_role("search").get_by_role("searchbox").press("Enter")
    expect(page.locator("ol.results")).to_contain_text("Fietsstraten in de binnenstad")
    page.get_by_role("navigation", name="Taal").get_by_role("link").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "q=fietsstraten" in page.url, "the language switch keeps the search"


def fill_language(page: Page, language: str, title: str, summary: str, body: str) -> None:
    column = page.get_by_role("group", name=language, exact=True)
    column.get_by_label("Title").fill(title)
    column.get_by_label("Summary").fill(summary)
    column.get_by_label("Description").fill(body)


def test_create_item_in_both_languages_and_find_it(
    page_as: Callable[[str | None], Page], page: Page
) -> None:
    author = page_as("contributor")
    author.goto("/en/items/new")
    author.get_by_role("link", name="Practice", exact=True).click()
    fill_language(author, "Dutch", "Zwaluwtillen in nieuwbouwwijken",
                  "Bewoners plaatsen nestkasten voor gierzwaluwen.",
                  "In nieuwe wijken hangen **zwaluwtillen** bij de speelplekken.")
    fill_language(author, "English", "Swift towers in new neighbourhoods",
                  "Residents put up nest boxes for swifts.",
                  "New neighbourhoods get **swift towers** next to the playgrounds.")
    author.get_by_label("Sector").select_option("municipality")
    author.get_by_label("Goal 15: Life on land").check()
    author.get_by_label("City").fill("Deventer")
    author.get_by_role("button", name="Save as draft").click()
    expect(author.locator("main h1")).to_have_text("Swift towers in new neighbourhoods")
    item_url = author.url
    assert re.search(r"/en/items/\d+$", item_url), item_url
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("The item has been submitted for review.")).to_be_visible()

    editor = page_as("editor")
    editor.goto(item_url)
    editor.get_by_role("button", name="Publish").click()
    expect(editor.get_by_text("The item has been published.")).to_be_visible()

    page.goto("/nl/search?q=zwaluwtillen")
    expect(page.locator("ol.results")).to_contain_text("Zwaluwtillen in nieuwbouwwijken")
    page.goto("/en/search?q=swift+towers")
    results = page.locator("ol.results")
    expect(results).to_contain_text("Swift towers in new neighbourhoods")
    results.get_by_role("link", name="Swift towers in new neighbourhoods").click()
    assert page.url == item_url
    page.get_by_role("navigation", name="Language").get_by_role("link").click()
    expect(page.locator("main h1")).to_have_text("Zwaluwtillen in nieuwbouwwijken")


def test_item_form_errors_are_announced(page_as: Callable[[str | None], Page]) -> None:
    author = page_as("contributor")
    author.goto("/nl/items/new?type=practice")
    author.locator("form.item-form button[type=submit]:not(#switch-language)").click()
    summary = author.get_by_role("alert")
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    assert links.count() > 0
    for index in range(links.count()):
        target = (links.nth(index).get_attribute("href") or "").removeprefix("#")
        field = author.locator(f"[id='{target}']")
        expect(field).to_have_count(1)
    invalid = author.locator("[aria-invalid=true]")
    assert invalid.count() > 0
    for index in range(invalid.count()):
        described = (invalid.nth(index).get_attribute("aria-describedby") or "").split()
        assert any(author.locator(f"[id='{ref}']").count() for ref in described), (
            "every invalid field points at its error message"
        )
    screenshot(author, "item-form-errors-nl")
    assert_accessible(author)


def test_log_in_helper_rejects_a_wrong_password(page: Page, site: Site) -> None:
    """The login helper the other browser tests rely on really checks the password."""
    log_in(page, site.email("editor"), password="wrong password")
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.url.endswith("/en/login")
