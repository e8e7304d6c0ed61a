"""Organisations as the partner pages see them: profile, practices, people, members.

An organisation's practices are the items naming it (``Item.organisation``,
the import format's organisation name); its members are the people whose
``User.organisation_id`` points at it; its contact persons are
:class:`~kennisbank.partners.models.ContactPerson` rows. Every change to an
organisation goes through :func:`save_organisation`, so forms and the demo
loader check the same rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.policy import visibility
from ..config import LANGUAGES
from ..content.registry import current_registry
from ..content.service import queue_index
from ..content.vocab import THEMES, is_country
from ..extensions import db
from ..models import Item, Organisation, User, utcnow
from .models import ContactPerson, OrganisationProfile

MAX_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
MAX_WEBSITE_LENGTH = 500


class OrganisationError(ValueError):
    """The organisation cannot be saved; ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def profile_of(organisation: Organisation) -> OrganisationProfile | None:
    return db.session.get(OrganisationProfile, organisation.id)


def offers_and_seeks(organisation: Organisation) -> tuple[list[str], list[str]]:
    profile = profile_of(organisation)
    if profile is None:
        return [], []
    return list(profile.offers or []), list(profile.seeks or [])


def _themes(value: Any, field: str, errors: dict[str, str]) -> list[str]:
    codes = list(dict.fromkeys(value or []))
    if any(code not in THEMES for code in codes):
        errors[field] = _("Choose themes from the list.")
        return []
    return sorted(codes, key=lambda code: int(code.removeprefix("sdg")))


def save_organisation(organisation: Organisation | None, data: Mapping[str, Any],
                      user: User | None) -> Organisation:
    """Create (``organisation=None``) or change an organisation and its profile.

    ``data`` holds ``name``, ``sector``, ``city``, ``country``, ``website``,
    ``description`` (``{lang: text}``), ``offers`` and ``seeks`` (theme codes).
    The caller checks permissions and commits.

    :raises OrganisationError: with a message per field; nothing is changed.
    """
    errors: dict[str, str] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("This field is required.")
    elif len(name) > MAX_NAME_LENGTH:
        errors["name"] = _("At most %(max)d characters.", max=MAX_NAME_LENGTH)
    else:
        other = db.session.scalar(select(Organisation).where(
            func.lower(Organisation.name) == name.lower()))
        if other is not None and other is not organisation:
            errors["name"] = _("Another organisation has this name.")
    sector = str(data.get("sector") or "") or None
    if sector is not None and sector not in current_registry().sectors:
        errors["sector"] = _("Choose a sector from the list.")
    country = str(data.get("country") or "").upper() or None
    if country is not None and not is_country(country):
        errors["country"] = _("Choose a country from the list.")
    city = str(data.get("city") or "").strip()[:120] or None
    website = str(data.get("website") or "").strip() or None
    if website is not None:
        parts = urlsplit(website)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            errors["website"] = _("Give a web address starting with https:// or http://.")
        elif len(website) > MAX_WEBSITE_LENGTH:
            errors["website"] = _("At most %(max)d characters.", max=MAX_WEBSITE_LENGTH)
    description: dict[str, str] = {}
    for lang, text in dict(data.get("description") or {}).items():
        if lang in LANGUAGES and text and str(text).strip():
            if len(str(text).strip()) > MAX_DESCRIPTION_LENGTH:
                errors[f"description_{lang}"] = _("At most %(max)d characters.",
                                                  max=MAX_DESCRIPTION_LENGTH)
            description[lang] = str(text).strip()
    offers = _themes(data.get("offers"), "offers", errors)
    seeks = _themes(data.get("seeks"), "seeks", errors)
    if errors:
        raise OrganisationError(errors)
    if organisation is None:
        organisation = Organisation(name=name)
        db.session.add(organisation)
    old_name = organisation.name
    organisation.name, organisation.sector, organisation.city = name, sector, city
    organisation.country, organisation.website = country, website
    organisation.description = description
    db.session.flush()
    if old_name != name:
        _rename_in_items(old_name, name)
    profile = profile_of(organisation) or OrganisationProfile(organisation_id=organisation.id)
    profile.offers, profile.seeks = offers, seeks
    profile.updated_at = utcnow()
    profile.updated_by_id = user.id if user is not None else None
    db.session.add(profile)
    return organisation


def _rename_in_items(old: str, new: str) -> None:
    """Practices name their organisation; a new name keeps them attached.

    A rename is not an edit of the practices' content, so it keeps no
    revision; their search entries are refreshed through the outbox.
    """
    for item in db.session.scalars(select(Item).where(Item.organisation == old)):
        item.organisation = new
        queue_index(item.id, "index")


def practices_of(organisation: Organisation, user: Any) -> list[Item]:
    """The organisation's practices that ``user`` may see, newest first."""
    return list(db.session.scalars(
        select(Item).where(Item.organisation == organisation.name, visibility(user).sql())
        .order_by(Item.start_date.desc().nulls_last(), Item.id.desc())
    ))


def practice_counts() -> dict[str, int]:
    """Published practices per organisation name."""
    rows = db.session.execute(
        select(Item.organisation, func.count(Item.id))
        .where(Item.status == "published", Item.organisation.is_not(None))
        .group_by(Item.organisation)
    )
    return {name: count for name, count in rows if name is not None}


def contacts_of(*, item: Item | None = None,
                organisation: Organisation | None = None) -> list[ContactPerson]:
    query = select(ContactPerson).order_by(ContactPerson.id)
    if item is not None:
        query = query.where(ContactPerson.item_id == item.id)
    elif organisation is not None:
        query = query.where(ContactPerson.organisation_id == organisation.id)
    else:
        raise TypeError("contacts_of() needs an item or an organisation")
    return list(db.session.scalars(query))


def members_of(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.name)
    ))


def add_contact(*, name: str, position: str = "", email: str = "", phone: str = "",
                user: User | None = None, item: Item | None = None,
                organisation: Organisation | None = None) -> ContactPerson:
    """Add a contact person to a practice or an organisation; the caller commits.

    :raises OrganisationError: a missing name or an address that is not one.
    """
    errors: dict[str, str] = {}
    name, email, phone = name.strip(), email.strip(), phone.strip()
    if not name:
        errors["name"] = _("This field is required.")
    if email and ("@" not in email or len(email) > 254 or " " in email):
        errors["email"] = _("Give an email address such as name@example.org.")
    if len(phone) > 50:
        errors["phone"] = _("At most %(max)d characters.", max=50)
    if errors:
        raise OrganisationError(errors)
    contact = ContactPerson(name=name[:200], position=position.strip()[:200], email=email,
                            phone=phone, user=user, item=item, organisation=organisation)
    db.session.add(contact)
    db.session.flush()
    return contact
