"""``/api/v1/items``: every endpoint with every role, partial updates, conflicts, transitions."""

from __future__ import annotations

from typing import Any

import pytest

from kennisbank.extensions import db
from kennisbank.models import Item, Revision
from tests.api import OTHER_SECTOR, ROLES, callers
from tests.conftest import item_data, login, make_app


@pytest.fixture
def people(app, make_user):
    return callers(app, make_user)


@pytest.fixture
def world(people, make_item):
    """Items of the contributor: published, draft, in review (all in SECTOR), a draft elsewhere."""
    owner = people["contributor"].user
    items = {
        "P": make_item(owner=owner, status="published"),
        "D": make_item(owner=owner, status="draft"),
        "R": make_item(owner=owner, status="review"),
        "X": make_item(owner=owner, status="draft", sector="culture"),
    }
    return {key: item.id for key, item in items.items()}


def _call(client, method: str, url: str, caller, **kwargs: Any):
    return client.open(url, method=method, headers=caller.headers, **kwargs)


# -- reading ----------------------------------------------------------------------------

VISIBLE = {
    "anonymous": {"P"},
    "reader": {"P"},
    "contributor": {"P", "D", "R", "X"},
    "editor": {"P", "D", "R"},
    "other_editor": {"P"},
    "admin": {"P", "D", "R", "X"},
}


@pytest.mark.parametrize("role", ROLES)
def test_get_item_answers_what_the_role_may_see_and_404_otherwise(client, people, world, role):
    for key, item_id in world.items():
        response = _call(client, "GET", f"/api/v1/items/{item_id}", people[role])
        expected = 200 if key in VISIBLE[role] else 404
        assert response.status_code == expected, (key, response.get_json())
        assert response.is_json
        if expected == 404:
            assert set(response.get_json()) == {"error", "errors"}


@pytest.mark.parametrize("role", ROLES)
def test_list_shows_visible_items_only(client, people, world, role):
    response = _call(client, "GET", "/api/v1/items?per_page=100", people[role])
    assert response.status_code == 200
    body = response.get_json()
    by_id = {item_id: key for key, item_id in world.items()}
    assert {by_id[entry["id"]] for entry in body["items"]} == VISIBLE[role]
    assert body["total"] == len(VISIBLE[role])


def test_item_has_every_field_both_translations_timestamps_and_links(client, people, make_item):
    item = make_item(external_id="deventer-42", status="published")
    body = client.get(f"/api/v1/items/{item.id}?lang=en").get_json()
    assert body["external_id"] == "deventer-42"
    assert body["status"] == "published"
    assert set(body["translations"]) == {"nl", "en"}
    assert body["translations"]["nl"]["title"] == "Fietsstraten in de binnenstad"
    assert body["title"] == "Bicycle streets in the centre" and body["lang"] == "en"
    for key in ("created_at", "updated_at", "published_at"):
        assert body[key].endswith("Z")
    assert body["links"]["html"] == {"nl": f"http://localhost/nl/items/{item.id}",
                                     "en": f"http://localhost/en/items/{item.id}"}
    assert body["links"]["self"] == f"http://localhost/api/v1/items/{item.id}"
    assert body["themes"] == ["sdg11"] and body["country"] == "NL"
    assert body["labels"]["country"] == "Netherlands"
    assert body["labels"]["fields"]["challenge"] == "Challenge"


def test_lang_picks_labels_and_the_translation_shown_first(client, make_item):
    item = make_item()
    dutch = client.get(f"/api/v1/items/{item.id}?lang=nl").get_json()
    english = client.get(f"/api/v1/items/{item.id}?lang=en").get_json()
    assert (dutch["lang"], english["lang"]) == ("nl", "en")
    assert dutch["labels"]["sector"] == "Gemeente"
    assert english["labels"]["sector"] == "Municipality"
    assert dutch["labels"]["fields"]["challenge"] == "Uitdaging"


def test_an_item_in_one_language_is_shown_in_that_language(client, make_item):
    only_dutch = item_data()
    del only_dutch["translations"]["en"]
    item = make_item(translations=only_dutch["translations"])
    body = client.get(f"/api/v1/items/{item.id}?lang=en").get_json()
    assert body["lang"] == "nl" and body["languages"] == ["nl"]


def test_list_filters_and_pages(client, make_item):
    for number in range(5):
        make_item(sector="education" if number % 2 else "municipality")
    page = client.get("/api/v1/items?sector=education&per_page=1&page=2").get_json()
    assert page["total"] == 2 and page["pages"] == 2 and page["page"] == 2
    assert [entry["sector"] for entry in page["items"]] == ["education"]
    assert client.get("/api/v1/items?type=practice").get_json()["total"] == 5
    assert client.get("/api/v1/items?status=draft").get_json()["total"] == 0


@pytest.mark.parametrize("query", [
    "sector=nowhere", "type=nothing", "status=gone", "page=0", "page=x", "per_page=101",
    "lang=de", "page=1&page=2", "page=", "per_page=-1",
])
def test_bad_list_parameters_are_400_with_the_parameter_named(client, query):
    response = client.get(f"/api/v1/items?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.get_json()["errors"]


def test_private_site_asks_anonymous_callers_to_log_in(tmp_path, make_user):
    app = make_app(tmp_path, PUBLIC=False)
    client = app.test_client()
    response = client.get("/api/v1/items")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# -- creating ---------------------------------------------------------------------------

CREATE_DRAFT = {"anonymous": 401, "reader": 403, "contributor": 201, "editor": 201,
                "other_editor": 201, "admin": 201}
CREATE_PUBLISHED = {"anonymous": 401, "reader": 403, "contributor": 403, "editor": 201,
                    "other_editor": 403, "admin": 201}


@pytest.mark.parametrize("role", ROLES)
def test_create_item_by_role(app, client, people, role):
    draft = _call(client, "POST", "/api/v1/items", people[role], json=item_data(status="draft"))
    assert draft.status_code == CREATE_DRAFT[role], draft.get_json()
    published = _call(client, "POST", "/api/v1/items", people[role], json=item_data())
    assert published.status_code == CREATE_PUBLISHED[role], published.get_json()
    if draft.status_code == 201:
        body = draft.get_json()
        assert draft.headers["Location"] == body["links"]["self"]
        assert body["status"] == "draft" and body["external_id"].startswith("kb-")
        with app.app_context():
            item = db.session.get(Item, body["id"])
            assert item.owner_id == people[role].user.id
            assert [r.action for r in item.revisions] == ["save"]


def test_contributor_items_are_drafts_by_default(client, people):
    data = item_data()
    del data["status"]
    body = _call(client, "POST", "/api/v1/items", people["contributor"], json=data).get_json()
    assert body["status"] == "draft"


def test_existing_external_id_is_a_409_and_changes_nothing(app, client, people, make_item):
    make_item(external_id="shared-1")
    response = _call(client, "POST", "/api/v1/items", people["admin"],
                     json=item_data(external_id="shared-1"))
    assert response.status_code == 409
    assert "external_id" in response.get_json()["errors"]
    with app.app_context():
        assert db.session.query(Item).count() == 1


def test_validation_errors_are_422_per_field(client, people):
    data = item_data(country="XX", start_date="2024-02-30", tags=["ok", "two\nlines"],
                     fields={"participants": 3})
    data["translations"]["en"]["title"] = "   "
    response = _call(client, "POST", "/api/v1/items?lang=en", people["admin"], json=data)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["country"] == "Must be a two-letter country code, such as NL or DE."
    assert errors["start_date"] == "Must be a date written as YYYY-MM-DD."
    assert errors["tags"] == "Must be a single line."
    assert errors["fields.participants"] == 'Unknown field "participants".'
    assert errors["translations.en.title"] == "A title is required."


def test_rules_no_schema_states_still_apply(client, people):
    response = _call(client, "POST", "/api/v1/items?lang=en", people["admin"],
                     json=item_data(start_date="2024-05-01", end_date="2024-01-01"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"end_date": "The end date is before the start date."}


def test_plugin_types_and_their_fields_are_checked(client, people):
    data = item_data(type="exchange", sector="education",
                     fields={"education_level": "mbo", "participants": 0})
    response = _call(client, "POST", "/api/v1/items?lang=en", people["admin"], json=data)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"fields.participants": "Must be at least 1."}
    data["fields"]["participants"] = 12
    data["fields"]["partner_institution"] = "Saxion"
    created = _call(client, "POST", "/api/v1/items", people["admin"], json=data)
    assert created.status_code == 201
    assert created.get_json()["fields"] == {"education_level": "mbo", "participants": 12,
                                            "partner_institution": "Saxion"}


def test_messages_follow_the_lang_parameter(client, people):
    dutch = _call(client, "POST", "/api/v1/items?lang=nl", people["admin"],
                  json=item_data(bogus=1)).get_json()
    english = _call(client, "POST", "/api/v1/items?lang=en", people["admin"],
                    json=item_data(bogus=1)).get_json()
    assert dutch["errors"]["bogus"] == 'Onbekend veld "bogus".'
    assert english["errors"]["bogus"] == 'Unknown field "bogus".'


def test_a_browser_session_alone_may_not_write(client, people):
    """The API is exempt from CSRF; only a bearer token can write."""
    login(client, people["admin"].user)
    assert client.get("/api/v1/items").status_code == 200
    response = client.post("/api/v1/items", json=item_data())
    assert response.status_code == 401
    assert "Bearer" in response.get_json()["error"]


def test_a_revoked_or_made_up_token_is_a_401(client):
    response = client.post("/api/v1/items", json=item_data(),
                           headers={"Authorization": "Bearer kb_made-up"})
    assert response.status_code == 401


# -- changing ---------------------------------------------------------------------------

PATCH_DRAFT = {"anonymous": 401, "reader": 404, "contributor": 200, "editor": 200,
               "other_editor": 404, "admin": 200}
PATCH_PUBLISHED = {"anonymous": 401, "reader": 403, "contributor": 403, "editor": 200,
                   "other_editor": 403, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_patch_by_role(client, people, world, role):
    for key, table in (("D", PATCH_DRAFT), ("P", PATCH_PUBLISHED)):
        response = _call(client, "PATCH", f"/api/v1/items/{world[key]}", people[role],
                         json={"city": "Zwolle"})
        assert response.status_code == table[role], (key, response.get_json())
        if response.status_code == 200:
            assert response.get_json()["city"] == "Zwolle"


def test_patch_changes_only_what_is_sent(app, client, people, make_item):
    item = make_item(organisation="Saxion", tags=["fietsen", "verkeer"])
    before = client.get(f"/api/v1/items/{item.id}").get_json()
    response = _call(client, "PATCH", f"/api/v1/items/{item.id}", people["admin"], json={
        "organisation": None,
        "translations": {"en": {"summary": "New summary.", "challenge": "Traffic."}},
    })
    assert response.status_code == 200, response.get_json()
    after = response.get_json()
    assert after["organisation"] is None
    assert after["translations"]["en"] == {**before["translations"]["en"],
                                           "summary": "New summary.", "challenge": "Traffic."}
    assert after["translations"]["nl"] == before["translations"]["nl"]
    for key in ("tags", "city", "country", "themes", "start_date", "status", "external_id"):
        assert after[key] == before[key]
    with app.app_context():
        revision = db.session.query(Revision).filter_by(item_id=item.id).order_by(
            Revision.id.desc()).first()
        assert sorted(revision.changed) == ["organisation", "translations.en.challenge",
                                            "translations.en.summary"]


def test_patch_merges_fields_one_by_one_and_null_removes(client, people, make_item):
    item = make_item(type="exchange", sector="education", status="draft",
                     fields={"education_level": "hbo", "participants": 30})
    url = f"/api/v1/items/{item.id}"
    body = _call(client, "PATCH", url, people["admin"],
                 json={"fields": {"participants": 31, "duration_weeks": 4}}).get_json()
    assert body["fields"] == {"education_level": "hbo", "participants": 31, "duration_weeks": 4}
    body = _call(client, "PATCH", url, people["admin"],
                 json={"fields": {"participants": None}}).get_json()
    assert body["fields"] == {"education_level": "hbo", "duration_weeks": 4}


def test_patch_can_add_and_remove_a_language(client, people, make_item):
    item = make_item()
    url = f"/api/v1/items/{item.id}"
    body = _call(client, "PATCH", url, people["admin"],
                 json={"translations": {"en": None}}).get_json()
    assert body["languages"] == ["nl"]
    missing_title = _call(client, "PATCH", url + "?lang=en", people["admin"],
                          json={"translations": {"en": {"summary": "No title."}}})
    assert missing_title.status_code == 422
    assert missing_title.get_json()["errors"] == {"translations.en.title": "A title is required."}
    body = _call(client, "PATCH", url, people["admin"],
                 json={"translations": {"en": {"title": "Back"}}}).get_json()
    assert body["languages"] == ["en", "nl"]
    last = _call(client, "PATCH", url, people["admin"],
                 json={"translations": {"en": None, "nl": None}})
    assert last.status_code == 422


def test_patch_validates_the_merged_item(client, people, make_item):
    item = make_item(start_date="2024-01-01")
    response = _call(client, "PATCH", f"/api/v1/items/{item.id}?lang=en", people["admin"],
                     json={"end_date": "2023-01-01"})
    assert response.status_code == 422
    assert "end_date" in response.get_json()["errors"]


def test_patch_refuses_status_and_type_changes(client, people, world):
    url = f"/api/v1/items/{world['D']}?lang=en"
    status = _call(client, "PATCH", url, people["admin"], json={"status": "published"})
    assert status.status_code == 422 and "transitions" in status.get_json()["errors"]["status"]
    same = _call(client, "PATCH", url, people["admin"], json={"status": "draft"})
    assert same.status_code == 200
    kind = _call(client, "PATCH", url, people["admin"], json={"type": "exchange"})
    assert kind.status_code == 422
    assert kind.get_json()["errors"] == {"type": "The type of an item cannot be changed."}


def test_patch_to_a_taken_external_id_is_a_409(client, people, make_item):
    make_item(external_id="first")
    second = make_item(external_id="second")
    response = _call(client, "PATCH", f"/api/v1/items/{second.id}", people["admin"],
                     json={"external_id": "first"})
    assert response.status_code == 409


def test_an_editor_may_not_move_an_item_out_of_their_sectors(client, people, world):
    response = _call(client, "PATCH", f"/api/v1/items/{world['D']}", people["editor"],
                     json={"sector": OTHER_SECTOR})
    assert response.status_code == 403
    assert "sector" in response.get_json()["errors"]


# -- deleting ---------------------------------------------------------------------------

DELETE_DRAFT = PATCH_DRAFT | {"contributor": 204, "editor": 204, "admin": 204}
DELETE_PUBLISHED = PATCH_PUBLISHED | {"editor": 204, "admin": 204}


@pytest.mark.parametrize("role", ROLES)
def test_delete_by_role(app, client, people, world, role):
    for key, table in (("D", DELETE_DRAFT), ("P", DELETE_PUBLISHED)):
        response = _call(client, "DELETE", f"/api/v1/items/{world[key]}", people[role])
        assert response.status_code == table[role], key
        with app.app_context():
            exists = db.session.get(Item, world[key]) is not None
        assert exists == (table[role] != 204)
        if table[role] == 204:
            assert response.data == b""


# -- workflow ---------------------------------------------------------------------------

SUBMIT_DRAFT = PATCH_DRAFT
PUBLISH_REVIEW = {"anonymous": 401, "reader": 404, "contributor": 403, "editor": 200,
                  "other_editor": 404, "admin": 200}
ARCHIVE_PUBLISHED = PATCH_PUBLISHED


@pytest.mark.parametrize("role", ROLES)
def test_transitions_by_role(client, people, world, role):
    for key, target, table in (("D", "review", SUBMIT_DRAFT), ("R", "published", PUBLISH_REVIEW),
                               ("P", "archived", ARCHIVE_PUBLISHED)):
        response = _call(client, "POST", f"/api/v1/items/{world[key]}/transitions",
                         people[role], json={"to": target})
        assert response.status_code == table[role], (key, response.get_json())
        if response.status_code == 200:
            assert response.get_json()["status"] == target


def test_return_needs_a_comment_and_keeps_it(app, client, people, world):
    url = f"/api/v1/items/{world['R']}/transitions?lang=en"
    missing = _call(client, "POST", url, people["editor"], json={"to": "draft"})
    assert missing.status_code == 422
    assert missing.get_json()["errors"] == {"comment": (
        "Enter a comment that tells the author what to change before you return the item.")}
    done = _call(client, "POST", url, people["editor"],
                 json={"to": "draft", "comment": "Add the results, please."})
    assert done.status_code == 200 and done.get_json()["status"] == "draft"
    with app.app_context():
        last = db.session.query(Revision).filter_by(item_id=world["R"]).order_by(
            Revision.id.desc()).first()
        assert (last.action, last.comment) == ("return", "Add the results, please.")


def test_a_step_that_does_not_fit_the_status_is_a_409(client, people, world):
    response = _call(client, "POST", f"/api/v1/items/{world['D']}/transitions",
                     people["admin"], json={"to": "archived"})
    assert response.status_code == 409
    assert "to" in response.get_json()["errors"]


def test_publishing_validates_the_plugin_rules(client, people, make_item):
    item = make_item(type="exchange", sector="education", status="draft",
                     fields={"education_level": "mbo"})
    response = _call(client, "POST", f"/api/v1/items/{item.id}/transitions?lang=en",
                     people["admin"], json={"to": "published"})
    assert response.status_code == 422
    assert "fields.partner_institution" in response.get_json()["errors"]
    assert client.get(f"/api/v1/items/{item.id}", headers=people["admin"].headers
                      ).get_json()["status"] == "draft"


@pytest.mark.parametrize("body", [{}, {"to": "deleted"}, {"to": "review", "extra": 1},
                                  {"to": "review", "comment": 5}, {"to": ["review"]}])
def test_bad_transition_bodies_are_422(client, people, world, body):
    response = _call(client, "POST", f"/api/v1/items/{world['D']}/transitions",
                     people["admin"], json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]


def test_unknown_and_impossible_ids_are_404(client, people):
    for url in ("/api/v1/items/999", "/api/v1/items/99999999999999999999999",
                "/api/v1/items/-1", "/api/v1/items/abc"):
        response = client.get(url, headers=people["admin"].headers)
        assert response.status_code == 404 and response.is_json, url
    response = _call(client, "PATCH", "/api/v1/items/99999999999999999999", people["admin"],
                     json={})
    assert response.status_code == 404


# -- the other documented endpoints, for every role -----------------------------------------

HISTORY_OF_DRAFT = {"anonymous": 401, "reader": 404, "contributor": 200, "editor": 200,
                    "other_editor": 404, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_reading_endpoints_by_role(client, people, world, role):
    caller = people[role]
    for url in ("/api/v1/search?q=fietsstraten", f"/api/v1/items/{world['P']}/related",
                "/api/v1/content-types?lang=en", "/api/v1/openapi.json"):
        response = _call(client, "GET", url, caller)
        assert response.status_code == 200, url
        assert response.is_json
    history = _call(client, "GET", f"/api/v1/items/{world['D']}/revisions", caller)
    assert history.status_code == HISTORY_OF_DRAFT[role]
    found = _call(client, "GET", "/api/v1/search?q=fietsstraten", caller).get_json()
    by_id = {item_id: key for key, item_id in world.items()}
    assert {by_id[hit["id"]] for hit in found["results"]} == VISIBLE[role]
