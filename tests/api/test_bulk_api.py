"""``POST /api/v1/import`` and ``GET /api/v1/export``: roles, all or nothing, round trip."""

from __future__ import annotations

import json

import pytest

from kennisbank.auth.tokens import create_token
from kennisbank.content.service import item_to_data
from kennisbank.extensions import db
from kennisbank.models import Item, User
from tests.api import OTHER_SECTOR, ROLES, SECTOR, callers, jsonl
from tests.conftest import item_data, make_app

JSONL = "application/x-ndjson"


@pytest.fixture
def people(app, make_user):
    return callers(app, make_user)


def _import(client, caller, body: bytes, content_type: str = JSONL, lang: str = "en"):
    return client.post(f"/api/v1/import?lang={lang}", data=body,
                       headers={**caller.headers, "Content-Type": content_type})


def _count(app) -> int:
    with app.app_context():
        return db.session.query(Item).count()


IMPORT = {"anonymous": 401, "reader": 403, "contributor": 403, "editor": 200,
          "other_editor": 403, "admin": 200}


@pytest.mark.parametrize("role", ROLES)
def test_import_by_role(app, client, people, role):
    body = jsonl([item_data(sector=SECTOR, external_id="line-1"),
                  item_data(sector=SECTOR, status="draft")])
    response = _import(client, people[role], body)
    assert response.status_code == IMPORT[role], response.get_json()
    assert _count(app) == (2 if IMPORT[role] == 200 else 0)
    if IMPORT[role] == 200:
        assert response.get_json() == {"created": 2, "updated": 0, "unchanged": 0}


EXPORT = IMPORT | {"other_editor": 200}


@pytest.mark.parametrize("role", ROLES)
def test_export_by_role_lists_what_the_role_may_see(people, make_item, client, role):
    owner = people["contributor"].user
    published = make_item(owner=owner, external_id="pub")
    make_item(owner=owner, status="draft", external_id="draft-here")
    make_item(owner=owner, status="draft", sector="culture", external_id="draft-culture")
    response = client.get("/api/v1/export", headers=people[role].headers)
    assert response.status_code == EXPORT[role]
    if response.status_code != 200:
        assert response.is_json
        return
    assert response.mimetype == "application/x-ndjson"
    assert response.is_streamed
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    expected = {"editor": {"pub", "draft-here"}, "other_editor": {"pub"},
                "admin": {"pub", "draft-here", "draft-culture"}}
    assert {line["external_id"] for line in lines} == expected[role]
    assert published.external_id == "pub"


def test_export_filters_like_the_list(people, make_item, client):
    make_item(external_id="a")
    make_item(external_id="b", sector="education")
    response = client.get("/api/v1/export?sector=education", headers=people["admin"].headers)
    assert [json.loads(line)["external_id"] for line in response.get_data(as_text=True)
            .splitlines()] == ["b"]
    assert client.get("/api/v1/export?sector=x", headers=people["admin"].headers
                      ).status_code == 400


def test_an_editor_publishes_by_import_only_in_their_own_sectors(app, client, people):
    """As by hand: drafts anywhere, other statuses only where they are an editor."""
    body = jsonl([item_data(sector=SECTOR), item_data(sector=OTHER_SECTOR, status="draft"),
                  item_data(sector=OTHER_SECTOR, status="published")])
    response = _import(client, people["editor"], body)
    assert response.status_code == 403
    body_json = response.get_json()
    assert list(body_json["lines"]) == ["3"]
    assert "3.status" in body_json["errors"]
    assert _count(app) == 0


def test_an_editor_may_not_overwrite_items_of_other_sectors(app, client, people, make_item):
    make_item(external_id="theirs", sector=OTHER_SECTOR)
    response = _import(client, people["editor"],
                       jsonl([item_data(sector=SECTOR, external_id="theirs")]))
    assert response.status_code == 403
    assert "1.external_id" in response.get_json()["errors"]
    with app.app_context():
        assert db.session.query(Item).one().sector == OTHER_SECTOR


def test_one_bad_line_imports_nothing_and_every_bad_line_is_reported(app, client, people):
    lines = [
        json.dumps(item_data()),
        "{not json",
        json.dumps(item_data(country="nl")),
        json.dumps(item_data(start_date="2024-05-01", end_date="2024-01-01")),
        json.dumps([1, 2]),
        "",
        json.dumps(item_data()),
    ]
    response = _import(client, people["admin"], jsonl(lines))
    assert response.status_code == 422
    body = response.get_json()
    assert sorted(body["lines"], key=int) == ["2", "3", "4", "5"]
    assert body["errors"]["3.country"].startswith("Must be a two-letter country code")
    assert body["errors"]["4.end_date"] == "The end date is before the start date."
    assert body["errors"]["5.item"] == "An item must be a JSON object."
    assert body["lines"]["2"]["line"].startswith("Not valid JSON")
    assert _count(app) == 0


def test_content_rules_found_by_the_import_itself_are_reported_per_line(app, client, people):
    body = jsonl([item_data(external_id="twice"), item_data(external_id="twice")])
    response = _import(client, people["admin"], body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"2.external_id": "Duplicate of line 1."}
    assert _count(app) == 0


def test_reimport_updates_by_external_id(app, client, people):
    first = _import(client, people["admin"], jsonl([item_data(external_id="x1")]))
    assert first.get_json()["created"] == 1
    again = _import(client, people["admin"], jsonl([item_data(external_id="x1")]))
    assert again.get_json() == {"created": 0, "updated": 0, "unchanged": 1}
    changed = _import(client, people["admin"], jsonl([item_data(external_id="x1", city="Zwolle")]))
    assert changed.get_json()["updated"] == 1
    with app.app_context():
        assert db.session.query(Item).one().city == "Zwolle"


def test_windows_line_endings_and_a_byte_order_mark(app, client, people):
    body = "\ufeff" + json.dumps(item_data()) + "\r\n" + json.dumps(item_data()) + "\r\n"
    response = _import(client, people["admin"], body.encode("utf-8"))
    assert response.status_code == 200 and _count(app) == 2


def test_import_limit(tmp_path):
    app = make_app(tmp_path, API_MAX_IMPORT_BODY=500)
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}", "Content-Type": JSONL}
        db.session.commit()
    response = app.test_client().post("/api/v1/import", data=jsonl([item_data()] * 3),
                                      headers=headers)
    assert response.status_code == 413 and "500" in response.get_json()["error"]


def test_import_needs_json_lines(client, people):
    for kind in ("application/json", "text/csv", "text/plain"):
        assert _import(client, people["admin"], jsonl([item_data()]), kind).status_code == 415
    for kind in ("application/jsonl", "application/x-jsonlines"):
        assert _import(client, people["admin"], jsonl([item_data()]), kind).status_code == 200


def _admin_headers(app) -> dict[str, str]:
    with app.app_context():
        admin = User(email="admin@example.org", name="Admin", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        token = create_token(admin)
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _items_by_external_id(app) -> dict[str, dict]:
    with app.app_context():
        return {item.external_id: item_to_data(item) for item in db.session.query(Item)}


def test_export_from_one_instance_imports_into_another_as_the_same_items(tmp_path):
    """Two apps, two databases: everything travels through the API only."""
    source = make_app(tmp_path / "source")
    target = make_app(tmp_path / "target")
    source_headers, target_headers = _admin_headers(source), _admin_headers(target)
    source_client, target_client = source.test_client(), target.test_client()
    only_english = item_data(status="review", country="DE", city="Münster",
                             themes=["sdg4", "sdg11"], tags=["uitwisseling", "onderwijs"])
    del only_english["translations"]["nl"]
    only_english["translations"]["en"]["challenge"] = "Too few **exchanges**."
    items = [
        item_data(),
        item_data(status="draft", organisation="Saxion", start_date=None),
        only_english,
        item_data(type="exchange", sector="education", status="archived",
                  fields={"education_level": "mbo", "participants": 24, "duration_weeks": 2,
                          "partner_institution": "Berufskolleg"},
                  start_date="2023-03-01", end_date="2023-03-20"),
    ]
    for data in items:
        created = source_client.post("/api/v1/items", json=data, headers=source_headers)
        assert created.status_code == 201, created.get_json()
    exported = source_client.get("/api/v1/export", headers=source_headers)
    assert len(exported.get_data().splitlines()) == 4

    imported = target_client.post("/api/v1/import", data=exported.get_data(),
                                  headers={**target_headers, "Content-Type": JSONL})
    assert imported.get_json() == {"created": 4, "updated": 0, "unchanged": 0}
    assert _items_by_external_id(target) == _items_by_external_id(source)
    again = target_client.get("/api/v1/export", headers=target_headers).get_data()
    assert sorted(again.splitlines()) == sorted(exported.get_data().splitlines())


def test_an_external_id_taken_during_the_import_is_a_409(app, client, people, monkeypatch):
    """Two imports racing for one external id: the loser saves nothing and may retry."""
    from sqlalchemy.exc import IntegrityError

    import kennisbank.api.bulk as bulk

    def racing(lines, *, user):
        raise IntegrityError("INSERT INTO items", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(bulk, "import_items", racing)
    response = _import(client, people["admin"], jsonl([item_data(external_id="raced")]))
    assert response.status_code == 409
    assert _count(app) == 0
