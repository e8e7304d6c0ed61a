"""The demo set that ``kennisbank init --demo`` loads: practices, cities, organisations, users,
and the partner data (see :mod:`.partners`): city figures from GeoNames, profiles, contact
persons, members and transfer links.

The data files sit beside this module (see README.md here). Loading is
idempotent: items are matched on ``external_id``, cities and organisations on
their names, and users are created only when missing.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from ..auth.passwords import hash_password
from ..content.service import commit
from ..content.transfer import ImportReport, import_items
from ..extensions import db
from ..models import City, Organisation, User
from .partners import fill_cities, load_partners

DATA = Path(__file__).parent
DEMO_USERS: tuple[tuple[str, str, str, list[str]], ...] = (
    ("admin@deventer.example", "Demo Admin", "admin", []),
    ("editor@deventer.example", "Demo Editor", "editor", ["municipality", "education"]),
    ("contributor@partner.example", "Demo Contributor", "contributor", []),
)


def load_demo() -> tuple[ImportReport, list[tuple[str, str, str]]]:
    """Load everything; returns the import report and ``(email, role, password)`` of new users."""
    _load_cities()
    _load_organisations()
    db.session.commit()
    with (DATA / "items.jsonl").open("rb") as handle:
        report = import_items(handle, user=None)
    if not report.ok:
        raise RuntimeError("demo data is invalid: " + "; ".join(report.error_lines()))
    users = _create_users()
    load_partners(DATA)
    commit()
    return report, users


def _load_cities() -> None:
    for row in json.loads((DATA / "cities.json").read_text(encoding="utf-8")):
        found = db.session.execute(
            db.select(City).where(City.name == row["name"], City.country == row["country"])
        ).scalar_one_or_none()
        if found is None:
            db.session.add(City(name=row["name"], country=row["country"],
                                relation=row.get("relation", "other")))
    db.session.flush()
    fill_cities()


def _load_organisations() -> None:
    for row in json.loads((DATA / "organisations.json").read_text(encoding="utf-8")):
        found = db.session.execute(
            db.select(Organisation).where(Organisation.name == row["name"])
        ).scalar_one_or_none()
        if found is None:
            db.session.add(Organisation(
                name=row["name"], sector=row.get("sector"), city=row.get("city"),
                country=row.get("country"), website=row.get("website"),
                description=row.get("description") or {},
            ))


def _create_users() -> list[tuple[str, str, str]]:
    created = []
    for email, name, role, sectors in DEMO_USERS:
        exists = db.session.execute(db.select(User).where(User.email == email)).scalar()
        if exists:
            continue
        password = secrets.token_urlsafe(12)
        db.session.add(User(email=email, name=name, role=role, sectors=sectors,
                            password_hash=hash_password(password)))
        created.append((email, role, password))
    db.session.commit()
    return created
