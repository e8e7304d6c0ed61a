"""The education plugin as a reader, an editor and an API client meet it."""

from __future__ import annotations

from typing import Any

import pytest

from kennisbank.content.service import ValidationError, save_item
from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.testing import item_data
from kennisbank.testing import validation_errors as problems


def exchange(**overrides: Any) -> dict[str, Any]:
    """A valid, published exchange in the import format."""
    fields = {
        "education_level": "mbo",
        "participants": 1200,
        "partner_institution": "Hanzehogeschool Groningen",
        "duration_weeks": 2,
    }
    fields.update(overrides.pop("fields", {}))
    data = {
        "type": "exchange",
        "sector": "education",
        "start_date": "2024-03-04",
        "end_date": "2024-03-15",
        "fields": fields,
        "translations": {
            "nl": {"title": "Stage in Münster", "summary": "Mbo-studenten lopen stage."},
            "en": {"title": "Work placement in Münster", "summary": "Students on placement."},
        },
    }
    return item_data(**{**data, **overrides})


@pytest.mark.parametrize(
    ("lang", "type_label", "level_label", "primary"),
    [
        ("nl", "Uitwisseling", "Onderwijsniveau", "Primair onderwijs"),
        ("en", "Exchange", "Education level", "Primary education"),
    ],
)
def test_api_describes_exchange(client, lang, type_label, level_label, primary):
    response = client.get(f"/api/v1/content-types?lang={lang}")
    types = {t["name"]: t for t in response.get_json()["content_types"]}
    described = types["exchange"]
    fields = {f["name"]: f for f in described["fields"]}
    assert described["label"] == type_label
    assert described["sector"] == "education"
    assert list(fields) == ["education_level", "participants", "partner_institution",
                            "duration_weeks"]
    level = fields["education_level"]
    assert level["label"] == level_label
    assert level["facet"] is True
    assert [c["value"] for c in level["choices"]] == ["po", "vo", "mbo", "hbo", "wo"]
    assert level["choices"][0]["label"] == primary
    assert fields["partner_institution"]["searchable"] is True
    assert fields["participants"]["help"]


def test_exchange_renders_with_labels_in_each_language(make_item, client):
    item = make_item(**exchange())
    dutch = client.get(f"/nl/items/{item.id}").get_data(as_text=True)
    english = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    assert "Onderwijsniveau" in dutch
    assert "Middelbaar beroepsonderwijs (mbo)" in dutch
    assert "Partnerinstelling" in dutch
    assert "1.200" in dutch
    assert "Education level" in english
    assert "Secondary vocational education (MBO)" in english
    assert "Duration (weeks)" in english
    assert "1,200" in english
    assert "Hanzehogeschool Groningen" in english


def test_valid_exchange_passes(app):
    assert problems(app, exchange(), "nl") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "Vul de partnerinstelling in voordat u de uitwisseling publiceert."),
        ("en", "Name the partner institution before publishing the exchange."),
    ],
)
def test_published_exchange_needs_partner(app, lang, message):
    data = exchange(fields={"partner_institution": ""})
    assert problems(app, data, lang) == {"fields.partner_institution": message}


def test_draft_exchange_may_leave_partner_open(app):
    assert problems(app, exchange(status="draft", fields={"partner_institution": ""}), "nl") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "De duur (3 weken) is langer dan de periode tussen begin- en einddatum toelaat "
               "(hoogstens 2)."),
        ("en", "The duration (3 weeks) is longer than the period between the start and end "
               "date allows (at most 2)."),
    ],
)
def test_duration_longer_than_period_is_refused(app, lang, message):
    data = exchange(fields={"duration_weeks": 3})
    assert problems(app, data, lang) == {"fields.duration_weeks": message}


def test_duration_without_end_date_is_not_compared(app):
    assert problems(app, exchange(end_date=None, fields={"duration_weeks": 40}), "en") == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [("participants", 0), ("duration_weeks", 105), ("education_level", "kindergarten")],
)
def test_field_limits_are_enforced(app, name, value):
    assert "fields." + name in problems(app, exchange(fields={name: value}), "en")


def test_refused_exchange_is_not_saved(app):
    data = exchange(fields={"duration_weeks": 30})
    with app.test_request_context("/?lang=en"):
        with pytest.raises(ValidationError):
            save_item(data, user=None)
        db.session.rollback()
        assert db.session.execute(db.select(Item)).first() is None


def test_plugin_is_listed_with_its_distribution(runner):
    output = runner.invoke("plugins").output
    line = next(row for row in output.splitlines() if row.startswith("education"))
    assert line.split()[:3] == ["education", "kennisbank-education", "0.1.0"]
    assert "exchange" in line
