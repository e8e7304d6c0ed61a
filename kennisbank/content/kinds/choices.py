"""Choice kinds: ``choice`` (one code) and ``multichoice`` (several), from a field's ``choices``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from .base import CHOICES, FieldKind, Invalid

if TYPE_CHECKING:
    from ..types import Field

#: A choice with this many options or fewer is shown as radio buttons, else a select.
RADIO_LIMIT = 4


def clean_choice_list(value: Any, choices: Mapping[str, Any], *, strict: bool) -> list[str]:
    """Codes from ``choices``, each once; a form's single value counts as a list of one."""
    if isinstance(value, str) and not strict:
        value = [value]
    if not isinstance(value, list):
        raise Invalid(_("Must be a list."))
    if any(not isinstance(v, str) or v not in choices for v in value):
        raise Invalid(_("Must be one or more of: %(choices)s.", choices=", ".join(choices)))
    return list(dict.fromkeys(value))


class ChoiceKind(FieldKind):
    """One of the field's choices (``choice``), stored as its code."""

    name = "choice"
    options = frozenset({CHOICES})
    searchable = True

    def check_field(self, fld: Field) -> None:
        prefix = f"field {fld.name!r}:"
        if not isinstance(fld.choices, Mapping) or not fld.choices:
            raise ValueError(f"{prefix} a {fld.kind} field needs choices: "
                             "{code: {'nl': label, 'en': label}}")
        for code, labels in fld.choices.items():
            if not isinstance(code, str) or not code or not isinstance(labels, Mapping):
                raise ValueError(f"{prefix} choice {code!r} needs a code and a label mapping")
        super().check_field(fld)

    def codes(self, value: Any) -> list[str]:
        return [str(code) for code in (value if isinstance(value, list) else [value])]

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        choices = fld.choices or {}
        if not isinstance(value, str) or value not in choices:
            raise Invalid(_("Must be one of: %(choices)s.", choices=", ".join(choices)))
        return value

    def json_schema(self, fld: Field) -> dict[str, Any]:
        return {"type": "string", "enum": list(fld.choices or {})}

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        options = [(code, fld.choice_label(code, ui_lang)) for code in fld.choices or {}]
        if len(options) <= RADIO_LIMIT:
            made.widget = "radios"
            if not fld.required:
                options.append(("", _("Not specified")))
        else:
            made.widget = "select"
            options.insert(0, ("", _("Choose…")))
        made.options = options

    def display(self, value: Any, fld: Field, lang: str) -> Markup:
        return escape(", ".join(fld.choice_label(code, lang) for code in self.codes(value)))

    def plain_text(self, value: Any, fld: Field, lang: str) -> str:
        return ", ".join(fld.choice_label(code, lang) for code in self.codes(value))

    def search_text(self, value: Any, fld: Field, lang: str) -> str:
        return " ".join(fld.choice_label(code, lang) for code in self.codes(value))

    def facet_label(self, code: str, fld: Field, lang: str) -> str:
        return fld.choice_label(code, lang)


class MultichoiceKind(ChoiceKind):
    """Any number of the field's choices (``multichoice``), as a list of codes."""

    name = "multichoice"
    widget = "checkboxes"
    multiple = True

    def clean(self, value: Any, fld: Field, *, strict: bool) -> Any:
        return clean_choice_list(value, fld.choices or {}, strict=strict)

    def json_schema(self, fld: Field) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array", "items": {"type": "string", "enum": list(fld.choices or {})},
                  "x-kind": self.name}
        if fld.required:
            schema["minItems"] = 1
        return schema

    def form_input(self, made: Any, fld: Field, ui_lang: str) -> None:
        made.widget = "checkboxes"
        made.options = [(code, fld.choice_label(code, ui_lang)) for code in fld.choices or {}]
