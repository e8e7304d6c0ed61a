"""``/api/v1/synonyms``: roles, CRUD, bad input, the documented answers, and bulk import/export."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

from kennisbank import hookimpl
from kennisbank.auth.tokens import create_token
from kennisbank.extensions import db
from kennisbank.models import User
from kennisbank.synonyms import service
from tests.api import ROLES, callers, jsonl
from tests.conftest import item_data, login, make_app

JSONL = "application/x-ndjson"
BIKE = {"nl": ["fietsstraat"], "en": ["bicycle street", "cycle street"]}
WATER = {"nl": ["wateroverlast"], "en": ["pluvial flooding"], "note": "KNMI"}
KEEPERS = {"editor", "other_editor", "admin"}


@pytest.fixture
def people(app, make_user):
    return callers(app, make_user)


def stored(app) -> list[tuple[list[str], list[str], str]]:
    with app.app_context():
        return [(s.terms("nl"), s.terms("en"), s.note) for s in service.find_sets()]


def create(client, caller, body, lang="en"):
    return client.post(f"/api/v1/synonyms?lang={lang}", json=body, headers=caller.headers)


def schemas(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]


def fits(schema_name: str, body, client) -> bool:
    found = schemas(client)
    schema = {**found[schema_name], "components": {"schemas": found}}  # so $refs resolve
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True).is_valid(body)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_and_write(app, client, people, role):
    caller = people[role]
    expected_read = 200 if role in KEEPERS else 401 if role == "anonymous" else 403
    assert client.get("/api/v1/synonyms", headers=caller.headers).status_code == expected_read
    response = create(client, caller, BIKE)
    assert response.status_code == (201 if role in KEEPERS else expected_read)
    assert response.is_json
    if role not in KEEPERS:
        assert set(response.get_json()) == {"error", "errors"}
    assert len(stored(app)) == (1 if role in KEEPERS else 0)


def test_a_session_may_read_but_not_write(app, client, people):
    login(client, people["editor"].user)
    assert client.get("/api/v1/synonyms").status_code == 200
    response = client.post("/api/v1/synonyms", json=BIKE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored(app) == []


def test_create_read_replace_delete(app, client, people):
    editor = people["editor"]
    created = create(client, editor, {"nl": [" Fietsstraat", "fietsstraat"],
                                      "en": ["bicycle  street", "cycle street"]})
    assert created.status_code == 201
    body = created.get_json()
    assert created.headers["Location"] == body["links"]["self"]
    assert (body["nl"], body["en"], body["note"]) == (["Fietsstraat"],
                                                      ["bicycle street", "cycle street"], "")
    assert body["updated_by"] == {"id": editor.user.id, "name": editor.user.name}
    assert body["created_at"].endswith("Z")
    path = f"/api/v1/synonyms/{body['id']}"
    assert client.get(path, headers=editor.headers).get_json() == body

    replaced = client.put(path, json=WATER, headers=people["admin"].headers)
    assert replaced.status_code == 200
    assert (replaced.get_json()["nl"], replaced.get_json()["note"]) == (["wateroverlast"], "KNMI")
    assert replaced.get_json()["updated_by"]["id"] == people["admin"].user.id
    assert stored(app) == [(["wateroverlast"], ["pluvial flooding"], "KNMI")]

    assert client.delete(path, headers=editor.headers).status_code == 204
    assert client.get(path, headers=editor.headers).status_code == 404
    assert client.delete(path, headers=editor.headers).status_code == 404
    assert stored(app) == []


def test_the_list_filters_pages_and_carries_the_version(app, client, people):
    headers = people["admin"].headers
    for body in (BIKE, WATER, {"nl": ["café", "kroeg"]}):
        assert create(client, people["admin"], body).status_code == 201
    listing = client.get("/api/v1/synonyms", headers=headers).get_json()
    assert listing["total"] == 3 and [s["nl"][0] for s in listing["synonym_sets"]] == [
        "fietsstraat", "wateroverlast", "café"]
    with app.app_context():
        assert listing["version"] == service.version()
    assert [s["nl"] for s in client.get("/api/v1/synonyms?q=CAFE", headers=headers)
            .get_json()["synonym_sets"]] == [["café", "kroeg"]]
    second = client.get("/api/v1/synonyms?page=2&per_page=2", headers=headers).get_json()
    assert (second["total"], second["page"], len(second["synonym_sets"])) == (3, 2, 1)
    client.delete(f"/api/v1/synonyms/{listing['synonym_sets'][0]['id']}", headers=headers)
    assert client.get("/api/v1/synonyms", headers=headers).get_json()["version"] != (
        listing["version"])


@pytest.mark.parametrize(("body", "field"), [
    ({"nl": ["fiets"]}, "terms"),
    ({"nl": "fiets", "en": ["bike"]}, "nl"),
    ({"nl": None, "en": ["bike", "bicycle"]}, "nl"),
    ({**BIKE, "en": ["one two three four five six", "bike"]}, "en"),
    ({**BIKE, "note": "x" * 501}, "note"),
    ({**BIKE, "id": 4}, "id"),
    ({"nl": ["a\u2028b", "c"]}, "nl"),
])
def test_invalid_sets_are_422_per_field(app, client, people, body, field):
    response = create(client, people["editor"], body)
    assert response.status_code == 422
    answer = response.get_json()
    assert answer["error"] == "The synonym set is not valid; see the errors per field."
    assert field in answer["errors"]
    assert stored(app) == []


def test_errors_follow_lang(client, people):
    answer = create(client, people["editor"], {**BIKE, "colour": "red"}, lang="nl").get_json()
    assert answer["errors"] == {"colour": "Onbekend veld \"colour\"."}


def test_the_same_terms_twice_are_422(app, client, people):
    first = create(client, people["editor"], BIKE).get_json()["id"]
    second = create(client, people["editor"], WATER).get_json()["id"]
    again = create(client, people["editor"], {"nl": ["FIETSSTRAAT"],
                                              "en": ["cycle street", "bicycle street"]})
    assert again.status_code == 422
    assert again.get_json()["errors"] == {"terms": f"These terms already form synonym set {first}."}
    moved = client.put(f"/api/v1/synonyms/{second}", json=BIKE, headers=people["editor"].headers)
    assert moved.status_code == 422
    assert stored(app)[1][0] == ["wateroverlast"]


def test_bad_requests_are_json_errors(client, people):
    headers = people["editor"].headers
    cases = [
        (client.post("/api/v1/synonyms", data="{", headers={**headers,
                                                           "Content-Type": "application/json"}),
         400),
        (client.post("/api/v1/synonyms", data="nl=x", headers={
            **headers, "Content-Type": "application/x-www-form-urlencoded"}), 415),
        (client.post("/api/v1/synonyms", json=["fiets", "bike"], headers=headers), 422),
        (client.put("/api/v1/synonyms/12345", json=BIKE, headers=headers), 404),
        (client.get(f"/api/v1/synonyms/{2**31}", headers=headers), 404),
        (client.get(f"/api/v1/synonyms/{2**63}", headers=headers), 404),
        (client.get("/api/v1/synonyms?lang=fr", headers=headers), 400),
        (client.get("/api/v1/synonyms?page=0", headers=headers), 400),
        (client.get("/api/v1/synonyms?per_page=501", headers=headers), 400),
        (client.delete("/api/v1/synonyms/1", headers={"Authorization": "Bearer nonsense"}), 401),
    ]
    for response, status in cases:
        assert response.status_code == status, response.get_data(as_text=True)
        assert set(response.get_json()) == {"error", "errors"}


def test_answers_fit_the_documented_schemas(client, people):
    headers = people["editor"].headers
    created = create(client, people["editor"], WATER).get_json()
    assert fits("SynonymSet", created, client)
    assert fits("SynonymSetList", client.get("/api/v1/synonyms", headers=headers).get_json(),
                client)
    assert not fits("SynonymSet", {**created, "note": None}, client)
    assert fits("SynonymSetInput", WATER, client)
    assert not fits("SynonymSetInput", {**WATER, "nl": ["a\tb"]}, client)
    assert not fits("SynonymSetInput", {**WATER, "nl": ["  "]}, client)
    assert not fits("SynonymSetInput", {**WATER, "id": 3}, client)


def _import(client, caller, lines):
    return client.post("/api/v1/import?lang=en", data=jsonl(lines),
                       headers={**caller.headers, "Content-Type": JSONL})


def test_bulk_import_takes_synonym_lines_with_the_items(app, client, people):
    lines = [item_data(external_id="bulk-1"), {"kind": "synonym_set", **BIKE},
             {"kind": "synonym_set", **WATER}]
    first = _import(client, people["admin"], lines)
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"created": 1, "updated": 0, "unchanged": 0,
                                "synonym_sets": {"created": 2, "updated": 0, "unchanged": 0}}
    again = _import(client, people["admin"], lines).get_json()
    assert again["synonym_sets"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert len(stored(app)) == 2
    assert fits("ImportReport", first.get_json(), client)


def test_bulk_import_refuses_bad_or_forbidden_synonym_lines_whole(app, client, people):
    bad = _import(client, people["editor"], [
        item_data(external_id="bulk-2"), {"kind": "synonym_set", "nl": ["fiets"]},
        {"kind": "synonym_set", **BIKE, "extra": 1}])
    assert bad.status_code == 422
    assert bad.get_json()["lines"] == {
        "2": {"terms": "A set needs at least two different terms, in Dutch and English "
                       "together."},
        "3": {"extra": "Unknown field \"extra\"."}}
    with_bad_item = _import(client, people["editor"], [
        {"kind": "synonym_set", "nl": ["fiets"]}, item_data(external_id="x", type="nothing")])
    assert with_bad_item.status_code == 422
    assert set(with_bad_item.get_json()["lines"]) == {"1", "2"}
    assert stored(app) == []
    with app.app_context():
        assert db.session.execute(db.text("SELECT count(*) FROM items")).scalar() == 0


class NoSynonyms:
    """A plugin that keeps everyone, administrators too, from the synonym list."""

    @hookimpl
    def permission_allowed(self, user, action, item):
        return False if action == "manage_synonyms" else None


def test_bulk_import_of_synonyms_needs_manage_synonyms(tmp_path):
    app = make_app(tmp_path, EXTRA_PLUGINS=[NoSynonyms()])
    with app.app_context():
        admin = User(email="admin@example.org", name="Admin", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}", "Content-Type": JSONL}
        db.session.commit()
    client = app.test_client()
    refused = client.post("/api/v1/import?lang=en",
                          data=jsonl([{"kind": "synonym_set", **BIKE}]), headers=headers)
    assert refused.status_code == 403
    assert refused.get_json()["lines"] == {"1": {"kind": "You may not change the synonym list."}}
    assert client.get("/api/v1/synonyms", headers=headers).status_code == 403
    assert stored(app) == []


def test_export_ends_with_the_synonym_sets(app, client, people, make_item):
    make_item(external_id="exp-1")
    create(client, people["admin"], BIKE)
    lines = [json.loads(line) for line in client.get(
        "/api/v1/export", headers=people["editor"].headers).get_data(as_text=True).splitlines()]
    assert lines[0]["external_id"] == "exp-1"
    assert lines[1] == {"kind": "synonym_set", **BIKE, "note": ""}
