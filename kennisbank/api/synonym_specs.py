"""The OpenAPI description of the synonym list endpoints (:mod:`kennisbank.synonyms.api`).

The limits are the service's own constants, and the term pattern spells out
the characters :func:`kennisbank.synonyms.service.clean_set` refuses, so a body
the schema refuses is refused by the endpoint too. What a schema cannot say
is left to the service and answered with 422: at most five words a term, at
least two different terms in all, no set with the same terms twice.
``SynonymSetLine`` is the same set as a line of the JSON Lines import and
export (``"kind": "synonym_set"``), referred to by ``/import`` and ``/export``.
"""

from __future__ import annotations

from typing import Any

from ..content.kinds.text import NUL, SPACE
from ..content.registry import Registry
from ..synonyms.api import DEFAULT_PER_PAGE, MAX_FILTER_LENGTH, MAX_PER_PAGE
from ..synonyms.service import LINE_SEPARATORS, MAX_NOTE_LENGTH, MAX_TERM_LENGTH, MAX_TERMS
from ..synonyms.transfer import LINE_KIND
from .errors import MAX_ID
from .items import MAX_PAGE
from .openapi import JSONL, extend
from .specs import DATE_TIME, INTEGER, STRING, array, obj

REQUIRED_AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]
#: Control characters (Unicode category Cc) and the line and paragraph separators.
CONTROL = "\\u0000-\\u001f\\u007f-\\u009f" + "".join(f"\\u{ord(c):04x}" for c in LINE_SEPARATORS)
#: One line without control characters, with something besides spaces.
TERM_PATTERN = f"^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"
STATUS_TEXT = {
    400: "Malformed JSON or parameters.",
    401: "Not logged in: send Authorization: Bearer <token> (reads also take a session).",
    403: "Logged in, but only editors and administrators keep the synonym list.",
    404: "No synonym set with this id.",
    413: "The body is too large.",
    415: "The body's content type is not accepted here.",
    422: "Not valid: messages per field in errors.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): {"description": STATUS_TEXT[status], "content": {
        "application/json": {"schema": _ref("Error")}}} for status in statuses}


def _ok(description: str, name: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


LANG = {"$ref": "#/components/parameters/lang"}
SET_ID = {"name": "set_id", "in": "path", "required": True,
          "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


def input_properties() -> dict[str, Any]:
    """The keys of a set as clients send it (the body of POST and PUT, and an import line)."""
    term = {"type": "string", "maxLength": MAX_TERM_LENGTH, "pattern": TERM_PATTERN,
            "description": "A word or a short phrase of at most five words."}
    return {
        "nl": {**array(term), "maxItems": MAX_TERMS, "description": "Dutch terms."},
        "en": {**array(term), "maxItems": MAX_TERMS, "description": "English terms."},
        "note": {"type": ["string", "null"], "maxLength": MAX_NOTE_LENGTH,
                 "pattern": f"^[^{NUL}]*$", "description": "Why the set exists (optional)."},
    }


def _schemas() -> dict[str, Any]:
    stored_terms = array(STRING)
    synonym_set = obj({
        "id": INTEGER, "nl": stored_terms, "en": stored_terms, "note": STRING,
        "created_at": DATE_TIME, "updated_at": DATE_TIME,
        "updated_by": {"oneOf": [obj({"id": INTEGER, "name": STRING}), {"type": "null"}]},
        "links": obj({"self": STRING}),
    })
    return {
        "SynonymSetInput": {
            "type": "object", "properties": input_properties(), "additionalProperties": False,
            "description": "Equivalent terms in Dutch and/or English: at least two different "
                           "terms in all; duplicates (ignoring case and accents) are dropped. "
                           "A key left out means no terms (no note).",
        },
        "SynonymSet": synonym_set,
        "SynonymSetList": obj({
            "total": INTEGER, "page": INTEGER, "per_page": INTEGER,
            "version": {"type": "string",
                        "description": "Changes whenever any set is added, changed or deleted."},
            "synonym_sets": array(_ref("SynonymSet")),
        }),
        "SynonymSetLine": {
            "type": "object",
            "properties": {"kind": {"const": LINE_KIND}, **input_properties()},
            "required": ["kind"], "additionalProperties": False,
            "description": f"A synonym set as a line of the import and export ({JSONL}); a "
                           "set whose terms are already a set is not added twice.",
        },
    }


def _paths() -> dict[str, Any]:
    body = {"required": True, "content": {"application/json": {
        "schema": _ref("SynonymSetInput")}}}
    return {
        "/synonyms": {
            "get": {
                "operationId": "listSynonymSets",
                "summary": "The synonym sets search applies, oldest first (editors and "
                           "administrators).",
                "security": REQUIRED_AUTH,
                "parameters": [
                    LANG,
                    _query("q", {"type": "string"},
                           f"Only sets with a term containing this, ignoring case and accents "
                           f"(the first {MAX_FILTER_LENGTH} characters count)."),
                    _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                           "Page number, from 1."),
                    _query("per_page", {"type": "integer", "minimum": 1,
                                        "maximum": MAX_PER_PAGE},
                           f"Sets per page (default {DEFAULT_PER_PAGE})."),
                ],
                "responses": {"200": _ok("A page of synonym sets.", "SynonymSetList"),
                              **_errors(400, 401, 403)},
            },
            "post": {
                "operationId": "createSynonymSet",
                "summary": "Add a synonym set.",
                "security": REQUIRED_AUTH, "parameters": [LANG], "requestBody": body,
                "responses": {
                    "201": {**_ok("Added.", "SynonymSet"), "headers": {"Location": {
                        "description": "The set's API address.", "schema": STRING}}},
                    **_errors(400, 401, 403, 413, 415, 422),
                },
            },
        },
        "/synonyms/{set_id}": {
            "parameters": [SET_ID],
            "get": {
                "operationId": "getSynonymSet", "summary": "One synonym set.",
                "security": REQUIRED_AUTH, "parameters": [LANG],
                "responses": {"200": _ok("The set.", "SynonymSet"),
                              **_errors(400, 401, 403, 404)},
            },
            "put": {
                "operationId": "updateSynonymSet",
                "summary": "Replace a synonym set's terms and note.",
                "security": REQUIRED_AUTH, "parameters": [LANG], "requestBody": body,
                "responses": {"200": _ok("The set as saved.", "SynonymSet"),
                              **_errors(400, 401, 403, 404, 413, 415, 422)},
            },
            "delete": {
                "operationId": "deleteSynonymSet", "summary": "Delete a synonym set.",
                "security": REQUIRED_AUTH, "parameters": [LANG],
                "responses": {"204": {"description": "Deleted."},
                              **_errors(400, 401, 403, 404)},
            },
        },
    }


@extend
def describe(registry: Registry, lang: str) -> dict[str, dict[str, Any]]:
    return {"paths": _paths(), "schemas": _schemas()}
