"""Helpers for the search tests: items with chosen text, API calls, a test plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from kennisbank import ContentType, Field, hookimpl
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import Item, User
from tests.conftest import item_data, make_app


def texts(nl: tuple[str, str] | None = None, en: tuple[str, str] | None = None,
          **fields: Any) -> dict[str, Any]:
    """Translations from (title, body) pairs; ``fields`` go into every translation."""
    found = {}
    for lang, pair in (("nl", nl), ("en", en)):
        if pair is not None:
            found[lang] = {"title": pair[0], "summary": "", "body": pair[1], **fields}
    return found


def add(app: Flask, owner: User | None = None, **overrides: Any) -> int:
    """Save an item through the real service (outbox, commit, drain); return its id."""
    with app.app_context():
        user = db.session.get(User, owner.id) if owner is not None else None
        item = save_item(item_data(**overrides), user=user)
        commit()
        return item.id


def update(app: Flask, item_id: int, **overrides: Any) -> None:
    """Save new data over an existing item through the real service."""
    with app.app_context():
        item = db.session.get(Item, item_id)
        save_item(item_data(**overrides), user=None, item=item)
        commit()


def find(client: FlaskClient, q: str = "", **params: Any) -> dict[str, Any]:
    """``GET /api/v1/search``; fails the test unless it answers 200."""
    response = client.get("/api/v1/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(result: dict[str, Any]) -> list[int]:
    return [hit["id"] for hit in result["results"]]


def counts(result: dict[str, Any], facet: str) -> dict[str, int]:
    return {entry["value"]: entry["count"] for entry in result["facets"][facet]}


class ExchangePlugin:
    """A sector plugin with facet fields, and extra text and a facet from ``index_document``."""

    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [ContentType(
            name="school_visit", label={"nl": "Schoolbezoek", "en": "School visit"},
            sector="education",
            fields=[
                Field("visit_level", "choice", label={"nl": "Niveau", "en": "Level"}, facet=True,
                      choices={"mbo": {"nl": "Middelbaar beroepsonderwijs",
                                       "en": "Vocational education"},
                               "hbo": {"nl": "Hoger beroepsonderwijs",
                                       "en": "Higher professional education"}}),
                Field("visit_subjects", "multichoice", label={"nl": "Vakken", "en": "Subjects"},
                      facet=True, choices={"art": {"nl": "Kunst", "en": "Art"},
                                           "tech": {"nl": "Techniek", "en": "Technology"}}),
                Field("visit_host", "text", label={"nl": "Gastschool", "en": "Host school"},
                      searchable=True),
            ],
        )]

    @hookimpl
    def register_facets(self) -> list[dict[str, Any]]:
        return [{"name": "visit_funding", "label": {"nl": "Financiering", "en": "Funding"}}]

    @hookimpl
    def index_document(self, item: Any, document: dict[str, Any]) -> None:
        if item.type == "school_visit":
            document["extra_text"].append("Erasmusplus partnerschap")
            document["keywords"].append("Mobiliteit")
            document["facets"]["visit_funding"] = ["erasmus"]


def exchange_app(tmp_path: Path, **config: Any) -> Flask:
    return make_app(tmp_path, EXTRA_PLUGINS=[ExchangePlugin()], **config)
