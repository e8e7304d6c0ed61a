"""Field kinds are one registry: a plugin's kind works in the form, API, display and search.

The kind is tests/money_kind.py's amount of money, written as a third-party
plugin would write it. Every surface is checked through HTTP, on either
search backend (``KENNISBANK_TEST_SEARCH=postgres`` for PostgreSQL).
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisbank import ContentType, Field, FieldKind, hookimpl
from kennisbank.auth.tokens import create_token
from kennisbank.content.kinds import BUILTIN_KINDS
from kennisbank.content.registry import current_registry
from kennisbank.content.validation import ValidationError, validate_item_data
from kennisbank.extensions import db
from kennisbank.models import Item, User
from kennisbank.plugins import PluginError
from tests.conftest import login, make_app
from tests.money_kind import GRANT, MoneyKind, MoneyPlugin, compile_catalog
from tests.pagehtml import Page

NBSP = "\xa0"


@pytest.fixture
def app(tmp_path) -> Flask:
    """One app per test: on PostgreSQL each test's database is emptied when it ends."""
    catalogs = compile_catalog(tmp_path / "catalogs")
    return make_app(tmp_path, EXTRA_PLUGINS=[MoneyPlugin(catalogs)])


@pytest.fixture
def people(app: Flask) -> dict[str, Any]:
    with app.app_context():
        admin = User(email="admin@example.org", name="Admin", role="admin", sectors=[])
        author = User(email="author@example.org", name="Author", role="contributor")
        db.session.add_all([admin, author])
        db.session.commit()
        found = {"headers": {"Authorization": f"Bearer {create_token(admin)}"},
                 "author": db.session.get(User, author.id)}
        db.session.expunge(found["author"])
        db.session.commit()
        return found


def grant(title: str, amount: Any, **overrides: Any) -> dict[str, Any]:
    data = {"type": "grant", "status": "published", "sector": "ngo",
            "translations": {"nl": {"title": f"{title} (nl)"}, "en": {"title": title}},
            "fields": {"amount": amount, "funder": "Fonds"}}
    data.update(overrides)
    return data


def post(client: FlaskClient, people: dict[str, Any], data: dict[str, Any],
         lang: str = "en") -> Any:
    return client.post(f"/api/v1/items?lang={lang}", json=data, headers=people["headers"])


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# -- the registry -------------------------------------------------------------------------


def test_a_field_of_an_unregistered_kind_stops_the_start_naming_the_plugin(tmp_path) -> None:
    class TypeOnly:
        @hookimpl
        def register_content_types(self) -> list[ContentType]:
            return [GRANT]

    with pytest.raises(PluginError, match="kind 'money', which no enabled plugin registers"):
        make_app(tmp_path, EXTRA_PLUGINS=[TypeOnly()])


def test_a_kind_may_not_take_a_built_in_name_or_be_registered_twice(tmp_path) -> None:
    class Shadow(FieldKind):
        name = "text"

    class Shadowing:
        @hookimpl
        def register_field_kinds(self) -> list[FieldKind]:
            return [Shadow()]

    with pytest.raises(PluginError, match="'text' is built in"):
        make_app(tmp_path / "a", EXTRA_PLUGINS=[Shadowing()])

    class AlsoMoney:
        @hookimpl
        def register_field_kinds(self) -> list[type[FieldKind]]:
            return [MoneyKind]

    with pytest.raises(PluginError, match="registered by both 'AlsoMoney' and 'MoneyPlugin'"):
        make_app(tmp_path / "b", EXTRA_PLUGINS=[MoneyPlugin(tmp_path), AlsoMoney()])


def test_a_plugin_kind_checks_field_options_when_the_field_is_defined() -> None:
    with pytest.raises(ValueError, match="only choice and multichoice fields have choices"):
        Field("price", "money", choices={"a": {"en": "A"}})
    assert Field("price", "money", min_value=0).kind == "money"


def test_every_built_in_kind_answers_every_question(app: Flask) -> None:
    """Nothing about a kind is left to a module that switches on its name."""
    with app.app_context():
        kinds = current_registry().kinds
    assert [k.name for k in BUILTIN_KINDS] == list(kinds)[:len(BUILTIN_KINDS)]
    assert isinstance(kinds["money"], MoneyKind)
    for kind in BUILTIN_KINDS:
        for method in ("clean", "json_schema"):
            assert getattr(type(kind), method) is not getattr(FieldKind, method), (kind, method)


# -- API: schema and validation ---------------------------------------------------------


def test_the_api_schema_shows_the_kind(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json?lang=en").get_json()
    amount = document["components"]["schemas"]["ItemInput_grant"]["properties"]["fields"][
        "properties"]["amount"]
    assert amount["type"] == ["object", "null"]
    assert amount["x-kind"] == "money"
    assert amount["title"] == "Amount granted"
    assert amount["required"] == ["amount", "currency"]
    assert "EUR" in amount["properties"]["currency"]["enum"]
    assert "XYZ" not in amount["properties"]["currency"]["enum"]
    described = client.get("/api/v1/content-types?lang=en").get_json()
    grant_type = next(t for t in described["content_types"] if t["name"] == "grant")
    assert grant_type["fields"][0]["kind"] == "money"


BAD_AMOUNTS = [
    ({"amount": "1250.00", "currency": "XYZ"},
     "The currency must be an ISO 4217 code, such as EUR or USD.",
     "De munteenheid moet een ISO 4217-code zijn, zoals EUR of USD."),
    ({"amount": "12.345", "currency": "EUR"},
     "The amount must be a number with at most two decimals, such as 1250.00.",
     "Het bedrag moet een getal met hoogstens twee decimalen zijn, zoals 1250.00."),
    ({"amount": 1250, "currency": "EUR"},
     "The amount must be a number with at most two decimals, such as 1250.00.",
     "Het bedrag moet een getal met hoogstens twee decimalen zijn, zoals 1250.00."),
    ({"amount": "1250.00", "currency": "EUR", "note": "x"},
     'Must be an amount with a currency, such as {"amount": "1250.00", "currency": "EUR"}.',
     'Moet een bedrag met een munteenheid zijn, zoals {"amount": "1250.00", '
     '"currency": "EUR"}.'),
    ("1250 EUR",
     'Must be an amount with a currency, such as {"amount": "1250.00", "currency": "EUR"}.',
     'Moet een bedrag met een munteenheid zijn, zoals {"amount": "1250.00", '
     '"currency": "EUR"}.'),
    ({"amount": "-5.00", "currency": "EUR"},
     "The amount must be at least 0.", "Het bedrag moet minstens 0 zijn."),
]


@pytest.mark.parametrize(("amount", "english", "dutch"), BAD_AMOUNTS)
def test_api_errors_are_the_kind_s_messages_in_the_language_asked(
    app: Flask, client: FlaskClient, people: dict[str, Any], amount: Any, english: str,
    dutch: str,
) -> None:
    for lang, message in (("en", english), ("nl", dutch)):
        response = post(client, people, grant("Refused", amount), lang)
        assert response.status_code == 422, response.get_json()
        assert response.get_json()["errors"] == {"fields.amount": message}
        with app.test_request_context(f"/{lang}/"):
            app.preprocess_request()
            with pytest.raises(ValidationError) as refused:
                validate_item_data(grant("Refused", amount), current_registry())
        assert refused.value.errors == {"fields.amount": message}
    with app.app_context():
        titles = {t.title for item in db.session.scalars(db.select(Item))
                  for t in item.translations}
    assert "Refused" not in titles


def test_the_api_stores_the_amount_normalised(client: FlaskClient, people) -> None:
    response = post(client, people, grant("Normalised", {"amount": 7.5, "currency": "USD"}))
    assert response.status_code == 422  # strict: an amount is a string, as the schema says
    response = post(client, people, grant("Normalised", {"amount": "7.5", "currency": "USD"},
                                          status="draft"))
    assert response.status_code == 201, response.get_json()
    item = client.get(response.headers["Location"] + "?lang=en", headers=people["headers"])
    assert item.get_json()["fields"]["amount"] == {"amount": "7.50", "currency": "USD"}


# -- the form ----------------------------------------------------------------------------


def options(page: Page, select_id: str) -> list[Any]:
    return [e for e in page.by_id(select_id).children if e.tag == "option"]


def test_the_form_creates_and_edits_an_amount(app: Flask, people) -> None:
    client = app.test_client()
    login(client, people["author"])
    page = Page(client.get("/en/items/new?type=grant").get_data(as_text=True))
    assert page.label_for("in-f-amount-amount").text == "Amount"
    assert page.label_for("in-f-amount-currency").text == "Currency"
    assert page.by_id("in-f-amount-currency").get("name") == "f-amount-currency"
    assert ("EUR", "Euro (EUR)") in [(o.get("value"), o.text) for o in
                                     options(page, "in-f-amount-currency")]
    form = {"type": "grant", "sector": "ngo", "nl-title": "Formulier", "en-title": "Form",
            "f-amount-amount": "1250,5", "f-amount-currency": "EUR"}
    created = client.post("/en/items/new?type=grant", data=form)
    assert created.status_code == 303, created.get_data(as_text=True)[:2000]
    item_id = int(re.search(r"/items/(\d+)", created.location).group(1))
    with app.app_context():
        assert db.session.get(Item, item_id).fields["amount"] == {
            "amount": "1250.50", "currency": "EUR"}
    edit = Page(client.get(f"/nl/items/{item_id}/edit").get_data(as_text=True))
    assert edit.by_id("in-f-amount-amount").get("value") == "1250.50"
    chosen = [o for o in options(edit, "in-f-amount-currency") if "selected" in o.attrs]
    assert [(o.get("value"), o.text) for o in chosen] == [("EUR", "Euro (EUR)")]
    changed = client.post(f"/nl/items/{item_id}/edit",
                          data={**form, "f-amount-amount": "99", "f-amount-currency": "usd"})
    assert changed.status_code == 303
    with app.app_context():
        assert db.session.get(Item, item_id).fields["amount"] == {
            "amount": "99.00", "currency": "USD"}
    history = text_of(client.get(f"/en/items/{item_id}/history").get_data(as_text=True))
    # The first version, as the kind writes it (the history marks it as added text).
    assert "Amount granted [added: €1,250.50 ]" in history
    assert "$99" in history and "{'amount'" not in history  # the change, diffed as text


def test_the_form_shows_the_kind_s_message_next_to_the_amount(app: Flask, people) -> None:
    client = app.test_client()
    login(client, people["author"])
    form = {"type": "grant", "sector": "ngo", "nl-title": "Fout", "f-amount-amount": "12",
            "f-amount-currency": "XYZ"}
    response = client.post("/nl/items/new?type=grant", data=form)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert "De munteenheid moet een ISO 4217-code zijn" in page.by_id("err-f-amount").text
    assert "#in-f-amount-amount" in [a.get("href") for a in page.all("a")]
    amount = page.by_id("in-f-amount-amount")
    assert (amount.get("value"), amount.get("aria-invalid")) == ("12", "true")
    fieldset = [f for f in page.all("fieldset") if "err-f-amount" in (f.get("aria-describedby")
                                                                       or "")]
    assert len(fieldset) == 1


# -- display and search -------------------------------------------------------------------


@pytest.fixture
def published(app: Flask, people) -> int:
    client = app.test_client()
    response = post(client, people, grant("Rainwater gardens", {"amount": "1250.00",
                                                                "currency": "EUR"}))
    assert response.status_code == 201, response.get_json()
    other = post(client, people, grant("Harbour study", {"amount": "300.00", "currency": "GBP"}))
    assert other.status_code == 201, other.get_json()
    return response.get_json()["id"]


def test_the_item_page_shows_the_amount_in_each_language(app: Flask, published: int) -> None:
    client = app.test_client()
    dutch = client.get(f"/nl/items/{published}").get_data(as_text=True)
    english = client.get(f"/en/items/{published}").get_data(as_text=True)
    assert f'<dd class="field-money" lang="nl">€{NBSP}1.250,00</dd>' in dutch
    assert "Bedrag € 1.250,00" in text_of(dutch)
    assert "Amount granted €1,250.00" in text_of(english)


def test_the_amount_s_text_is_searchable(app: Flask, published: int) -> None:
    client = app.test_client()
    for query in ("euro", "EUR"):
        found = client.get(f"/api/v1/search?q={query}&lang=en").get_json()
        assert [r["id"] for r in found["results"]] == [published], query
    pounds = client.get("/api/v1/search?q=pound&lang=en").get_json()
    assert [r["title"] for r in pounds["results"]] == ["Harbour study"]


def test_the_currency_is_a_facet_with_labels_in_each_language(app: Flask, published) -> None:
    client = app.test_client()
    facets = client.get("/api/v1/search?lang=en&type=grant").get_json()["facets"]["amount"]
    assert {(f["value"], f["label"], f["count"]) for f in facets} == {
        ("EUR", "Euro", 1), ("GBP", "British Pound", 1)}
    dutch = client.get("/api/v1/search?lang=nl&type=grant").get_json()["facets"]["amount"]
    assert {f["label"] for f in dutch} == {"Euro", "Britse pond"}
    only = client.get("/api/v1/search?lang=en&amount=GBP").get_json()
    assert [r["title"] for r in only["results"]] == ["Harbour study"]


def test_the_kind_s_form_control_and_display_are_valid_html(app: Flask, people, published,
                                                            tmp_path) -> None:
    """The kind renders its own control: the Nu checker sees it as the suite's pages."""
    from tests.test_html_validity import checker, run_checker

    command = checker()
    client = app.test_client()
    login(client, people["author"])
    folder = tmp_path / "pages"
    folder.mkdir()
    wrong = {"type": "grant", "sector": "ngo", "nl-title": "Fout", "f-amount-amount": "x",
             "f-amount-currency": "EUR"}
    pages = {
        "form-en": client.get("/en/items/new?type=grant"),
        "form-errors-nl": client.post("/nl/items/new?type=grant", data=wrong),
        "item-nl": client.get(f"/nl/items/{published}"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
        (folder / f"{name}.html").write_bytes(response.data)
    assert run_checker(command, folder) == {}
