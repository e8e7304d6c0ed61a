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


def _multi_names(ctype: ContentType) -> set[str]:
    names = {"themes"}
    names |= {shared_name(f) for f in ctype.shared_fields if f.kind == "multichoice"}
    names |= {
        lang_name(lang, f.name)
        for lang in LANGUAGES
        for f in ctype.translatable_fields
        if f.kind == "multichoice"
    }
    return names


def _value_names(ctype: ContentType) -> list[str]:
    names = list(COMMON_NAMES) + [shared_name(f) for f in ctype.shared_fields]
    for lang in LANGUAGES:
        names += [lang_name(lang, n) for n in TEXT_NAMES]
        names += [lang_name(lang, f.name) for f in ctype.translatable_fields]
        names.append(remove_name(lang))
    return names


def _normalise(text: str) -> str:
    """Browsers send CRLF line ends; limits count characters people typed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_form(form: MultiDict[str, str], ctype: ContentType) -> FormValues:
    """The submitted values, as strings and lists of strings, exactly as typed."""
    multi = _multi_names(ctype)
    values: FormValues = {}
    for name in _value_names(ctype):
        if name in multi:
            values[name] = [_normalise(v) for v in form.getlist(name)]
        else:
            values[name] = _normalise(form.get(name, ""))
    return values


def _to_form(fld: Field, value: Any) -> Any:
    if fld.kind == "multichoice":
        return [str(v) for v in value or []]
    if value is None:
        return ""
    if fld.kind == "boolean":
        return "on" if value else ""
    return str(value)


def values_from_data(data: Mapping[str, Any], ctype: ContentType) -> FormValues:
    """Form values for an item in the import format (an item being edited, or defaults)."""
    values: FormValues = {name: "" for name in _value_names(ctype)}
    values.update({name: [] for name in _multi_names(ctype)})
    for name in ("sector", "city", "country", "organisation", "start_date", "end_date"):
        values[name] = str(data.get(name) or "")
    values["themes"] = list(data.get("themes") or [])
    values["tags"] = ", ".join(data.get("tags") or [])
    shared = data.get("fields") or {}
    for fld in ctype.shared_fields:
        values[shared_name(fld)] = _to_form(fld, shared.get(fld.name))
    for lang, text in (data.get("translations") or {}).items():
        if lang not in LANGUAGES:
            continue
        for name in TEXT_NAMES:
            values[lang_name(lang, name)] = str(text.get(name) or "")
        for fld in ctype.translatable_fields:
            values[lang_name(lang, fld.name)] = _to_form(fld, text.get(fld.name))
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
        if not _is_blank(values.get(shared_name(fld)))
    }
    translations: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        if values.get(remove_name(lang)):
            continue
        text = {name: values.get(lang_name(lang, name), "") for name in TEXT_NAMES}
        text.update(
            (fld.name, values.get(lang_name(lang, fld.name), ""))
            for fld in ctype.translatable_fields
        )
        if lang in existing or any(not _is_blank(v) for v in text.values()):
            translations[lang] = {k: v for k, v in text.items() if not _is_blank(v)}
    data["translations"] = translations
    return data
