"""The hooks that extend search, the API, templates and the command line, with a small plugin.

``Shelf`` is what a third-party plugin would write: a sort by the number of
tags, a scope ``near=benelux`` over the country facet, an API endpoint with
its OpenAPI description, a navigation link and a context name. The partner
features (a built-in plugin) use the same hooks; the last tests check that
they reach the app through them only. ``tests/test_hooks.py`` counts the
``test_hook_<name>`` functions here too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Blueprint, Flask, jsonify

from kennisbank import hookimpl
from kennisbank.api.errors import ApiError, writer
from kennisbank.auth.tokens import create_token
from kennisbank.content.service import commit, save_item
from kennisbank.extensions import db
from kennisbank.models import User
from kennisbank.plugins import PluginError
from tests.conftest import Runner, item_data, make_app

REGIONS = {"benelux": ["NL", "BE", "LU"], "nordic": ["DK", "FI", "IS", "NO", "SE"]}


def near(value: str) -> list[str]:
    try:
        return REGIONS[value.lower()]
    except KeyError:
        raise ValueError(f"unknown region {value!r}; try {', '.join(REGIONS)}") from None


class Shelf:
    """A test plugin using every extending hook."""

    def __init__(self, templates: Path) -> None:
        self.pages = Blueprint("shelf_pages", __name__, template_folder=str(templates))
        self.api = Blueprint("shelf", __name__, url_prefix="/shelf")

        @self.api.get("/<int:item_id>")
        def shelf_item(item_id: int) -> Any:
            if item_id != 1:
                raise ApiError(404, "Not on the shelf.")
            return jsonify({"id": item_id, "shelved": True})

        @self.api.post("/<int:item_id>")
        def shelve(item_id: int) -> Any:
            return jsonify({"id": item_id, "by": writer().email}), 201

    @hookimpl
    def register_search_sorts(self) -> list[dict[str, Any]]:
        return [{"name": "tag_count", "label": {"nl": "meeste labels", "en": "most tags"}}]

    @hookimpl
    def index_document(self, item: Any, document: dict[str, Any]) -> None:
        document.setdefault("facets", {})["tag_count"] = [str(len(item.tags or []))]

    @hookimpl
    def register_search_scopes(self) -> list[dict[str, Any]]:
        return [{"name": "near", "facet": "country",
                 "label": {"nl": "In de regio", "en": "In the region"}, "expand": near}]

    @hookimpl
    def register_blueprints(self) -> list[Blueprint]:
        return [self.pages]

    @hookimpl
    def register_api_blueprints(self) -> list[Blueprint]:
        return [self.api]

    @hookimpl
    def extra_openapi(self, lang: str) -> dict[str, dict[str, Any]]:
        summary = {"nl": "Een item op de plank.", "en": "An item on the shelf."}[lang]
        return {
            "paths": {"/shelf/{item_id}": {"get": {
                "operationId": "getShelfItem", "summary": summary,
                "parameters": [{"name": "item_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "responses": {
                    "200": {"description": "On the shelf.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ShelfItem"}}}},
                    "404": {"description": "Not there.", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}},
                }}}},
            "schemas": {"ShelfItem": {"type": "object", "required": ["id", "shelved"],
                                      "properties": {"id": {"type": "integer"},
                                                     "shelved": {"type": "boolean"}}}},
        }

    @hookimpl
    def register_template_includes(self) -> list[dict[str, str]]:
        return [{"slot": "main_nav", "template": "shelf/_nav.html"},
                {"slot": "item", "template": "shelf/_item.html"},
                {"slot": "home", "template": "shelf/_home.html"}]

    @hookimpl
    def extra_template_vars(self) -> dict[str, Any]:
        return {"shelf_motto": lambda: "Everything in its place"}

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command("shelf")
        def shelf() -> None:
            """Say what is on the shelf."""
            click.echo("one item")


@pytest.fixture
def shelf(tmp_path: Path) -> Shelf:
    folder = tmp_path / "templates" / "shelf"
    folder.mkdir(parents=True)
    (folder / "_nav.html").write_text('<li><a href="/shelf">{{ _("Shelf") }}</a></li>')
    (folder / "_item.html").write_text('<p class="shelf">Shelved: {{ item.id }} ({{ lang }})</p>')
    (folder / "_home.html").write_text('<p class="motto">{{ shelf_motto() }}</p>')
    return Shelf(tmp_path / "templates")


@pytest.fixture
def shelf_app(tmp_path: Path, shelf: Shelf) -> Flask:
    return make_app(tmp_path, EXTRA_PLUGINS=[shelf])


def _save(app: Flask, **data: Any) -> int:
    with app.app_context():
        item = save_item(item_data(**data), user=None)
        commit()
        return item.id


def _titles(body: dict[str, Any]) -> list[str]:
    return [hit["title"] for hit in body["results"]]


def _translations(title: str) -> dict[str, Any]:
    return {"en": {"title": title}}


def test_hook_register_search_sorts(shelf_app: Flask) -> None:
    for title, tags in (("Two", ["a", "b"]), ("None", []), ("Three", ["a", "b", "c"])):
        _save(shelf_app, tags=tags, translations=_translations(title))
    client = shelf_app.test_client()
    body = client.get("/api/v1/search?sort=tag_count&lang=en").get_json()
    assert _titles(body) == ["Three", "Two", "None"]
    assert body["sort"] == "tag_count"
    spec = client.get("/api/v1/openapi.json").get_json()
    search = spec["paths"]["/search"]["get"]["parameters"]
    sort = next(p for p in search if p.get("name") == "sort")
    assert "tag_count" in sort["schema"]["enum"]
    page = client.get("/en/search?sort=tag_count").get_data(as_text=True)
    assert '<strong aria-current="true">most tags</strong>' in page
    assert "sort=tag_count" in client.get("/nl/search").get_data(as_text=True)
    assert "meeste labels" in client.get("/nl/search").get_data(as_text=True)


def test_a_sort_without_the_plugin_is_refused(app: Flask) -> None:
    response = app.test_client().get("/api/v1/search?sort=tag_count")
    assert response.status_code == 400 and "sort" in response.get_json()["errors"]


def test_hook_register_search_scopes(shelf_app: Flask) -> None:
    for title, country in (("Dutch", "NL"), ("Belgian", "BE"), ("German", "DE")):
        _save(shelf_app, country=country, translations=_translations(title))
    client = shelf_app.test_client()
    body = client.get("/api/v1/search?near=benelux&lang=en").get_json()
    assert sorted(_titles(body)) == ["Belgian", "Dutch"]
    assert {entry["value"] for entry in body["facets"]["country"]} == {"NL", "BE"}
    refused = client.get("/api/v1/search?near=atlantis")
    assert refused.status_code == 400
    assert "unknown region" in refused.get_json()["errors"]["near"]
    spec = client.get("/api/v1/openapi.json").get_json()
    names = [p.get("name") for p in spec["paths"]["/search"]["get"]["parameters"]]
    assert "near" in names
    page = client.get("/en/search?near=benelux").get_data(as_text=True)
    assert "In the region" in page


def test_hook_register_api_blueprints(shelf_app: Flask) -> None:
    shelf_app.config["WTF_CSRF_ENABLED"] = True
    client = shelf_app.test_client()
    found = client.get("/api/v1/shelf/1")
    assert found.status_code == 200 and found.get_json() == {"id": 1, "shelved": True}
    assert found.headers["Cache-Control"] == "no-store"
    missing = client.get("/api/v1/shelf/2")
    assert missing.status_code == 404
    assert missing.get_json() == {"error": "Not on the shelf.", "errors": {}}
    anonymous = client.post("/api/v1/shelf/1")
    assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["WWW-Authenticate"]
    with shelf_app.app_context():
        user = User(email="writer@example.org", name="Writer", role="contributor")
        db.session.add(user)
        token = create_token(user)
        db.session.commit()
    written = client.post("/api/v1/shelf/1", headers={"Authorization": f"Bearer {token}"})
    assert written.status_code == 201 and written.get_json()["by"] == "writer@example.org"
    with shelf_app.test_request_context():
        from flask import url_for

        assert url_for("api.shelf.shelf_item", item_id=1) == "/api/v1/shelf/1"


def test_hook_extra_openapi(shelf_app: Flask) -> None:
    client = shelf_app.test_client()
    spec = client.get("/api/v1/openapi.json?lang=nl").get_json()
    operation = spec["paths"]["/shelf/{item_id}"]["get"]
    assert operation["summary"] == "Een item op de plank."
    assert "429" in operation["responses"]
    assert "ShelfItem" in spec["components"]["schemas"]
    assert client.get("/api/v1/openapi.json?lang=en").get_json()[
        "paths"]["/shelf/{item_id}"]["get"]["summary"] == "An item on the shelf."


def test_extra_openapi_may_not_replace_a_described_path(tmp_path: Path) -> None:
    class Greedy:
        @hookimpl
        def extra_openapi(self) -> dict[str, Any]:
            return {"paths": {"/items": {}}}

    app = make_app(tmp_path, EXTRA_PLUGINS=[Greedy()])
    with app.test_request_context("/api/v1/openapi.json"), pytest.raises(
            PluginError, match=r"'Greedy'.*'/items'"):
        from kennisbank.api.openapi import document

        document("en")


def test_hook_register_template_includes(shelf_app: Flask) -> None:
    item_id = _save(shelf_app)
    client = shelf_app.test_client()
    home = client.get("/nl/").get_data(as_text=True)
    nav = home[home.index('class="main-nav'):home.index("</nav>", home.index('class="main-nav'))]
    assert '<a href="/shelf">Shelf</a>' in nav
    page = client.get(f"/en/items/{item_id}").get_data(as_text=True)
    assert f'<p class="shelf">Shelved: {item_id} (en)</p>' in page


def test_a_template_include_for_an_unknown_slot_stops_the_start(tmp_path: Path) -> None:
    class Lost:
        @hookimpl
        def register_template_includes(self) -> list[dict[str, str]]:
            return [{"slot": "footer", "template": "lost.html"}]

    with pytest.raises(PluginError, match=r"'Lost'.*main_nav"):
        make_app(tmp_path, EXTRA_PLUGINS=[Lost()])


def test_hook_extra_template_vars(shelf_app: Flask) -> None:
    home = shelf_app.test_client().get("/en/").get_data(as_text=True)
    assert '<p class="motto">Everything in its place</p>' in home


def test_two_plugins_adding_one_template_name_stop_the_start(tmp_path: Path) -> None:
    class First:
        @hookimpl
        def extra_template_vars(self) -> dict[str, Any]:
            return {"motto": "a"}

    class Second(First):
        pass

    with pytest.raises(PluginError, match="'motto' is added by both"):
        make_app(tmp_path, EXTRA_PLUGINS=[First(), Second()])


@pytest.mark.parametrize(("hook", "value", "message"), [
    ("register_search_sorts", {"name": "title", "label": {"en": "x"}}, "built in"),
    ("register_search_sorts", {"name": "no good", "label": {}}, "expected"),
    ("register_search_scopes", {"name": "near", "facet": "planet", "label": {},
                                "expand": near}, "no search facet"),
    ("register_search_scopes", {"name": "near", "facet": "city", "label": {},
                                "expand": "nowhere"}, "needs a function"),
    ("register_search_scopes", {"name": "sector", "facet": "city", "label": {},
                                "expand": near}, "would take the name"),
])
def test_bad_search_registrations_stop_the_start_naming_the_plugin(
        tmp_path: Path, hook: str, value: dict[str, Any], message: str) -> None:
    plugin = type("Wrong", (), {hook: hookimpl(lambda self: [value])})()
    with pytest.raises(PluginError, match=rf"'Wrong'.*{message}|{message}.*'Wrong'"):
        make_app(tmp_path, EXTRA_PLUGINS=[plugin])


def test_the_commands_hook_adds_a_subcommand(shelf_app: Flask) -> None:
    assert Runner(shelf_app).invoke("shelf").output == "one item\n"


def test_partners_is_a_built_in_plugin_listed_with_all(app: Flask) -> None:
    listed = Runner(app).invoke("plugins", "--all").output
    line = next(row for row in listed.splitlines() if row.startswith("kennisbank.partners"))
    assert "(built in)" in line
    assert "kennisbank.partners" not in Runner(app).invoke("plugins").output


def test_partner_features_reach_the_app_through_hooks_only() -> None:
    """The app factory, the command group and the API's route list never name partners."""
    core = Path(__file__).parent.parent / "kennisbank"
    for module in ("app.py", "cli/__init__.py", "api/routes.py", "search/service.py"):
        source = (core / module).read_text()
        assert not re.search(r"\bpartners?\b[.\w]*\s+import|import\s+partners?\b", source), module
        assert "add_scope" not in source and "add_sort" not in source


def test_partner_endpoints_are_nested_in_the_api(app: Flask) -> None:
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/organisations" in spec["paths"] and "Organisation" in spec["components"]["schemas"]
    missing = client.get("/api/v1/cities/99999")
    assert missing.status_code == 404 and "error" in missing.get_json()
    assert missing.headers["Cache-Control"] == "no-store"
    assert {rule.endpoint for rule in app.url_map.iter_rules()
            if rule.rule == "/api/v1/organisations"} == {"api.partners.list_organisations"}


class Diary:
    """A plugin keeping notes about people: exported, forgotten and purged."""

    def __init__(self) -> None:
        self.forgotten: list[str] = []

    @hookimpl
    def register_personal_data(self) -> list[dict[str, Any]]:
        return [{"name": "diary", "export": lambda user: {"notes_about": user.email},
                 "forget": lambda user: self.forgotten.append(user.email),
                 "purge": lambda now: {"notes": 3}}]


def test_hook_register_personal_data(tmp_path: Path) -> None:
    from tests.conftest import PASSWORD, login

    diary = Diary()
    app = make_app(tmp_path, EXTRA_PLUGINS=[diary])
    client = app.test_client()
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        user = User(email="noted@example.org", name="Noted", role="reader",
                    password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    login(client, user)
    sections = client.get("/en/account/data").get_json()["sections"]
    assert sections["diary"] == {"notes_about": "noted@example.org"}
    assert "messages" in sections and "contact_entries" in sections  # the partner plugin's
    assert "diary.notes: 3 removed" in Runner(app).invoke("privacy", "purge").output
    assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 303
    assert diary.forgotten == ["noted@example.org"]


@pytest.mark.parametrize(("entry", "message"), [
    ({"name": "profile", "export": len}, "registered already"),
    ({"name": "diary"}, "expected"),
    ({"name": "diary", "export": "not a function"}, "expected"),
])
def test_bad_personal_data_stops_the_start(tmp_path: Path, entry: dict[str, Any],
                                           message: str) -> None:
    plugin = type("Nosy", (), {"register_personal_data": hookimpl(lambda self: [entry])})()
    with pytest.raises(PluginError, match=rf"'Nosy'.*{message}|{message}.*'Nosy'"):
        make_app(tmp_path, EXTRA_PLUGINS=[plugin])
