"""The OpenAPI description of the partner endpoints (:mod:`.partners`).

Limits and choices are the ones the endpoints and the partner rules read
(page sizes, transfer kinds, note lengths, relations, facets), so the
document cannot drift from what is enforced; the schemathesis test checks
real answers against it.
"""

from __future__ import annotations

from typing import Any

from ..config import LANGUAGES
from ..content.kinds.text import text_pattern
from ..partners.cities import RELATIONS
from ..partners.directory import FACETS
from ..partners.models import TRANSFER_KINDS
from ..partners.transfers import MAX_NOTE_LENGTH
from .errors import MAX_ID
from .partners import MAX_COMPARABLE, MAX_FILTER_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_VALUE_LENGTH
from .specs import BOOLEAN, DATE_TIME, INTEGER, OPTIONAL_STRING, STRING, array, obj

NUMBER = {"type": "number"}
OPTIONAL_NUMBER = {"type": ["number", "null"]}
OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]
STATUS_TEXT = {
    400: "Malformed JSON or parameters.",
    401: "Not logged in, or the site is private: send Authorization: Bearer <token>.",
    403: "Logged in, but not allowed to edit this practice.",
    404: "No such organisation, city or practice, or you may not see it.",
    413: "The body is too large.",
    415: "The body's content type is not accepted here.",
    422: "Not valid: messages per field in errors.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(name: str) -> dict[str, Any]:
    return {"oneOf": [_ref(name), {"type": "null"}]}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"description": STATUS_TEXT[status], "content": {
        "application/json": {"schema": _ref("Error")}}} for status in statuses}


def _ok(description: str, name: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def _query(name: str, schema: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description, **extra}


LANG = {"$ref": "#/components/parameters/lang"}


def _note(description: str) -> dict[str, Any]:
    return {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
            "additionalProperties": {"type": "string", "maxLength": MAX_NOTE_LENGTH,
                                     "pattern": text_pattern(single_line=False, required=False)},
            "description": description}


def _schemas() -> dict[str, Any]:
    links = obj({"self": STRING, "html": obj({code: STRING for code in LANGUAGES})})
    facet_value = obj({"value": STRING, "label": STRING, "count": INTEGER, "selected": BOOLEAN})
    item_ref = obj({"id": INTEGER, "title": STRING, "lang": {"type": "string",
                                                             "enum": list(LANGUAGES)},
                    "city": OPTIONAL_STRING, "country": OPTIONAL_STRING, "url": STRING})
    city = {
        "id": INTEGER, "name": STRING, "country": STRING, "country_name": STRING,
        "population": {"type": ["integer", "null"]}, "latitude": OPTIONAL_NUMBER,
        "longitude": OPTIONAL_NUMBER, "relation": {"type": "string", "enum": list(RELATIONS)},
        "relation_label": STRING, "links": links,
    }
    stored_note = {"type": "object", "propertyNames": {"enum": list(LANGUAGES)},
                   "additionalProperties": STRING}
    transfer = obj({
        "id": INTEGER, "kind": {"type": "string", "enum": list(TRANSFER_KINDS)},
        "direction": {"enum": ["outgoing", "incoming", None],
                      "description": "How the link relates to the practice asked about; "
                                     "null in a city's lists."},
        "from_item": _ref("ItemRef"), "to_item": _nullable("ItemRef"),
        "to_city": {"oneOf": [obj({"id": INTEGER, "name": STRING, "country": STRING}),
                              {"type": "null"}]},
        "how": stored_note, "result": stored_note, "created_at": DATE_TIME,
    })
    summary = {
        "id": INTEGER, "name": STRING, "sector": OPTIONAL_STRING, "city": OPTIONAL_STRING,
        "country": OPTIONAL_STRING, "website": OPTIONAL_STRING, "description": stored_note,
        "offers": array(STRING), "seeks": array(STRING), "links": links,
    }
    contact = obj({"id": INTEGER, "name": STRING, "position": STRING,
                   "email": OPTIONAL_STRING, "phone": OPTIONAL_STRING, "reachable": BOOLEAN})
    return {
        "ItemRef": item_ref,
        "City": obj(city),
        "CityList": obj({"cities": array(_ref("City"))}),
        "CityDetail": obj({**city, "took": array(_ref("TransferLink")),
                           "gave": array(_ref("TransferLink"))}),
        "Comparable": obj({"city": _ref("City"), "comparable": array(obj({
            "city": _ref("City"), "score": NUMBER, "shared_themes": array(STRING),
            "distance_km": OPTIONAL_NUMBER, "reason": STRING}))}),
        "TransferLink": transfer,
        "ItemTransfers": obj({"item_id": INTEGER, "transfers": array(_ref("TransferLink"))}),
        "TransferInput": {
            "type": "object",
            "properties": {
                "kind": {"type": "string", "enum": list(TRANSFER_KINDS)},
                "to_item_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "to_city_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "how": _note("How the practice was adapted, per language."),
                "result": _note("With what result, per language."),
            },
            "required": ["kind"],
            "oneOf": [{"required": ["to_item_id"]}, {"required": ["to_city_id"]}],
            "additionalProperties": False,
        },
        "OrganisationSummary": obj(summary),
        "OrganisationList": obj({
            "total": INTEGER, "page": INTEGER, "per_page": INTEGER,
            "organisations": array(_ref("OrganisationSummary")),
            "facets": obj({name: array(facet_value) for name in FACETS}),
        }),
        "Organisation": obj({**summary, "practices": array(_ref("ItemRef")),
                             "contacts": array(contact)}),
    }


def _paths() -> dict[str, Any]:
    facet = {"type": "array", "items": {"type": "string", "maxLength": MAX_VALUE_LENGTH}}
    return {
        "/organisations": {"get": {
            "operationId": "listOrganisations",
            "summary": "Organisations, searched by words and filtered by facets.",
            "security": OPTIONAL_AUTH,
            "parameters": [
                LANG,
                _query("q", {"type": "string"}, "Words to search for, as in search."),
                _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                       "Page number, from 1."),
                _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
                       "Organisations per page."),
                *(_query(name, facet, f"Filter on {name}: values OR-ed, facets AND-ed; at most "
                         f"{MAX_FILTER_VALUES} values.", style="form", explode=True)
                  for name in FACETS),
            ],
            "responses": {"200": _ok("A page of organisations.", "OrganisationList"),
                          **_errors(400, 401)},
        }},
        "/organisations/{organisation_id}": {
            "parameters": [_path_id("organisation_id")],
            "get": {
                "operationId": "getOrganisation",
                "summary": "An organisation with its practices and contact persons; email "
                           "and phone are null unless you are logged in.",
                "security": OPTIONAL_AUTH, "parameters": [LANG],
                "responses": {"200": _ok("The organisation.", "Organisation"),
                              **_errors(400, 401, 404)},
            },
        },
        "/cities": {"get": {
            "operationId": "listCities", "summary": "Every city known here.",
            "security": OPTIONAL_AUTH, "parameters": [LANG],
            "responses": {"200": _ok("The cities.", "CityList"), **_errors(400, 401)},
        }},
        "/cities/{city_id}": {
            "parameters": [_path_id("city_id")],
            "get": {
                "operationId": "getCity",
                "summary": "A city, with the transfers through which it took from and gave "
                           "to other cities.",
                "security": OPTIONAL_AUTH, "parameters": [LANG],
                "responses": {"200": _ok("The city.", "CityDetail"), **_errors(400, 401, 404)},
            },
        },
        "/cities/{city_id}/comparable": {
            "parameters": [_path_id("city_id")],
            "get": {
                "operationId": "comparableCities",
                "summary": "The known cities most like this one (size on a log scale, shared "
                           "themes, distance between equals), with a reason in lang.",
                "security": OPTIONAL_AUTH,
                "parameters": [LANG, _query("limit", {"type": "integer", "minimum": 1,
                                                      "maximum": MAX_COMPARABLE},
                                            "How many cities.")],
                "responses": {"200": _ok("Comparable cities, best first.", "Comparable"),
                              **_errors(400, 401, 404)},
            },
        },
        "/items/{item_id}/transfers": {
            "parameters": [{"$ref": "#/components/parameters/item_id"}],
            "get": {
                "operationId": "itemTransfers",
                "summary": "The practice's transfer links in both directions.",
                "security": OPTIONAL_AUTH, "parameters": [LANG],
                "responses": {"200": _ok("The links.", "ItemTransfers"),
                              **_errors(400, 401, 404)},
            },
            "post": {
                "operationId": "createTransfer",
                "summary": "Record that this practice was inspired by, adapted from or adopted "
                           "by another practice (to_item_id) or a city (to_city_id).",
                "security": [{"bearerAuth": []}], "parameters": [LANG],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("TransferInput")}}},
                "responses": {"201": _ok("Recorded.", "TransferLink"),
                              **_errors(400, 401, 403, 404, 413, 415, 422)},
            },
        },
    }


def describe() -> dict[str, dict[str, Any]]:
    """The partner endpoints' paths and schemas, for the hook ``extra_openapi``."""
    return {"paths": _paths(), "schemas": _schemas()}
