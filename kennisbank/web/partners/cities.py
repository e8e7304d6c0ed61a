"""City pages: the cities known here, and one city with its practices, organisations,
exchanges and comparable cities."""

from __future__ import annotations

from collections import Counter
from typing import Any

from babel.numbers import format_decimal
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ...auth.policy import visibility
from ...extensions import db
from ...models import City, Item, Organisation
from ...partners.cities import DATASET_SOURCE, fold
from ...partners.comparable import comparable_cities, reason
from ...partners.transfers import KIND_NAMES, city_transfers
from ..filters import page_lang
from . import bp, require_readable
from .helpers import item_title
from .organisations import find


def _in_city(city: City, name: str | None, country: str | None) -> bool:
    return bool(name) and fold(name or "") == fold(city.name) and (country or city.country) == (
        city.country)


def practices_in(city: City) -> list[Item]:
    """Practices in ``city`` that the reader may see, newest first.

    City names are compared without case or accents, which SQL cannot do
    portably; so the names are read first (two short columns) and only the
    matching practices are loaded.
    """
    rows = db.session.execute(
        select(Item.id, Item.city, Item.country)
        .where(visibility(current_user).sql(), Item.city.is_not(None))
    )
    ids = [item_id for item_id, name, country in rows if _in_city(city, name, country)]
    if not ids:
        return []
    return list(db.session.scalars(
        select(Item).where(Item.id.in_(ids))
        .order_by(Item.start_date.desc().nulls_last(), Item.id.desc())
    ))


def organisations_in(city: City) -> list[Organisation]:
    rows = db.session.scalars(select(Organisation).order_by(Organisation.name))
    return [org for org in rows if _in_city(city, org.city, org.country)]


@bp.route("/cities")
def cities() -> Any:
    require_readable()
    lang = page_lang()
    counts: Counter[tuple[str, str]] = Counter()
    for name, country in db.session.execute(
        select(Item.city, Item.country).where(visibility(current_user).sql(),
                                              Item.city.is_not(None))
    ):
        counts[(country or "", fold(name))] += 1
    rows = []
    for city in db.session.scalars(select(City).order_by(City.name)):
        key = fold(city.name)
        rows.append({
            "city": city, "url": url_for("partners.city", city_id=city.id),
            "population": format_decimal(city.population, locale=lang) if city.population else "",
            "practices": counts[(city.country, key)] + counts[("", key)],
        })
    return render_template("partners/cities.html", rows=rows)


def _exchange_rows(links: list[Any], lang: str) -> list[dict[str, Any]]:
    """Links as sentences, the way they were recorded: "practice, inspired by, other side"."""
    rows = []
    for link in links:
        source = link.from_item
        if link.to_item is not None:
            target = {"title": item_title(link.to_item, lang),
                      "url": url_for("web.item", item_id=link.to_item.id),
                      "place": link.to_item.city}
        else:
            target = {"title": (link.to_city.name, lang), "place": None,
                      "url": url_for("partners.city", city_id=link.to_city.id)}
        rows.append({
            "source": {"title": item_title(source, lang), "place": source.city,
                       "url": url_for("web.item", item_id=source.id)},
            "kind": KIND_NAMES[link.kind], "target": target,
        })
    return rows


@bp.route("/cities/<int:city_id>")
def city(city_id: int) -> Any:
    require_readable()
    lang = page_lang()
    found = find(City, city_id)
    target, comparisons = comparable_cities(found)
    comparable = [{
        "name": c.city.name, "country": c.city.country,
        "url": url_for("partners.city", city_id=c.city.id),
        "reason": reason(target, c, lang), "themes": c.shared_themes,
    } for c in comparisons] if target is not None else []
    took, gave = city_transfers(found, current_user)
    return render_template(
        "partners/city.html", city=found, comparable=comparable,
        population=format_decimal(found.population, locale=lang) if found.population else None,
        latitude=_latitude(found.latitude, lang), longitude=_longitude(found.longitude, lang),
        practices=practices_in(found), organisations=organisations_in(found),
        took=_exchange_rows(took, lang), gave=_exchange_rows(gave, lang),
        source=DATASET_SOURCE,
        like_url=url_for("search.page", like_city=found.name) if comparable else None,
    )


def _number(value: float, lang: str) -> str:
    return format_decimal(abs(value), format="0.0000", locale=lang)


def _latitude(value: float | None, lang: str) -> str | None:
    if value is None:
        return None
    if value >= 0:
        return _("%(value)s° N", value=_number(value, lang))
    return _("%(value)s° S", value=_number(value, lang))


def _longitude(value: float | None, lang: str) -> str | None:
    if value is None:
        return None
    if value >= 0:
        return _("%(value)s° E", value=_number(value, lang))
    return _("%(value)s° W", value=_number(value, lang))
