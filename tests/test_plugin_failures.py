"""A failing plugin is named, and each hook's failure rule holds (hookspecs.on_failure).

*start* hooks stop the start naming the plugin and the hook; *veto* hooks
refuse the one operation (a save with a message naming nothing internal, an
action); *contained* hooks are logged, named, and the rest goes on. The
index_document rule has its own module: tests/search/test_index_failures.py.
Runs on both databases (the Makefile's PG_TESTS).
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Flask
from flask_babel import force_locale

from kennisbank import hookimpl, hookspecs
from kennisbank.content.service import ValidationError, commit, delete_item, save_item
from kennisbank.extensions import db
from kennisbank.models import Item
from kennisbank.plugins import PluginError, current_plugins
from tests.conftest import Runner, item_data, make_app


class Broken:
    """Raises in every hook named in ``hooks``."""

    def __init__(self, *hooks: str) -> None:
        self.hooks = set(hooks)

    def _fail(self, name: str) -> None:
        if name in self.hooks:
            raise RuntimeError(f"the {name} part of this plugin is broken")

    @hookimpl
    def validate_item(self, item: Item) -> None:
        self._fail("validate_item")

    @hookimpl
    def item_saved(self, item: Item, created: bool) -> None:
        self._fail("item_saved")

    @hookimpl
    def item_published(self, item: Item) -> None:
        self._fail("item_published")

    @hookimpl
    def item_deleted(self, item: Item) -> None:
        self._fail("item_deleted")

    @hookimpl
    def permission_allowed(self, user: Any, action: str, item: Any) -> None:
        self._fail("permission_allowed")

    @hookimpl
    def render_item_fields(self, item: Item, lang: str) -> None:
        self._fail("render_item_fields")

    @hookimpl
    def item_permission_labels(self, item: Item, labels: list[str]) -> None:
        self._fail("item_permission_labels")

    @hookimpl
    def user_permission_labels(self, user: Any, labels: list[str]) -> None:
        self._fail("user_permission_labels")

    @hookimpl
    def startup(self, app: Flask) -> None:
        self._fail("startup")

    @hookimpl
    def translate_query(self, text: str, source: str, target: str) -> None:
        self._fail("translate_query")

    @hookimpl
    def register_commands(self, cli: click.Group) -> None:
        self._fail("register_commands")


class Listener:
    """A well-behaved plugin: records the lifecycle events it is told about."""

    def __init__(self) -> None:
        self.events: list[str] = []

    @hookimpl
    def item_saved(self, item: Item, created: bool) -> None:
        self.events.append("saved")

    @hookimpl
    def item_published(self, item: Item) -> None:
        self.events.append("published")

    @hookimpl
    def item_deleted(self, item: Item) -> None:
        self.events.append("deleted")


def count_items(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Item)) or 0


# -- the rule of every hook is declared, documented and enforced ------------------------


def hook_names() -> list[str]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [name for name, obj in vars(hookspecs).items() if hasattr(obj, marker)]


def test_every_hook_declares_and_documents_its_failure_rule() -> None:
    rules = hookspecs.declared_rules()
    assert sorted(rules) == sorted(hook_names())
    for name, rule in rules.items():
        assert f"On failure ({rule})" in inspect.getdoc(getattr(hookspecs, name)), name


def test_lifecycle_hooks_are_contained_and_validation_vetoes() -> None:
    rules = hookspecs.declared_rules()
    for name in ("item_saved", "item_published", "item_deleted", "index_document",
                 "render_item_fields", "translate_query"):
        assert rules[name] == hookspecs.CONTAINED, name
    assert rules["validate_item"] == rules["permission_allowed"] == hookspecs.VETO


def test_a_hook_cannot_be_called_by_another_rule(app: Flask) -> None:
    with app.app_context():
        plugins = current_plugins()
        with pytest.raises(TypeError, match="contained"):
            plugins.call("item_saved", item=None, created=True)
        with pytest.raises(TypeError, match="veto"):
            plugins.contain("validate_item", item=None)


def test_a_hook_wrapper_is_refused_at_start_naming_the_plugin(tmp_path: Path) -> None:
    class Wrapper:
        @hookimpl(hookwrapper=True)
        def item_saved(self, item: Item, created: bool) -> Any:
            yield

    with pytest.raises(PluginError, match="'Wrapper' implements item_saved as a hook wrapper"):
        make_app(tmp_path, EXTRA_PLUGINS=[Wrapper()])


# -- start hooks --------------------------------------------------------------------------


def test_a_failing_startup_stops_the_start_naming_plugin_and_hook(tmp_path: Path) -> None:
    with pytest.raises(PluginError, match="plugin 'Broken' failed in startup: RuntimeError"):
        make_app(tmp_path, EXTRA_PLUGINS=[Broken("startup")])


def test_failing_commands_stop_the_command_line_naming_plugin_and_hook(tmp_path: Path) -> None:
    app = make_app(tmp_path, EXTRA_PLUGINS=[Broken("register_commands")])
    result = Runner(app).invoke("plugins")
    assert result.exit_code == 1
    assert "plugin 'Broken' failed in register_commands: RuntimeError" in result.output


# -- veto hooks ---------------------------------------------------------------------------


def test_a_failing_validator_refuses_the_save_with_a_plain_message(tmp_path: Path,
                                                                   caplog) -> None:
    caplog.set_level(logging.ERROR)
    app = make_app(tmp_path, EXTRA_PLUGINS=[Broken("validate_item")])
    messages = {}
    for lang in ("en", "nl"):
        with app.app_context(), force_locale(lang), pytest.raises(ValidationError) as refused:
            save_item(item_data(), user=None)
        [messages[lang]] = refused.value.errors.values()
    assert "could not be checked, so it was not saved" in messages["en"]
    assert "kon niet worden gecontroleerd" in messages["nl"]
    for message in messages.values():
        assert "Broken" not in message and "RuntimeError" not in message
    assert "plugin 'Broken' failed in validate_item: RuntimeError" in caplog.text
    assert count_items(app) == 0


def test_a_failing_validator_refuses_an_import_line_and_imports_nothing(tmp_path: Path) -> None:
    import json

    app = make_app(tmp_path, EXTRA_PLUGINS=[Broken("validate_item")])
    result = Runner(app).invoke("import", "-", input=json.dumps(item_data()) + "\n")
    assert result.exit_code == 1
    assert "line 1: item: This item could not be checked" in result.output
    assert count_items(app) == 0


def test_a_failing_permission_plugin_refuses_fail_closed(tmp_path: Path, caplog) -> None:
    plugin = Broken()
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    with app.app_context():
        item_id = save_item(item_data(), user=None).id
        commit()
    client = app.test_client()
    assert client.get(f"/en/items/{item_id}").status_code == 200
    caplog.set_level(logging.ERROR)
    plugin.hooks.add("permission_allowed")
    assert client.get(f"/en/items/{item_id}").status_code == 401
    assert client.get(f"/api/v1/items/{item_id}").status_code == 401
    assert "plugin 'Broken' failed in permission_allowed" in caplog.text


def search_ids(app: Flask, query: str) -> list[int]:
    found = app.test_client().get("/api/v1/search", query_string={"q": query, "lang": "en"})
    assert found.status_code == 200, found.get_data(as_text=True)
    return [hit["id"] for hit in found.get_json()["results"]]


def test_failing_item_labels_hide_the_item_from_readers_and_keep_the_save(
        tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.ERROR)
    plugin = Broken("item_permission_labels")
    app = make_app(tmp_path, EXTRA_PLUGINS=[plugin])
    with app.app_context():
        item_id = save_item(item_data(), user=None).id
        commit()
    assert count_items(app) == 1  # the save went through: nothing typed is lost
    client = app.test_client()
    assert search_ids(app, "bicycle") == []  # fail closed: readers do not see it
    assert client.get(f"/en/items/{item_id}").status_code in (401, 404)
    listed = client.get("/api/v1/items").get_json()
    assert item_id not in [entry["id"] for entry in listed["items"]]
    assert "plugin 'Broken' failed in item_permission_labels" in caplog.text

    failing = Runner(app).invoke("check-index", "--dry-run")
    assert failing.exit_code == 1
    assert f"item {item_id}: plugin 'Broken' failed in item_permission_labels" in failing.output

    plugin.hooks.clear()  # the plugin is fixed: check-index relabels and reindexes it
    fixed = Runner(app).invoke("check-index")
    assert fixed.exit_code == 0, fixed.output
    assert search_ids(app, "bicycle") == [item_id]
    assert client.get(f"/en/items/{item_id}").status_code == 200


def test_failing_user_labels_grant_nothing_and_break_nothing(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.ERROR)
    app = make_app(tmp_path, EXTRA_PLUGINS=[Broken("user_permission_labels")])
    with app.app_context():
        item_id = save_item(item_data(), user=None).id
        commit()
    assert search_ids(app, "bicycle") == [item_id]  # the core's labels still hold
    assert "plugin 'Broken' failed in user_permission_labels" in caplog.text


# -- contained hooks ----------------------------------------------------------------------


def test_failing_lifecycle_plugins_never_break_a_save(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.ERROR)
    listener = Listener()
    app = make_app(tmp_path, EXTRA_PLUGINS=[
        Broken("item_saved", "item_published", "item_deleted"), listener])
    with app.app_context():
        item = save_item(item_data(status="published"), user=None)
        commit()
        item_id = item.id
    assert count_items(app) == 1
    with app.app_context():
        delete_item(db.session.get(Item, item_id))
        commit()
    assert count_items(app) == 0
    # The other plugin heard every event, whatever the order of the two.
    assert listener.events == ["saved", "published", "deleted"]
    for hook in ("item_saved", "item_published", "item_deleted"):
        assert f"plugin 'Broken' failed in {hook}: RuntimeError" in caplog.text


def test_a_failing_renderer_falls_back_to_the_default_fields(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.ERROR)
    app = make_app(tmp_path, EXTRA_PLUGINS=[Broken("render_item_fields")])
    with app.app_context():
        item_id = save_item(item_data(), user=None).id
        commit()
    page = app.test_client().get(f"/en/items/{item_id}")
    assert page.status_code == 200
    assert "Bicycle streets in the centre" in page.get_data(as_text=True)
    assert "plugin 'Broken' failed in render_item_fields" in caplog.text


def test_a_failing_translator_leaves_the_search_to_the_lexicon(tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.ERROR)
    app = make_app(tmp_path, EXTRA_PLUGINS=[Broken("translate_query")])
    with app.app_context():
        item_id = save_item(item_data(), user=None).id
        commit()
    found = app.test_client().get("/api/v1/search", query_string={"q": "bicycle", "lang": "en"})
    assert found.status_code == 200
    assert [hit["id"] for hit in found.get_json()["results"]] == [item_id]
    assert "plugin 'Broken' failed in translate_query: RuntimeError" in caplog.text
