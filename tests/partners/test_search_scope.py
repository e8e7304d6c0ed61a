"""Search: "practices from cities like X" (``like_city``) and the transfers sort's neighbours."""

from __future__ import annotations

import html
from urllib.parse import urlencode

import pytest

from kennisbank.partners.comparable import comparable_names

CITIES = [("Deventer", "NL"), ("Leuven", "BE"), ("Girona", "ES"), ("Enschede", "NL"),
          ("Tartu", "EE"), ("Lund", "SE"), ("Pécs", "HU"), ("Jyväskylä", "FI")]


@pytest.fixture
def world(app, add_cities, make_item):
    add_cities(*CITIES)
    for name, country in CITIES:
        make_item(city=name, country=country)
    with app.app_context():
        return comparable_names("Deventer")


def _cities(body):
    return sorted(hit["city"] for hit in body["results"])


def test_like_city_searches_the_comparable_cities(client, world):
    assert len(world) == 5 and "Deventer" not in world
    body = client.get("/api/v1/search?like_city=Deventer&per_page=50").get_json()
    assert _cities(body) == sorted(world)
    assert {e["value"] for e in body["facets"]["city"]} == set(world)  # counts narrowed too
    assert _cities(client.get("/api/v1/search?like_city=deventer").get_json()) == sorted(world)
    one = world[0]
    both = client.get(f"/api/v1/search?like_city=Deventer&city={one}").get_json()
    assert _cities(both) == [one]
    assert client.get("/api/v1/search?like_city=Deventer&city=Deventer").get_json()["total"] == 0


def test_other_spellings_of_a_comparable_city_count(app, client, world, make_item):
    folded = {"Pécs": "Pecs", "Jyväskylä": "Jyvaskyla", "Tartu": "TARTU"}
    name = next(n for n in world if n in folded)
    make_item(city=folded[name])
    with app.app_context():
        assert folded[name] in comparable_names("Deventer")
    body = client.get("/api/v1/search?like_city=Deventer&per_page=50").get_json()
    assert folded[name] in _cities(body)


def test_an_unknown_city_finds_nothing_and_a_long_value_is_refused(client, world):
    assert client.get("/api/v1/search?like_city=Atlantis").get_json()["total"] == 0
    assert client.get("/api/v1/search?like_city=" + "x" * 201).status_code == 400


def test_the_search_page_keeps_and_removes_the_city_scope(client, world):
    page = html.unescape(client.get("/en/search?like_city=Deventer&sort=title")
                         .get_data(as_text=True))
    assert "From cities like Deventer" in page
    assert '<input type="hidden" name="like_city" value="Deventer">' in page
    assert urlencode([("city", world[0]), ("like_city", "Deventer")]) in page  # links keep it
    assert 'href="/en/search?sort=title"' in page  # the chip's link drops it
    assert "5 practices found" in page
