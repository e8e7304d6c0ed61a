"""Transfer links: recorded once, shown on both sides (pages and API), counted in search."""

from __future__ import annotations

import pytest

from kennisbank.content.service import commit, delete_item
from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.partners.models import TransferLink
from tests.conftest import login

LEUVEN = {"nl": {"title": "Het circulatieplan van Leuven", "summary": "", "body": "Lussen."},
          "en": {"title": "The Leuven circulation plan", "summary": "", "body": "Loops."}}


@pytest.fixture
def pair(make_item):
    """Deventer's cycling policy and Leuven's circulation plan, both published."""
    deventer = make_item(city="Deventer", country="NL")
    leuven = make_item(city="Leuven", country="BE", translations=LEUVEN)
    return deventer.id, leuven.id


def _record(client, item_id, **form):
    data = {"kind": "inspired_by", "practice": "", "city": "", "how_nl": "", "how_en": "",
            "result_nl": "", "result_en": "", **form}
    return client.post(f"/en/items/{item_id}/transfers/new", data=data)


def test_a_link_shows_on_both_practices_pages_and_in_the_api(app, client, make_user, pair):
    deventer, leuven = pair
    editor = make_user("editor", sectors=["municipality"])
    login(client, editor)
    response = _record(client, deventer, practice=f"http://localhost/en/items/{leuven}",
                       how_en="Two sectors first.", result_nl="Minder verkeer.")
    assert response.status_code == 303
    own = client.get(f"/en/items/{deventer}").get_data(as_text=True)
    assert "Inspired by" in own and "The Leuven circulation plan" in own
    assert "Two sectors first." in own
    assert 'lang="nl">Minder verkeer.' in own  # only in Dutch: shown with its language
    other = client.get(f"/en/items/{leuven}").get_data(as_text=True)
    assert "Was an inspiration for" in other and "Bicycle streets in the centre" in other
    outgoing = client.get(f"/api/v1/items/{deventer}/transfers?lang=en").get_json()["transfers"]
    incoming = client.get(f"/api/v1/items/{leuven}/transfers?lang=en").get_json()["transfers"]
    assert [(t["direction"], t["to_item"]["id"]) for t in outgoing] == [("outgoing", leuven)]
    assert [(t["direction"], t["from_item"]["id"]) for t in incoming] == [("incoming", deventer)]
    assert outgoing[0]["how"] == {"en": "Two sectors first."}


def test_the_api_records_links_with_a_token(app, client, make_user, pair, token_for,
                                            add_cities):
    deventer, leuven = pair
    sibiu = add_cities(("Sibiu", "RO"))["Sibiu"]
    headers = token_for(make_user("editor", sectors=["municipality"]))
    created = client.post(f"/api/v1/items/{deventer}/transfers?lang=en", headers=headers,
                          json={"kind": "adapted_from", "to_item_id": leuven,
                                "how": {"en": "Fewer sectors."}})
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["direction"] == "outgoing"
    to_city = client.post(f"/api/v1/items/{deventer}/transfers", headers=headers,
                          json={"kind": "adopted_by", "to_city_id": sibiu})
    assert to_city.status_code == 201
    assert to_city.get_json()["to_city"]["name"] == "Sibiu"
    city = client.get(f"/api/v1/cities/{sibiu}").get_json()
    assert [t["from_item"]["id"] for t in city["took"]] == [deventer] and city["gave"] == []
    page = client.get(f"/en/cities/{sibiu}").get_data(as_text=True)
    assert "What Sibiu took from others" in page and "Bicycle streets in the centre" in page


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "copied", "to_item_id": 0}, "kind"),
    ({"kind": "inspired_by"}, "target"),
    ({"kind": "inspired_by", "to_item_id": 999999}, "to_item_id"),
    ({"kind": "inspired_by", "to_city_id": 999999}, "to_city_id"),
    ({"kind": "inspired_by", "to_item_id": "SELF"}, "to_item"),
    ({"kind": "inspired_by", "to_item_id": "OTHER", "how": {"fr": "non"}}, "how"),
    ({"kind": "inspired_by", "to_item_id": "OTHER", "how": None}, "how"),
    ({"kind": "inspired_by", "to_item_id": "OTHER", "extra": 1}, "extra"),
])
def test_the_api_refuses_invalid_links(app, client, make_user, pair, token_for, body, field):
    deventer, leuven = pair
    headers = token_for(make_user("admin"))
    body = {k: {"SELF": deventer, "OTHER": leuven}.get(v, v) if isinstance(v, str) else v
            for k, v in body.items()}
    response = client.post(f"/api/v1/items/{deventer}/transfers?lang=en", headers=headers,
                           json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(TransferLink.id))) == 0


def test_a_duplicate_link_is_refused(app, client, make_user, pair, token_for):
    deventer, leuven = pair
    headers = token_for(make_user("admin"))
    body = {"kind": "inspired_by", "to_item_id": leuven}
    assert client.post(f"/api/v1/items/{deventer}/transfers", headers=headers,
                       json=body).status_code == 201
    again = client.post(f"/api/v1/items/{deventer}/transfers", headers=headers, json=body)
    assert again.status_code == 422 and "target" in again.get_json()["errors"]


def test_who_may_record_links(app, client, make_user, pair, token_for):
    deventer, leuven = pair
    body = {"kind": "inspired_by", "to_item_id": leuven}
    assert client.post(f"/api/v1/items/{deventer}/transfers", json=body).status_code == 401
    reader = token_for(make_user("reader"))
    assert client.post(f"/api/v1/items/{deventer}/transfers", headers=reader,
                       json=body).status_code == 403
    elsewhere = token_for(make_user("editor", sectors=["culture"]))
    assert client.post(f"/api/v1/items/{deventer}/transfers", headers=elsewhere,
                       json=body).status_code == 403
    assert client.get(f"/en/items/{deventer}/transfers/new").status_code == 302  # to log in
    login(client, make_user("contributor"))
    assert client.get(f"/en/items/{deventer}/transfers/new").status_code == 403
    assert _record(client, deventer, practice=str(leuven)).status_code == 403
    page = client.get(f"/en/items/{deventer}").get_data(as_text=True)
    assert "/transfers/new" not in page


def test_links_to_unpublished_practices_stay_hidden(app, client, make_user, make_item, pair,
                                                    token_for):
    deventer, _leuven = pair
    owner = make_user("contributor")
    draft = make_item(owner=owner, status="draft", city="Tartu", country="EE",
                      translations={"en": {"title": "A secret draft", "summary": "", "body": ""}})
    headers = token_for(make_user("admin"))
    assert client.post(f"/api/v1/items/{deventer}/transfers", headers=headers,
                       json={"kind": "inspired_by", "to_item_id": draft.id}).status_code == 201
    assert "A secret draft" not in client.get(f"/en/items/{deventer}").get_data(as_text=True)
    assert client.get(f"/api/v1/items/{deventer}/transfers").get_json()["transfers"] == []
    assert client.get(f"/api/v1/items/{deventer}/transfers",
                      headers=headers).get_json()["transfers"] != []
    found = client.get("/api/v1/search?transferred=true").get_json()
    assert found["total"] == 0  # a link to a draft does not count in public


def test_search_counts_sorts_and_forgets_links(app, client, make_user, make_item, pair,
                                               token_for):
    deventer, leuven = pair
    third = make_item(city="Girona", country="ES")
    headers = token_for(make_user("admin"))
    for target in (leuven, third.id):
        assert client.post(f"/api/v1/items/{deventer}/transfers", headers=headers,
                           json={"kind": "inspired_by", "to_item_id": target}).status_code == 201
    ordered = client.get("/api/v1/search?sort=transfers").get_json()
    assert ordered["sort"] == "transfers"
    assert ordered["results"][0]["id"] == deventer
    facet = {e["value"]: e["count"] for e in ordered["facets"]["transferred"]}
    assert facet == {"true": 3}
    page = client.get("/en/search?transferred=true").get_data(as_text=True)
    assert "Transferred at least once: Yes" in page and "most transferred" in page
    with app.app_context():
        link = db.session.scalars(db.select(TransferLink)
                                  .where(TransferLink.to_item_id == third.id)).one()
    login(client, make_user("admin"))
    response = client.post(f"/en/items/{deventer}/transfers/{link.id}/delete")
    assert response.status_code == 303
    facet = {e["value"]: e["count"] for e in
             client.get("/api/v1/search").get_json()["facets"]["transferred"]}
    assert facet == {"true": 2, "false": 1}


def test_deleting_a_practice_takes_its_links_and_recounts_the_other(app, client, make_user,
                                                                   pair, token_for):
    deventer, leuven = pair
    headers = token_for(make_user("admin"))
    client.post(f"/api/v1/items/{deventer}/transfers", headers=headers,
                json={"kind": "inspired_by", "to_item_id": leuven})
    with app.app_context():
        delete_item(db.session.get(Item, deventer))
        commit()
        assert db.session.scalar(db.select(db.func.count(TransferLink.id))) == 0
    facet = {e["value"]: e["count"] for e in
             client.get("/api/v1/search").get_json()["facets"]["transferred"]}
    assert facet == {"false": 1}
