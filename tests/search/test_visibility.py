"""Visibility is part of every query: drafts never leak into results, totals,
facet counts, snippets, suggestions or related items, for any role."""

from __future__ import annotations

import pytest

from kennisbank.auth.tokens import create_token
from kennisbank.extensions import db
from kennisbank.models import User
from tests.conftest import login, make_app
from tests.search.support import add, counts, find, ids, texts

SECRET = "zeppelinhangar"


@pytest.fixture
def world(app, make_user):
    """A published item, and unpublished ones of several owners and sectors,
    all about the same word; the drafts also hold a secret word."""
    owner = make_user("contributor")
    other = make_user("contributor")
    made = {
        "published": add(app, sector="culture", country="NL",
                         translations=texts(en=("Harbour walk", "A walk along the harbour."))),
        "own_draft": add(app, owner=owner, status="draft", sector="culture", country="DE",
                         translations=texts(en=("Harbour plan", f"Harbour {SECRET} plan."))),
        "other_draft": add(app, owner=other, status="draft", sector="education", country="BE",
                           translations=texts(en=("Harbour school", f"Harbour {SECRET}."))),
        "culture_review": add(app, owner=other, status="review", sector="culture",
                              country="FR", translations=texts(
                                  en=("Harbour theatre", f"Harbour {SECRET} theatre."))),
        "archived": add(app, status="archived", sector="business", country="PL",
                        translations=texts(en=("Harbour shop", f"Harbour {SECRET} shop."))),
    }
    return made, owner


ROLES = {
    "anonymous": {"published"},
    "reader": {"published"},
    "contributor": {"published", "own_draft"},
    "editor": {"published", "own_draft", "culture_review"},
    "admin": {"published", "own_draft", "other_draft", "culture_review", "archived"},
}


def _as(role, client, make_user, owner):
    if role == "contributor":
        login(client, owner)
    elif role == "editor":
        login(client, make_user("editor", sectors=["culture"]))
    elif role != "anonymous":
        login(client, make_user(role))


@pytest.mark.parametrize("role", ROLES)
def test_results_totals_and_counts_hold_only_what_the_role_may_see(
        role, world, client, make_user):
    made, owner = world
    _as(role, client, make_user, owner)
    result = find(client, "harbour", lang="en")
    expected = {made[name] for name in ROLES[role]}
    assert set(ids(result)) == expected
    assert result["total"] == len(expected)
    assert sum(counts(result, "country").values()) == len(expected)
    assert sum(counts(result, "sector").values()) == len(expected)
    browse = find(client, lang="en")
    assert set(ids(browse)) == expected and browse["total"] == len(expected)


@pytest.mark.parametrize("role", ["anonymous", "reader"])
def test_draft_words_do_not_match_snippet_or_suggest(role, world, client, make_user):
    made, owner = world
    _as(role, client, make_user, owner)
    result = find(client, SECRET)
    assert result["total"] == 0 and result["results"] == []
    assert all(entry["count"] == 0 for entries in result["facets"].values()
               for entry in entries)
    assert find(client, "zeppelinhangaar")["suggestion"] is None
    snippets = " ".join(h for hit in find(client, "harbour")["results"]
                        for h in hit["highlights"])
    assert SECRET not in snippets


def test_suggestions_come_from_published_text_only_even_for_admins(world, client, make_user):
    made, owner = world
    login(client, make_user("admin"))
    assert find(client, SECRET)["total"] == 4
    assert find(client, "zeppelinhangaar")["suggestion"] is None


@pytest.mark.parametrize("role", ROLES)
def test_related_items_are_visible_ones_only(role, world, client, make_user):
    made, owner = world
    _as(role, client, make_user, owner)
    response = client.get(f"/api/v1/items/{made['published']}/related?lang=en")
    assert response.status_code == 200
    found = {hit["id"] for hit in response.get_json()["results"]}
    assert made["published"] not in found
    assert found == {made[name] for name in ROLES[role]} - {made["published"]}


def test_related_of_an_invisible_item_is_not_found(world, client):
    made, _ = world
    assert client.get(f"/api/v1/items/{made['own_draft']}/related").status_code == 404
    assert client.get("/api/v1/items/999999/related").status_code == 404


def test_a_bearer_token_searches_as_its_user(app, world, client):
    made, owner = world
    with app.app_context():
        token = create_token(db.session.get(User, owner.id))
        db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get("/api/v1/search?q=harbour", headers=headers)
    assert set(ids(response.get_json())) == {made["published"], made["own_draft"]}
    assert set(ids(find(client, "harbour"))) == {made["published"]}


def test_without_public_reading_anonymous_search_is_refused(tmp_path):
    app = make_app(tmp_path, PUBLIC=False)
    add(app, translations=texts(en=("Harbour", "Text")))
    client = app.test_client()
    response = client.get("/api/v1/search?q=harbour")
    assert response.status_code == 401 and response.is_json
    assert client.get("/en/search?q=harbour").status_code == 401
