"""Contact persons: names for everyone, email and phone for logged-in people only."""

from __future__ import annotations

import pytest

from kennisbank.extensions import db
from kennisbank.models import Item, Organisation, User
from kennisbank.partners.organisations import add_contact
from tests.conftest import login

EMAIL, PHONE = "m.jansen@deventer.example", "+31 570 000 101"
ROLES = ("anonymous", "reader", "contributor", "editor", "admin")


@pytest.fixture
def people(app, make_item, make_organisation, make_user):
    """A practice and an organisation, each with a contact person (who has an account)."""
    item = make_item()
    org_id = make_organisation("Gemeente Deventer", sector="municipality")
    account = make_user("reader", email="marieke@example.org")
    with app.app_context():
        user = db.session.get(User, account.id)
        add_contact(name="Marieke Jansen", position="Adviseur", email=EMAIL, phone=PHONE,
                    user=user, item=db.session.get(Item, item.id))
        add_contact(name="Marieke Jansen", position="Adviseur", email=EMAIL, phone=PHONE,
                    user=user, organisation=db.session.get(Organisation, org_id))
        db.session.commit()
    return item.id, org_id


@pytest.mark.parametrize("role", ROLES)
def test_contact_details_per_role(app, client, make_user, people, role):
    item_id, org_id = people
    if role != "anonymous":
        login(client, make_user(role, sectors=["culture"]))
    shown = role != "anonymous"
    pages = [client.get(f"/{lang}/items/{item_id}").get_data(as_text=True) for lang in ("nl", "en")]
    pages += [client.get(f"/en/organisations/{org_id}").get_data(as_text=True)]
    for page in pages:
        assert "Marieke Jansen" in page
        assert (EMAIL in page) == shown
        assert (PHONE in page) == shown
        assert "/contact/" in page  # visitors write too, confirming their address by mail
    contacts = client.get(f"/api/v1/organisations/{org_id}").get_json()["contacts"]
    assert contacts[0]["name"] == "Marieke Jansen"
    assert contacts[0]["email"] == (EMAIL if shown else None)
    assert contacts[0]["phone"] == (PHONE if shown else None)


def test_tokens_count_as_logged_in_for_the_api(app, client, make_user, people, token_for):
    _item_id, org_id = people
    headers = token_for(make_user("reader"))
    contacts = client.get(f"/api/v1/organisations/{org_id}", headers=headers).get_json()
    assert contacts["contacts"][0]["email"] == EMAIL


def test_editors_of_a_practice_manage_its_contact_persons(app, client, make_user, people):
    item_id, _org_id = people
    login(client, make_user("contributor"))
    assert client.get(f"/en/items/{item_id}/people").status_code == 403
    login(client, make_user("editor", sectors=["municipality"]))
    response = client.post(f"/en/items/{item_id}/people", data={
        "name": "Pieter Claes", "position": "", "email": "not an address", "phone": "",
        "account": ""})
    assert "Give an email address" in response.get_data(as_text=True)
    response = client.post(f"/en/items/{item_id}/people", data={
        "name": "Pieter Claes", "position": "Mobility", "email": "p@example.org", "phone": "",
        "account": "nobody@example.org"})
    assert "No account has this email address." in response.get_data(as_text=True)
    response = client.post(f"/en/items/{item_id}/people", data={
        "name": "Pieter Claes", "position": "Mobility", "email": "p@example.org", "phone": "",
        "account": ""})
    assert response.status_code == 303
    page = client.get(f"/en/items/{item_id}").get_data(as_text=True)
    assert "Pieter Claes" in page and "p@example.org" in page
    assert "/contact/" in page  # Marieke has an account; Pieter gets no message link
    assert page.count("/contact/") == 1
