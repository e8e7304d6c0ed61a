"""Comparable cities: which of the cities the platform knows are most like a given one.

Only cities known to the platform *and* found in the dataset (a stored
population and location) take part. Two things make cities comparable:

* size: the population gap on a log scale, ``|ln(a / b)|``, so 50,000 vs
  100,000 is as far apart as 100,000 vs 200,000; it counts from 1 (same size)
  down to 0 at ten times larger or smaller (``SIZE_RANGE``);
* work: the themes (SDG) of their published practices; the overlap is the
  share of the two cities' themes that both have (Jaccard).

The score is ``SIZE_WEIGHT * size + THEME_WEIGHT * overlap``, compared at two
decimals: cities whose scores differ by less than that are a tie, which the
shorter distance breaks. Each result carries a one-line reason in the
reader's language, numbers formatted by Babel for that locale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from babel.numbers import format_decimal
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from ..auth.policy import PUBLIC_VISIBILITY
from ..extensions import db
from ..models import City, Item
from .cities import distance_if_known, fold

SIZE_RANGE = math.log(10)
SIZE_WEIGHT = 0.6
THEME_WEIGHT = 0.4
#: Population ratios up to this read as "similar size".
SIMILAR_RATIO = 1.5
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class CityFacts:
    """What the ranking needs to know about one city."""

    id: int
    name: str
    country: str
    population: int
    latitude: float | None
    longitude: float | None
    themes: frozenset[str]


@dataclass(frozen=True)
class Comparison:
    """One comparable city, with the figures behind its place in the ranking."""

    city: CityFacts
    score: float
    size_gap: float
    shared_themes: tuple[str, ...]
    distance_km: float | None


def size_gap(a: int, b: int) -> float:
    """How far apart two populations are on a log scale (0 = same size)."""
    return abs(math.log(a) - math.log(b))


def compare(target: CityFacts, other: CityFacts) -> Comparison:
    gap = size_gap(target.population, other.population)
    size = max(0.0, 1.0 - gap / SIZE_RANGE)
    shared = target.themes & other.themes
    union = target.themes | other.themes
    overlap = len(shared) / len(union) if union else 0.0
    distance = distance_if_known(target.latitude, target.longitude,
                                 other.latitude, other.longitude)
    return Comparison(
        city=other, score=round(SIZE_WEIGHT * size + THEME_WEIGHT * overlap, 2),
        size_gap=gap, shared_themes=tuple(sorted(shared, key=_theme_order)), distance_km=distance,
    )


def _theme_order(code: str) -> tuple[int, str]:
    digits = code.removeprefix("sdg")
    return (int(digits), code) if digits.isdigit() else (1000, code)


def rank(target: CityFacts, others: Iterable[CityFacts],
         limit: int | None = DEFAULT_LIMIT) -> list[Comparison]:
    """The ``others`` most comparable to ``target``, best first (``target`` itself left out)."""
    found = [compare(target, other) for other in others if other.id != target.id]
    found.sort(key=lambda c: (
        -c.score, c.distance_km if c.distance_km is not None else math.inf, c.city.name,
    ))
    return found if limit is None else found[:limit]


def rounded_population(population: int) -> int:
    """Populations as people quote them: to the thousand (to the hundred below 10,000)."""
    return int(round(population, -3 if population >= 10_000 else -2))


def reason(target: CityFacts, comparison: Comparison, lang: str) -> str:
    """One line in ``lang``: "similar size (97,000 vs 101,000), shares 3 themes,
    180 km away", the city being compared first."""
    own = format_decimal(rounded_population(target.population), locale=lang)
    theirs = format_decimal(rounded_population(comparison.city.population), locale=lang)
    ratio = comparison.city.population / target.population
    with force_locale(lang):
        if 1 / SIMILAR_RATIO <= ratio <= SIMILAR_RATIO:
            size = _("similar size (%(own)s vs %(theirs)s)", own=own, theirs=theirs)
        elif ratio > 1:
            size = _("larger (%(own)s vs %(theirs)s)", own=own, theirs=theirs)
        else:
            size = _("smaller (%(own)s vs %(theirs)s)", own=own, theirs=theirs)
        count = len(comparison.shared_themes)
        themes = (ngettext("shares %(num)d theme", "shares %(num)d themes", count)
                  if count else _("no shared themes"))
        parts = [size, themes]
        if comparison.distance_km is not None:
            km = format_decimal(round(comparison.distance_km), locale=lang)
            parts.append(_("%(km)s km away", km=km))
    return ", ".join(parts)


def city_themes() -> dict[tuple[str, str], set[str]]:
    """Themes of published practices every reader may see, per (country, folded
    city name): the ranking is the same for everyone.

    A practice without a country counts for every city of that name.
    """
    themes: dict[tuple[str, str], set[str]] = {}
    rows = db.session.execute(
        select(Item.city, Item.country, Item.themes)
        .where(Item.status == "published", PUBLIC_VISIBILITY.sql(), Item.city.is_not(None))
    )
    for city, country, codes in rows:
        if not city:
            continue
        themes.setdefault((country or "", fold(city)), set()).update(codes or ())
    return themes


def facts_for(cities: Iterable[City]) -> list[CityFacts]:
    """The ranking's view of stored cities that have a population."""
    themes = city_themes()
    facts = []
    for city in cities:
        if not city.population or city.population <= 0:
            continue
        name = fold(city.name)
        own = themes.get((city.country, name), set()) | themes.get(("", name), set())
        facts.append(CityFacts(
            id=city.id, name=city.name, country=city.country, population=city.population,
            latitude=city.latitude, longitude=city.longitude, themes=frozenset(own),
        ))
    return facts


def comparable_cities(city: City, limit: int | None = DEFAULT_LIMIT
                      ) -> tuple[CityFacts | None, list[Comparison]]:
    """``city`` as ranked, and the stored cities most comparable to it.

    ``(None, [])`` when ``city`` has no population (it is not in the dataset).
    """
    facts = facts_for(db.session.scalars(select(City).order_by(City.id)))
    target = next((f for f in facts if f.id == city.id), None)
    if target is None:
        return None, []
    return target, rank(target, facts, limit)


def comparable_names(name: str, limit: int = DEFAULT_LIMIT) -> list[str]:
    """Names of the cities most comparable to the stored city ``name`` (any case or accents).

    None for a name no stored city with a population has: like a filter on an
    unknown value, "cities like Atlantis" finds nothing rather than failing.
    Practices may spell a city differently (``Pecs`` for ``Pécs``); those
    spellings are included, since the city facet keeps names as written.
    """
    wanted = fold(name)
    candidates = [c for c in db.session.scalars(select(City).order_by(City.id))
                  if fold(c.name) == wanted and c.population]
    if not candidates:
        return []
    _target, found = comparable_cities(candidates[0], limit)
    names = [comparison.city.name for comparison in found]
    folded = {fold(name) for name in names}
    spellings = db.session.scalars(select(Item.city).where(Item.city.is_not(None)).distinct())
    return names + sorted({s for s in spellings if s and fold(s) in folded} - set(names))
