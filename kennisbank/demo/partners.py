"""The partner part of the demo: city data from GeoNames, organisation profiles,
contact persons, members and transfer links between demo practices.

Files beside this module: ``profiles.json`` (offers and seeks per organisation
name), ``contacts.json`` (contact persons of practices and organisations by
external id and name, members by account email) and ``transfers.json``
(links between practices by external id, or to a city by name). Loading is
idempotent, like the rest of the demo.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import City, Item, Organisation, User
from ..partners.cities import fill_from_dataset, find_city
from ..partners.models import ContactPerson, OrganisationProfile
from ..partners.organisations import add_contact
from ..partners.transfers import add_transfer, link_exists


def _read(folder: Path, name: str) -> Any:
    return json.loads((folder / name).read_text(encoding="utf-8"))


def fill_cities() -> None:
    """Population and coordinates of every stored city that lacks them, from GeoNames."""
    for city in db.session.scalars(select(City).where(City.population.is_(None))):
        if not fill_from_dataset(city):
            raise RuntimeError(f"demo city {city.name} ({city.country}) is not in GeoNames")


def load_partners(folder: Path) -> None:
    """Profiles, contacts, members and transfers; the caller commits."""
    organisations = {org.name: org for org in db.session.scalars(select(Organisation))}
    for name, profile in _read(folder, "profiles.json").items():
        org = organisations[name]
        if db.session.get(OrganisationProfile, org.id) is None:
            db.session.add(OrganisationProfile(organisation_id=org.id, offers=profile["offers"],
                                               seeks=profile["seeks"]))
    contacts = _read(folder, "contacts.json")
    for row in contacts["items"]:
        _contact(row, item=_item(row["item"]))
    for row in contacts["organisations"]:
        _contact(row, organisation=organisations[row["organisation"]])
    for row in contacts["members"]:
        user = _account(row["account"])
        if user is not None:
            user.organisation_id = organisations[row["organisation"]].id
    for row in _read(folder, "transfers.json"):
        _transfer(row)


def _item(external_id: str) -> Item:
    return db.session.execute(select(Item).where(Item.external_id == external_id)).scalar_one()


def _account(email: str | None) -> User | None:
    if not email:
        return None
    return db.session.scalar(select(User).where(User.email == email))


def _contact(row: dict[str, Any], **owner: Any) -> None:
    query = select(ContactPerson).where(ContactPerson.name == row["name"])
    for key, value in owner.items():
        query = query.where(getattr(ContactPerson, f"{key}_id") == value.id)
    if db.session.scalar(query) is None:
        add_contact(name=row["name"], position=row.get("position", ""),
                    email=row.get("email", ""), phone=row.get("phone", ""),
                    user=_account(row.get("account")), **owner)


def _transfer(row: dict[str, Any]) -> None:
    source = _item(row["from"])
    to_item = _item(row["to_item"]) if "to_item" in row else None
    to_city = find_city(row["to_city"]) if "to_city" in row else None
    if "to_city" in row and to_city is None:
        raise RuntimeError(f"demo transfer names an unknown city: {row['to_city']}")
    if not link_exists(source, row["kind"], to_item, to_city):
        add_transfer(source, kind=row["kind"], user=None, to_item=to_item, to_city=to_city,
                     how=row.get("how"), result=row.get("result"))
