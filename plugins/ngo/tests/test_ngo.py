"""The NGO plugin as a reader and an editor meet it."""

from __future__ import annotations

from typing import Any

import pytest

from kennisbank.testing import item_data
from kennisbank.testing import validation_errors as problems


def project(**overrides: Any) -> dict[str, Any]:
    """A valid, published development project written in Dutch and English."""
    fields = {"budget_eur": 250000, "funding_source": "Stichting Deventer-Sibiu"}
    fields.update(overrides.pop("fields", {}))
    data = {
        "type": "development_project",
        "sector": "ngo",
        "fields": fields,
        "translations": {
            "nl": {"title": "Schoon drinkwater in Kisumu",
                   "beneficiaries": "Ongeveer 12.000 inwoners van drie wijken"},
            "en": {"title": "Clean drinking water in Kisumu",
                   "beneficiaries": "About 12,000 residents of three districts"},
        },
    }
    return item_data(**{**data, **overrides})


@pytest.mark.parametrize(
    ("lang", "type_label", "beneficiaries"),
    [("nl", "Ontwikkelingsproject", "Begunstigden"),
     ("en", "Development project", "Beneficiaries")],
)
def test_api_describes_development_project(client, lang, type_label, beneficiaries):
    response = client.get(f"/api/v1/content-types?lang={lang}")
    described = {
        t["name"]: t for t in response.get_json()["content_types"]
    }["development_project"]
    fields = {f["name"]: f for f in described["fields"]}
    assert described["label"] == type_label
    assert described["sector"] == "ngo"
    assert list(fields) == ["budget_eur", "funding_source", "beneficiaries"]
    assert fields["beneficiaries"]["label"] == beneficiaries
    assert fields["beneficiaries"]["translatable"] is True
    assert fields["beneficiaries"]["searchable"] is True
    assert fields["funding_source"]["searchable"] is True
    assert fields["budget_eur"]["help"]


def test_project_page_shows_budget_as_money_in_each_language(make_item, client):
    item = make_item(**project())
    dutch = client.get(f"/nl/items/{item.id}").get_data(as_text=True)
    english = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    for text in ("Projectgegevens", "Budget (euro)", "€\xa0250.000", "Financiering",
                 "Begunstigden", "Ongeveer 12.000 inwoners"):
        assert text in dutch
    for text in ("Project details", "Budget (euros)", "€250,000", "Funding source",
                 "Beneficiaries", "About 12,000 residents"):
        assert text in english


def test_page_marks_beneficiaries_written_in_the_other_language(make_item, client):
    data = project()
    del data["translations"]["en"]
    item = make_item(**data)
    english = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    assert '<dt lang="en">Beneficiaries</dt>' in english
    assert '<dd lang="nl">Ongeveer 12.000 inwoners van drie wijken</dd>' in english


def test_page_escapes_field_values(make_item, client):
    item = make_item(**project(fields={"funding_source": "<script>alert(1)</script>"}))
    page = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_other_types_keep_the_default_field_list(make_item, client):
    item = make_item(translations={"en": {"title": "Car-free centre",
                                          "challenge": "Too many cars."}})
    page = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    assert "Challenge" in page
    assert "Too many cars." in page
    assert "Project details" not in page


def test_valid_project_passes(app):
    assert problems(app, project(), "nl") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("nl", "Vermeld waar het budget vandaan komt."),
     ("en", "Name the funding source of the budget.")],
)
def test_budget_needs_a_funding_source(app, lang, message):
    data = project(status="draft", fields={"funding_source": None})
    assert problems(app, data, lang) == {"fields.funding_source": message}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("nl", "Beschrijf wie baat heeft bij het project voordat u het publiceert."),
     ("en", "Say who benefits from the project before publishing it.")],
)
def test_published_project_names_beneficiaries_in_every_language(app, lang, message):
    data = project()
    data["translations"]["en"]["beneficiaries"] = ""
    assert problems(app, data, lang) == {"translations.en.beneficiaries": message}


def test_draft_project_may_leave_beneficiaries_open(app):
    data = project(status="draft")
    data["translations"]["en"]["beneficiaries"] = ""
    assert problems(app, data, "en") == {}


def test_negative_budget_is_refused(app):
    assert "fields.budget_eur" in problems(app, project(fields={"budget_eur": -1}), "en")
