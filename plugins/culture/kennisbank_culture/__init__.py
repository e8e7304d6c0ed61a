"""Kennisbank plugin for the culture sector: the ``cultural_exchange`` content type.

A cultural exchange brings artists, ensembles or heritage institutions from
one city to another. Readers filter by discipline (a search facet), compare
the audience reached, and search for the venue by name.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_babel import Domain, format_date

from kennisbank import ContentType, Field, hookimpl
from kennisbank.plugin_api import ItemView

DOMAIN = "kennisbank_culture"
TRANSLATIONS = Path(__file__).parent / "translations"

#: The plugin's own catalog, so its messages never depend on the core's msgids.
_domain = Domain(translation_directories=[str(TRANSLATIONS)], domain=DOMAIN)
_ = _domain.gettext

DISCIPLINES = {
    "music": {"nl": "Muziek", "en": "Music"},
    "theatre": {"nl": "Theater", "en": "Theatre"},
    "dance": {"nl": "Dans", "en": "Dance"},
    "visual_arts": {"nl": "Beeldende kunst", "en": "Visual arts"},
    "literature": {"nl": "Literatuur", "en": "Literature"},
    "heritage": {"nl": "Erfgoed", "en": "Heritage"},
    "film": {"nl": "Film", "en": "Film"},
}

CULTURAL_EXCHANGE = ContentType(
    name="cultural_exchange",
    sector="culture",
    label={"nl": "Culturele uitwisseling", "en": "Cultural exchange"},
    description={
        "nl": "Kunstenaars, gezelschappen of erfgoedinstellingen die te gast zijn in "
              "een partnerstad, of gasten ontvangen.",
        "en": "Artists, companies or heritage institutions visiting a partner city, "
              "or hosting guests from one.",
    },
    fields=[
        Field(
            "discipline",
            "choice",
            label={"nl": "Discipline", "en": "Discipline"},
            help={
                "nl": "De kunstvorm waar de uitwisseling om draait.",
                "en": "The art form the exchange is about.",
            },
            choices=DISCIPLINES,
            facet=True,
        ),
        Field(
            "audience",
            "integer",
            label={"nl": "Publiek", "en": "Audience"},
            help={
                "nl": "Aantal bezoekers van voorstellingen, tentoonstellingen of "
                      "vertoningen, bij benadering.",
                "en": "Approximate number of visitors to performances, exhibitions "
                      "or screenings.",
            },
            min_value=0,
        ),
        Field(
            "venue",
            "text",
            label={"nl": "Locatie", "en": "Venue"},
            help={
                "nl": "Het podium, museum of de plek waar het plaatsvond.",
                "en": "The stage, museum or place where it happened.",
            },
            max_length=200,
            searchable=True,
        ),
    ],
)


@hookimpl
def register_content_types() -> list[ContentType]:
    return [CULTURAL_EXCHANGE]


@hookimpl
def translation_dirs() -> list[tuple[str, str]]:
    return [(str(TRANSLATIONS), DOMAIN)]


@hookimpl
def validate_item(item: ItemView) -> dict[str, str] | None:
    """Catch the two mistakes culture editors asked to be stopped on.

    An audience figure for an exchange that has not started yet is an
    expectation passed off as a result; and a published exchange without a
    discipline is missing from the facet readers filter by.
    """
    if item.type != CULTURAL_EXCHANGE.name:
        return None
    fields = item.fields or {}
    problems: dict[str, str] = {}
    if fields.get("audience") and item.start_date and item.start_date > date.today():
        problems["fields.audience"] = _(
            "The audience can only be counted once the exchange has started "
            "(it starts on %(date)s); leave it empty until then.",
            date=format_date(item.start_date, format="long"),
        )
    if item.status == "published" and not fields.get("discipline"):
        problems["fields.discipline"] = _(
            "Choose the discipline before publishing the cultural exchange."
        )
    return problems or None
