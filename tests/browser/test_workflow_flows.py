"""The contributor's and the editor's flows in a real browser, in both languages, on a
desktop (1280 px) and a phone (375 px): write a draft, submit it, see its state, be told
why it cannot be changed, withdraw it, submit it again; then the editor finds it in the
review queue (count in the navigation), returns it without a comment (error summary),
returns it with one, and publishes it. axe checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import LoginState, assert_accessible, screenshot

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 812}}

TEXT = {
    "en": {
        "submit": "Submit for review", "withdraw": "Withdraw from review",
        "in_review": "Status: In review", "draft": "Status: Draft", "save": "Save as draft",
        "locked": "You cannot change this item now", "review": "Review",
        "publish": "Publish", "return": "Return to author", "problem": "There is a problem",
        "published": "The item has been published.", "returned": "Returned by the editor",
        "comment": "Comment for the author", "edit": "Edit this practice",
    },
    "nl": {
        "submit": "Ter beoordeling aanbieden", "withdraw": "Terugtrekken uit beoordeling",
        "in_review": "Status: Ter beoordeling", "draft": "Status: Concept",
        "save": "Opslaan als concept", "locked": "U kunt dit item nu niet wijzigen",
        "review": "Beoordelen", "publish": "Publiceren", "return": "Terug naar de auteur",
        "problem": "Er is een probleem", "published": "Het item is gepubliceerd.",
        "returned": "Teruggestuurd door de redacteur", "comment": "Opmerking voor de auteur",
        "edit": "Deze praktijk bewerken",
    },
}


@pytest.fixture
def page_for(new_context: Callable[..., BrowserContext],
             login_state: LoginState) -> Callable[[str, str], Page]:
    """``page_for(role, width)``: a fresh logged-in page at one of :data:`WIDTHS`."""

    def open_page(role: str, width: str) -> Page:
        context = new_context(storage_state=login_state(role), viewport=WIDTHS[width])
        return context.new_page()

    return open_page


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} scrolls sideways: {width} > {viewport}"


def item_id_of(page: Page) -> int:
    match = re.search(r"/items/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def write_draft(page: Page, lang: str, title: str) -> int:
    """Write a new practice through the form; returns its id."""
    t = TEXT[lang]
    page.goto(f"/{lang}/items/new?type=practice")
    page.locator('select[name="sector"]').select_option("municipality")
    page.locator(f'[name="{lang}-title"]').fill(title)
    page.locator(f'[name="{lang}-summary"]').fill("A practice written in the browser test.")
    page.get_by_role("button", name=t["save"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return item_id_of(page)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_contributor_submits_sees_the_state_withdraws_and_submits_again(
        page_for: Callable[[str, str], Page], lang: str, width: str) -> None:
    t = TEXT[lang]
    page = page_for("contributor", width)
    item_id = write_draft(page, lang, f"Street games {lang} {width}")
    panel = page.locator(".workflow-panel")
    expect(panel).to_contain_text(t["draft"])
    button = panel.get_by_role("button", name=t["submit"])
    # Styled: the form styles are loaded, so the button is not the browser's grey default.
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") != "rgb(239, 239, 239)"
    box = panel.locator("textarea").bounding_box()
    assert box is not None and box["height"] >= 60 and box["width"] >= 250
    assert_accessible(page)
    button.click()

    expect(panel).to_contain_text(t["in_review"])
    expect(panel.get_by_role("button", name=t["withdraw"])).to_be_visible()
    expect(page.get_by_role("link", name=t["edit"])).to_have_count(0)
    no_horizontal_scroll(page)
    screenshot(page, f"flows-item-in-review-{lang}-{width}")
    assert_accessible(page)

    page.goto(f"/{lang}/items/{item_id}/edit")
    expect(page.get_by_role("heading", level=1)).to_have_text(t["locked"])
    no_horizontal_scroll(page)
    assert_accessible(page)
    page.get_by_role("button", name=t["withdraw"]).click()
    assert page.url.endswith(f"/{lang}/items/{item_id}/edit"), "back on the form, editable"
    page.goto(f"/{lang}/items/{item_id}")
    expect(panel).to_contain_text(t["draft"])

    page.goto(f"/{lang}/items/{item_id}/history")
    expect(page.locator("ol.history > li")).to_have_count(3)
    assert_accessible(page)
    page.goto(f"/{lang}/items/{item_id}")
    panel.get_by_role("button", name=t["submit"]).click()
    expect(panel).to_contain_text(t["in_review"])


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_editor_works_from_the_review_queue(
        page_for: Callable[[str, str], Page], lang: str, width: str, refs: dict[str, Any]) -> None:
    t = TEXT[lang]
    author = page_for("contributor", width)
    item_id = write_draft(author, lang, f"Car-free Sundays {lang} {width}")
    author.locator(".workflow-panel").get_by_role("button", name=t["submit"]).click()

    editor = page_for("editor", width)
    editor.goto(f"/{lang}/")
    # The bar on wide screens, the menu on phones: the same entry twice in the header.
    nav_link = editor.locator(f'header a[href="/{lang}/review"]').first
    waiting = int(re.search(r"(\d+)", nav_link.text_content() or "").group(1))
    assert waiting >= 2, "the site's item in review and this one"
    editor.goto(f"/{lang}/review")
    entry = editor.locator(f"#review-{item_id}")
    expect(entry).to_be_visible()
    no_horizontal_scroll(editor)
    screenshot(editor, f"flows-review-queue-{lang}-{width}")
    assert_accessible(editor)

    entry.locator("summary").click()
    entry.get_by_role("button", name=t["return"]).click()
    summary = editor.locator(".error-summary")
    expect(summary).to_contain_text(t["problem"])
    assert_accessible(editor)
    expect(summary.get_by_role("link")).to_have_attribute("href", "#comment")
    editor.get_by_label(t["comment"]).fill("Please add what it cost.")
    editor.get_by_role("button", name=t["return"]).click()
    assert editor.url.endswith(f"/{lang}/review"), "back in the queue"
    expect(editor.locator(f"#review-{item_id}")).to_have_count(0)

    author.goto(f"/{lang}/items/{item_id}")
    expect(author.locator(".workflow-panel")).to_contain_text(t["returned"])
    expect(author.locator(".workflow-panel")).to_contain_text("Please add what it cost.")
    author.locator(".workflow-panel").get_by_role("button", name=t["submit"]).click()

    editor.goto(f"/{lang}/review")
    entry = editor.locator(f"#review-{item_id}")
    entry.get_by_role("button", name=re.compile(t["publish"])).click()
    expect(editor.locator(".flash-success")).to_have_text(t["published"])
    expect(editor.locator(f"#review-{item_id}")).to_have_count(0)
    nav_after = editor.locator(f'header a[href="/{lang}/review"]').first
    assert str(waiting - 1) in (nav_after.text_content() or "")
