"""The ``country`` kind: an ISO 3166 two-letter code, shown by its CLDR name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..vocab import countries, country_name, is_country
from .base import FieldKind, Invalid

if TYPE_CHECKING:
    from ..types import Field


def country_message() -> str:
    return _("Must be a two-letter country code, such as NL or DE.")


def clean_country(value: Any) -> str:
    """The upper-case code (forms and imports may write ``nl``)."""
    if not isinstance(value, str) or not is_country(value.strip().upper()):
        raise Invalid(country_message())
    return value.strip().upper()


def country_schema() -> dict[str, Any]:
    return {"type": "string", "enum": sorted(code for code, _name in countries("en")),
            "x-kind": "country"}


def country_options(ui_lang: str) -> list[tuple[str, str]]:
    return [("", _("Choose a country")), *countries(ui_lang)]


class CountryKind(FieldKind):
    name = "country"
    widget = "select"

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        return clean_country(value)

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return country_schema()

    def schema_message(self, fld: Field) -> str:
        return country_message()

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = "select"
        made.options = country_options(ui_lang)

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return escape(country_name(value, lang))

    def plain_text(self, value: Any, fld: Field, lang: str) -> str:
        return country_name(value, lang) or str(value)

    def search_text(self, value: Any, fld: Field, lang: str) -> str:
        return self.plain_text(value, fld, lang)

    def facet_label(self, code: str, fld: Field, lang: str) -> str:
        return country_name(code, lang) or code
