"""The numbers behind the overview page's charts, in the reader's language.

Charts count published practices only, whoever looks: the overview shows the
collection as the public sees it, not anyone's drafts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from babel.numbers import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..auth.policy import visibility
from ..content.registry import current_registry
from ..content.vocab import THEMES, country_name
from ..extensions import db
from ..models import City, Item
from .charts import Chart, Flow, MapCity, bar_chart, flow_map
from .transfers import flows


def _published(user: Any) -> list[Any]:
    return [Item.status == "published", visibility(user).sql()]


def overview_charts(user: Any, lang: str) -> list[Chart]:
    """Practices per sector, per theme and per country, and transfers between cities."""
    registry = current_registry()

    def number(value: int) -> str:
        return format_decimal(value, locale=lang)

    where = _published(user)
    per_sector = db.session.execute(
        select(Item.sector, func.count(Item.id)).where(*where).group_by(Item.sector)
    ).all()
    sectors = sorted(((registry.sector_label(code, lang), n) for code, n in per_sector),
                     key=lambda pair: (-pair[1], pair[0]))
    themes: Counter[str] = Counter()
    for (codes,) in db.session.execute(select(Item.themes).where(*where)):
        themes.update(code for code in (codes or ()) if code in THEMES)
    theme_rows = [(f"{int(code.removeprefix('sdg'))}. {registry.theme_label(code, lang)}",
                   themes.get(code, 0)) for code in THEMES]
    per_country = db.session.execute(
        select(Item.country, func.count(Item.id)).where(*where, Item.country.is_not(None))
        .group_by(Item.country)
    ).all()
    countries = sorted(((country_name(code, lang), n) for code, n in per_country),
                       key=lambda pair: (-pair[1], pair[0]))
    practices = _("Practices")
    charts = [
        bar_chart("chart-sectors", _("Practices per sector"),
                  _("Horizontal bars: the number of published practices in each sector, "
                    "largest first."), sectors, (_("Sector"), practices), number),
        bar_chart("chart-themes", _("Practices per theme (Sustainable Development Goal)"),
                  _("Horizontal bars: the number of published practices working on each of "
                    "the 17 Sustainable Development Goals, in the goals' order."),
                  theme_rows, (_("Theme"), practices), number),
        bar_chart("chart-countries", _("Practices per country"),
                  _("Horizontal bars: the number of published practices in each country, "
                    "largest first."), countries, (_("Country"), practices), number),
    ]
    charts.append(transfer_map(user, lang, number))
    return charts


def transfer_map(user: Any, lang: str, number: Any) -> Chart:
    cities = [c for c in db.session.scalars(select(City).order_by(City.name))
              if c.latitude is not None and c.longitude is not None]
    found = flows(user, cities)

    def place(city: City) -> MapCity:
        return MapCity(city.name, float(city.latitude or 0), float(city.longitude or 0))

    involved = {city.id: city for giver, taker, _n in found for city in (giver, taker)}
    shown = [place(city) for city in cities if city.id in involved] or [place(c) for c in cities]
    return flow_map(
        "chart-transfers", _("Transfers between cities"),
        _("A map of Europe (country outlines from Natural Earth) with the cities placed by "
          "their coordinates and an arrow from the city that passed a practice on to the "
          "city that took it up; thicker arrows stand for more transfers. %(count)s "
          "transfers between %(cities)s cities.",
          count=number(sum(n for _g, _t, n in found)), cities=number(len(involved))),
        shown, [Flow(place(g), place(t), n) for g, t, n in found],
        (_("From"), _("To"), _("Transfers")), number,
    )
