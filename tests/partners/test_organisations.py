"""Organisations: the directory (words and facets), profiles, and who may edit them."""

from __future__ import annotations

import pytest

from kennisbank.auth.policy import can
from kennisbank.extensions import db
from kennisbank.models import Item, Organisation, User
from kennisbank.partners.models import OrganisationProfile
from tests.conftest import login

LEUPHANA = {"en": "University in Lüneburg with a strong profile in sustainability.",
            "nl": "Universiteit in Lüneburg met een sterk profiel in duurzaamheid."}


@pytest.fixture
def orgs(app, make_organisation):
    ids = {
        "saxion": make_organisation("Saxion Hogeschool", description={
            "en": "University of applied sciences in Deventer."}),
        "leuphana": make_organisation("Leuphana Universität Lüneburg", city="Lüneburg",
                                      country="DE", description=LEUPHANA),
        "deventer": make_organisation("Gemeente Deventer", sector="municipality"),
        "tartu": make_organisation("Tartu linnavalitsus", sector="municipality", city="Tartu",
                                   country="EE"),
    }
    with app.app_context():
        for key, offers, seeks in (("saxion", ["sdg4"], ["sdg7"]),
                                   ("leuphana", ["sdg4", "sdg13"], ["sdg11"]),
                                   ("deventer", ["sdg11"], ["sdg4", "sdg7"])):
            db.session.add(OrganisationProfile(organisation_id=ids[key], offers=offers,
                                               seeks=seeks))
        db.session.commit()
    return ids


def _names(body):
    return [o["name"] for o in body["organisations"]]


def test_directory_words_are_stemmed_and_cover_both_languages(client, orgs):
    found = client.get("/api/v1/organisations?q=universities").get_json()
    assert set(_names(found)) == {"Leuphana Universität Lüneburg", "Saxion Hogeschool"}
    assert _names(client.get("/api/v1/organisations?q=profielen").get_json()) == [
        "Leuphana Universität Lüneburg"]
    # Theme names count too: "Duurzame steden..." (offers) and "...duurzame energie" (seeks).
    sustainable = _names(client.get("/api/v1/organisations?q=duurzaamheid").get_json())
    assert set(sustainable) == {"Leuphana Universität Lüneburg", "Gemeente Deventer",
                                "Saxion Hogeschool"}
    assert _names(client.get("/api/v1/organisations?q=luneburg").get_json()) == [
        "Leuphana Universität Lüneburg"]
    assert client.get("/api/v1/organisations?q=zzzq").get_json()["total"] == 0
    everyone = client.get("/api/v1/organisations").get_json()
    assert _names(everyone) == sorted(_names(everyone), key=str.casefold)


def test_directory_facets_or_within_and_across(client, orgs):
    body = client.get("/api/v1/organisations?sector=municipality&offers=sdg11").get_json()
    assert _names(body) == ["Gemeente Deventer"]
    body = client.get("/api/v1/organisations?sector=education&offers=sdg13").get_json()
    assert _names(body) == ["Leuphana Universität Lüneburg"]
    offers = {e["value"]: e["count"] for e in body["facets"]["offers"]}
    assert offers == {"sdg4": 2, "sdg13": 1}  # counted without the offers filter
    sectors = {e["value"]: e["count"] for e in body["facets"]["sector"]}
    assert sectors == {"education": 1}  # with the offers filter, without the sector one
    body = client.get("/api/v1/organisations?country=DE&country=EE").get_json()
    assert set(_names(body)) == {"Leuphana Universität Lüneburg", "Tartu linnavalitsus"}
    seeking = client.get("/api/v1/organisations?seeks=sdg4&lang=en").get_json()
    assert _names(seeking) == ["Gemeente Deventer"]
    label = next(e for e in seeking["facets"]["seeks"] if e["value"] == "sdg4")
    assert label["label"] == "Quality education" and label["selected"]
    page = client.get("/en/organisations?seeks=sdg4").get_data(as_text=True)
    assert "Seeks: Quality education" in page and "1 organisation found" in page
    assert client.get("/api/v1/organisations?page=0").status_code == 400


def test_profile_page_shows_offers_seeks_practices_and_website(client, make_item, orgs):
    make_item(organisation="Leuphana Universität Lüneburg", sector="education",
              translations={"en": {"title": "Sustainable logistics minor", "summary": "",
                                   "body": ""}})
    page = client.get(f"/en/organisations/{orgs['leuphana']}").get_data(as_text=True)
    assert "University in Lüneburg" in page and "Sustainable logistics minor" in page
    assert "Quality education" in page and "Climate action" in page
    assert "Sustainable cities and communities" in page
    dutch = client.get(f"/nl/organisations/{orgs['leuphana']}").get_data(as_text=True)
    assert "Universiteit in Lüneburg" in dutch and "Kwaliteitsonderwijs" in dutch
    assert client.get("/en/organisations/999999").status_code == 404
    detail = client.get(f"/api/v1/organisations/{orgs['leuphana']}").get_json()
    assert detail["offers"] == ["sdg4", "sdg13"]
    assert [p["title"] for p in detail["practices"]] == ["Sustainable logistics minor"]


def _form(**values):
    return {"name": "Saxion", "sector": "education", "city": "Deventer", "country": "NL",
            "website": "https://www.saxion.nl", "description_nl": "Hogeschool.",
            "description_en": "University of applied sciences.", "offers": ["sdg4"],
            "seeks": ["sdg9"], **values}


def test_members_edit_their_own_organisation_only(app, client, make_user, make_item, orgs):
    make_item(organisation="Saxion Hogeschool", sector="education")
    member = make_user("reader", organisation_id=orgs["saxion"])
    assert client.get(f"/en/organisations/{orgs['saxion']}/edit").status_code == 302
    login(client, make_user("reader"))
    assert client.get(f"/en/organisations/{orgs['saxion']}/edit").status_code == 403
    login(client, member)
    assert client.get(f"/en/organisations/{orgs['leuphana']}/edit").status_code == 403
    assert client.get("/en/organisations/new").status_code == 403
    form = client.get(f"/en/organisations/{orgs['saxion']}/edit").get_data(as_text=True)
    assert "University of applied sciences in Deventer." in form
    response = client.post(f"/en/organisations/{orgs['saxion']}/edit", data=_form())
    assert response.status_code == 303
    with app.app_context():
        org = db.session.get(Organisation, orgs["saxion"])
        assert (org.name, org.website) == ("Saxion", "https://www.saxion.nl")
        assert db.session.get(OrganisationProfile, org.id).seeks == ["sdg9"]
        assert db.session.scalar(db.select(Item.organisation)) == "Saxion"  # still attached
    page = client.get(f"/en/organisations/{orgs['saxion']}").get_data(as_text=True)
    assert "Bicycle streets in the centre" in page


def test_the_form_explains_what_is_wrong(client, make_user, orgs):
    login(client, make_user("editor", sectors=["education"]))
    taken = client.post(f"/en/organisations/{orgs['saxion']}/edit",
                        data=_form(name="Gemeente Deventer", website="ftp://x"))
    text = taken.get_data(as_text=True)
    assert "Another organisation has this name." in text
    assert "Give a web address starting with https://" in text
    created = client.post("/en/organisations/new", data=_form(name="Aventus"))
    assert created.status_code == 303


def test_maintainers_manage_members(app, client, make_user, orgs):
    person = make_user("reader", email="someone@example.org")
    login(client, make_user("editor", sectors=["municipality"]))
    page = f"/en/organisations/{orgs['tartu']}/people"
    response = client.post(page, data={"member-email": "someone@example.org"})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.get(User, person.id)
        assert user.organisation_id == orgs["tartu"]
        assert can(user, "edit_organisation", db.session.get(Organisation, orgs["tartu"]))
        assert not can(user, "edit_organisation", db.session.get(Organisation, orgs["saxion"]))
        assert not can(user, "edit_organisation")
    assert client.post(f"/en/organisations/{orgs['tartu']}/members/{person.id}/remove"
                       ).status_code == 303
    login(client, person)
    assert client.get(page).status_code == 403
