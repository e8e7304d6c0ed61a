"""Kennisbank plugin for the business sector: the ``trade_mission`` content type.

A trade mission takes a group of companies from the region to a foreign
market. Readers look for missions by industry (a search facet) and by the
country they went to, so the target market is a country field whose names, in
Dutch and English, are added to the search document: a search for
"Duitsland" or "Germany" finds a mission to ``DE`` whatever its text says.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel import Locale
from flask_babel import Domain, get_locale

from kennisbank import ContentType, Field, hookimpl
from kennisbank.plugin_api import ItemView

DOMAIN = "kennisbank_business"
TRANSLATIONS = Path(__file__).parent / "translations"
#: The languages Kennisbank is written in; search should know a country by both names.
LANGUAGES = ("nl", "en")

#: The plugin's own catalog, so its messages never depend on the core's msgids.
_domain = Domain(translation_directories=[str(TRANSLATIONS)], domain=DOMAIN)
_ = _domain.gettext

INDUSTRIES = {
    "agrifood": {"nl": "Agrifood en voeding", "en": "Agrifood"},
    "logistics": {"nl": "Logistiek", "en": "Logistics"},
    "manufacturing": {"nl": "Maakindustrie", "en": "Manufacturing"},
    "ict": {"nl": "ICT en software", "en": "ICT and software"},
    "creative": {"nl": "Creatieve industrie", "en": "Creative industries"},
    "energy": {"nl": "Energie", "en": "Energy"},
    "health": {"nl": "Zorg en life sciences", "en": "Health and life sciences"},
    "construction": {"nl": "Bouw", "en": "Construction"},
    "tourism": {"nl": "Toerisme en recreatie", "en": "Tourism and leisure"},
    "retail": {"nl": "Detailhandel", "en": "Retail"},
}

TRADE_MISSION = ContentType(
    name="trade_mission",
    sector="business",
    label={"nl": "Handelsmissie", "en": "Trade mission"},
    description={
        "nl": "Een groep bedrijven die samen een buitenlandse markt bezoekt.",
        "en": "A group of companies visiting a foreign market together.",
    },
    fields=[
        Field(
            "industry",
            "choice",
            label={"nl": "Branche", "en": "Industry"},
            help={
                "nl": "De branche waarin de deelnemende bedrijven vooral werken.",
                "en": "The industry most participating companies work in.",
            },
            choices=INDUSTRIES,
            facet=True,
        ),
        Field(
            "companies",
            "integer",
            label={"nl": "Deelnemende bedrijven", "en": "Participating companies"},
            help={
                "nl": "Hoeveel bedrijven met de missie meegingen.",
                "en": "How many companies joined the mission.",
            },
            min_value=1,
            max_value=10_000,
        ),
        Field(
            "target_market",
            "country",
            label={"nl": "Doelmarkt", "en": "Target market"},
            help={
                "nl": "Het land dat de missie bezocht (landcode, zoals DE).",
                "en": "The country the mission visited (country code, such as DE).",
            },
        ),
    ],
)


def country_name(code: str, lang: str) -> str:
    """The country's CLDR name in ``lang``, or the code when Babel does not know it."""
    return Locale.parse(lang).territories.get(code, code)


@hookimpl
def register_content_types() -> list[ContentType]:
    return [TRADE_MISSION]


@hookimpl
def translation_dirs() -> list[tuple[str, str]]:
    return [(str(TRANSLATIONS), DOMAIN)]


@hookimpl
def validate_item(item: ItemView) -> dict[str, str] | None:
    """A mission goes abroad, and a published one says where to.

    The home country as target market is the usual slip (the country picker
    defaults to the item's own country in many forms); a published mission
    without a market cannot be found by the readers who look for one.
    """
    if item.type != TRADE_MISSION.name:
        return None
    market = (item.fields or {}).get("target_market")
    if market and market == item.country:
        locale = get_locale()
        lang = locale.language if locale is not None else "en"
        return {
            "fields.target_market": _(
                "A trade mission goes abroad: choose a target market other than "
                "%(country)s, where the mission comes from.",
                country=country_name(market, lang),
            )
        }
    if not market and item.status == "published":
        return {
            "fields.target_market": _(
                "Choose the target market before publishing the trade mission."
            )
        }
    return None


@hookimpl
def index_document(item: ItemView, document: dict[str, Any]) -> None:
    """Make the target market findable by its name in every language."""
    if item.type != TRADE_MISSION.name:
        return
    market = (item.fields or {}).get("target_market")
    if market:
        names = dict.fromkeys(country_name(market, lang) for lang in LANGUAGES)
        document.setdefault("extra_text", []).extend(names)
