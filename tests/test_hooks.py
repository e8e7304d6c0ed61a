"""Every hook of the plugin contract, exercised through the real app (Datasette style).

Two tests keep the contract honest: one fails when a hook in
``kennisbank/hookspecs.py`` lacks a docstring, the other when a hook has no
``test_hook_<name>`` in this module. Each hook test registers a small plugin
object through ``make_app(tmp_path, EXTRA_PLUGINS=[plugin])``.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import click
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask
from flask_babel import gettext
from markupsafe import Markup, escape

from kennisbank import ContentType, Field, hookimpl, hookspecs
from kennisbank.auth.passwords import hash_password
from kennisbank.content.registry import current_registry
from kennisbank.content.service import ValidationError, commit, delete_item, save_item
from kennisbank.content.validation import validate_item_data
from kennisbank.extensions import db
from kennisbank.models import IndexTask, Item, ItemLabel, ItemTranslation, Revision, User
from kennisbank.search.document import build_document
from tests import test_hooks_extending
from tests.conftest import Runner, detached, item_data, login, make_app

FIXTURES = Path(__file__).parent / "fixtures"


def hook_names() -> list[str]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [name for name, obj in vars(hookspecs).items() if hasattr(obj, marker)]


def save(app: Flask, item: Item | None = None, **overrides: Any) -> int:
    """Save an item through the service and commit; returns its id."""
    with app.app_context():
        target = db.session.get(Item, item.id) if item is not None else None
        saved = save_item(item_data(**overrides), user=None, item=target)
        commit()
        return saved.id


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


# -- the contract checks itself ---------------------------------------------------------


def test_every_hook_has_a_docstring() -> None:
    names = hook_names()
    assert len(names) >= 14
    undocumented = [n for n in names if len(inspect.getdoc(getattr(hookspecs, n)) or "") < 20]
    assert undocumented == []


def test_every_hook_has_a_test() -> None:
    tests = {**vars(test_hooks_extending), **globals()}
    untested = [n for n in hook_names() if not callable(tests.get(f"test_hook_{n}"))]
    assert untested == []


def test_firstresult_hooks_say_so_in_their_docstring() -> None:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    for name in hook_names():
        spec = getattr(hookspecs, name)
        if getattr(spec, marker).get("firstresult"):
            assert "Stops at first non-None result" in inspect.getdoc(spec), name


# -- registration hooks ---------------------------------------------------------------

WORKSHOP = ContentType(
    name="workshop",
    label={"nl": "Werkplaats", "en": "Workshop"},
    sector="culture",
    fields=[
        Field("format", "choice", label={"nl": "Vorm", "en": "Format"}, facet=True,
              choices={"online": {"nl": "Op afstand", "en": "Remote"},
                       "live": {"nl": "Ter plaatse", "en": "On site"}}),
        Field("seats", "integer", label={"nl": "Plaatsen", "en": "Seats"}, min_value=1),
        Field("motto", "text", label={"nl": "Motto", "en": "Motto"}, translatable=True),
    ],
)


class WorkshopPlugin:
    @hookimpl
    def register_content_types(self) -> list[ContentType]:
        return [WORKSHOP]


def test_hook_register_content_types(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[WorkshopPlugin()])
    item_id = save(
        app, type="workshop", sector=None, fields={"format": "live", "seats": 25},
        translations={"en": {"title": "Clay workshop", "motto": "Hands first"}},
    )
    with app.app_context():
        stored = db.session.get(Item, item_id)
        assert (stored.type, stored.sector, stored.fields) == (
            "workshop", "culture", {"format": "live", "seats": 25}
        )
        assert stored.translation("en").fields == {"motto": "Hands first"}
    client = app.test_client()
    page = client.get(f"/en/items/{item_id}").get_data(as_text=True)
    assert "Clay workshop" in page
    assert "<dt lang=\"en\">Format</dt>" in page and "On site" in page
    assert "Seats" in page and "25" in page and "Hands first" in page
    listed = client.get("/api/v1/content-types?lang=en").get_json()["content_types"]
    workshop = next(t for t in listed if t["name"] == "workshop")
    assert workshop["label"] == "Workshop"
    assert [f["name"] for f in workshop["fields"]] == ["format", "seats", "motto"]


class YouthSectorPlugin:
    @hookimpl
    def register_sectors(self) -> list[dict[str, Any]]:
        return [{"code": "youth", "label": {"nl": "Jeugdwerk", "en": "Youth work"}}]


def test_hook_register_sectors(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[YouthSectorPlugin()])
    item_id = save(app, sector="youth")
    client = app.test_client()
    assert "Jeugdwerk" in client.get(f"/nl/items/{item_id}").get_data(as_text=True)
    assert "Youth work" in client.get(f"/en/items/{item_id}").get_data(as_text=True)
    sectors = client.get("/api/v1/content-types?lang=en").get_json()["sectors"]
    assert {"value": "youth", "label": "Youth work"} in sectors
    assert {s["value"] for s in sectors} >= {
        "education", "business", "culture", "ngo", "municipality", "youth"
    }


def test_unregistered_sector_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with app.app_context():
        try:
            save_item(item_data(sector="youth"), user=None)
        except ValidationError as exc:
            assert "sector" in exc.errors
        else:
            raise AssertionError("an unknown sector was accepted")


class FacetPlugin:
    @hookimpl
    def register_facets(self) -> list[dict[str, Any]]:
        return [{"name": "funding", "label": {"nl": "Financiering", "en": "Funding"}}]


def test_hook_register_facets(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[FacetPlugin(), WorkshopPlugin()])
    with app.app_context():
        facets = current_registry().facet_fields()
    assert facets["funding"] == {"nl": "Financiering", "en": "Funding"}
    assert "format" in facets  # a facet=True field of a registered type
    assert "seats" not in facets


class BlueprintPlugin:
    @hookimpl
    def register_blueprints(self) -> list[Blueprint]:
        blueprint = Blueprint("hooktest_pages", __name__, url_prefix="/hooktest")

        @blueprint.route("/hello")
        def hello() -> str:
            return "hello from a plugin page"

        return [blueprint]


def test_hook_register_blueprints(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[BlueprintPlugin()])
    response = app.test_client().get("/hooktest/hello")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "hello from a plugin page"
    assert make_app(tmp_path / "bare").test_client().get("/hooktest/hello").status_code == 404


class CommandPlugin:
    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        @cli.command("hooktest-count")
        def count_items() -> None:
            """Print how many items there are."""
            total = db.session.execute(db.select(db.func.count(Item.id))).scalar_one()
            click.echo(f"{total} items")


def test_hook_register_commands(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[CommandPlugin()])
    save(app)
    result = Runner(app).invoke("hooktest-count")
    assert result.exit_code == 0
    assert result.output.strip() == "1 items"
    assert "hooktest-count" in Runner(app).invoke("--help").output


def compile_catalog(target: Path) -> Path:
    """Compile the fixture ``.po`` into ``target`` (what a plugin's build would ship)."""
    source = FIXTURES / "catalog" / "nl" / "LC_MESSAGES" / "kennisbank_hooktest.po"
    mo = target / "nl" / "LC_MESSAGES" / "kennisbank_hooktest.mo"
    mo.parent.mkdir(parents=True)
    with source.open("rb") as po, mo.open("wb") as out:
        write_mo(out, read_po(po))
    return target


class CatalogPlugin:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @hookimpl
    def translation_dirs(self) -> list[tuple[str, str]]:
        return [(str(self.directory), "kennisbank_hooktest")]

    @hookimpl
    def register_blueprints(self) -> list[Blueprint]:
        blueprint = Blueprint("hooktest_greeting", __name__, url_prefix="/<any(nl, en):lang>")

        @blueprint.route("/hooktest-greeting")
        def greeting() -> str:
            return gettext("Greetings from the test plugin")

        return [blueprint]


def test_hook_translation_dirs(tmp_path: Path) -> None:
    """Another app served a Dutch page first, as in any test run or multi-app process."""
    make_app(tmp_path / "earlier").test_client().get("/nl/")
    catalogs = compile_catalog(tmp_path / "catalogs")
    app = make_app(tmp_path, EXTRA_PLUGINS=[CatalogPlugin(catalogs)])
    client = app.test_client()
    nl = client.get("/nl/hooktest-greeting").get_data(as_text=True)
    assert nl == "Groeten van de testplugin"
    en = client.get("/en/hooktest-greeting").get_data(as_text=True)
    assert en == "Greetings from the test plugin"
    core_nl = client.get("/nl/").get_data(as_text=True)
    assert '<html lang="nl">' in core_nl


class NoShoutingPlugin:
    def __init__(self) -> None:
        self.seen: list[tuple[int | None, str]] = []

    @hookimpl
    def validate_item(self, item: Item) -> dict[str, str] | None:
        self.seen.append((item.id, item.type))
        shouted = [t.lang for t in item.translations if t.title.isupper()]
        if shouted:
            return {f"translations.{shouted[0]}.title": "Please do not shout."}
        return None


def test_hook_validate_item(tmp_path: Path) -> None:
    plugin = NoShoutingPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    loud = item_data(translations={"en": {"title": "BICYCLE STREETS"}})
    with app.app_context():
        try:
            save_item(loud, user=None)
        except ValidationError as exc:
            assert exc.errors == {"translations.en.title": "Please do not shout."}
        else:
            raise AssertionError("the plugin's refusal did not block the save")
        db.session.rollback()
    assert plugin.seen == [(None, "practice")]
    for model in (Item, ItemTranslation, Revision, IndexTask):
        assert count(app, model) == 0, model.__name__
    item_id = save(app)
    assert plugin.seen[-1] == (None, "practice")
    with app.app_context():
        item = db.session.get(Item, item_id)
        save_item(item_data(status="draft"), user=None, item=item)
        commit()
    assert plugin.seen[-1] == (item_id, "practice")


class IndexPlugin:
    def __init__(self) -> None:
        self.calls: list[tuple[int, dict[str, Any]]] = []

    @hookimpl
    def index_document(self, item: Item, document: dict[str, Any]) -> None:
        self.calls.append((item.id, document))
        document.setdefault("extra_text", []).append(f"partner of {item.city}")
        document.setdefault("keywords", []).append("hooktest-keyword")


def test_hook_index_document(tmp_path: Path) -> None:
    """Saving an item indexes it; the search document goes through the hook on its way."""
    plugin = IndexPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    item_id = save(app)
    assert plugin.calls and {call[0] for call in plugin.calls} == {item_id}
    indexed = plugin.calls[-1][1]
    assert isinstance(indexed, dict) and indexed["id"] == item_id
    assert "partner of Deventer" in indexed["extra_text"]
    with app.app_context():
        item = db.session.get(Item, item_id)
        document = build_document(item, current_registry())
    assert plugin.calls[-1][1] is document
    assert document["extra_text"] == ["partner of Deventer"]
    assert "hooktest-keyword" in document["keywords"] and "fietsen" in document["keywords"]


# -- search -------------------------------------------------------------------------


def search_ids(app: Flask, text: str, **params: str) -> list[int]:
    response = app.test_client().get("/api/v1/search", query_string={"q": text, **params})
    assert response.status_code == 200
    return [hit["id"] for hit in response.get_json()["results"]]


class DomainPlugin:
    @hookimpl
    def register_synonyms(self) -> list[dict[str, list[str]]]:
        return [{"nl": ["wijkregisseur"], "en": ["community officer"]},
                {"en": ["allotment", "community garden"]}]


def test_hook_register_synonyms(tmp_path: Path) -> None:
    """A plugin's sets translate (Dutch-only text found in English) and equate words."""
    app = make_app(tmp_path, EXTRA_PLUGINS=[DomainPlugin()])
    dutch = save(app, tags=[], translations={"nl": {"title": "De wijkregisseur", "summary": "",
                                                    "body": "Zij kent de buurt."}})
    garden = save(app, tags=[], translations={"en": {"title": "A community garden",
                                                     "summary": "", "body": "Grow food."}})
    assert search_ids(app, "community officer", lang="en")[0] == dutch
    assert search_ids(app, "allotment", lang="en") == [garden]
    assert dutch not in search_ids(app, "community officer", lang="en", translate="false")


class BadSynonymsPlugin:
    @hookimpl
    def register_synonyms(self) -> list[Any]:
        return [["not", "a", "set"]]


def test_a_bad_synonym_set_stops_the_start_naming_the_plugin(tmp_path: Path) -> None:
    import pytest

    from kennisbank.plugins import PluginError

    with pytest.raises(PluginError, match="BadSynonymsPlugin"):
        make_app(tmp_path, EXTRA_PLUGINS=[BadSynonymsPlugin()])


class TranslatorPlugin:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.calls: list[tuple[str, str, str]] = []

    @hookimpl
    def translate_query(self, text: str, source: str, target: str) -> list[str]:
        self.calls.append((text, source, target))
        if self.fail:
            raise TimeoutError("the translation service did not answer")
        return ["zwerfafval opruimen"] if text == "litter picking" else []


def test_hook_translate_query(tmp_path: Path) -> None:
    """A machine translation of the whole query finds items with all its words."""
    plugin = TranslatorPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    dutch = save(app, tags=[], translations={"nl": {
        "title": "Zwerfafval opruimen", "summary": "", "body": "Vrijwilligers in het park."}})
    response = app.test_client().get("/api/v1/search", query_string={
        "q": "litter picking", "lang": "en"}).get_json()
    assert [hit["id"] for hit in response["results"]] == [dutch]
    assert response["results"][0]["found_via"] == ["zwerfafval opruimen"]
    assert ("litter picking", "en", "nl") in plugin.calls
    assert search_ids(app, "litter picking", lang="en", translate="false") == []


def test_a_failing_translation_service_does_not_fail_the_search(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[TranslatorPlugin(fail=True)])
    english = save(app, tags=[], translations={"en": {
        "title": "Litter picking", "summary": "", "body": "Volunteers in the park."}})
    assert search_ids(app, "litter picking", lang="en") == [english]


# -- lifecycle events -----------------------------------------------------------------


class EventPlugin:
    def __init__(self) -> None:
        self.saved: list[tuple[int, bool, str]] = []
        self.published: list[tuple[int, str]] = []
        self.deleted: list[tuple[int, str]] = []

    @hookimpl
    def item_saved(self, item: Item, created: bool) -> None:
        self.saved.append((item.id, created, item.status))

    @hookimpl
    def item_published(self, item: Item) -> None:
        self.published.append((item.id, item.translation("en").title))

    @hookimpl
    def item_deleted(self, item: Item) -> None:
        self.deleted.append((item.id, item.best_translation("en").title))


def test_hook_item_saved(tmp_path: Path) -> None:
    plugin = EventPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    item_id = save(app, status="draft")
    assert plugin.saved == [(item_id, True, "draft")]
    with app.app_context():
        save(app, item=db.session.get(Item, item_id), status="review")
    assert plugin.saved == [(item_id, True, "draft"), (item_id, False, "review")]


def test_hook_item_published(tmp_path: Path) -> None:
    plugin = EventPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    draft_id = save(app, status="draft")
    assert plugin.published == []
    with app.app_context():
        item = db.session.get(Item, draft_id)
    save(app, item=item, status="published")
    assert plugin.published == [(draft_id, "Bicycle streets in the centre")]
    save(app, item=item, status="published", city="Zutphen")  # an edit, not a publication
    save(app, item=item, status="published")
    assert len(plugin.published) == 1
    save(app, item=item, status="archived")
    save(app, item=item, status="published")
    assert plugin.published == [(draft_id, "Bicycle streets in the centre")] * 2
    born_published = save(app, external_id="born-published", status="published")
    assert plugin.published[-1][0] == born_published and len(plugin.published) == 3


def test_hook_item_deleted(tmp_path: Path) -> None:
    plugin = EventPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    item_id = save(app)
    with app.app_context():
        delete_item(db.session.get(Item, item_id))
        db.session.flush()
        tasks = db.session.execute(db.select(IndexTask.action).where(IndexTask.item_id == item_id))
        assert "delete" in tasks.scalars().all()  # the index forgets it in the same transaction
        commit()
        assert db.session.get(Item, item_id) is None
    assert plugin.deleted == [(item_id, "Bicycle streets in the centre")]


# -- decisions and output --------------------------------------------------------------


class GatekeeperPlugin:
    """Opens one draft to everyone, closes one published item, passes on the rest."""

    @hookimpl
    def permission_allowed(self, user: Any, action: str, item: Item | None) -> bool | None:
        if action != "view" or item is None:
            return None
        if item.external_id == "open-draft":
            return True
        if item.external_id == "closed":
            return False
        return None


def test_hook_permission_allowed(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[GatekeeperPlugin()])
    open_draft = save(app, external_id="open-draft", status="draft")
    other_draft = save(app, external_id="other-draft", status="draft")
    closed = save(app, external_id="closed", status="published")
    ordinary = save(app, external_id="ordinary", status="published")
    client = app.test_client()
    assert client.get(f"/en/items/{open_draft}").status_code == 200  # True overrides
    assert client.get(f"/en/items/{other_draft}").status_code == 404  # None: the policy
    assert client.get(f"/en/items/{closed}").status_code in (401, 404)  # False overrides
    assert client.get(f"/en/items/{ordinary}").status_code == 200  # None: the policy
    with app.test_request_context("/en/"):
        from kennisbank.auth.policy import can

        closed_item = db.session.get(Item, closed)
        assert can(None, "view", closed_item) is False
        assert can(None, "view", db.session.get(Item, ordinary)) is True


class StaffLabelsPlugin:
    """Keeps items tagged ``staff`` to people whose address is at staff.example."""

    @hookimpl
    def item_permission_labels(self, item: Item, labels: list[str]) -> list[str] | None:
        if "staff" not in (item.tags or []):
            return None
        return [label for label in labels if label != "public"] + ["staff"]

    @hookimpl
    def user_permission_labels(self, user: Any, labels: list[str]) -> list[str] | None:
        if user is not None and user.email.endswith("@staff.example"):
            assert "public" in labels  # the core's labels come along
            return ["staff"]
        return None


def _staff_world(tmp_path: Path) -> tuple[Flask, int, int]:
    app = make_app(tmp_path, EXTRA_PLUGINS=[StaffLabelsPlugin()])
    staff_only = save(app, tags=["staff"])
    everyone = save(app, tags=["fietsen"])
    return app, staff_only, everyone


def _listed(client: Any) -> set[int]:
    return {item["id"] for item in client.get("/api/v1/items").get_json()["items"]}


def test_hook_item_permission_labels(tmp_path: Path) -> None:
    app, staff_only, everyone = _staff_world(tmp_path)
    client = app.test_client()
    assert _listed(client) == {everyone}
    assert client.get(f"/en/items/{staff_only}").status_code == 401
    with app.app_context():
        stored = set(db.session.scalars(
            db.select(ItemLabel.label).where(ItemLabel.item_id == staff_only)))
    assert stored == {"staff", "sector:municipality"}  # saved with the item


def test_hook_user_permission_labels(tmp_path: Path) -> None:
    app, staff_only, everyone = _staff_world(tmp_path)
    with app.app_context():
        people = [User(email=f"{name}@{domain}", name=name, role="reader", active=True,
                       password_hash=hash_password("x" * 12))
                  for name, domain in (("kim", "staff.example"), ("lou", "example.org"))]
        db.session.add_all(people)
        db.session.commit()
        staff, other = (detached(person) for person in people)
    staff_client, other_client = app.test_client(), app.test_client()
    login(staff_client, staff)
    login(other_client, other)
    assert _listed(staff_client) == {staff_only, everyone}
    assert _listed(other_client) == {everyone}
    assert staff_client.get(f"/en/items/{staff_only}").status_code == 200
    assert other_client.get(f"/en/items/{staff_only}").status_code == 404


class CustomFieldsPlugin:
    def __init__(self) -> None:
        self.langs: list[str] = []

    @hookimpl
    def render_item_fields(self, item: Item, lang: str) -> Markup | None:
        self.langs.append(lang)
        if item.external_id != "custom":
            return None
        challenge = item.translation(lang).fields["challenge"]
        return Markup('<div class="hooktest-fields">{}</div>').format(escape(challenge))


def test_hook_render_item_fields(tmp_path: Path) -> None:
    plugin = CustomFieldsPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    translations = {"en": {"title": "With fields", "challenge": "Too many <cars>"}}
    custom = save(app, external_id="custom", translations=translations)
    default = save(app, external_id="default", translations=translations)
    client = app.test_client()
    page = client.get(f"/en/items/{custom}").get_data(as_text=True)
    assert '<div class="hooktest-fields">Too many &lt;cars&gt;</div>' in page
    assert 'id="fields-heading"' not in page and "<dt lang=\"en\">Challenge</dt>" not in page
    fallback = client.get(f"/en/items/{default}").get_data(as_text=True)
    assert "hooktest-fields" not in fallback
    assert "<dt lang=\"en\">Challenge</dt>" in fallback
    assert plugin.langs == ["en", "en"]


class StartupPlugin:
    def __init__(self) -> None:
        self.apps: list[Flask] = []
        self.routes_seen: bool = False

    @hookimpl
    def startup(self, app: Flask) -> None:
        self.apps.append(app)
        self.routes_seen = "web.item" in {rule.endpoint for rule in app.url_map.iter_rules()}


def test_hook_startup(tmp_path: Path) -> None:
    plugin = StartupPlugin()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    assert plugin.apps == [app]
    assert plugin.routes_seen  # called when the app is fully built
    app.test_client().get("/nl/")
    assert plugin.apps == [app]


def test_hook_register_field_kinds(tmp_path: Path) -> None:
    """A plugin's kind validates, is published in the API schema and named in errors;
    tests/test_field_kinds.py follows one through every surface."""
    from tests.money_kind import MoneyPlugin, compile_catalog

    app = make_app(tmp_path, EXTRA_PLUGINS=[MoneyPlugin(compile_catalog(tmp_path / "mo"))])
    with app.test_request_context("/en/"):
        app.preprocess_request()
        registry = current_registry()
        assert registry.owners["kind:money"] == "MoneyPlugin"
        clean = validate_item_data(
            item_data(type="grant", sector="ngo",
                      fields={"amount": {"amount": "5", "currency": "EUR"}}), registry)
        assert clean["fields"]["amount"] == {"amount": "5.00", "currency": "EUR"}
