"""Bad requests get clear JSON errors (400, 413, 415, 422), never a 500."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kennisbank.auth.tokens import create_token
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import Item, User
from tests.api import callers, jsonl
from tests.conftest import item_data, make_app

JSON = "application/json"


@pytest.fixture
def people(app, make_user):
    return callers(app, make_user)


@pytest.fixture
def draft(make_item, people):
    return make_item(owner=people["admin"].user, status="draft").id


def _send(client, method: str, url: str, token_headers: dict[str, str], body: bytes | str,
          content_type: str | None = JSON, **extra: Any):
    headers = dict(token_headers)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return client.open(url, method=method, headers=headers, data=body, **extra)


def _endpoints(item_id: int) -> list[tuple[str, str]]:
    return [("POST", "/api/v1/items"), ("PATCH", f"/api/v1/items/{item_id}"),
            ("POST", f"/api/v1/items/{item_id}/transitions")]


BAD_JSON = [
    pytest.param("{bad", 400, id="malformed"),
    pytest.param("", 400, id="empty"),
    pytest.param('{"type": "practice",}', 400, id="trailing-comma"),
    pytest.param("[]", 422, id="array"),
    pytest.param("[{}]", 422, id="array-of-objects"),
    pytest.param("5", 422, id="number"),
    pytest.param("null", 422, id="null"),
    pytest.param('"text"', 422, id="string"),
    pytest.param("[" * 100_000 + "]" * 100_000, 400, id="deeply-nested-array"),
    pytest.param('{"a":' * 50 + "1" + "}" * 50, 400, id="nested-objects"),
    pytest.param('{"n": ' + "9" * 5000 + "}", 400, id="5000-digit-number"),
    pytest.param('{"n": NaN}', 400, id="NaN"),
    pytest.param('{"n": -Infinity}', 400, id="Infinity"),
    pytest.param('{"title": "a\x00b"}', 400, id="raw-NUL-byte"),
    pytest.param('{"title": "\\ud800"}', 400, id="lone-surrogate"),
    pytest.param(b'{"title": "\xff\xfe"}', 400, id="not-UTF-8"),
]


@pytest.mark.parametrize(("body", "status"), BAD_JSON)
def test_bad_json_bodies(client, people, draft, body, status):
    for method, url in _endpoints(draft):
        response = _send(client, method, url, people["admin"].headers, body)
        assert response.status_code == status, (method, url, response.get_json())
        assert set(response.get_json()) == {"error", "errors"}


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", "application/xml"])
def test_wrong_content_type_is_415(client, people, draft, content_type):
    for method, url in _endpoints(draft):
        response = _send(client, method, url, people["admin"].headers,
                         json.dumps(item_data()), content_type=content_type)
        assert response.status_code == 415, (method, url)
        assert "application/json" in response.get_json()["error"]


def test_json_with_a_charset_or_a_json_suffix_is_accepted(client, people):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = _send(client, "POST", "/api/v1/items", people["admin"].headers,
                         json.dumps(item_data()), content_type=content_type)
        assert response.status_code == 201


def test_oversize_body_is_413_with_the_limit(tmp_path, make_user):
    app = make_app(tmp_path, API_MAX_BODY=2000)
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}"}
        db.session.commit()
    client = app.test_client()
    data = item_data()
    data["translations"]["en"]["body"] = "x" * 3000
    response = _send(client, "POST", "/api/v1/items", headers, json.dumps(data))
    assert response.status_code == 413
    assert "2000" in response.get_json()["error"]
    small = _send(client, "POST", "/api/v1/items", headers, json.dumps(item_data()))
    assert small.status_code == 201


def test_flask_s_site_wide_limit_caps_the_api_s_limits(tmp_path):
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=300)
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}"}
        db.session.commit()
    client = app.test_client()
    for url, kind, body in (("/api/v1/items", JSON, json.dumps(item_data())),
                            ("/api/v1/import", "application/x-ndjson", jsonl([item_data()]))):
        response = _send(client, "POST", url, headers, body, content_type=kind)
        assert response.status_code == 413, url
        assert "300" in response.get_json()["error"]


def test_a_body_without_a_length_is_cut_off_at_the_limit(tmp_path):
    app = make_app(tmp_path, API_MAX_BODY=1000)
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}", "Content-Type": JSON}
        db.session.commit()
    body = io.BytesIO(json.dumps({"x": "y" * 5000}).encode())
    response = app.test_client().post(
        "/api/v1/items", input_stream=body, headers=headers,
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413
    assert response.is_json


WRONG_SHAPES = [
    ({"translations": "Hello"}, "translations", "Must be an object."),
    ({"tags": "one, two"}, "tags", "Must be a list."),
    ({"themes": ["sdg99"]}, "themes", "Must be one or more of: "),
    ({"fields": []}, "fields", "Must be an object of field values."),
    ({"status": None}, "status", "Must be text."),
    ({"status": "gone"}, "status", "Must be one of: draft, review, published, archived."),
    ({"start_date": 20240101}, "start_date", "Must be text."),
    ({"city": ["Deventer"]}, "city", "Must be text."),
    ({"country": "nl"}, "country", "Must be a two-letter country code"),
    ({"colour": "red"}, "colour", 'Unknown field "colour".'),
    ({"type": "recipe"}, "type", 'Unknown content type "recipe"'),
    ({"translations": {"de": {"title": "Hallo"}}}, "translations.de", "Unknown language"),
    ({"translations": {"en": {"title": "T", "approach": 5}}}, "translations.en.approach",
     "Must be text."),
    ({"translations": {"en": {"title": "T\u0000"}}}, "translations.en.title",
     "Contains a character that is not allowed."),
    ({"external_id": "x" * 201}, "external_id", "Too long: at most 200 characters, got 201."),
    ({"tags": ["x"] * 31}, "tags", "At most 30 tags."),
]


@pytest.mark.parametrize(("change", "path", "message"), WRONG_SHAPES)
def test_wrong_types_and_unknown_fields_are_422_per_field(client, people, change, path,
                                                          message):
    data = {**item_data(), **change}
    if path.startswith("translations.") and "translations" in change:
        data["translations"] = {**item_data()["translations"], **change["translations"]}
    response = _send(client, "POST", "/api/v1/items?lang=en", people["admin"].headers,
                     json.dumps(data))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"][path].startswith(message)


@pytest.mark.parametrize(("value", "message"), [
    (10**20, "Number is out of range."),
    (1e300, "Number is out of range."),
    (12.5, "Must be a whole number."),
    (True, "Must be a whole number."),
    ("12", "Must be a whole number."),
    (0, "Must be at least 1."),
])
def test_numbers_out_of_range_or_of_the_wrong_kind(client, people, value, message):
    data = item_data(type="exchange", sector="education", status="draft",
                     fields={"participants": value})
    response = _send(client, "POST", "/api/v1/items?lang=en", people["admin"].headers,
                     json.dumps(data))
    assert response.status_code == 422
    assert response.get_json()["errors"]["fields.participants"] == message


def test_a_number_too_large_for_a_float_is_refused(client, people):
    body = json.dumps(item_data(type="development_project", sector="ngo", status="draft",
                                fields={"budget_eur": 1})).replace('"budget_eur": 1',
                                                                   '"budget_eur": 1e400')
    response = _send(client, "POST", "/api/v1/items?lang=en", people["admin"].headers, body)
    assert response.status_code == 422
    assert "fields.budget_eur" in response.get_json()["errors"]


def test_unknown_api_address_and_method_answer_json(client):
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.is_json
    wrong = client.put("/api/v1/items")
    assert wrong.status_code == 405 and wrong.is_json


def test_bad_import_bodies(client, people):
    headers = {**people["admin"].headers, "Content-Type": "application/x-ndjson"}
    cases = [
        (b"", 422), (b"\n\n", 422), (b"{bad\n", 422), (b"[]\n", 422),
        (b'{"n": ' + b"9" * 5000 + b"}\n", 422), (b'{"t": "\\ud800"}\n', 422),
        (b"\xff\xfe\n", 422), (b"{}\x00\n", 422), (b"[" * 100_000 + b"\n", 422),
    ]
    for body, status in cases:
        response = client.post("/api/v1/import", data=body, headers=headers)
        assert response.status_code == status, body[:20]
        assert response.get_json()["lines"]
    wrong_type = client.post("/api/v1/import", data=jsonl([item_data()]),
                             headers={**people["admin"].headers, "Content-Type": JSON})
    assert wrong_type.status_code == 415


# -- whatever arrives, the answer is a JSON 4xx or a success, never a server error ------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(["type", "status", "sector", "fields", "translations",
                                       "nl", "en", "title", "to", "comment", "tags",
                                       "participants", "x"]) | st.text(max_size=8),
                      children, max_size=5),
    max_leaves=20,
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory):
    """Writes leave the search index alone: Hypothesis reseeds ``random`` per example,
    which makes Whoosh pick the same segment name twice."""
    app = make_app(Path(tmp_path_factory.mktemp("fuzz")), SEARCH_INLINE_DRAIN=False)
    with app.app_context():
        admin = User(email="fuzz@example.org", name="Fuzz", role="admin", sectors=[])
        db.session.add(admin)
        db.session.flush()
        item = save_item(item_data(status="draft"), user=admin)
        commit()
        token = create_token(admin)
        db.session.commit()
        return app, {"Authorization": f"Bearer {token}"}, item.id


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSON_VALUES, endpoint=st.sampled_from(["create", "patch", "transition", "import"]))
def test_no_json_value_causes_a_server_error(fuzz_app, value, endpoint):
    app, headers, item_id = fuzz_app
    client = app.test_client()
    url = {"create": "/api/v1/items", "patch": f"/api/v1/items/{item_id}",
           "transition": f"/api/v1/items/{item_id}/transitions", "import": "/api/v1/import"}
    kind = "application/x-ndjson" if endpoint == "import" else JSON
    response = client.open(url[endpoint], method="PATCH" if endpoint == "patch" else "POST",
                           data=json.dumps(value), headers={**headers, "Content-Type": kind})
    assert response.status_code < 500
    assert response.is_json
    with app.app_context():
        assert db.session.get(Item, item_id) is not None


@pytest.mark.parametrize("url", ["/api/v1/search?language=A", "/nl/search.atom?language=A"])
def test_a_language_filter_that_names_no_language_is_no_server_error(client, url):
    response = client.get(url)
    assert response.status_code < 500
