"""Form values of an item form: what a browser sends, and the import format they map to.

Values are kept as the strings (and lists of strings) the browser sent, so a
form with errors shows back exactly what was typed; only when validating are
they turned into the import format, which the one validation path reads with
``strict=False``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from ..config import LANGUAGES
from ..content.kinds import kind_of
from ..content.kinds.base import normalise_newlines
from ..content.types import ContentType, Field

COMMON_NAMES = (
    "sector", "themes", "tags", "city", "country", "organisation", "start_date", "end_date",
)
TEXT_NAMES = ("title", "summary", "body")
ATTACHMENTS = "attachments"
REMOVE_ATTACHMENT = "remove_attachment"

FormValues = dict[str, Any]


def shared_name(fld: Field) -> str:
    return f"f-{fld.name}"


def lang_name(lang: str, name: str) -> str:
    return f"{lang}-{name}"


def remove_name(lang: str) -> str:
    return f"{lang}-remove"


def _field_names(ctype: ContentType) -> list[tuple[str, Field]]:
    """Every field input's name with its field: shared ones, then each language's."""
    found = [(shared_name(f), f) for f in ctype.shared_fields]
    for lang in LANGUAGES:
        found += [(lang_name(lang, f.name), f) for f in ctype.translatable_fields]
    return found


def _own_names() -> list[str]:
    """The inputs every item form has (not a type's fields)."""
    names = list(COMMON_NAMES)
    for lang in LANGUAGES:
        names += [lang_name(lang, n) for n in TEXT_NAMES]
        names.append(remove_name(lang))
    return names


def read_form(form: MultiDict[str, str], ctype: ContentType) -> FormValues:
    """The submitted values, exactly as typed: strings, and for a type's fields
    what their kind reads (lists of strings for checkboxes, for instance)."""
    values: FormValues = {}
    for name in _own_names():
        if name == "themes":
            values[name] = [normalise_newlines(v) for v in form.getlist(name)]
        else:
            values[name] = normalise_newlines(form.get(name, ""))
    for name, fld in _field_names(ctype):
        values[name] = kind_of(fld).read_form(form, name)
    return values


def values_from_data(data: Mapping[str, Any], ctype: ContentType) -> FormValues:
    """Form values for an item in the import format (an item being edited, or defaults)."""
    values: FormValues = {name: "" for name in _own_names()}
    values["themes"] = []
    for name, fld in _field_names(ctype):
        values[name] = kind_of(fld).form_value(None)
    for name in ("sector", "city", "country", "organisation", "start_date", "end_date"):
        values[name] = str(data.get(name) or "")
    values["themes"] = list(data.get("themes") or [])
    values["tags"] = ", ".join(data.get("tags") or [])
    shared = data.get("fields") or {}
    for fld in ctype.shared_fields:
        values[shared_name(fld)] = kind_of(fld).form_value(shared.get(fld.name))
    for lang, text in (data.get("translations") or {}).items():
        if lang not in LANGUAGES:
            continue
        for name in TEXT_NAMES:
            values[lang_name(lang, name)] = str(text.get(name) or "")
        for fld in ctype.translatable_fields:
            values[lang_name(lang, fld.name)] = kind_of(fld).form_value(text.get(fld.name))
    return values


def _is_blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def data_from_values(
    values: FormValues, ctype: ContentType, *, base: Mapping[str, Any], existing: list[str]
) -> dict[str, Any]:
    """The import format for validation, from form values.

    ``base`` supplies what the form does not edit (type, status, external id).
    A language is sent when anything was typed in it, or when the item already
    has it (so clearing a title is an error, not a silent deletion), unless its
    "delete this translation" box is ticked.
    """
    data: dict[str, Any] = {key: base[key] for key in ("type", "status", "external_id")
                            if base.get(key)}
    for name in COMMON_NAMES:
        data[name] = values.get(name, "")
    data["fields"] = {
        fld.name: values.get(shared_name(fld), "")
        for fld in ctype.shared_fields
        if not kind_of(fld).form_blank(values.get(shared_name(fld)))
    }
    translations: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        if values.get(remove_name(lang)):
            continue
        text = {name: values.get(lang_name(lang, name), "") for name in TEXT_NAMES}
        text = {k: v for k, v in text.items() if not _is_blank(v)}
        for fld in ctype.translatable_fields:
            value = values.get(lang_name(lang, fld.name), "")
            if not kind_of(fld).form_blank(value):
                text[fld.name] = value
        if lang in existing or text:
            translations[lang] = text
    data["translations"] = translations
    return data
