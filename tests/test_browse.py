"""Browse by sector and type, "my items", the editors' overview and the about page."""

from __future__ import annotations

import re

import pytest

from kennisbank.web import browse
from tests.conftest import login
from tests.pagehtml import Page

ONLY_DUTCH = {"nl": {"title": "Alleen in het Nederlands", "summary": "", "body": ""}}


def titles(html: str) -> list[str]:
    """The item links of a page, in order (not edit or new-item links)."""
    return [a.text for a in Page(html).all("a")
            if re.fullmatch(r"/(nl|en)/items/\d+", a.get("href") or "")]


def test_sector_page_lists_published_items_of_that_sector_only(client, make_item,
                                                               make_user) -> None:
    make_item(external_id="a", translations={"en": {"title": "Published municipal"}})
    make_item(external_id="b", status="draft", owner=make_user("contributor"),
              translations={"en": {"title": "Draft municipal"}})
    make_item(external_id="c", sector="education",
              translations={"en": {"title": "Published school"}})
    response = client.get("/en/sectors/municipality")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert titles(html) == ["Published municipal"]
    assert "<h1>Municipality</h1>" in html
    assert "<h1>Gemeente</h1>" in client.get("/nl/sectors/municipality").get_data(as_text=True)
    assert client.get("/en/sectors/nonsense").status_code == 404


def test_drafts_stay_out_even_for_their_owner(client, make_item, make_user) -> None:
    owner = make_user("contributor")
    make_item(external_id="b", status="draft", owner=owner,
              translations={"en": {"title": "My draft"}})
    login(client, owner)
    assert titles(client.get("/en/sectors/municipality").get_data(as_text=True)) == []


def test_type_page_lists_published_items_of_that_type(client, make_item) -> None:
    make_item(translations={"en": {"title": "A practice"}})
    html = client.get("/en/types/practice").get_data(as_text=True)
    assert titles(html) == ["A practice"]
    assert "<h1>Practice</h1>" in html
    assert client.get("/en/types/nonsense").status_code == 404


def test_listings_are_paginated(client, make_item, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browse, "PER_PAGE", 2)
    for number in range(3):
        make_item(external_id=f"p{number}", translations={"en": {"title": f"Item {number}"}})
    first = client.get("/en/types/practice").get_data(as_text=True)
    second = client.get("/en/types/practice?page=2").get_data(as_text=True)
    assert titles(first) == ["Item 2", "Item 1"]
    assert titles(second) == ["Item 0"]
    nav = Page(first).all("nav", **{"class": "pagination"})
    assert nav and Page(first).all("a", rel="next")[0].get("href") == "/en/types/practice?page=2"
    assert titles(client.get("/en/types/practice?page=99").get_data(as_text=True)) == ["Item 0"]
    assert client.get("/en/types/practice?page=abc").status_code == 200


def test_browse_index_counts_visible_published_items(client, make_item, make_user) -> None:
    make_item(external_id="a")
    make_item(external_id="b", status="draft", owner=make_user("contributor"))
    page = Page(client.get("/en/browse").get_data(as_text=True))
    municipality = next(li for li in page.all("li") if "Municipality" in li.text)
    assert "1 practice" in municipality.text and "2 practices" not in municipality.text
    link = next(a for a in page.all("a") if a.text == "Municipality")
    assert link.get("href") == "/en/sectors/municipality"


def test_closed_instance_asks_anonymous_visitors_to_log_in(tmp_path) -> None:
    from tests.conftest import make_app

    client = make_app(tmp_path, PUBLIC=False).test_client()
    response = client.get("/en/sectors/municipality")
    assert response.status_code == 401 or "login" in (response.location or "")
    assert client.get("/en/about").status_code == 200


def test_my_items_lists_own_items_with_status_and_missing_translations(
    client, make_item, make_user
) -> None:
    owner, other = make_user("contributor"), make_user("contributor")
    make_item(external_id="mine", owner=owner, status="draft", translations=ONLY_DUTCH)
    make_item(external_id="theirs", owner=other, status="draft",
              translations={"nl": {"title": "Van een ander"}})
    login(client, owner)
    page = Page(client.get("/en/my-items").get_data(as_text=True))
    rows = page.all("tr")[1:]
    assert len(rows) == 1
    cells = [td.text.strip() for td in rows[0].children if td.tag == "td"]
    assert cells[0] == "Alleen in het Nederlands"
    assert cells[2] == "Draft" and cells[3] == "English"
    assert "Edit" in cells[5]
    dutch = Page(client.get("/nl/my-items").get_data(as_text=True))
    assert [td.text.strip() for td in dutch.all("tr")[1].children if td.tag == "td"][3] == "Engels"


def test_my_items_needs_a_login(client) -> None:
    response = client.get("/en/my-items")
    assert response.status_code == 401 or (
        response.status_code == 302 and "login" in response.location)


def test_editor_overview_shows_their_sectors_items_needing_attention(
    client, make_item, make_user
) -> None:
    editor = make_user("editor", sectors=["municipality"])
    author = make_user("contributor")
    make_item(external_id="review", owner=author, status="review",
              translations={"en": {"title": "Awaiting review"}, "nl": {"title": "Wacht"}})
    make_item(external_id="untranslated", translations={"en": {"title": "English only"}})
    make_item(external_id="complete", translations={"en": {"title": "Complete"},
                                                    "nl": {"title": "Compleet"}})
    make_item(external_id="elsewhere", sector="education", status="review", owner=author,
              translations={"en": {"title": "Other sector"}})
    login(client, editor)
    page = Page(client.get("/en/my-items").get_data(as_text=True))
    assert titles(client.get("/en/my-items").get_data(as_text=True)) == [
        "Awaiting review", "English only"]
    assert page.by_id("overview-heading")


def test_contributors_have_no_overview(client, make_user) -> None:
    login(client, make_user("contributor"))
    assert not Page(client.get("/en/my-items").get_data(as_text=True)).all(
        id="overview-heading")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_about_page_in_both_languages(client, lang: str) -> None:
    response = client.get(f"/{lang}/about")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'<html lang="{lang}">' in html
    other = "en" if lang == "nl" else "nl"
    assert f'hreflang="{other}" href="http://localhost/{other}/about"' in html
    assert ("Onderwijs" if lang == "nl" else "Education") in html
