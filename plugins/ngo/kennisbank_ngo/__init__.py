"""Kennisbank plugin for non-governmental organisations: the ``development_project`` type.

A development project is what an NGO does with a partner abroad: a budget,
someone paying for it and people who benefit. Who benefits is written per
language (it is prose, not a code), so ``beneficiaries`` is translatable.

Besides the type this plugin renders its own fields on the item page, to show
the budget as an amount of money in the reader's notation (``€ 250.000`` in
Dutch, ``€250,000`` in English) rather than as a bare number.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale
from babel.numbers import format_currency
from flask_babel import Domain
from markupsafe import Markup, escape

from kennisbank import ContentType, Field, hookimpl
from kennisbank.plugin_api import ItemView

DOMAIN = "kennisbank_ngo"
TRANSLATIONS = Path(__file__).parent / "translations"

#: The plugin's own catalog, so its messages never depend on the core's msgids.
_domain = Domain(translation_directories=[str(TRANSLATIONS)], domain=DOMAIN)
_ = _domain.gettext

DEVELOPMENT_PROJECT = ContentType(
    name="development_project",
    sector="ngo",
    label={"nl": "Ontwikkelingsproject", "en": "Development project"},
    description={
        "nl": "Een project van een maatschappelijke organisatie met een partner in het "
              "buitenland.",
        "en": "A project of a civil-society organisation with a partner abroad.",
    },
    fields=[
        Field(
            "budget_eur",
            "integer",
            label={"nl": "Budget (euro)", "en": "Budget (euros)"},
            help={
                "nl": "Het totale budget in hele euro's.",
                "en": "The total budget in whole euros.",
            },
            min_value=0,
        ),
        Field(
            "funding_source",
            "text",
            label={"nl": "Financiering", "en": "Funding source"},
            help={
                "nl": "Wie het project betaalt, zoals een fonds, ministerie of de gemeente.",
                "en": "Who pays for the project, such as a fund, a ministry or the city.",
            },
            max_length=300,
            searchable=True,
        ),
        Field(
            "beneficiaries",
            "text",
            label={"nl": "Begunstigden", "en": "Beneficiaries"},
            help={
                "nl": "Wie er baat bij heeft, en hoeveel mensen ongeveer.",
                "en": "Who benefits, and roughly how many people.",
            },
            max_length=500,
            translatable=True,
            searchable=True,
        ),
    ],
)


@hookimpl
def register_content_types() -> list[ContentType]:
    return [DEVELOPMENT_PROJECT]


@hookimpl
def translation_dirs() -> list[tuple[str, str]]:
    return [(str(TRANSLATIONS), DOMAIN)]


@hookimpl
def validate_item(item: ItemView) -> dict[str, str] | None:
    """Accountability rules an NGO editor checks before anything goes public.

    Money needs a source, whether or not the item is published; a published
    project says, in every language it is written in, whom it serves.
    """
    if item.type != DEVELOPMENT_PROJECT.name:
        return None
    fields = item.fields or {}
    problems: dict[str, str] = {}
    if fields.get("budget_eur") and not fields.get("funding_source"):
        problems["fields.funding_source"] = _("Name the funding source of the budget.")
    if item.status == "published":
        for translation in item.translations:
            if not (translation.fields or {}).get("beneficiaries"):
                problems[f"translations.{translation.lang}.beneficiaries"] = _(
                    "Say who benefits from the project before publishing it."
                )
    return problems or None


def euros(amount: int, lang: str) -> str:
    """A whole amount of euros in ``lang``'s notation, without cents."""
    pattern = Locale.parse(lang).currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(amount, "EUR", format=pattern, locale=lang, currency_digits=False)


@hookimpl
def render_item_fields(item: ItemView, lang: str) -> Markup | None:
    """The project's fields as a definition list, the budget written as money."""
    if item.type != DEVELOPMENT_PROJECT.name:
        return None
    fields = item.fields or {}
    translation = item.best_translation(lang)
    rows = []
    if fields.get("budget_eur") is not None:
        rows.append(("budget_eur", lang, escape(euros(fields["budget_eur"], lang))))
    if fields.get("funding_source"):
        rows.append(("funding_source", lang, escape(fields["funding_source"])))
    beneficiaries = (translation.fields or {}).get("beneficiaries")
    if beneficiaries:
        rows.append(("beneficiaries", translation.lang, escape(beneficiaries)))
    if not rows:
        return Markup("")
    items = Markup("").join(
        Markup('<dt lang="{0}">{1}</dt>\n<dd lang="{2}">{3}</dd>\n').format(
            lang, DEVELOPMENT_PROJECT.field(name).label[lang], value_lang, value
        )
        for name, value_lang, value in rows
    )
    return Markup(
        '<section aria-labelledby="project-heading">\n'
        '<h2 id="project-heading" lang="{0}">{1}</h2>\n'
        '<dl class="fields">\n{2}</dl>\n</section>'
    ).format(lang, _("Project details"), items)
