"""How an item's fields are shown to a reader: each value as its kind displays it."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from .registry import current_registry
from .types import ContentType, Field, label_in


def display_value(fld: Field, value: Any, lang: str) -> Markup:
    """One value as safe HTML in ``lang``.

    A value that no longer fits its field (a plugin changed the field's kind
    after items were saved with the old one) is shown as stored, escaped,
    rather than turning the whole page into a server error.
    """
    try:
        return current_registry().kind(fld.kind).display(value, fld, lang)
    except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError):
        return escape(str(value))


def field_rows(
    ctype: ContentType, shared: dict[str, Any], translated: dict[str, Any], lang: str
) -> list[tuple[Field, str, Markup]]:
    """``(field, label, html)`` for every filled field of an item, in the type's order."""
    rows = []
    for fld in ctype.fields:
        source = translated if fld.translatable else shared
        value = source.get(fld.name)
        if value is None or value == "" or value == [] or value == {}:
            continue
        rows.append((fld, label_in(fld.label, lang, fld.name), display_value(fld, value, lang)))
    return rows
