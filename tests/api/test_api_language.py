"""One language rule for every API answer: ``lang``, else ``Accept-Language``, else English.

The same parameter mistake gets the same message from every endpoint
(kennisbank/args.py), in that language: the items API, the search API, related items.
"""

from __future__ import annotations

import pytest
from flask import Flask

from kennisbank.auth.tokens import create_token
from kennisbank.extensions import db
from kennisbank.models import User
from tests.conftest import make_app

PAGE_EN = "Must be a whole number from 1 to "
PAGE_NL = "Moet een geheel getal van 1 tot en met "


@pytest.fixture
def app(tmp_path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def dutch_admin(app: Flask) -> dict[str, str]:
    """A token of someone who prefers Dutch: the API's rule does not look at that."""
    with app.app_context():
        user = User(email="a@example.org", name="A", role="admin", sectors=[],
                    preferred_language="nl")
        db.session.add(user)
        db.session.commit()
        token = create_token(user)
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("query", "headers", "expected"), [
    ("", {}, "This field is required."),
    ("", {"Accept-Language": "nl-NL,nl;q=0.9"}, "Dit veld is verplicht."),
    ("", {"Accept-Language": "de, fr;q=0.5"}, "This field is required."),
    ("?lang=nl", {"Accept-Language": "en"}, "Dit veld is verplicht."),
    ("?lang=en", {"Accept-Language": "nl"}, "This field is required."),
])
def test_validation_errors_follow_the_rule(app, dutch_admin, query, headers, expected) -> None:
    response = app.test_client().post(f"/api/v1/items{query}", json={"translations": {}},
                                      headers={**dutch_admin, **headers})
    assert response.status_code == 422
    assert response.get_json()["errors"]["type"] == expected


@pytest.mark.parametrize("url", [
    "/api/v1/items?page=0", "/api/v1/search?page=0", "/api/v1/synonyms?page=0",
])
def test_parameter_errors_say_the_same_in_the_same_language(app, dutch_admin, url) -> None:
    client = app.test_client()
    english = client.get(url, headers=dutch_admin)
    assert english.status_code == 400
    assert english.get_json()["errors"]["page"].startswith(PAGE_EN)
    dutch = client.get(url, headers={**dutch_admin, "Accept-Language": "nl"})
    assert dutch.get_json()["errors"]["page"].startswith(PAGE_NL)
    asked = client.get(f"{url}&lang=nl", headers={**dutch_admin, "Accept-Language": "en"})
    assert asked.get_json()["errors"]["page"].startswith(PAGE_NL)


def test_a_lang_that_names_no_language_is_refused_in_english(app, dutch_admin) -> None:
    client = app.test_client()
    for url in ("/api/v1/items?lang=de", "/api/v1/search?lang=de",
                "/api/v1/items/1/related?lang=de"):
        response = client.get(url, headers=dutch_admin)
        assert response.status_code == 400, url
        assert response.get_json()["errors"] == {"lang": "Must be one of: nl, en."}, url


def test_search_switches_and_filters_use_the_same_reader(app) -> None:
    client = app.test_client()
    body = client.get("/api/v1/search?translate=maybe&sort=sideways",
                      headers={"Accept-Language": "nl"}).get_json()
    assert body["errors"]["translate"] == "Moet waar of onwaar zijn."
    assert body["errors"]["sort"].startswith("Moet een van deze zijn: ")
