"""Following a search by e-mail and making a brochure from the basket, in a real browser,
in both languages, at desktop and phone width.

The HTTP-level rules (digests, unsubscribe links, PDF contents) are tested in
tests/following and tests/test_brochures.py; here a person does it with the page's own
controls: choose how often, follow, find and stop the search on the account page; add a
practice to the basket, open the basket, give the brochure a title and get the PDF.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"email_me": "E-mail me new practices", "follow": "Follow by e-mail",
           "followed": "Followed searches", "stop": "Stop following",
           "add": "Add to brochure basket", "remove": "Remove from the brochure basket",
           "basket": "Brochure basket", "title": "Title on the cover",
           "empty": "Empty the basket"},
    "nl": {"email_me": "Mail mij nieuwe praktijken", "follow": "Volgen per e-mail",
           "followed": "Gevolgde zoekopdrachten", "stop": "Niet meer volgen",
           "add": "In de brochuremand", "remove": "Uit de brochuremand halen",
           "basket": "Brochuremand", "title": "Titel op het omslag",
           "empty": "Mand leegmaken"},
}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
CASES = [(lang, width) for lang in WORDS for width in WIDTHS]


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_following_a_search_by_email_and_stopping(
        page_as: Callable[[str | None], Page], lang: str, width: str) -> None:
    words = WORDS[lang]
    page = page_as("contributor")
    page.set_viewport_size(WIDTHS[width])
    term = f"lantaarn{lang}{width}"  # a search of this test's own, followed only here
    page.goto(f"/{lang}/search?q={term}")
    box = page.locator(".follow-box")
    box.get_by_label(words["email_me"]).select_option("daily")
    box.get_by_role("button", name=words["follow"]).click()
    expect(page.locator(".follow-box form")).to_have_count(0)  # followed: no form any more
    expect(page.locator(".follow-box")).to_contain_text(
        "daily" if lang == "en" else "dagelijks")

    page.goto(f"/{lang}/account")
    section = page.get_by_role("region", name=words["followed"])
    row = section.get_by_role("row").filter(has_text=term)
    expect(row).to_have_count(1)
    expect(row.get_by_role("combobox")).to_have_value("daily")
    screenshot(page, f"following-{lang}-{width}")
    assert_accessible(page)
    row.get_by_role("button", name=words["stop"]).click()
    expect(page.get_by_role("region", name=words["followed"]).get_by_role("row")
           .filter(has_text=term)).to_have_count(0)


@pytest.mark.parametrize(("lang", "width"), CASES)
def test_a_brochure_from_the_basket(page_as: Callable[[str | None], Page],
                                    refs: dict[str, Any], lang: str, width: str) -> None:
    words = WORDS[lang]
    page = page_as("contributor")
    page.set_viewport_size(WIDTHS[width])
    page.goto(f"/{lang}/items/{refs['bilingual']}")
    title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name=words["add"]).click()
    expect(page.get_by_role("button", name=words["remove"])).to_be_visible()

    page.goto(f"/{lang}/basket")
    expect(page.get_by_role("heading", level=1, name=words["basket"])).to_be_visible()
    expect(page.locator(".basket-list li")).to_have_count(1)
    expect(page.locator(".basket-list")).to_contain_text(title)
    cover = f"Lanterns {lang} {width}"
    page.get_by_label(words["title"]).fill(cover)
    screenshot(page, f"basket-{lang}-{width}")
    assert_accessible(page)

    # The form's own button for a brochure in the page's language, fetched with the
    # page's cookies (the browser would hand the PDF to its viewer).
    button = page.locator(f"button[formaction$='/{lang}/brochure/basket.pdf']")
    action = button.get_attribute("formaction")
    assert action
    response = page.request.get(action, params={"title": cover, "intro": ""})
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert cover in text and title in text

    page.get_by_role("button", name=words["empty"]).click()
    expect(page.locator(".basket-list")).to_have_count(0)
