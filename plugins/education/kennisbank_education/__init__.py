"""Kennisbank plugin for the education sector: the ``exchange`` content type.

An exchange is a stay of pupils, students or staff at a partner institution
abroad. Editors compare exchanges by education level, size and length, so those
are fields (the level is a search facet); the partner institution is free text
that search should find.

This module is the plugin: the entry point ``kennisbank = education`` names it,
and the ``@hookimpl`` functions below are what Kennisbank calls.
"""

from __future__ import annotations

import math
from pathlib import Path

from flask_babel import Domain

from kennisbank import ContentType, Field, hookimpl
from kennisbank.plugin_api import ItemView

DOMAIN = "kennisbank_education"
TRANSLATIONS = Path(__file__).parent / "translations"

#: The plugin's own catalog, so its messages never depend on the core's msgids.
_domain = Domain(translation_directories=[str(TRANSLATIONS)], domain=DOMAIN)
_ = _domain.gettext

EDUCATION_LEVELS = {
    "po": {"nl": "Primair onderwijs", "en": "Primary education"},
    "vo": {"nl": "Voortgezet onderwijs", "en": "Secondary education"},
    "mbo": {
        "nl": "Middelbaar beroepsonderwijs (mbo)",
        "en": "Secondary vocational education (MBO)",
    },
    "hbo": {
        "nl": "Hoger beroepsonderwijs (hbo)",
        "en": "Higher professional education (universities of applied sciences)",
    },
    "wo": {"nl": "Wetenschappelijk onderwijs (wo)", "en": "University education"},
}

EXCHANGE = ContentType(
    name="exchange",
    sector="education",
    label={"nl": "Uitwisseling", "en": "Exchange"},
    description={
        "nl": "Leerlingen, studenten of docenten die een tijd bij een partnerinstelling "
              "in het buitenland leren of werken.",
        "en": "Pupils, students or staff who spend time learning or working at a "
              "partner institution abroad.",
    },
    fields=[
        Field(
            "education_level",
            "choice",
            label={"nl": "Onderwijsniveau", "en": "Education level"},
            help={
                "nl": "Het niveau van de deelnemers in het Nederlandse stelsel.",
                "en": "The participants' level in the Dutch education system.",
            },
            choices=EDUCATION_LEVELS,
            facet=True,
        ),
        Field(
            "participants",
            "integer",
            label={"nl": "Deelnemers", "en": "Participants"},
            help={
                "nl": "Aantal leerlingen, studenten en docenten dat meedeed.",
                "en": "Number of pupils, students and staff who took part.",
            },
            min_value=1,
            max_value=100_000,
        ),
        Field(
            "partner_institution",
            "text",
            label={"nl": "Partnerinstelling", "en": "Partner institution"},
            help={
                "nl": "De school, hogeschool of universiteit aan de andere kant.",
                "en": "The school, college or university on the other side.",
            },
            max_length=200,
            searchable=True,
        ),
        Field(
            "duration_weeks",
            "integer",
            label={"nl": "Duur (weken)", "en": "Duration (weeks)"},
            help={
                "nl": "Hoe lang één uitwisseling duurt, in weken (1 tot 104).",
                "en": "How long one exchange lasts, in weeks (1 to 104).",
            },
            min_value=1,
            max_value=104,
        ),
    ],
)


@hookimpl
def register_content_types() -> list[ContentType]:
    return [EXCHANGE]


@hookimpl
def translation_dirs() -> list[tuple[str, str]]:
    return [(str(TRANSLATIONS), DOMAIN)]


@hookimpl
def validate_item(item: ItemView) -> dict[str, str] | None:
    """Rules an education editor checks by hand otherwise.

    A published exchange without its partner is of no use to a school looking
    for one; and a duration longer than the item's own period is a typing
    error (40 weeks for a fortnight) that the field limits cannot catch.
    """
    if item.type != EXCHANGE.name:
        return None
    fields = item.fields or {}
    problems: dict[str, str] = {}
    if item.status == "published" and not fields.get("partner_institution"):
        problems["fields.partner_institution"] = _(
            "Name the partner institution before publishing the exchange."
        )
    weeks = fields.get("duration_weeks")
    if weeks and item.start_date and item.end_date:
        longest = math.ceil(((item.end_date - item.start_date).days + 1) / 7)
        if weeks > longest:
            problems["fields.duration_weeks"] = _(
                "The duration (%(weeks)d weeks) is longer than the period between the "
                "start and end date allows (at most %(max)d).",
                weeks=weeks,
                max=longest,
            )
    return problems or None
