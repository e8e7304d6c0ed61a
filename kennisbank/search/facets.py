"""Facets: which there are, their names and their values' labels in the reader's language.

The facets are the base ones (type, sector, theme, country, city, language,
year), then every ``facet=True`` field of every content type, then those added
with ``register_facets``. Values are stored as codes (``education``,
``sdg11``, ``DE``, ``mbo``); the reader sees labels: sector and theme names,
CLDR country and language names, a field's as its kind labels them.
"""

from __future__ import annotations

from ..content.kinds.boolean import BOOLEAN_LABELS
from ..content.registry import Registry
from ..content.types import Field, Labels, label_in
from ..content.vocab import country_name
from ..i18n import language_name
from .schema import facet_names

FACET_TITLES: dict[str, Labels] = {
    "type": {"nl": "Soort", "en": "Type"},
    "sector": {"nl": "Sector", "en": "Sector"},
    "theme": {"nl": "Thema", "en": "Theme"},
    "tag": {"nl": "Trefwoord", "en": "Tag"},
    "country": {"nl": "Land", "en": "Country"},
    "city": {"nl": "Stad", "en": "City"},
    "language": {"nl": "Taal", "en": "Language"},
    "year": {"nl": "Jaar", "en": "Year"},
}


def all_facets(registry: Registry) -> list[str]:
    """Every facet name, base facets first."""
    return facet_names(registry)


def _field(registry: Registry, name: str) -> Field | None:
    for ctype in registry.types.values():
        found = ctype.field(name)
        if found is not None and found.facet:
            return found
    return None


def facet_title(registry: Registry, name: str, lang: str) -> str:
    """The facet's own name, such as ``Sector`` or ``Education level``."""
    if name in FACET_TITLES:
        return label_in(FACET_TITLES[name], lang, name)
    fld = _field(registry, name)
    if fld is not None:
        return label_in(fld.label, lang, name)
    return label_in(registry.facets.get(name), lang, name)


def value_label(registry: Registry, name: str, value: str, lang: str) -> str:
    """A facet value as the reader should see it."""
    if name == "type":
        return registry.type_label(value, lang)
    if name == "sector":
        return registry.sector_label(value, lang)
    if name == "theme":
        return registry.theme_label(value, lang)
    if name == "country":
        return country_name(value, lang) or value
    if name == "language":
        return language_name(value, lang)
    fld = _field(registry, name) if name not in FACET_TITLES else None
    if fld is not None:
        return registry.kind(fld.kind).facet_label(value, fld, lang)
    if name in registry.facets and value in BOOLEAN_LABELS:
        # A plugin's yes/no facet (``index_document`` puts "true"/"false").
        return label_in(BOOLEAN_LABELS[value], lang, value)
    return value


def facet_entries(
    registry: Registry, name: str, counts: list[tuple[str, int]], selected: tuple[str, ...],
    lang: str,
) -> list[dict[str, object]]:
    """JSON-ready values of one facet: value, label, count, selected.

    Selected values are always listed, with their count (possibly 0), so a
    reader can always see and remove a filter.
    """
    entries = [
        {"value": value, "label": value_label(registry, name, value, lang), "count": count,
         "selected": value in selected}
        for value, count in counts
    ]
    listed = {value for value, _ in counts}
    entries += [
        {"value": value, "label": value_label(registry, name, value, lang), "count": 0,
         "selected": True}
        for value in selected if value not in listed
    ]
    return entries
