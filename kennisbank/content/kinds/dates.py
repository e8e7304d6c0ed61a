"""The ``date`` kind: a day, stored as ``YYYY-MM-DD``, shown in the reader's way."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .base import FieldKind, Invalid

if TYPE_CHECKING:
    from ..types import Field

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def clean_date(value: Any) -> str:
    """An ISO date. ``date.fromisoformat`` also takes "20240229" and "2024-W09-4";
    the format is YYYY-MM-DD, as the message says."""
    if not isinstance(value, str) or not DATE_RE.match(value.strip()):
        raise Invalid(_("Must be a date written as YYYY-MM-DD."))
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise Invalid(_("Must be a date written as YYYY-MM-DD.")) from None


def date_schema() -> dict[str, Any]:
    return {"type": "string", "format": "date", "x-kind": "date"}


def date_hint() -> str:
    return _("For example 2024-03-31.")


class DateKind(FieldKind):
    name = "date"
    widget = "date"

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        return clean_date(value)

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return date_schema()

    def schema_message(self, fld: Field) -> str:
        return _("Must be a date written as YYYY-MM-DD.")

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = "date"
        made.hint = " ".join(filter(None, [made.hint, date_hint()]))

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return escape(format_date(date.fromisoformat(value), format="long", locale=lang))
