"""The app builds, serves its two languages and redirects the root by browser language."""

from __future__ import annotations

from tests.conftest import login


def test_root_redirects_by_accept_language(client):
    assert client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).location == "/en/"
    assert client.get("/", headers={"Accept-Language": "nl-NL,nl;q=0.9"}).location == "/nl/"
    # A browser that asks for neither language gets English, the partner cities' language.
    assert client.get("/", headers={"Accept-Language": "de"}).location == "/en/"


def test_published_item_page_in_both_languages(client, make_item):
    item = make_item()
    nl = client.get(f"/nl/items/{item.id}").get_data(as_text=True)
    en = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    assert "Fietsstraten in de binnenstad" in nl and '<html lang="nl">' in nl
    assert "Bicycle streets in the centre" in en and '<html lang="en">' in en


def test_draft_is_hidden_from_anonymous_but_shown_to_owner(client, make_item, make_user):
    owner = make_user("contributor")
    item = make_item(status="draft", owner=owner)
    assert client.get(f"/en/items/{item.id}").status_code == 404
    login(client, owner)
    assert client.get(f"/en/items/{item.id}").status_code == 200
