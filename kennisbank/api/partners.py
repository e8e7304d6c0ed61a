"""Organisations, cities, comparable cities and transfer links in the JSON API.

``GET /organisations`` (words and facets as on the directory page),
``GET /organisations/<id>``, ``GET /cities``, ``GET /cities/<id>``,
``GET /cities/<id>/comparable``, ``GET /items/<id>/transfers`` and
``POST /items/<id>/transfers``. Reads answer as the caller may see the
collection; contact persons' email and phone are ``null`` for anonymous
callers, always. Writing a transfer needs a bearer token and the right to
edit the practice, and goes through the same rules as the web form
(:func:`kennisbank.partners.transfers.add_transfer`). The paths are described
in the OpenAPI document by :mod:`.partner_specs`. Both reach the app through
the plugin hooks ``register_api_blueprints`` and ``extra_openapi``
(:mod:`kennisbank.partners.hooks`), as a third-party plugin's endpoints would.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..args import ArgReader
from ..auth.policy import can, may_read_collection
from ..config import LANGUAGES
from ..content.service import commit
from ..content.vocab import country_name
from ..extensions import db
from ..models import City, Item, Organisation
from ..partners.cities import RELATIONS
from ..partners.comparable import comparable_cities, reason
from ..partners.directory import FACETS, facet_label, search_directory
from ..partners.models import TRANSFER_KINDS, TransferLink
from ..partners.organisations import contacts_of, offers_and_seeks, practices_of
from ..partners.transfers import TransferError, add_transfer, city_transfers, links_of, shown_to
from . import api_lang
from .errors import (
    MAX_ID,
    ApiError,
    checked_lang,
    json_object,
    read_args,
    unauthorized,
    whole_number_arg,
    writer,
)
from .items import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, find_item, iso

MAX_FILTER_VALUES = 50
MAX_VALUE_LENGTH = 200
MAX_COMPARABLE = 20
TRANSFER_KEYS = frozenset({"kind", "to_item_id", "to_city_id", "how", "result"})

#: Mounted under ``/api/v1`` as ``api.partners`` (see ``register_api_blueprints``).
bp = Blueprint("partners", __name__)


def _readable() -> None:
    """Reads need what the pages need: published content must be readable (``PUBLIC``)."""
    checked_lang()
    if not may_read_collection(current_user):
        raise unauthorized()


def _find(model: Any, object_id: int, message: str) -> Any:
    found = db.session.get(model, object_id) if 0 < object_id <= MAX_ID else None
    if found is None:
        raise ApiError(404, message)
    return found


def _html_links(endpoint: str, **values: Any) -> dict[str, str]:
    return {code: url_for(endpoint, lang=code, _external=True, **values) for code in LANGUAGES}


def item_ref(item: Item, lang: str) -> dict[str, Any]:
    text = item.best_translation(lang)
    return {"id": item.id, "title": text.title, "lang": text.lang, "city": item.city,
            "country": item.country,
            "url": url_for("web.item", item_id=item.id, lang=lang, _external=True)}


def city_json(city: City, lang: str) -> dict[str, Any]:
    return {
        "id": city.id, "name": city.name, "country": city.country,
        "country_name": country_name(city.country, lang), "population": city.population,
        "latitude": city.latitude, "longitude": city.longitude, "relation": city.relation,
        "relation_label": RELATIONS.get(city.relation, {}).get(lang, city.relation),
        "links": {"self": url_for("api.partners.get_city", city_id=city.id, _external=True),
                  "html": _html_links("partners.city", city_id=city.id)},
    }


def organisation_summary(org: Organisation, lang: str) -> dict[str, Any]:
    offers, seeks = offers_and_seeks(org)
    return {
        "id": org.id, "name": org.name, "sector": org.sector, "city": org.city,
        "country": org.country, "website": org.website,
        "description": {k: v for k, v in (org.description or {}).items() if k in LANGUAGES},
        "offers": offers, "seeks": seeks,
        "links": {"self": url_for("api.partners.get_organisation", organisation_id=org.id,
                                  _external=True),
                  "html": _html_links("partners.organisation", organisation_id=org.id)},
    }


def transfer_json(link: TransferLink, lang: str, item_id: int | None = None) -> dict[str, Any]:
    """A link; ``direction`` says how it relates to ``item_id`` (``None`` for city lists)."""
    direction = None
    if item_id is not None:
        direction = "outgoing" if link.from_item_id == item_id else "incoming"
    return {
        "id": link.id, "kind": link.kind, "direction": direction,
        "from_item": item_ref(link.from_item, lang),
        "to_item": item_ref(link.to_item, lang) if link.to_item is not None else None,
        "to_city": ({"id": link.to_city.id, "name": link.to_city.name,
                     "country": link.to_city.country} if link.to_city is not None else None),
        "how": dict(link.how or {}), "result": dict(link.result or {}),
        "created_at": iso(link.created_at),
    }


def _filters() -> dict[str, tuple[str, ...]]:
    def read(args: ArgReader) -> dict[str, tuple[str, ...]]:
        found = {name: args.values(name, MAX_FILTER_VALUES, MAX_VALUE_LENGTH) for name in FACETS}
        return {name: values for name, values in found.items() if values}

    return read_args(read)


@bp.get("/organisations")
def list_organisations() -> Response:
    """The directory: ``q`` for words, a parameter per facet, pages."""
    _readable()
    lang = api_lang()
    text = str(request.args.get("q", ""))[:1000]
    filters = _filters()
    page = whole_number_arg("page", 1, MAX_PAGE)
    per_page = whole_number_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    result = search_directory(text, filters)
    shown = result.entries[(page - 1) * per_page: page * per_page]
    return jsonify({
        "total": result.total, "page": page, "per_page": per_page,
        "organisations": [organisation_summary(e.organisation, lang) for e in shown],
        "facets": {
            name: [{"value": value, "label": facet_label(name, value, lang), "count": count,
                    "selected": value in filters.get(name, ())} for value, count in counts]
            for name, counts in result.facets.items()
        },
    })


@bp.get("/organisations/<int:organisation_id>")
def get_organisation(organisation_id: int) -> Response:
    """Profile, practices the caller may see, and contact persons."""
    _readable()
    lang = api_lang()
    org = _find(Organisation, organisation_id, _("There is no organisation with this id."))
    details = can(current_user, "contact")
    return jsonify({
        **organisation_summary(org, lang),
        "practices": [item_ref(item, lang) for item in practices_of(org, current_user)],
        "contacts": [{
            "id": c.id, "name": c.name, "position": c.position,
            "email": (c.email or None) if details else None,
            "phone": (c.phone or None) if details else None,
            "reachable": c.reachable,
        } for c in contacts_of(organisation=org)],
    })


@bp.get("/cities")
def list_cities() -> Response:
    _readable()
    lang = api_lang()
    cities = db.session.scalars(db.select(City).order_by(City.name, City.id))
    return jsonify({"cities": [city_json(city, lang) for city in cities]})


@bp.get("/cities/<int:city_id>")
def get_city(city_id: int) -> Response:
    """A city with what it took from other cities and what it gave them."""
    _readable()
    lang = api_lang()
    city = _find(City, city_id, _("There is no city with this id."))
    took, gave = city_transfers(city, current_user)
    return jsonify({
        **city_json(city, lang),
        "took": [transfer_json(link, lang) for link in took],
        "gave": [transfer_json(link, lang) for link in gave],
    })


@bp.get("/cities/<int:city_id>/comparable")
def comparable(city_id: int) -> Response:
    """The known cities most like this one, best first, with a reason in ``lang``."""
    _readable()
    lang = api_lang()
    city = _find(City, city_id, _("There is no city with this id."))
    limit = whole_number_arg("limit", 5, MAX_COMPARABLE)
    target, found = comparable_cities(city, limit)
    stored = {c.id: c for c in db.session.scalars(
        db.select(City).where(City.id.in_([f.city.id for f in found])))}
    return jsonify({
        "city": city_json(city, lang),
        "comparable": [{
            "city": city_json(stored[f.city.id], lang), "score": f.score,
            "shared_themes": list(f.shared_themes),
            "distance_km": round(f.distance_km, 1) if f.distance_km is not None else None,
            "reason": reason(target, f, lang),
        } for f in found] if target is not None else [],
    })


@bp.get("/items/<int:item_id>/transfers")
def item_transfers(item_id: int) -> Response:
    """The item's links in both directions, those whose practices the caller may see."""
    checked_lang()
    item = find_item(item_id, current_user, "view")
    lang = api_lang()
    return jsonify({
        "item_id": item.id,
        "transfers": [transfer_json(link, lang, item.id) for link in links_of(item.id)
                      if shown_to(link, current_user)],
    })


def _reference(body: dict[str, Any], key: str, errors: dict[str, str]) -> int | None:
    if key not in body:
        return None
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        errors[key] = _("Give the id as a whole number.")
        return None
    return value


@bp.post("/items/<int:item_id>/transfers")
def create_transfer(item_id: int) -> Response:
    """Record a link from this practice; needs the right to edit it."""
    checked_lang()
    user = writer()
    item = find_item(item_id, user, "edit")
    body = json_object()
    errors = {key: _("Unknown field.") for key in body if key not in TRANSFER_KEYS}
    kind = body.get("kind")
    if kind not in TRANSFER_KINDS:
        errors["kind"] = _("Choose one of: %(kinds)s.", kinds=", ".join(TRANSFER_KINDS))
    for key in ("how", "result"):
        if key in body and not isinstance(body[key], dict):
            errors[key] = _("Give the text per language, such as {\"nl\": ..., \"en\": ...}.")
    to_item_id = _reference(body, "to_item_id", errors)
    to_city_id = _reference(body, "to_city_id", errors)
    to_item = db.session.get(Item, to_item_id) if to_item_id is not None else None
    to_city = db.session.get(City, to_city_id) if to_city_id is not None else None
    if to_item_id is not None and (to_item is None or not can(user, "view", to_item)):
        errors["to_item_id"] = _("No practice you can see has this id.")
    if to_city_id is not None and to_city is None:
        errors["to_city_id"] = _("There is no city with this id.")
    if errors:
        raise ApiError(422, _("The transfer link is not valid; see the errors per field."), errors)
    try:
        link = add_transfer(item, kind=str(kind), user=user, to_item=to_item, to_city=to_city,
                            how=body.get("how"), result=body.get("result"))
    except TransferError as exc:
        db.session.rollback()
        raise ApiError(422, _("The transfer link is not valid; see the errors per field."),
                       exc.errors) from None
    commit()
    response = jsonify(transfer_json(link, api_lang(), item.id))
    response.status_code = 201
    return response
