"""The culture plugin as a reader and an editor meet it."""

from __future__ import annotations

from typing import Any

import pytest

from kennisbank.testing import item_data
from kennisbank.testing import validation_errors as problems


def cultural_exchange(**overrides: Any) -> dict[str, Any]:
    """A valid, published cultural exchange that took place in the past."""
    fields = {"discipline": "visual_arts", "audience": 4300, "venue": "Bergkerk Deventer"}
    fields.update(overrides.pop("fields", {}))
    data = {
        "type": "cultural_exchange",
        "sector": "culture",
        "start_date": "2023-05-01",
        "end_date": "2023-06-30",
        "fields": fields,
        "translations": {
            "nl": {"title": "Kunstenaars uit Sibiu in de Bergkerk"},
            "en": {"title": "Artists from Sibiu in the Bergkerk"},
        },
    }
    return item_data(**{**data, **overrides})


@pytest.mark.parametrize(
    ("lang", "type_label", "arts", "venue"),
    [("nl", "Culturele uitwisseling", "Beeldende kunst", "Locatie"),
     ("en", "Cultural exchange", "Visual arts", "Venue")],
)
def test_api_describes_cultural_exchange(client, lang, type_label, arts, venue):
    response = client.get(f"/api/v1/content-types?lang={lang}")
    described = {t["name"]: t for t in response.get_json()["content_types"]}["cultural_exchange"]
    fields = {f["name"]: f for f in described["fields"]}
    assert described["label"] == type_label
    assert described["sector"] == "culture"
    discipline = fields["discipline"]
    assert discipline["facet"] is True
    choices = {c["value"]: c["label"] for c in discipline["choices"]}
    assert list(choices) == ["music", "theatre", "dance", "visual_arts", "literature",
                             "heritage", "film"]
    assert choices["visual_arts"] == arts
    assert fields["venue"]["label"] == venue
    assert fields["venue"]["searchable"] is True


def test_exchange_renders_with_labels_in_each_language(make_item, client):
    item = make_item(**cultural_exchange())
    dutch = client.get(f"/nl/items/{item.id}").get_data(as_text=True)
    english = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    for text in ("Discipline", "Beeldende kunst", "Publiek", "4.300", "Locatie"):
        assert text in dutch
    for text in ("Discipline", "Visual arts", "Audience", "4,300", "Venue", "Bergkerk Deventer"):
        assert text in english


def test_valid_exchange_passes(app):
    assert problems(app, cultural_exchange(), "nl") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("nl", "Het publiek is pas te tellen als de uitwisseling begonnen is (die begint op "
               "1 mei 2999); laat dit veld tot dan leeg."),
        ("en", "The audience can only be counted once the exchange has started (it starts on "
               "May 1, 2999); leave it empty until then."),
    ],
)
def test_audience_of_a_future_exchange_is_refused(app, lang, message):
    data = cultural_exchange(start_date="2999-05-01", end_date=None)
    assert problems(app, data, lang) == {"fields.audience": message}


def test_future_exchange_without_audience_passes(app):
    data = cultural_exchange(start_date="2999-05-01", end_date=None, fields={"audience": None})
    assert problems(app, data, "en") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("nl", "Kies de discipline voordat u de culturele uitwisseling publiceert."),
     ("en", "Choose the discipline before publishing the cultural exchange.")],
)
def test_published_exchange_needs_discipline(app, lang, message):
    data = cultural_exchange(fields={"discipline": None})
    assert problems(app, data, lang) == {"fields.discipline": message}


def test_negative_audience_is_refused(app):
    assert "fields.audience" in problems(app, cultural_exchange(fields={"audience": -5}), "en")
