"""Schemas of the API's answers, for the OpenAPI document.

They describe what the endpoints return (see ``item_json`` in :mod:`.items`,
the search service's ``to_json`` and the revisions endpoint) and are checked
against real answers by the schemathesis tests, so a change in one without
the other fails there. Item values are described loosely (any JSON per
field): stored items keep their values even when a content type changes later.
"""

from __future__ import annotations

from typing import Any

from ..config import LANGUAGES
from ..content.registry import Registry
from ..content.validation import TOP_LEVEL_KEYS
from ..models import STATUSES
from ..search.facets import all_facets
from ..search.service import sort_names

ERROR_STATUSES = {
    400: "Malformed JSON or parameters.",
    401: "Not logged in: send Authorization: Bearer <token>.",
    403: "Logged in, but not allowed to do this.",
    404: "No such item, or you may not see it.",
    409: "Conflict: the external_id is taken, or the step does not fit the item's status.",
    413: "The body is too large.",
    415: "The body's content type is not accepted here.",
    422: "Not valid: messages per field in errors.",
    429: "Too many unknown or revoked tokens from this address: wait Retry-After seconds.",
    503: "Search is temporarily unavailable; try again shortly.",
}

STRING = {"type": "string"}
OPTIONAL_STRING = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
DATE_TIME = {"type": "string", "format": "date-time"}


def obj(properties: dict[str, Any], *, closed: bool = True) -> dict[str, Any]:
    """An object with exactly these keys, all present."""
    return {"type": "object", "properties": properties, "required": list(properties),
            "additionalProperties": not closed}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _item_data() -> dict[str, Any]:
    """An item in the import/export format, as stored."""
    date = {"type": ["string", "null"], "format": "date"}
    text = obj({"title": STRING, "summary": STRING, "body": STRING}, closed=False)
    properties = {
        "external_id": OPTIONAL_STRING,
        "type": STRING,
        "status": {"type": "string", "enum": list(STATUSES)},
        "sector": STRING,
        "city": OPTIONAL_STRING,
        "country": OPTIONAL_STRING,
        "themes": array(STRING),
        "tags": array(STRING),
        "start_date": date,
        "end_date": date,
        "organisation": OPTIONAL_STRING,
        "fields": {"type": "object", "description": "The type's own fields (one value each)."},
        "translations": {
            "type": "object",
            "propertyNames": {"enum": list(LANGUAGES)},
            "additionalProperties": text,
            "description": "Per language: title, summary, body and translatable fields.",
        },
    }
    if set(properties) != set(TOP_LEVEL_KEYS):
        raise RuntimeError("ItemData is out of step with the import format")
    return properties


def _summary() -> dict[str, Any]:
    return {
        "id": INTEGER,
        "external_id": OPTIONAL_STRING,
        "type": STRING,
        "status": {"type": "string", "enum": list(STATUSES)},
        "sector": STRING,
        "lang": {"type": "string", "enum": list(LANGUAGES),
                 "description": "The language of title and summary here."},
        "languages": array({"type": "string", "enum": list(LANGUAGES)}),
        "title": STRING,
        "summary": STRING,
        "updated_at": DATE_TIME,
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "links": obj({
            "self": STRING,
            "html": obj({code: STRING for code in LANGUAGES}),
        }),
    }


def _search_result() -> dict[str, Any]:
    return obj({
        "id": INTEGER, "external_id": OPTIONAL_STRING, "type": STRING, "title": STRING,
        "summary": STRING, "lang": STRING, "languages": array(STRING), "sector": STRING,
        "country": OPTIONAL_STRING, "city": OPTIONAL_STRING,
        "score": {"type": ["number", "null"]}, "highlights": array(STRING), "url": STRING,
        "found_in": {**array(STRING),
                     "description": "Names of the attachments holding a query word."},
        "found_via": {**array(STRING),
                      "description": "Translations or synonyms through which the item matched "
                                     "a word of the query it does not hold itself."},
        "missing": {**array(STRING),
                    "description": "Parts of the query the item does not match (only when "
                                   "the search was loosened)."},
    })


def _expansion() -> dict[str, Any]:
    words = array(obj({"words": STRING, "terms": array(STRING)}))
    return {
        "oneOf": [{"type": "null"}, obj({
            "source": {"type": "string", "enum": list(LANGUAGES)},
            "target": {"type": "string", "enum": list(LANGUAGES)},
            "translations": words, "synonyms": words,
        })],
        "description": "What was searched for besides the words as typed: the query read as "
                       "`source` language, per part its translations into `target` and its "
                       "synonyms (only terms published content holds).",
    }


def _content_types(registry: Registry) -> dict[str, Any]:
    value_label = obj({"value": STRING, "label": STRING})
    field = obj({
        "name": STRING, "kind": {"type": "string", "enum": list(registry.kinds)},
        "label": STRING, "required": BOOLEAN, "translatable": BOOLEAN, "searchable": BOOLEAN,
        "facet": BOOLEAN, "help": STRING,
        "choices": {"type": ["array", "null"], "items": value_label},
    })
    ctype = obj({"name": STRING, "label": STRING, "sector": OPTIONAL_STRING,
                 "description": STRING, "fields": array(field)})
    return obj({"content_types": array(ctype), "sectors": array(value_label),
                "themes": array(value_label)})


def _revisions() -> dict[str, Any]:
    change = obj({"field": STRING, "label": STRING, "lang": OPTIONAL_STRING,
                  "old": STRING, "new": STRING})
    revision = obj({
        "id": INTEGER, "created_at": DATE_TIME, "action": STRING, "action_label": STRING,
        "comment": STRING,
        "user": {"oneOf": [obj({"id": INTEGER, "name": STRING}), {"type": "null"}]},
        "current": BOOLEAN, "restorable": BOOLEAN, "changes": array(change),
        "files": obj({"added": array(STRING), "removed": array(STRING)}),
        "snapshot": {"type": "object"},
    })
    return obj({"item_id": INTEGER, "revisions": array(revision)})


def _import_report() -> dict[str, Any]:
    """Items created, updated, unchanged; the same for synonym sets when the file held any."""
    counts = {"created": INTEGER, "updated": INTEGER, "unchanged": INTEGER}
    report = obj(dict(counts))
    report["properties"]["synonym_sets"] = {
        **obj(dict(counts)), "description": "Present when the file held synonym sets."}
    return report


def response_schemas(registry: Registry) -> dict[str, Any]:
    """Every answer's schema, by component name."""
    error = obj({"error": STRING,
                 "errors": {"type": "object", "additionalProperties": STRING}})
    line_errors = obj({
        **error["properties"],
        "lines": {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": STRING}},
    })
    summary = _summary()
    item = obj({
        **summary,
        **_item_data(),
        "created_at": DATE_TIME,
        "labels": obj({
            "type": STRING, "status": STRING, "sector": STRING, "country": OPTIONAL_STRING,
            "themes": {"type": "object", "additionalProperties": STRING},
            "fields": {"type": "object", "additionalProperties": STRING},
        }),
    })
    facet_value = obj({"value": STRING, "label": STRING, "count": INTEGER, "selected": BOOLEAN})
    return {
        "Error": error,
        "LineErrors": line_errors,
        "ItemData": obj(_item_data()),
        "ItemSummary": obj(summary),
        "Item": item,
        "ItemList": obj({"total": INTEGER, "page": INTEGER, "per_page": INTEGER,
                         "pages": INTEGER, "items": array(_ref("ItemSummary"))}),
        "ImportReport": _import_report(),
        "ContentTypes": _content_types(registry),
        "SearchResult": _search_result(),
        "SearchPage": obj({
            "total": INTEGER, "page": INTEGER, "per_page": INTEGER,
            "sort": {"type": "string", "enum": list(sort_names())},
            "results": array(_ref("SearchResult")),
            "facets": {"type": "object", "additionalProperties": array(facet_value),
                       "propertyNames": {"enum": list(all_facets(registry))}},
            "suggestion": {**OPTIONAL_STRING,
                           "description": "A corrected query to offer (\"did you mean\")."},
            "estimated": BOOLEAN,
            "query": {**STRING, "description": "The query that ran: `q`, or its correction."},
            "corrected_from": {**OPTIONAL_STRING,
                               "description": "`q` as typed, when it found nothing and its "
                                              "correction (`query`) ran instead."},
            "loosened": {**BOOLEAN, "description": "No item matched every word: items "
                                                  "matching most of them are shown."},
            "translate": {**BOOLEAN, "description": "Whether the other language was searched."},
            "expansion": _expansion(),
        }),
        "Related": obj({"results": array(_ref("SearchResult"))}),
        "Revisions": _revisions(),
    }
