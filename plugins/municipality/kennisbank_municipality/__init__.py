"""Kennisbank plugin for municipalities: the ``policy_practice`` content type.

A policy practice is how a city tackled something in one policy domain, with
the evidence that it worked and what another city needs to take it up: the
two questions officials of partner cities ask first. Both are prose written
per language and searchable; the policy domain is a search facet.

It registers the municipal policy vocabulary in Dutch and English as synonym
sets, so cross-lingual search knows ``jongerenwerk`` is youth work.
The plugin also adds ``kennisbank municipality-domains``, which counts policy
practices per domain, so editors see which domains still lack practices.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import Domain

from kennisbank import ContentType, hookimpl
from kennisbank.plugin_api import ItemView

from .commands import municipality_domains
from .content import POLICY_PRACTICE
from .synonyms import POLICY_TERMS

DOMAIN = "kennisbank_municipality"
TRANSLATIONS = Path(__file__).parent / "translations"

#: The plugin's own catalog, so its messages never depend on the core's msgids.
_domain = Domain(translation_directories=[str(TRANSLATIONS)], domain=DOMAIN)
_ = _domain.gettext


@hookimpl
def register_content_types() -> list[ContentType]:
    return [POLICY_PRACTICE]


@hookimpl
def register_synonyms() -> list[dict[str, list[str]]]:
    """The municipal policy vocabulary in both languages (see ``synonyms``)."""
    return POLICY_TERMS


@hookimpl
def translation_dirs() -> list[tuple[str, str]]:
    return [(str(TRANSLATIONS), DOMAIN)]


@hookimpl
def validate_item(item: ItemView) -> dict[str, str] | None:
    """A published policy practice shows, in each of its languages, that it works.

    Partner cities take up what is proven; an unproven practice may be shared
    as a draft or for review, not published.
    """
    if item.type != POLICY_PRACTICE.name or item.status != "published":
        return None
    problems = {
        f"translations.{translation.lang}.evidence": _(
            "Describe the evidence that the practice works before publishing it."
        )
        for translation in item.translations
        if not (translation.fields or {}).get("evidence")
    }
    return problems or None


@hookimpl
def register_commands(cli: click.Group) -> None:
    cli.add_command(municipality_domains)
