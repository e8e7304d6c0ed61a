"""The municipality plugin as a reader, an editor and an administrator at the shell meet it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kennisbank.testing import item_data
from kennisbank.testing import validation_errors as problems

DOMAIN_CODES = ["mobility", "environment", "housing", "economy", "social", "governance",
                "culture", "education", "health", "safety", "digital"]


def policy_practice(**overrides: Any) -> dict[str, Any]:
    """A valid, published policy practice written in Dutch and English."""
    data = {
        "type": "policy_practice",
        "sector": "municipality",
        "fields": {"policy_domain": overrides.pop("policy_domain", "mobility")},
        "translations": {
            "nl": {"title": "Fietsstraten", "evidence": "Het fietsgebruik steeg met **12%**.",
                   "transferability": "Past bij elke middelgrote stad."},
            "en": {"title": "Bicycle streets", "evidence": "Cycling rose by **12%**.",
                   "transferability": "Suits any mid-sized city."},
        },
    }
    return item_data(**{**data, **overrides})


@pytest.mark.parametrize(
    ("lang", "type_label", "domain", "housing", "evidence"),
    [("nl", "Beleidspraktijk", "Beleidsterrein", "Wonen", "Bewijs van resultaat"),
     ("en", "Policy practice", "Policy domain", "Housing", "Evidence of results")],
)
def test_api_describes_policy_practice(client, lang, type_label, domain, housing, evidence):
    response = client.get(f"/api/v1/content-types?lang={lang}")
    described = {t["name"]: t for t in response.get_json()["content_types"]}["policy_practice"]
    fields = {f["name"]: f for f in described["fields"]}
    assert described["label"] == type_label
    assert described["sector"] == "municipality"
    assert fields["policy_domain"]["label"] == domain
    assert fields["policy_domain"]["facet"] is True
    choices = {c["value"]: c["label"] for c in fields["policy_domain"]["choices"]}
    assert list(choices) == DOMAIN_CODES
    assert choices["housing"] == housing
    assert fields["evidence"]["label"] == evidence
    for name in ("evidence", "transferability"):
        assert fields[name]["kind"] == "markdown"
        assert fields[name]["translatable"] is True
        assert fields[name]["searchable"] is True


def test_practice_renders_with_labels_in_each_language(make_item, client):
    item = make_item(**policy_practice())
    dutch = client.get(f"/nl/items/{item.id}").get_data(as_text=True)
    english = client.get(f"/en/items/{item.id}").get_data(as_text=True)
    for text in ("Beleidsterrein", "Mobiliteit", "Bewijs van resultaat",
                 "Het fietsgebruik steeg met <strong>12%</strong>.", "Overdraagbaarheid"):
        assert text in dutch
    for text in ("Policy domain", "Mobility", "Evidence of results",
                 "Cycling rose by <strong>12%</strong>.", "Transferability"):
        assert text in english


def test_valid_practice_passes(app):
    assert problems(app, policy_practice(), "nl") == {}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("nl", "Beschrijf het bewijs dat de praktijk werkt voordat u deze publiceert."),
     ("en", "Describe the evidence that the practice works before publishing it.")],
)
def test_published_practice_needs_evidence_in_each_language(app, lang, message):
    data = policy_practice()
    del data["translations"]["nl"]["evidence"]
    assert problems(app, data, lang) == {"translations.nl.evidence": message}


def test_practice_in_review_may_lack_evidence(app):
    data = policy_practice(status="review")
    del data["translations"]["nl"]["evidence"]
    del data["translations"]["en"]["evidence"]
    assert problems(app, data, "en") == {}


def test_unknown_policy_domain_is_refused(app):
    assert "fields.policy_domain" in problems(app, policy_practice(policy_domain="sport"), "en")


def test_domains_command_counts_published_and_all(runner, make_item):
    make_item(**policy_practice())
    make_item(**policy_practice(status="draft"))
    make_item(**policy_practice(policy_domain="housing"))
    make_item(**policy_practice(policy_domain=None))
    make_item(fields={})
    rows = json.loads(runner.invoke("municipality-domains", "--json").output)
    counts = {row["code"]: (row["published"], row["all"]) for row in rows}
    assert list(counts) == [*DOMAIN_CODES, None]
    assert counts["mobility"] == (1, 2)
    assert counts["housing"] == (1, 1)
    assert counts["safety"] == (0, 0)
    assert counts[None] == (1, 1)


def test_domains_command_table_names_domains_in_the_chosen_language(runner, make_item):
    make_item(**policy_practice(policy_domain="housing"))
    dutch = runner.invoke("municipality-domains", "--lang", "nl").output.splitlines()
    english = runner.invoke("municipality-domains", "--lang", "en").output.splitlines()
    assert dutch[0].split() == ["code", "policy", "domain", "published", "all"]
    assert next(line for line in dutch if line.startswith("housing")).split() == [
        "housing", "Wonen", "1", "1"]
    assert next(line for line in english if line.startswith("safety")).split() == [
        "safety", "Safety", "0", "0"]


def test_domains_command_is_listed_in_help(runner):
    assert "municipality-domains" in runner.invoke("--help").output
