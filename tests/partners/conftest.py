"""Fixtures for the partner features: real cities from the dataset, tokens, organisations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from kennisbank.auth.tokens import create_token
from kennisbank.extensions import db
from kennisbank.models import City, Organisation, User
from kennisbank.partners.cities import add_city


@pytest.fixture
def add_cities(app: Flask) -> Callable[..., dict[str, int]]:
    """Store cities from GeoNames: ``add_cities(("Deventer", "NL"), ...)`` -> name -> id."""

    def factory(*pairs: tuple[str, str], relation: str = "other") -> dict[str, int]:
        with app.app_context():
            cities = [add_city(name, country, relation)[0] for name, country in pairs]
            db.session.commit()
            return {city.name: city.id for city in cities}

    return factory


@pytest.fixture
def token_for(app: Flask) -> Callable[[User], dict[str, str]]:
    """Headers carrying a fresh API token of ``user``."""

    def factory(user: User) -> dict[str, str]:
        with app.app_context():
            token = create_token(db.session.get(User, user.id), name="test")
            db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return factory


@pytest.fixture
def make_organisation(app: Flask) -> Callable[..., int]:
    def factory(name: str = "Saxion Hogeschool", **values: Any) -> int:
        with app.app_context():
            org = Organisation(name=name, sector=values.get("sector", "education"),
                               city=values.get("city", "Deventer"),
                               country=values.get("country", "NL"),
                               website=values.get("website"),
                               description=values.get("description", {}))
            db.session.add(org)
            db.session.commit()
            return org.id

    return factory


def city_id(app: Flask, name: str) -> int:
    with app.app_context():
        return db.session.execute(db.select(City.id).where(City.name == name)).scalar_one()
