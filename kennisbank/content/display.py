"""How a field value is shown to a reader: labels for codes, formatted numbers and dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from ..markup import render_markdown
from .types import ContentType, Field, label_in
from .vocab import country_name


def display_value(fld: Field, value: Any, lang: str) -> Markup:
    """One value as safe HTML in ``lang``.

    A value that no longer fits its field (a plugin changed the field's kind
    after items were saved with the old one) is shown as stored, escaped,
    rather than turning the whole page into a server error.
    """
    try:
        return _display(fld, value, lang)
    except (TypeError, ValueError, ArithmeticError):
        return escape(str(value))


def _display(fld: Field, value: Any, lang: str) -> Markup:
    if fld.kind == "markdown":
        return render_markdown(value)
    if fld.kind == "choice":
        text = fld.choice_label(value, lang)
    elif fld.kind == "multichoice":
        codes = value if isinstance(value, list) else [value]
        text = ", ".join(fld.choice_label(code, lang) for code in codes)
    elif fld.kind in ("integer", "decimal"):
        text = format_decimal(value, locale=lang)
    elif fld.kind == "date":
        text = format_date(date.fromisoformat(value), format="long", locale=lang)
    elif fld.kind == "boolean":
        text = {"nl": "ja", "en": "yes"}[lang] if value else {"nl": "nee", "en": "no"}[lang]
    elif fld.kind == "country":
        text = country_name(value, lang)
    elif fld.kind == "url":
        return Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(value)
    elif fld.kind == "email":
        return Markup('<a href="mailto:{0}">{0}</a>').format(value)
    else:
        text = str(value)
    return escape(text)


def field_rows(
    ctype: ContentType, shared: dict[str, Any], translated: dict[str, Any], lang: str
) -> list[tuple[Field, str, Markup]]:
    """``(field, label, html)`` for every filled field of an item, in the type's order."""
    rows = []
    for fld in ctype.fields:
        source = translated if fld.translatable else shared
        value = source.get(fld.name)
        if value is None or value == "" or value == []:
            continue
        rows.append((fld, label_in(fld.label, lang, fld.name), display_value(fld, value, lang)))
    return rows
