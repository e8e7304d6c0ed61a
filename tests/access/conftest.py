"""Fixtures for the way in: organisations, a contact person with an account, and the
outbox read the way the tests read mail (``mails()``, ``link_in(mail)``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.models import Item, Organisation, User
from kennisbank.partners.organisations import add_contact

#: A valid request for an account; tests replace fields with keyword arguments.
REQUEST = {
    "name": "Ana Popescu", "email": "ana@sibiu.example", "organisation": "new",
    "new_organisation": "Primăria Sibiu", "sector": "municipality", "city": "Sibiu",
    "function": "Policy adviser",
    "reason": "We want to learn from the bicycle streets of Deventer.",
    "language": "en", "website": "",
}


def request_form(**changes: Any) -> dict[str, Any]:
    return {**REQUEST, **changes}


def mails(app: Flask, to: str | None = None) -> list[dict[str, str]]:
    """The queued mail (oldest first), as plain dicts readable outside a context."""
    with app.app_context():
        query = db.select(MailMessage).order_by(MailMessage.id)
        if to is not None:
            query = query.where(MailMessage.to == to)
        return [{"to": m.to, "subject": m.subject, "text": m.text, "html": m.html,
                 "lang": m.lang, "template": m.template}
                for m in db.session.scalars(query)]


def link_in(mail: dict[str, str], marker: str) -> str:
    """The path of the first link in the mail's text whose URL contains ``marker``."""
    for url in re.findall(r"https?://\S+", mail["text"]):
        if marker in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link with {marker!r} in: {mail['text']}")


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def organisation(app: Flask) -> Callable[..., int]:
    def factory(name: str = "Gemeente Deventer", sector: str = "municipality") -> int:
        with app.app_context():
            org = Organisation(name=name, sector=sector, city="Deventer", country="NL")
            db.session.add(org)
            db.session.commit()
            return org.id

    return factory


@pytest.fixture
def contact(app: Flask, make_user: Callable[..., User], make_item: Callable[..., Item],
            organisation: Callable[..., int]) -> dict[str, int]:
    """A published practice and an organisation, both with Marieke (Dutch) as contact."""
    recipient = make_user("reader", email="marieke@deventer.example", preferred_language="nl")
    item = make_item()
    org_id = organisation()
    with app.app_context():
        user = db.session.get(User, recipient.id)
        on_item = add_contact(name="Marieke Jansen", email="marieke@deventer.example",
                              user=user, item=db.session.get(Item, item.id))
        on_org = add_contact(name="Marieke Jansen", email="marieke@deventer.example",
                             user=user, organisation=db.session.get(Organisation, org_id))
        db.session.commit()
        return {"item": item.id, "org": org_id, "item_contact": on_item.id,
                "org_contact": on_org.id, "recipient": recipient.id}


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)
