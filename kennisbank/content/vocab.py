"""Shared vocabularies: sectors, themes (the UN Sustainable Development Goals) and countries.

Sector and theme labels are bilingual data, like content-type labels; country
names come from Babel's CLDR data in the reader's language, never from a list
kept by hand.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale
from flask_babel import lazy_gettext as _l

from ..hookspecs import hookimpl

BUILTIN_SECTORS: dict[str, dict[str, str]] = {
    "education": {"nl": "Onderwijs", "en": "Education"},
    "business": {"nl": "Bedrijfsleven", "en": "Business"},
    "culture": {"nl": "Cultuur", "en": "Culture"},
    "ngo": {"nl": "Maatschappelijke organisaties", "en": "NGOs"},
    "municipality": {"nl": "Gemeente", "en": "Municipality"},
}

THEMES: dict[str, dict[str, str]] = {
    "sdg1": {"nl": "Geen armoede", "en": "No poverty"},
    "sdg2": {"nl": "Geen honger", "en": "Zero hunger"},
    "sdg3": {"nl": "Goede gezondheid en welzijn", "en": "Good health and well-being"},
    "sdg4": {"nl": "Kwaliteitsonderwijs", "en": "Quality education"},
    "sdg5": {"nl": "Gendergelijkheid", "en": "Gender equality"},
    "sdg6": {"nl": "Schoon water en sanitair", "en": "Clean water and sanitation"},
    "sdg7": {"nl": "Betaalbare en duurzame energie", "en": "Affordable and clean energy"},
    "sdg8": {"nl": "Eerlijk werk en economische groei", "en": "Decent work and economic growth"},
    "sdg9": {
        "nl": "Industrie, innovatie en infrastructuur",
        "en": "Industry, innovation and infrastructure",
    },
    "sdg10": {"nl": "Ongelijkheid verminderen", "en": "Reduced inequalities"},
    "sdg11": {
        "nl": "Duurzame steden en gemeenschappen",
        "en": "Sustainable cities and communities",
    },
    "sdg12": {
        "nl": "Verantwoorde consumptie en productie",
        "en": "Responsible consumption and production",
    },
    "sdg13": {"nl": "Klimaatactie", "en": "Climate action"},
    "sdg14": {"nl": "Leven in het water", "en": "Life below water"},
    "sdg15": {"nl": "Leven op het land", "en": "Life on land"},
    "sdg16": {
        "nl": "Vrede, justitie en sterke publieke diensten",
        "en": "Peace, justice and strong institutions",
    },
    "sdg17": {
        "nl": "Partnerschap om doelstellingen te bereiken",
        "en": "Partnerships for the goals",
    },
}


STATUS_LABELS = {
    "draft": _l("Draft"),
    "review": _l("In review"),
    "published": _l("Published"),
    "archived": _l("Archived"),
}


@hookimpl
def register_sectors() -> list[dict[str, object]]:
    """The five built-in sectors, registered through the same hook plugins use."""
    return [{"code": code, "label": label} for code, label in BUILTIN_SECTORS.items()]


@lru_cache(maxsize=8)
def _territories(lang: str) -> dict[str, str]:
    """ISO 3166 alpha-2 countries with their CLDR names in ``lang``."""
    names = Locale.parse(lang).territories
    return {code: name for code, name in names.items() if len(code) == 2 and code.isalpha()}


#: CLDR regions that are not ISO 3166-1 countries: groupings, "unknown", pseudo-locales
#: and the exceptionally reserved codes. Kosovo's XK stays: it is in common use.
NOT_COUNTRIES = frozenset(
    {"ZZ", "EU", "EZ", "UN", "QO", "XA", "XB", "AC", "CP", "DG", "EA", "IC", "TA"}
)


def is_country(code: str) -> bool:
    """True for an ISO 3166 alpha-2 code CLDR knows (upper case)."""
    return code in _territories("en") and code not in NOT_COUNTRIES


def country_name(code: str | None, lang: str) -> str:
    """The country's name in ``lang``; the code itself when unknown."""
    if not code:
        return ""
    return _territories(lang).get(code.upper(), code)


def countries(lang: str) -> list[tuple[str, str]]:
    """Every country as ``(code, name)``, sorted by name in ``lang``."""
    return sorted(
        ((code, name) for code, name in _territories(lang).items() if is_country(code)),
        key=lambda pair: pair[1],
    )
