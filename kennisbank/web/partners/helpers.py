"""What the partner templates (and the item page's include) ask for.

Every helper applies the reader's permissions itself, so a template cannot
show a contact's email address or a link to a draft by forgetting a check:
contact details come back only for people who may ``contact``, and transfer
links only when both practices are visible to the reader.
"""

from __future__ import annotations

from typing import Any

from flask import g, url_for
from flask_login import current_user

from ...auth.policy import can
from ...config import LANGUAGES
from ...content.types import label_in
from ...content.vocab import country_name
from ...extensions import db
from ...models import City, Item
from ...partners.cities import RELATIONS, fold
from ...partners.messages import unread_count
from ...partners.models import ContactPerson
from ...partners.organisations import contacts_of
from ...partners.transfers import INCOMING_LABELS, OUTGOING_LABELS, links_of, shown_to
from ..filters import page_lang


def text_in(note: dict[str, str] | None, lang: str) -> tuple[str, str]:
    """``(text, its language)``: the reader's language when there, else the other one."""
    note = note or {}
    if note.get(lang):
        return note[lang], lang
    for other in LANGUAGES:
        if note.get(other):
            return note[other], other
    return "", lang


def city_link(name: str | None, country: str | None) -> str | None:
    """The page of a stored city, by name (and country when known); cached per request."""
    if not name:
        return None
    index = g.get("_partner_cities")
    if index is None:
        index = {}
        for city in db.session.scalars(db.select(City).order_by(City.id)):
            index.setdefault((city.country, fold(city.name)), city.id)
            index.setdefault(("", fold(city.name)), city.id)
        g._partner_cities = index
    city_id = index.get((country or "", fold(name))) or index.get(("", fold(name)))
    return url_for("partners.city", city_id=city_id) if city_id else None


def item_title(item: Item, lang: str) -> tuple[str, str]:
    text = item.best_translation(lang)
    return text.title, text.lang


def item_transfers(item: Item) -> list[dict[str, Any]]:
    """The item's transfer links as its page shows them, in both directions."""
    lang = page_lang()
    rows = []
    for link in links_of(item.id):
        if not shown_to(link, current_user):
            continue
        outgoing = link.from_item_id == item.id
        other = (link.to_item if outgoing else link.from_item)
        if other is not None:
            title, title_lang = item_title(other, lang)
            url = url_for("web.item", item_id=other.id)
            place = ", ".join(p for p in (other.city, _country(other.country)) if p)
        else:
            city = link.target_city
            title, title_lang = city.name, lang
            url = url_for("partners.city", city_id=city.id)
            place = _country(city.country)
        how, how_lang = text_in(link.how, lang)
        result, result_lang = text_in(link.result, lang)
        rows.append({
            "id": link.id, "kind": link.kind,
            "label": (OUTGOING_LABELS if outgoing else INCOMING_LABELS)[link.kind],
            "title": title, "title_lang": title_lang, "url": url, "place": place,
            "how": how, "how_lang": how_lang, "result": result, "result_lang": result_lang,
            "removable": can(current_user, "edit", link.from_item),
            "recorded_on": link.from_item_id,
        })
    return rows


def _country(code: str | None) -> str:
    return country_name(code, page_lang()) if code else ""


def contact_rows(contacts: list[ContactPerson]) -> list[dict[str, Any]]:
    """Contact persons; email and phone only for people who may ``contact``.

    Visitors without an account may write too (their message waits for them
    to confirm their address, see :mod:`kennisbank.access.outside`).
    """
    details = can(current_user, "contact")
    visitor = not current_user.is_authenticated
    me = getattr(current_user, "id", None) if not visitor else None
    return [{
        "id": c.id, "name": c.name, "position": c.position,
        "email": c.email if details else None, "phone": c.phone if details else None,
        "can_message": bool((details or visitor) and c.reachable and c.user_id != me),
    } for c in contacts]


#: Relations to the home city that the home page lists, in this order.
PARTNER_RELATIONS = ("partner", "network")


def partner_cities() -> list[City]:
    """Every partner and network city, partners first, for the home page's 'who we work with'."""
    cities = db.session.scalars(db.select(City).where(City.relation.in_(PARTNER_RELATIONS)))
    return sorted(cities, key=lambda c: (PARTNER_RELATIONS.index(c.relation), c.name))


def template_helpers() -> dict[str, Any]:
    """The names the partner templates and includes call (``extra_template_vars``)."""
    return {
        "partner_cities": partner_cities,
        "item_transfers": item_transfers,
        "item_contacts": lambda item: contact_rows(contacts_of(item=item)),
        "unread_messages": lambda: unread_count(current_user),
        "relation_label": lambda code: label_in(RELATIONS.get(code), page_lang(), code),
        "city_link": city_link,
        "text_in": lambda note: text_in(note, page_lang()),
    }
