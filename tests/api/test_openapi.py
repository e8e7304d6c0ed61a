"""The OpenAPI document is valid, complete, and generated from what the code enforces."""

from __future__ import annotations

import re

import jsonschema_rs
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_31

from kennisbank import ContentType, Field, hookimpl
from kennisbank.api.schemas import TOP_LEVEL_LENGTHS
from kennisbank.auth.tokens import create_token
from kennisbank.config import DEFAULTS
from kennisbank.content.registry import current_registry
from kennisbank.content.validation import (
    DEFAULT_MAX_LENGTH,
    MAX_TAGS,
    ValidationError,
    validate_item_data,
)
from kennisbank.extensions import db
from kennisbank.models import User
from kennisbank.search.facets import all_facets
from kennisbank.search.service import scopes
from tests.conftest import item_data, make_app

OPERATIONS = {
    ("/items", "get"), ("/items", "post"), ("/items/{item_id}", "get"),
    ("/items/{item_id}", "patch"), ("/items/{item_id}", "delete"),
    ("/items/{item_id}/transitions", "post"), ("/items/{item_id}/revisions", "get"),
    ("/items/{item_id}/related", "get"), ("/search", "get"), ("/content-types", "get"),
    ("/import", "post"), ("/export", "get"), ("/openapi.json", "get"),
    ("/organisations", "get"), ("/organisations/{organisation_id}", "get"), ("/cities", "get"),
    ("/cities/{city_id}", "get"), ("/cities/{city_id}/comparable", "get"),
    ("/items/{item_id}/transfers", "get"), ("/items/{item_id}/transfers", "post"),
    ("/synonyms", "get"), ("/synonyms", "post"), ("/synonyms/{set_id}", "get"),
    ("/synonyms/{set_id}", "put"), ("/synonyms/{set_id}", "delete"),
}


def _document(client, lang: str = "en") -> dict:
    response = client.get(f"/api/v1/openapi.json?lang={lang}")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3_1(client):
    document = _document(client)
    assert document["openapi"] == "3.1.0"
    errors = [error.message for error in
              jsonschema_rs.Draft202012Validator(OPENAPI_31).iter_errors(document)]
    assert errors == []
    for name, schema in document["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name


def test_every_endpoint_is_described_with_its_errors(client):
    document = _document(client)
    found = {(path, method) for path, entry in document["paths"].items()
             for method in entry if method != "parameters"}
    assert found == OPERATIONS
    for path, method in OPERATIONS:
        operation = document["paths"][path][method]
        for status, response in operation["responses"].items():
            if status.startswith("4") or status.startswith("5"):
                schema = response["content"]["application/json"]["schema"]
                assert schema["$ref"] in ("#/components/schemas/Error",
                                          "#/components/schemas/LineErrors"), (path, status)
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": "An API token from your account page."}
    assert document["paths"]["/items"]["post"]["security"] == [{"bearerAuth": []}]
    assert {} in document["paths"]["/items"]["get"]["security"]


def test_every_content_type_has_an_input_and_a_patch_schema(app, client):
    schemas = _document(client)["components"]["schemas"]
    with app.app_context():
        names = set(current_registry().types)
    assert {"practice", "exchange"} <= names
    for name in names:
        assert schemas[f"ItemInput_{name}"]["properties"]["type"]["const"] == name
        assert "required" not in schemas[f"ItemPatch_{name}"]
    mapping = schemas["ItemInput"]["discriminator"]["mapping"]
    assert set(mapping) == names


def test_fields_become_json_schema_with_the_validator_s_limits(client):
    schemas = _document(client)["components"]["schemas"]
    exchange = schemas["ItemInput_exchange"]
    fields = exchange["properties"]["fields"]["properties"]
    assert fields["education_level"]["enum"] == ["po", "vo", "mbo", "hbo", "wo", None]
    assert (fields["participants"]["minimum"], fields["participants"]["maximum"]) == (1, 100_000)
    assert fields["participants"]["type"] == ["integer", "null"]
    assert fields["partner_institution"]["maxLength"] == 200
    assert fields["education_level"]["title"] == "Education level"
    practice = schemas["ItemInput_practice"]
    text = practice["properties"]["translations"]["properties"]["en"]["properties"]
    assert text["title"]["maxLength"] == DEFAULTS["MAX_TITLE_LENGTH"]
    assert text["body"]["maxLength"] == DEFAULTS["MAX_TEXT_LENGTH"]
    assert text["challenge"]["maxLength"] == DEFAULTS["MAX_TEXT_LENGTH"]
    assert practice["properties"]["tags"]["maxItems"] == MAX_TAGS
    assert practice["required"] == ["type", "translations", "sector"]


def test_the_lengths_written_inline_in_the_validator_are_the_schema_s(app):
    """The validator spells these three limits as numbers; the schema's copy must agree."""
    with app.app_context():
        registry = current_registry()
        for key, limit in TOP_LEVEL_LENGTHS.items():
            validate_item_data(item_data(**{key: "x" * limit}), registry)
            with pytest.raises(ValidationError) as refused:
                validate_item_data(item_data(**{key: "x" * (limit + 1)}), registry)
            assert key in refused.value.errors


def test_settings_change_the_document_and_the_check_together(tmp_path):
    app = make_app(tmp_path, MAX_TITLE_LENGTH=20)
    client = app.test_client()
    title = _document(client)["components"]["schemas"]["ItemInput_practice"]["properties"][
        "translations"]["properties"]["nl"]["properties"]["title"]
    assert title["maxLength"] == 20
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}"}
        db.session.commit()
    data = item_data()
    data["translations"]["nl"]["title"] = "x" * 21
    response = client.post("/api/v1/items?lang=en", json=data, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["translations.nl.title"] == (
        "Too long: at most 20 characters, got 21.")


class RecipePlugin:
    """A type with a field of every kind, added the way any plugin adds one."""

    @hookimpl
    def register_content_types(self):
        return [ContentType(
            name="recipe", label={"nl": "Recept", "en": "Recipe"}, sector="culture",
            fields=[
                Field("dish", "keyword", label={"nl": "Gerecht", "en": "Dish"}, required=True),
                Field("story", "markdown", translatable=True, max_length=500),
                Field("note", "text"),
                Field("course", "choice", choices={"main": {"en": "Main"},
                                                   "dessert": {"en": "Dessert"}}),
                Field("diets", "multichoice", choices={"vegan": {"en": "Vegan"}}),
                Field("servings", "integer", min_value=1, max_value=40),
                Field("price", "decimal", min_value=0),
                Field("since", "date"),
                Field("source", "url"),
                Field("cook", "email"),
                Field("spicy", "boolean"),
                Field("origin", "country"),
            ],
        )]


def test_a_plugin_type_appears_without_anyone_editing_the_document(tmp_path):
    app = make_app(tmp_path, EXTRA_PLUGINS=[RecipePlugin()])
    schemas = _document(app.test_client())["components"]["schemas"]
    recipe = schemas["ItemInput_recipe"]
    fields = recipe["properties"]["fields"]
    assert fields["required"] == ["dish"]
    kinds = {name: spec["type"] for name, spec in fields["properties"].items()}
    assert kinds == {
        "dish": "string", "note": ["string", "null"], "course": ["string", "null"],
        "diets": ["array", "null"], "servings": ["integer", "null"],
        "price": ["number", "null"], "since": ["string", "null"],
        "source": ["string", "null"], "cook": ["string", "null"],
        "spicy": ["boolean", "null"], "origin": ["string", "null"],
    }
    assert fields["properties"]["dish"]["maxLength"] == DEFAULT_MAX_LENGTH["keyword"]
    assert fields["properties"]["since"]["format"] == "date"
    assert "NL" in fields["properties"]["origin"]["enum"]
    story = recipe["properties"]["translations"]["properties"]["en"]["properties"]["story"]
    assert story["maxLength"] == 500
    assert "recipe" in schemas["ItemInput"]["discriminator"]["mapping"]


def test_the_schema_and_the_api_accept_and_refuse_the_same_bodies(tmp_path):
    app = make_app(tmp_path, EXTRA_PLUGINS=[RecipePlugin()])
    client = app.test_client()
    schema = _document(client)["components"]["schemas"]["ItemInput_recipe"]
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    with app.app_context():
        admin = User(email="a@example.org", name="A", role="admin", sectors=[])
        db.session.add(admin)
        db.session.commit()
        headers = {"Authorization": f"Bearer {create_token(admin)}"}
        db.session.commit()
    good = {"type": "recipe", "translations": {"en": {"title": "Stamppot", "story": "Mash."}},
            "fields": {"dish": "stamppot", "course": "main", "diets": ["vegan"],
                       "servings": 4, "price": 7.5, "since": "1900-01-01",
                       "source": "https://example.org/stamppot", "cook": "kok@example.org",
                       "spicy": False, "origin": "NL", "note": None}}
    changes = [
        {"dish": " "}, {"dish": "two\nlines"}, {"course": "starter"}, {"diets": ["paleo"]},
        {"servings": 0}, {"servings": 41}, {"servings": 2.5}, {"price": -1},
        {"since": "1900-02-30"}, {"source": "ftp://example.org"}, {"source": "https://a b"},
        {"cook": "no-at-sign"}, {"spicy": "yes"}, {"origin": "nl"}, {"dish": "a\u0000b"},
        {"dish": "x" * (DEFAULT_MAX_LENGTH["keyword"] + 1)},
    ]
    assert validator.is_valid(good)
    assert client.post("/api/v1/items", json=good, headers=headers).status_code == 201
    for change in changes:
        body = {**good, "fields": {**good["fields"], **change}}
        assert not validator.is_valid(body), change
        response = client.post("/api/v1/items", json=body, headers=headers)
        assert response.status_code == 422, change


def test_search_parameters_come_from_the_search_service(app, client):
    document = _document(client)
    names = {parameter["name"] for parameter in document["paths"]["/search"]["get"]["parameters"]
             if "name" in parameter}
    with app.app_context():
        facets = set(all_facets(current_registry()))
        extra = set(scopes())
    assert names == {"q", "sort", "page", "per_page", "translate", "correct"} | facets | extra
    assert {"sector", "education_level"} <= facets


def test_titles_follow_lang(client):
    dutch = _document(client, "nl")["components"]["schemas"]["ItemInput_exchange"]
    english = _document(client, "en")["components"]["schemas"]["ItemInput_exchange"]
    assert dutch["title"] == "Uitwisseling" and english["title"] == "Exchange"
    assert client.get("/api/v1/openapi.json?lang=fr").status_code == 400


def test_real_answers_fit_the_documented_answer_schemas(client, make_item):
    item = make_item()
    schemas = _document(client)["components"]["schemas"]
    body = client.get(f"/api/v1/items/{item.id}").get_json()
    assert jsonschema_rs.Draft202012Validator(schemas["Item"], validate_formats=True
                                              ).is_valid(body)
    del body["labels"]
    assert not jsonschema_rs.Draft202012Validator(schemas["Item"]).is_valid(body)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_api_page_shows_every_endpoint_with_a_curl_example(client, lang):
    response = client.get(f"/{lang}/api")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    for path, method in OPERATIONS:
        shown = re.sub(r"\{\w+\}", "{id}", path)
        assert f"{method.upper()} {shown}" in html, (method, path)
    assert "curl -X POST &#34;http://localhost/api/v1/items&#34;" in html
    assert 'href="/' + lang + '/account/tokens"' in html
    assert "Authorization: Bearer $TOKEN" in html
