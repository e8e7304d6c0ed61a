"""The business plugin as a reader, an editor and the search indexer meet it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.plugins import hook
from kennisbank.testing import item_data
from kennisbank.testing import validation_errors as problems

INDUSTRY_CODES = ["agrifood", "logistics", "manufacturing", "ict", "creative", "energy",
                  "health", "construction", "tourism", "retail"]


def mission(**overrides: Any) -> dict[str, Any]:
    """A valid, published trade mission from Deventer to Germany."""
    fields = {"industry": "logistics", "companies": 14, "target_market": "DE"}
    fields.update(overrides.pop("fields", {}))
    data = {
        "type": "trade_mission",
        "sector": "business",
        "country": "NL",
        "fields": fields,
        "translations": {
            "nl": {"title": "Logistieke missie naar het Ruhrgebied"},
            "en": {"title": "Logistics mission to the Ruhr"},
        },
    }
    return item_data(**{**data, **overrides})


@pytest.mark.parametrize(
    ("lang", "type_label", "industry", "logistics"),
    [("nl", "Handelsmissie", "Branche", "Logistiek"),
     ("en", "Trade mission", "Industry", "Logistics")],
)
def test_api_describes_trade_mission(client, lang, type_label, industry, logistics):
    response = client.get(f"/api/v1/content-types?lang={lang}")
    described = {t["name"]: t for t in response.get_json()["content_types"]}["trade_mission"]
    fields = {f["name"]: f for f in described["fields"]}
    assert described["label"] == type_label
    assert described["sector"] == "business"
    assert fields["industry"]["label"] == industry
    assert fields["industry"]["facet"] is True
    choices = {c["value"]: c["label"] for c in fields["industry"]["choices"]}
    assert list(choices) == INDUSTRY_CODES
    assert choices["logistics"] == logistics
    assert fields["target_market"]["kind"] == "country"
    assert fields["companies"]["kind"] == "integer"


def test_mission_renders_with_labels_in_each_language(make_item, client):
    item = make_item(**mission())
    dutch = client.get(f"/nl/items/{item.id}").get_data(as_text=True)
    english = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    for text in ("Branche", "Logistiek", "Doelmarkt", "Duitsland", "Deelnemende bedrijven"):
        assert text in dutch
    for text in ("Industry", "Logistics", "Target market", "Germany", "Participating companies"):
        assert text in english


def test_valid_mission_passes(app):
    assert problems(app, mission(), "nl") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "Een handelsmissie gaat naar het buitenland: kies een andere doelmarkt dan "
               "Nederland, waar de missie vandaan komt."),
        ("en", "A trade mission goes abroad: choose a target market other than Netherlands, "
               "where the mission comes from."),
    ],
)
def test_home_country_as_target_market_is_refused(app, lang, message):
    data = mission(fields={"target_market": "nl"})
    assert problems(app, data, lang) == {"fields.target_market": message}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("nl", "Kies de doelmarkt voordat u de handelsmissie publiceert."),
     ("en", "Choose the target market before publishing the trade mission.")],
)
def test_published_mission_needs_target_market(app, lang, message):
    data = mission(fields={"target_market": None})
    assert problems(app, data, lang) == {"fields.target_market": message}


def test_draft_mission_may_leave_target_market_open(app):
    assert problems(app, mission(status="draft", fields={"target_market": None}), "en") == {}


def test_unknown_industry_and_no_companies_are_refused(app):
    found = problems(app, mission(fields={"industry": "mining", "companies": 0}), "en")
    assert set(found) == {"fields.industry", "fields.companies"}


def index_document_of(app: Flask, item_id: int) -> dict[str, Any]:
    """The search document after every plugin's ``index_document`` hook ran."""
    document: dict[str, Any] = {"extra_text": [], "keywords": [], "facets": {}}
    with app.app_context():
        hook().index_document(item=db.session.get(Item, item_id), document=document)
    return document


def test_search_document_names_target_market_in_both_languages(app, make_item):
    item = make_item(**mission())
    assert index_document_of(app, item.id)["extra_text"] == ["Duitsland", "Germany"]


def test_search_document_of_other_types_is_left_alone(app, make_item):
    practice = make_item(fields={})
    assert index_document_of(app, practice.id)["extra_text"] == []
