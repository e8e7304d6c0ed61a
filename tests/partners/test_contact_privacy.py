"""Contact details never leave through exports, feeds or search.

Contact persons' e-mail addresses and phone numbers (of practices and of
organisations) and users' e-mail addresses are for logged-in people on the
pages meant for them. These tests fill every place they could slip into, then
read every way data goes out: ``kennisbank export``, the API (its export, item,
search, revision and organisation answers), the Atom feeds, search pages and
the search index itself.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from kennisbank import ContentType, Field, hookimpl
from kennisbank.content.registry import current_registry
from kennisbank.extensions import db
from kennisbank.models import Item, Organisation, User
from kennisbank.partners.organisations import add_contact
from kennisbank.search.document import build_document
from tests.conftest import item_data, make_app

#: Every word of these is found nowhere else, so a search that finds anything found them.
ITEM_EMAIL, ITEM_PHONE = "petra.vqx@zorgmailx.example", "+31 6 9731 8642"
ORG_EMAIL, ORG_PHONE = "frontqz@saxmailx.example", "+31 88 4719 3355"
OWNER_EMAIL = "ownerqz@privemailx.example"
FIELD_EMAIL = "kaartqz@veldmailx.example"
SECRETS = (ITEM_EMAIL, ITEM_PHONE, ORG_EMAIL, ORG_PHONE, OWNER_EMAIL, FIELD_EMAIL)
#: Pieces a tokenising index or a feed might keep of them.
PIECES = ("petra.vqx", "zorgmailx", "9731 8642", "frontqz", "saxmailx", "4719 3355", "ownerqz",
          "privemailx", "kaartqz", "veldmailx")
FIELD_PIECES = (FIELD_EMAIL, "kaartqz", "veldmailx")

CONTACT_CARD = ContentType(
    name="contact_card", label={"nl": "Contactkaart", "en": "Contact card"}, sector="ngo",
    fields=[Field("contact_email", "email", label={"en": "Contact email"}, searchable=True)],
)


class ContactCardPlugin:
    """A plugin type with a searchable e-mail field, as a sector plugin might declare."""

    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [CONTACT_CARD]


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, EXTRA_PLUGINS=[ContactCardPlugin()])


@pytest.fixture
def filled(app, make_item, make_user, make_organisation) -> dict[str, int]:
    owner = make_user("contributor", email=OWNER_EMAIL)
    item = make_item(owner=owner, organisation="Saxion Hogeschool")
    card = make_item(**item_data(type="contact_card", sector="ngo",
                                 fields={"contact_email": FIELD_EMAIL}))
    org_id = make_organisation("Saxion Hogeschool", sector="education")
    with app.app_context():
        add_contact(name="Petra Verhoef", position="Beleidsadviseur", email=ITEM_EMAIL,
                    phone=ITEM_PHONE, item=db.session.get(Item, item.id))
        add_contact(name="Front office", email=ORG_EMAIL, phone=ORG_PHONE,
                    organisation=db.session.get(Organisation, org_id))
        db.session.commit()
    return {"item": item.id, "card": card.id, "org": org_id, "owner": owner.id}


def assert_clean(text: str, where: str, *, also: tuple[str, ...] = ()) -> None:
    for secret in (*SECRETS, *PIECES):
        if secret in also:
            continue
        assert secret not in text, f"{secret!r} leaks through {where}"


def test_the_export_command_holds_no_contact_details(filled, runner, tmp_path: Path) -> None:
    result = runner.invoke("export")
    assert result.exit_code == 0 and "Petra" not in result.output
    # The e-mail field is the item's own content and travels for a faithful import.
    assert_clean(result.output, "kennisbank export", also=FIELD_PIECES)


def test_the_api_holds_no_contact_details(app, client, filled, make_user, token_for) -> None:
    admin = token_for(make_user("admin"))
    item, org = filled["item"], filled["org"]
    paths = ["/api/v1/export", "/api/v1/items", f"/api/v1/items/{item}",
             "/api/v1/search?q=fietsstraten", f"/api/v1/items/{item}/revisions",
             f"/api/v1/items/{item}/related", "/api/v1/organisations",
             f"/api/v1/items/{item}/transfers"]
    for path in paths:
        response = client.get(path, headers=admin)
        assert response.status_code == 200, path
        assert_clean(response.get_data(as_text=True), path, also=FIELD_PIECES)
    anonymous = client.get(f"/api/v1/organisations/{org}").get_data(as_text=True)
    assert_clean(anonymous, "the organisation API for anonymous callers")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_feeds_hold_no_contact_details(client, filled, lang: str) -> None:
    for path in (f"/{lang}/feed.atom", f"/{lang}/search.atom?q=fietsstraten",
                 f"/{lang}/search.atom?q=Verhoef"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_clean(response.get_data(as_text=True), path)


@pytest.mark.parametrize("secret", [*SECRETS, "zorgmailx", "kaartqz", "9731"])
def test_searching_for_contact_details_finds_nothing(client, filled, make_user, token_for,
                                                     secret: str) -> None:
    admin = token_for(make_user("admin"))
    for lang in ("nl", "en"):
        found = client.get("/api/v1/search", headers=admin, query_string={
            "q": secret, "lang": lang, "correct": "false", "translate": "false"})
        assert found.status_code == 200
        assert found.get_json()["total"] == 0, (secret, found.get_json())


def test_search_results_hold_no_contact_details(client, filled) -> None:
    for lang in ("nl", "en"):
        page = client.get(f"/{lang}/search?q=fietsstraten").get_data(as_text=True)
        assert "Fietsstraten" in page or "Bicycle streets" in page
        assert "/items/" in page
        assert_clean(page, f"the {lang} search page")


def test_the_search_index_holds_no_contact_details(app, filled) -> None:
    with app.app_context():
        registry = current_registry()
        for item_id in (filled["item"], filled["card"]):
            document = build_document(db.session.get(Item, item_id), registry)
            assert_clean(json.dumps(document, default=str), f"the search document of {item_id}")


def test_user_addresses_are_not_in_item_pages_for_anyone(client, filled, make_user) -> None:
    from tests.conftest import login

    login(client, make_user("admin"))
    for lang in ("nl", "en"):
        page = client.get(f"/{lang}/items/{filled['item']}").get_data(as_text=True)
        assert OWNER_EMAIL not in page


def _all_text(value: Any) -> str:
    return json.dumps(value, default=str)


def test_users_email_is_not_in_the_api_item(client, filled, make_user, token_for) -> None:
    headers = token_for(make_user("reader"))
    body = client.get(f"/api/v1/items/{filled['item']}", headers=headers).get_json()
    assert OWNER_EMAIL not in _all_text(body)
    with client.application.app_context():
        assert db.session.get(User, filled["owner"]).email == OWNER_EMAIL
