"""JSON Schemas of item bodies, built from the content types, and the check that uses them.

One definition serves three readers: the OpenAPI document publishes these
schemas, ``POST``/``PATCH /items`` check every body against them, and the
schemathesis tests generate requests from them. A field's schema is its
kind's (:meth:`kennisbank.content.kinds.FieldKind.json_schema`), and the
item's own keys take their limits from :mod:`kennisbank.content.validation`,
so the document cannot drift from the behaviour.

Why the API checks a schema before the content service: the service is
lenient where forms and imports need it (an empty status means draft, a
blank value counts as absent, ``"nl"`` is read as ``NL``). An API client
deserves the exact contract it was given, so the API first holds a body to
the published schema, then lets the service apply what no schema can say
(an end date after the start date, the plugins' ``validate_item`` rules).
Each schema is at least as strict as the service, so a body that passes it
fails the service only on those rules. A field value the schema refuses is
described by the validator itself (its kind's message), in the caller's
language; the item's own keys are described in the validator's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema_rs
from flask import current_app
from flask_babel import gettext as _

from .. import workflow
from ..config import DEFAULTS, LANGUAGES
from ..content.kinds.country import country_message, country_schema
from ..content.kinds.dates import date_schema
from ..content.kinds.text import text_schema
from ..content.registry import Registry, current_registry
from ..content.types import ContentType, Field, label_in
from ..content.validation import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    TOP_LEVEL_KEYS,
    TOP_LEVEL_LENGTHS,
    ValidationError,
    field_problem,
)
from ..content.vocab import THEMES
from ..models import STATUSES

CACHE_KEY = "kennisbank.api.schemas"
#: ``POST /items/<id>/transitions`` names the status to reach; each is one workflow step's end
#: (the first step that reaches it: "return" for draft; the view lets an author withdraw instead).
TRANSITION_STEPS: dict[str, str] = {}
for _step in workflow.TRANSITIONS.values():
    TRANSITION_STEPS.setdefault(_step.target, _step.action)


def _limit(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or ``null`` (which the service reads as "no value")."""
    schema = dict(schema)
    kind = schema.get("type")
    schema["type"] = [*(kind if isinstance(kind, list) else [kind]), "null"]
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def field_value(fld: Field, lang: str) -> dict[str, Any]:
    """The schema of one field's value: its kind's, with the field's label and help."""
    schema = dict(current_registry().kind(fld.kind).json_schema(fld))
    schema["title"] = label_in(fld.label, lang, fld.name)
    if fld.help:
        schema["description"] = label_in(fld.help, lang)
    return schema


def fields_object(fields: list[Field], lang: str, *, patch: bool) -> dict[str, Any]:
    """The ``fields`` object (or the type's part of a translation)."""
    properties = {
        fld.name: field_value(fld, lang) if fld.required else nullable(field_value(fld, lang))
        for fld in fields
    }
    required = [] if patch else [fld.name for fld in fields if fld.required]
    schema: dict[str, Any] = {"type": "object", "properties": properties,
                              "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def translation(ctype: ContentType, lang: str, *, patch: bool) -> dict[str, Any]:
    own = fields_object(ctype.translatable_fields, lang, patch=patch)
    properties = {
        "title": text_schema(_limit("MAX_TITLE_LENGTH"), required=True, kind="title"),
        "summary": nullable(text_schema(_limit("MAX_SUMMARY_LENGTH"), single_line=False)),
        "body": nullable(text_schema(_limit("MAX_TEXT_LENGTH"), single_line=False,
                                     kind="markdown")),
        **own["properties"],
    }
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if not patch:
        schema["required"] = ["title", *own.get("required", [])]
    return schema


def item_schema(ctype: ContentType, registry: Registry, lang: str, *,
                patch: bool = False) -> dict[str, Any]:
    """The body of ``POST /items`` for one type, or of ``PATCH`` with ``patch=True``.

    In a patch every key is optional, ``null`` removes an optional value, and
    ``null`` as a translation removes that language.
    """
    sector = {"type": "string", "enum": list(registry.sectors)}
    shared = fields_object(ctype.shared_fields, lang, patch=patch)
    text = translation(ctype, lang, patch=patch)
    translations: dict[str, Any] = {
        "type": "object",
        "properties": {code: nullable(text) if patch else text for code in LANGUAGES},
        "additionalProperties": False,
    }
    if not patch:
        translations["minProperties"] = 1
    has_required_fields = any(f.required for f in ctype.shared_fields)
    tag = text_schema(MAX_TAG_LENGTH)
    properties: dict[str, Any] = {
        # An item always keeps an external id: a patch may change it, not remove it.
        "external_id": (text_schema(TOP_LEVEL_LENGTHS["external_id"]) if patch
                        else nullable(text_schema(TOP_LEVEL_LENGTHS["external_id"]))),
        "type": {"type": "string", "const": ctype.name},
        "status": {"type": "string", "enum": list(STATUSES)},
        "sector": sector if ctype.sector is None else nullable(sector),
        "city": nullable(text_schema(TOP_LEVEL_LENGTHS["city"])),
        "country": nullable(country_schema()),
        "themes": nullable({"type": "array", "items": {"type": "string", "enum": list(THEMES)}}),
        "tags": nullable({"type": "array", "maxItems": MAX_TAGS, "items": tag}),
        "start_date": nullable(date_schema()),
        "end_date": nullable(date_schema()),
        "organisation": nullable(text_schema(TOP_LEVEL_LENGTHS["organisation"])),
        "fields": shared if has_required_fields or patch else nullable(shared),
        "translations": translations,
    }
    missing = set(TOP_LEVEL_KEYS) ^ set(properties)
    if missing:
        raise RuntimeError(f"item schema out of step with the validator: {sorted(missing)}")
    required = ["type", "translations"]
    if ctype.sector is None:
        required.append("sector")
    if has_required_fields:
        required.append("fields")
    schema = {
        "type": "object",
        "title": label_in(ctype.label, lang, ctype.name),
        "properties": properties,
        "additionalProperties": False,
    }
    if ctype.description:
        schema["description"] = label_in(ctype.description, lang)
    if not patch:
        schema["required"] = required
    return schema


def _compiled(ctype: ContentType, patch: bool) -> tuple[dict[str, Any], Any]:
    """The schema and its validator, built once per app and type (types do not change)."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (ctype.name, patch)
    if key not in cache:
        schema = item_schema(ctype, current_registry(), "en", patch=patch)
        cache[key] = (schema, jsonschema_rs.Draft202012Validator(schema, validate_formats=True))
    return cache[key]


def check_item(data: Mapping[str, Any], *, ctype: ContentType | None = None,
               patch: bool = False) -> None:
    """Hold a body to its type's schema; ``ctype`` is given for a patch (the item's own type).

    :raises ValidationError: every problem, keyed and worded like the service's.
    """
    registry = current_registry()
    if ctype is None:
        name = data.get("type")
        ctype = registry.type(name) if isinstance(name, str) else None
        if ctype is None:
            if name is None:
                raise ValidationError({"type": _("This field is required.")})
            raise ValidationError({"type": _(
                "Unknown content type \"%(name)s\"; known types: %(types)s.",
                name=str(name)[:100], types=", ".join(registry.types))})
    schema, validator = _compiled(ctype, patch)
    errors: dict[str, str] = {}
    for error in validator.iter_errors(dict(data)):
        for path, message in _messages(error, schema, ctype, data):
            errors.setdefault(path, message)
    if errors:
        raise ValidationError(errors)


def transition_schema() -> dict[str, Any]:
    """The body of ``POST /items/<id>/transitions``."""
    comment = text_schema(workflow.MAX_COMMENT_LENGTH, single_line=False)
    comment["description"] = "Why; required when returning an item to its author (to: draft)."
    return {
        "type": "object",
        "properties": {
            "to": {"type": "string", "enum": list(TRANSITION_STEPS),
                   "description": "The status to move the item to."},
            "comment": nullable(comment),
        },
        "required": ["to"],
        "additionalProperties": False,
    }


def check_transition(data: Mapping[str, Any]) -> None:
    """:raises ValidationError: the body does not fit :func:`transition_schema`."""
    cache = current_app.extensions.setdefault(CACHE_KEY, {})
    if "transition" not in cache:
        schema = transition_schema()
        cache["transition"] = (schema, jsonschema_rs.Draft202012Validator(schema))
    schema, validator = cache["transition"]
    errors: dict[str, str] = {}
    for error in validator.iter_errors(dict(data)):
        for path, message in _messages(error, schema, None, data):
            errors.setdefault(path, message)
    if errors:
        raise ValidationError(errors)


def _node(schema: dict[str, Any], schema_path: list[str | int]) -> dict[str, Any]:
    """The schema object holding the failed keyword."""
    node: Any = schema
    for step in schema_path[:-1]:
        node = node[step]
    return node if isinstance(node, dict) else {}


def _path(parts: list[str | int]) -> str:
    """``translations.nl.title``; list positions go to the list (as the service reports)."""
    return ".".join(str(p) for p in parts if not isinstance(p, int))


TYPE_MESSAGES = {
    "string": "Must be text.",
    "array": "Must be a list.",
}


def _field_at(parts: list[str | int], ctype: ContentType | None,
              data: Mapping[str, Any]) -> tuple[str, Field, Any] | None:
    """The field value an error is inside of: its path, field and whole value."""
    if ctype is None:
        return None
    fld: Field | None = None
    if len(parts) >= 2 and parts[0] == "fields":
        fld = ctype.field(str(parts[1]))
        depth = 2 if fld is not None and not fld.translatable else 0
    elif len(parts) >= 3 and parts[0] == "translations" and parts[1] in LANGUAGES:
        fld = ctype.field(str(parts[2]))
        depth = 3 if fld is not None and fld.translatable else 0
    if fld is None or not depth:
        return None
    value: Any = data
    for step in parts[:depth]:
        value = value.get(step) if isinstance(value, Mapping) else None
    return _path(parts[:depth]), fld, value


def _messages(error: Any, schema: dict[str, Any], ctype: ContentType | None,
              data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(path, message)`` pairs for one schema error, in the validator's words.

    A field's value is judged by its kind, exactly as the validator does; the
    item's own keys are described here (their rules are the validator's, see
    :func:`~kennisbank.content.validation.validate_item_data`).
    """
    found = _field_at(error.instance_path, ctype, data)
    if found is not None:
        path, fld, value = found
        message = field_problem(fld, value, current_registry())
        return [(path, message or current_registry().kind(fld.kind).schema_message(fld))]
    kind = error.kind
    name = kind.name
    path = _path(error.instance_path)
    node = _node(schema, error.schema_path)
    value = error.instance
    if name == "type":
        return [(path or "item", _type_message(path, [t for t in kind.types if t != "null"]))]
    if name == "required":
        key = f"{path}.{kind.property}" if path else kind.property
        message = _("A title is required.") if kind.property == "title" else _(
            "This field is required.")
        return [(key, message)]
    if name == "additionalProperties":
        return [(f"{path}.{key}" if path else key, _unexpected(path, key, ctype))
                for key in kind.unexpected]
    if name == "enum":
        in_list = any(isinstance(p, int) for p in error.instance_path)
        return [(path, _enum_message(node, kind.options, in_list=in_list))]
    if name == "const":
        return [(path, _("The type of an item cannot be changed."))]
    if name == "maxLength":
        return [(path, _("Too long: at most %(max)d characters, got %(count)d.",
                         max=kind.limit, count=len(value)))]
    if name == "pattern":
        return [(path, _pattern_message(node, str(value)))]
    if name == "format":
        return [(path, _("Must be a date written as YYYY-MM-DD."))]
    if name == "minProperties":
        return [(path, _("Give at least one translation (nl or en) with a title."))]
    if name == "maxItems":
        return [(path, _("At most %(max)d tags.", max=kind.limit))]
    return [(path or "item", _("This value is not valid."))]


def _type_message(path: str, expected: list[str]) -> str:
    wanted = expected[0] if expected else ""
    if wanted in TYPE_MESSAGES:
        return _(TYPE_MESSAGES[wanted])
    if not path:
        return _("An item must be a JSON object.")
    if path == "fields":
        return _("Must be an object of field values.")
    if path.startswith("translations."):
        return _("Must be an object with a title, summary and body.")
    return _("Must be an object.")


def _unexpected(path: str, key: str, ctype: ContentType | None) -> str:
    if path == "translations":
        return _("Unknown language \"%(lang)s\"; use nl or en.", lang=key[:20])
    elsewhere = (
        set() if ctype is None
        else {f.name for f in ctype.translatable_fields} if path == "fields"
        else {f.name for f in ctype.shared_fields} if path.startswith("translations.")
        else set()
    )
    if key in elsewhere:
        return _("This field belongs with the other place: "
                 "translatable fields go in each translation, "
                 "other fields in \"fields\".")
    return _("Unknown field \"%(name)s\".", name=key)


def _enum_message(node: dict[str, Any], options: list[Any], *, in_list: bool) -> str:
    if node.get("x-kind") == "country":
        return country_message()
    choices = ", ".join(str(o) for o in options if o is not None)
    if in_list:
        return _("Must be one or more of: %(choices)s.", choices=choices)
    return _("Must be one of: %(choices)s.", choices=choices)


def _pattern_message(node: dict[str, Any], value: str) -> str:
    if "\x00" in value:
        return _("Contains a character that is not allowed.")
    if "\n" in value or "\r" in value:
        return _("Must be a single line.")
    if node.get("x-kind") == "title":
        return _("A title is required.")
    return _("This field is required.")
