"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, generated on request.

Nothing here is a hand-kept copy of a rule. Item bodies are the schemas the
endpoints check against (:mod:`.schemas`, built from the registered content
types and the validator's limits); parameters come from the same choices
and limits the endpoints read (the registry, ``STATUSES``, the search
service's constants and facets). A plugin that adds a type or a field
changes the document without anyone editing it. ``lang`` picks the language
of titles and descriptions taken from the content types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify, url_for

from ..config import LANGUAGES
from ..content.kinds.text import NUL
from ..content.registry import Registry, current_registry
from ..models import STATUSES
from ..plugins import PluginError, current_plugins
from ..search.backend import MAX_PER_PAGE as SEARCH_MAX_PER_PAGE
from ..search.facets import all_facets
from ..search.service import MAX_FILTER_VALUES, MAX_VALUE_LENGTH, scopes, sort_names
from ..search.service import MAX_PAGE as SEARCH_MAX_PAGE
from . import api_lang, bp
from .errors import MAX_ID, checked_lang
from .items import MAX_PAGE, MAX_PER_PAGE
from .schemas import item_schema, transition_schema
from .specs import ERROR_STATUSES, response_schemas

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
JSONL = "application/x-ndjson"

#: Describes endpoints kept in other modules: given the registry and the
#: language, returns ``{"paths": {...}, "schemas": {...}}`` to merge in.
Describer = Callable[[Registry, str], dict[str, dict[str, Any]]]
EXTENSIONS: list[Describer] = []


def extend(describe: Describer) -> Describer:
    """Add the paths and component schemas ``describe`` returns to the document.

    Used as a decorator by endpoint modules outside this file (see
    :mod:`.partner_specs`), so each keeps its description next to its code.
    """
    EXTENSIONS.append(describe)
    return describe


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(status: int, name: str = "Error") -> dict[str, Any]:
    return {
        "description": ERROR_STATUSES[status],
        "content": {"application/json": {"schema": _ref(name)}},
    }


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): _error(status) for status in statuses}


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **extra}


def _parameters(registry: Registry) -> dict[str, Any]:
    return {
        "lang": _query("lang", {"type": "string", "enum": list(LANGUAGES)},
                       "Language of labels and of the translation shown first."),
        "lang_lenient": _query("lang", {"type": "string"},
                               "Language of labels: nl or en; other values are ignored."),
        "lang_search": _query("lang", {"type": "string", "enum": [*LANGUAGES, ""]},
                              "Language of labels and of the translation shown first; "
                              "empty means the default."),
        "item_id": {"name": "item_id", "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
        "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                       "Page number, from 1."),
        "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                           "Items per page."),
        "sector": _query("sector", {"type": "string", "enum": list(registry.sectors)},
                         "Only items of this sector."),
        "type": _query("type", {"type": "string", "enum": list(registry.types)},
                       "Only items of this content type."),
        "status": _query("status", {"type": "string", "enum": list(STATUSES)},
                         "Only items with this status (among those you may see)."),
    }


#: An on/off search parameter, as ``search.service`` reads it.
SWITCH = {"type": "string", "enum": ["true", "false", "1", "0", "on", "off", "yes", "no"]}


def _search_parameters(registry: Registry) -> list[dict[str, Any]]:
    """The search page's parameters, from the search service's own limits and facets."""
    # The limit on values counts distinct non-blank ones, which no array keyword says.
    facet = {"type": "array", "items": {"type": "string", "maxLength": MAX_VALUE_LENGTH,
                                        "pattern": f"^[^{NUL}]*$"}}  # as the service refuses
    return [
        _query("q", {"type": "string"}, "Words to search for; \"phrases\", -exclusions and OR."),
        _p("lang_search"),
        _query("sort", {"type": "string", "enum": list(sort_names())},
               "Order; relevance with words, newest without."),
        _query("page", {"type": "integer", "minimum": 1, "maximum": SEARCH_MAX_PAGE},
               "Page number, from 1."),
        _query("per_page", {"type": "integer", "minimum": 1, "maximum": SEARCH_MAX_PER_PAGE},
               "Results per page."),
        _query("translate", SWITCH, "Also search the other language with a translation of "
               "the query (default true)."),
        _query("correct", SWITCH, "When the query finds nothing, run it with its typing "
               "errors corrected (default true); false searches the words exactly as typed."),
        *(
            _query(name, facet, f"Filter on the facet {name}: values OR-ed, facets AND-ed; "
                   f"at most {MAX_FILTER_VALUES} different values.", style="form", explode=True)
            for name in all_facets(registry)
        ),
        *(
            _query(name, {"type": "string", "maxLength": MAX_VALUE_LENGTH},
                   f"{scope.label.get('en', name)} this (narrows the facet counts too).")
            for name, scope in scopes().items()
        ),
    ]


def _p(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/parameters/{name}"}


OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]
REQUIRED_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema: dict[str, Any], media: str = "application/json"
        ) -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": schema}}}


def _paths(registry: Registry) -> dict[str, Any]:
    item_ok = _ok("The item.", _ref("Item"))
    return {
        "/items": {
            "get": {
                "operationId": "listItems", "summary": "Items you may see, newest change first.",
                "security": OPTIONAL_AUTH,
                "parameters": [_p(n) for n in
                               ("lang", "sector", "type", "status", "page", "per_page")],
                "responses": {"200": _ok("A page of items.", _ref("ItemList")),
                              **_errors(400, 401)},
            },
            "post": {
                "operationId": "createItem",
                "summary": "Create an item; contributors create drafts.",
                "description": (
                    "The body is checked against the schema of its type, then by the "
                    "content rules no schema expresses: the end date may not be before "
                    "the start date, and each sector's plugin may add rules (422)."
                ),
                "security": REQUIRED_AUTH,
                "parameters": [_p("lang")],
                "requestBody": _json_body(_ref("ItemInput")),
                "responses": {
                    "201": {**item_ok, "description": "Created.",
                            "headers": {"Location": {"description": "The item's API address.",
                                                     "schema": {"type": "string"}}}},
                    **_errors(400, 401, 403, 409, 413, 415, 422),
                },
            },
        },
        "/items/{item_id}": {
            "parameters": [_p("item_id")],
            "get": {
                "operationId": "getItem", "summary": "One item with both translations.",
                "security": OPTIONAL_AUTH, "parameters": [_p("lang")],
                "responses": {"200": item_ok, **_errors(400, 401, 404)},
            },
            "patch": {
                "operationId": "updateItem",
                "summary": "Change only the values sent; null removes a value.",
                "description": (
                    "`fields` merge per field, `translations` per language (null removes "
                    "a language) and per value. The result is validated as a whole. "
                    "The type and status do not change here: see transitions."
                ),
                "security": REQUIRED_AUTH, "parameters": [_p("lang")],
                "requestBody": _json_body(_ref("ItemPatch")),
                "responses": {"200": item_ok,
                              **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
            },
            "delete": {
                "operationId": "deleteItem", "summary": "Delete an item.",
                "security": REQUIRED_AUTH,
                "responses": {"204": {"description": "Deleted."}, **_errors(401, 403, 404)},
            },
        },
        "/items/{item_id}/transitions": {
            "parameters": [_p("item_id")],
            "post": {
                "operationId": "transitionItem",
                "summary": "Move an item through the workflow.",
                "description": (
                    "draft -> review (submit), -> published (publish), published -> "
                    "archived (archive), review -> draft (return, with a comment; "
                    "the item's author withdraws it instead). "
                    "409 when the step does not fit the current status; 422 when the "
                    "item is not complete enough for it."
                ),
                "security": REQUIRED_AUTH, "parameters": [_p("lang")],
                "requestBody": _json_body(_ref("Transition")),
                "responses": {"200": item_ok,
                              **_errors(400, 401, 403, 404, 409, 413, 415, 422)},
            },
        },
        "/items/{item_id}/revisions": {
            "parameters": [_p("item_id")],
            "get": {
                "operationId": "itemRevisions",
                "summary": "The item's history, newest first, for those who may edit it.",
                "security": REQUIRED_AUTH, "parameters": [_p("lang_lenient")],
                "responses": {"200": _ok("The revisions.", _ref("Revisions")),
                              **_errors(401, 403, 404)},
            },
        },
        "/items/{item_id}/related": {
            "parameters": [_p("item_id")],
            "get": {
                "operationId": "relatedItems", "summary": "Items like this one.",
                "security": OPTIONAL_AUTH, "parameters": [_p("lang_search")],
                "responses": {"200": _ok("Related items.", _ref("Related")),
                              **_errors(400, 401, 404, 503)},
            },
        },
        "/search": {
            "get": {
                "operationId": "search", "summary": "Full-text search with facets.",
                "security": OPTIONAL_AUTH, "parameters": _search_parameters(registry),
                "responses": {"200": _ok("A page of results.", _ref("SearchPage")),
                              **_errors(400, 401, 503)},
            },
        },
        "/content-types": {
            "get": {
                "operationId": "contentTypes",
                "summary": "Every content type with its fields, sectors and themes.",
                "security": OPTIONAL_AUTH, "parameters": [_p("lang_lenient")],
                "responses": {"200": _ok("The content types.", _ref("ContentTypes"))},
            },
        },
        "/import": {
            "post": {
                "operationId": "importItems",
                "summary": "Import JSON Lines, all or nothing (editors and admins).",
                "description": (
                    "One item a line, as exported. An item with a known external_id is "
                    "updated. Editors may import items of their own sectors only. Lines "
                    "with \"kind\": \"synonym_set\" add to the synonym list."
                ),
                "security": REQUIRED_AUTH, "parameters": [_p("lang")],
                "requestBody": {"required": True, "content": {JSONL: {"schema": {
                    "type": "array", "minItems": 1,
                    "items": {"anyOf": [_ref("ItemInput"), _ref("SynonymSetLine")]},
                    "description": "Each element is one line of the body.",
                }}}},
                "responses": {
                    "200": _ok("Imported.", _ref("ImportReport")),
                    "403": _error(403, "LineErrors"),
                    "422": _error(422, "LineErrors"),
                    **_errors(400, 401, 413, 415),
                },
            },
        },
        "/export": {
            "get": {
                "operationId": "exportItems",
                "summary": "Every item you may see as JSON Lines, then the synonym sets "
                           "(editors and admins).",
                "security": REQUIRED_AUTH,
                "parameters": [_p(n) for n in ("lang", "sector", "type", "status")],
                "responses": {
                    "200": _ok("One item a line, then one synonym set a line.", {
                        "type": "array",
                        "items": {"anyOf": [_ref("ItemData"), _ref("SynonymSetLine")]},
                        "description": "Each element is one line."}, media=JSONL),
                    **_errors(400, 401, 403),
                },
            },
        },
        "/openapi.json": {
            "get": {
                "operationId": "openapi", "summary": "This document.",
                "security": OPTIONAL_AUTH, "parameters": [_p("lang")],
                "responses": {"200": _ok("OpenAPI 3.1.", {"type": "object"}),
                              **_errors(400)},
            },
        },
    }


def _item_schemas(registry: Registry, lang: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for name, ctype in registry.types.items():
        schemas[f"ItemInput_{name}"] = item_schema(ctype, registry, lang)
        schemas[f"ItemPatch_{name}"] = item_schema(ctype, registry, lang, patch=True)
    schemas["ItemInput"] = {
        "oneOf": [_ref(f"ItemInput_{name}") for name in registry.types],
        "discriminator": {
            "propertyName": "type",
            "mapping": {name: f"#/components/schemas/ItemInput_{name}" for name in registry.types},
        },
    }
    schemas["ItemPatch"] = {
        "description": "The schema of the item's own type applies.",
        "anyOf": [_ref(f"ItemPatch_{name}") for name in registry.types],
    }
    return schemas


def document(lang: str) -> dict[str, Any]:
    """The whole OpenAPI document for the current app's content types."""
    registry = current_registry()
    base = url_for("api.openapi", _external=True).removesuffix("/openapi.json")
    paths = _paths(registry)
    schemas = {
        **_item_schemas(registry, lang),
        "Transition": transition_schema(),
        **response_schemas(registry),
    }
    for describe in EXTENSIONS:
        part = describe(registry, lang)
        paths.update(part.get("paths", {}))
        schemas.update(part.get("schemas", {}))
    _add_plugin_descriptions(paths, schemas, lang)
    for operations in paths.values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                # Any request carrying a bearer token may meet the token throttle.
                operation["responses"].setdefault("429", _error(429))
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Kennisbank API",
            "version": API_VERSION,
            "description": (
                "Practices shared by Deventer and its partner cities. Reading is open "
                "(unless the site is private); writing needs `Authorization: Bearer "
                "<token>` (make a token under My account, API tokens). Errors are "
                "`{\"error\": ..., \"errors\": {field: message}}` in the language of `lang`."
            ),
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "An API token from your account page."},
            },
            "parameters": _parameters(registry),
            "schemas": schemas,
        },
    }


def _add_plugin_descriptions(paths: dict[str, Any], schemas: dict[str, Any], lang: str) -> None:
    """Merge what each plugin's ``extra_openapi`` describes, refusing to overwrite.

    A plugin may add paths and schemas but never replace the core's or another
    plugin's: the document would then describe endpoints that answer otherwise.
    """
    for plugin_name, part in current_plugins().each("extra_openapi", lang=lang):
        if not isinstance(part, dict):
            raise PluginError(f"plugin {plugin_name!r}: extra_openapi returned {part!r}, "
                              "not {'paths': ..., 'schemas': ...}")
        for kind, merged in (("paths", paths), ("schemas", schemas)):
            for name, value in (part.get(kind) or {}).items():
                if name in merged:
                    raise PluginError(f"plugin {plugin_name!r}: extra_openapi describes "
                                      f"{kind[:-1]} {name!r}, which is described already")
                merged[name] = value


@bp.get("/openapi.json")
def openapi() -> Response:
    checked_lang()
    return jsonify(document(api_lang()))
