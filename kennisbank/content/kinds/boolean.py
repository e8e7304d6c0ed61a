"""The ``boolean`` kind: yes or no, a checkbox in forms, ``true``/``false`` as facet codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from ..labels import Labels, label_in
from .base import FieldKind, Invalid

if TYPE_CHECKING:
    from ..types import Field

#: Facet labels of yes/no codes (also for a plugin's own yes/no facets).
BOOLEAN_LABELS: dict[str, Labels] = {
    "true": {"nl": "Ja", "en": "Yes"},
    "false": {"nl": "Nee", "en": "No"},
}
TRUE_WORDS = ("1", "true", "on", "yes", "y")
FALSE_WORDS = ("0", "false", "off", "no", "n", "")


class BooleanKind(FieldKind):
    name = "boolean"
    widget = "checkbox"

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        if isinstance(value, str) and not strict:
            lowered = value.strip().lower()
            if lowered in TRUE_WORDS:
                return True
            if lowered in FALSE_WORDS:
                return False
        if not isinstance(value, bool):
            raise Invalid(_("Must be true or false."))
        return value

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return {"type": "boolean"}

    def form_value(self, value: Any) -> Any:
        return "on" if value else ""

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return escape(label_in(BOOLEAN_LABELS["true" if value else "false"], lang).lower())

    def plain_text(self, value: Any, fld: Field, lang: str) -> str:
        return "✓" if value else "✗"

    def facet_values(self, value: Any, fld: Field) -> list[str]:
        return ["true" if value else "false"]

    def facet_label(self, code: str, fld: Field, lang: str) -> str:
        return label_in(BOOLEAN_LABELS.get(code), lang, code)
