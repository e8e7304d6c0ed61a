"""``/<lang>/api``: the API explained for people, with a curl example for every endpoint.

The commands are built here with this site's own address, so they can be
copied as they are; the explanations are translated. The list of endpoints
follows the OpenAPI document, so an endpoint that another part of the code
adds to the document shows up here too, with its summary and a plain
command. The document (``/api/v1/openapi.json``) stays the reference for
programs.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _

from ..api.openapi import document
from . import bp
from .filters import page_lang

AUTH = '-H "Authorization: Bearer $TOKEN"'
JSON = '-H "Content-Type: application/json"'


@dataclass(frozen=True)
class Example:
    """One endpoint: what it is for, and a command that calls it."""

    anchor: str
    method: str
    path: str
    purpose: str
    command: str


def _body(value: object) -> str:
    return "-d " + shlex.quote(json.dumps(value, ensure_ascii=False))


def examples(api: str, site: str) -> list[Example]:
    """Every endpoint, in the order a new client meets them."""
    item = {"type": "practice", "sector": "municipality", "country": "NL",
            "translations": {"en": {"title": "Bicycle streets in the centre",
                                    "summary": "Cars are guests."}}}
    return [
        Example("list", "GET", "/items", _("Items you may see, most recently changed first; "
                                           "filter with sector, type and status."),
                f'curl "{api}/items?lang=en&sector=education&page=1&per_page=20"'),
        Example("read", "GET", "/items/{id}", _("One item: every field, both translations, "
                                                "status, dates and links to its pages."),
                f'curl "{api}/items/12?lang=nl"'),
        Example("create", "POST", "/items", _("Add an item. Contributors add drafts; the "
                                              "answer is the new item and its address."),
                f'curl -X POST "{api}/items" {AUTH} {JSON} \\\n  {_body(item)}'),
        Example("change", "PATCH", "/items/{id}", _(
            "Change only what you send; null removes a value. Translations and fields "
            "are merged one by one."),
                f'curl -X PATCH "{api}/items/12" {AUTH} {JSON} \\\n  '
                + _body({"city": "Deventer", "translations": {"nl": {
                    "title": "Fietsstraten in de binnenstad"}}})),
        Example("workflow", "POST", "/items/{id}/transitions", _(
            "Move an item on: to review, published or archived, or back to draft with "
            "a comment for the author."),
                f'curl -X POST "{api}/items/12/transitions" {AUTH} {JSON} \\\n  '
                + _body({"to": "review"})),
        Example("delete", "DELETE", "/items/{id}", _("Delete an item."),
                f'curl -X DELETE "{api}/items/12" {AUTH}'),
        Example("history", "GET", "/items/{id}/revisions", _(
            "An item's history: who changed what and when."),
                f'curl "{api}/items/12/revisions" {AUTH}'),
        Example("search", "GET", "/search", _(
            "Search as on the search page: words, filters per facet, sort and pages."),
                f'curl "{api}/search?q=fietsen&sector=municipality&lang=nl"'),
        Example("related", "GET", "/items/{id}/related", _("Items like this one."),
                f'curl "{api}/items/12/related?lang=en"'),
        Example("types", "GET", "/content-types", _(
            "Every content type with its fields, sectors and themes: enough to build a form."),
                f'curl "{api}/content-types?lang=en"'),
        Example("import", "POST", "/import", _(
            "Import a JSON Lines file, one item a line; all lines or none "
            "(editors and administrators)."),
                f'curl -X POST "{api}/import" {AUTH} -H "Content-Type: application/x-ndjson" '
                "--data-binary @practices.jsonl"),
        Example("export", "GET", "/export", _(
            "Every item you may see as JSON Lines, ready to import elsewhere "
            "(editors and administrators)."),
                f'curl "{api}/export" {AUTH} -o practices.jsonl'),
        *partner_examples(api),
        *synonym_examples(api),
        Example("openapi", "GET", "/openapi.json", _(
            "The OpenAPI 3.1 description of all of this, for code generators and testing "
            "tools."),
                f'curl "{api}/openapi.json"'),
        Example("feeds", "GET", "/<lang>/feed.atom", _(
            "Atom feeds of new practices, and of any search: follow them in a feed reader."),
                f'curl "{site}en/feed.atom"\ncurl "{site}nl/search.atom?q=fietsen"'),
    ]


def partner_examples(api: str) -> list[Example]:
    """Organisations, cities and transfer links (:mod:`kennisbank.api.partners`)."""
    transfer = {"kind": "adapted_from", "to_item_id": 40,
                "how": {"en": "Two sectors first, with a one-year trial."}}
    return [
        Example("organisations", "GET", "/organisations", _(
            "Organisations by words and facets: sector, country, city, what they offer "
            "and what they seek."),
                f'curl "{api}/organisations?q=energy&offers=sdg7&lang=en"'),
        Example("organisation", "GET", "/organisations/{id}", _(
            "One organisation with its practices and contact persons; email addresses "
            "and phone numbers only for a logged-in caller."),
                f'curl "{api}/organisations/3?lang=en" {AUTH}'),
        Example("cities", "GET", "/cities", _(
            "Every city known here, with population, location and relation to Deventer."),
                f'curl "{api}/cities?lang=en"'),
        Example("city", "GET", "/cities/{id}", _(
            "One city, with what it took from other cities and what it gave them."),
                f'curl "{api}/cities/1?lang=nl"'),
        Example("comparable", "GET", "/cities/{id}/comparable", _(
            "The known cities most like this one, each with a reason."),
                f'curl "{api}/cities/1/comparable?limit=5&lang=en"'),
        Example("transfers", "GET", "/items/{id}/transfers", _(
            "A practice's transfer links, in both directions."),
                f'curl "{api}/items/38/transfers?lang=en"'),
        Example("new-transfer", "POST", "/items/{id}/transfers", _(
            "Record that a practice was inspired by, adapted from or adopted by another "
            "practice or a city."),
                f'curl -X POST "{api}/items/38/transfers" {AUTH} {JSON} \\\n  '
                + _body(transfer)),
    ]


def synonym_examples(api: str) -> list[Example]:
    """The synonym list search applies (:mod:`kennisbank.synonyms.api`): editors and admins."""
    bike = {"nl": ["fietsstraat"], "en": ["bicycle street", "cycle street"],
            "note": "CROW term"}
    return [
        Example("synonyms", "GET", "/synonyms", _(
            "The synonym sets search applies, with the list's version; q finds sets by a term "
            "(editors and administrators)."),
                f'curl "{api}/synonyms?q=fiets" {AUTH}'),
        Example("synonym", "GET", "/synonyms/{id}", _("One synonym set."),
                f'curl "{api}/synonyms/3" {AUTH}'),
        Example("new-synonym", "POST", "/synonyms", _(
            "Add a set of terms that mean the same, in Dutch, English or both; search then "
            "finds each term when another is asked for."),
                f'curl -X POST "{api}/synonyms" {AUTH} {JSON} \\\n  ' + _body(bike)),
        Example("change-synonym", "PUT", "/synonyms/{id}", _(
            "Replace a set's terms and note."),
                f'curl -X PUT "{api}/synonyms/3" {AUTH} {JSON} \\\n  ' + _body(bike)),
        Example("delete-synonym", "DELETE", "/synonyms/{id}", _("Delete a synonym set."),
                f'curl -X DELETE "{api}/synonyms/3" {AUTH}'),
    ]


def _generic(api: str, path: str, method: str, operation: dict[str, Any]) -> Example:
    """An endpoint described elsewhere: its summary and the plainest command that calls it."""
    command = ["curl"]
    if method != "get":
        command += ["-X", method.upper()]
    command.append(f'"{api}{re.sub(r"{[^}]+}", "12", path)}"')
    if {"bearerAuth": []} in operation.get("security", []) and {} not in operation.get(
            "security", []):
        command.append(AUTH)
    if "application/json" in operation.get("requestBody", {}).get("content", {}):
        command += [JSON, "-d @body.json"]
    anchor = operation.get("operationId") or re.sub(r"\W+", "-", f"{method}{path}").strip("-")
    return Example(anchor, method.upper(), path, operation.get("summary", ""), " ".join(command))


def every_example(api: str, site: str) -> list[Example]:
    """The examples above, then one for each further operation of the OpenAPI document."""
    known = examples(api, site)
    shown = {(e.method, e.path) for e in known}
    extra = [
        _generic(api, path, method, operation)
        for path, entry in document(page_lang())["paths"].items()
        for method, operation in entry.items()
        if method != "parameters"
        and (method.upper(), re.sub(r"{[^}]+}", "{id}", path)) not in shown
    ]
    return [*known[:-1], *extra, known[-1]]


def statuses() -> list[tuple[int, str]]:
    return [
        (400, _("The JSON or a parameter could not be read.")),
        (401, _("No valid token was sent.")),
        (403, _("The token's owner may not do this.")),
        (404, _("The item does not exist, or you may not see it.")),
        (409, _("Another item has this external_id, or the step does not fit the item's "
                "status.")),
        (413, _("The body is too large.")),
        (415, _("The body is not JSON (or, for an import, not JSON Lines).")),
        (422, _("The data is not valid: errors names each field with its problem.")),
        (503, _("Search is briefly unavailable; try again in a minute.")),
    ]


@bp.route("/api")
def api_docs() -> str:
    api = url_for("api.openapi", _external=True).removesuffix("/openapi.json")
    return render_template(
        "api_docs.html",
        api=api,
        examples=every_example(api, request.url_root),
        statuses=statuses(),
        token_header="Authorization: Bearer $TOKEN",
        token_export="export TOKEN=kb_...",
        error_example=json.dumps(
            {"error": _("The item is not valid; see the errors per field."),
             "errors": {"translations.en.title": _("A title is required.")}},
            ensure_ascii=False, indent=2),
    )
