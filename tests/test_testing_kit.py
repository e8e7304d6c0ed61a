"""``kennisbank.testing``, the fixtures plugin authors get, run as a plugin author runs them.

The kit is a pytest plugin (entry point ``pytest11``), so it is tested from a
folder outside this repository, in a fresh pytest process, without the
core's ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

KIT_TESTS = '''
import pytest

from kennisbank import hookimpl


class Motto:
    @hookimpl
    def extra_template_vars(self):
        return {"motto": "testing kit"}


@pytest.mark.kennisbank_plugins(Motto(), only=[])
def test_marker_registers_objects_and_limits_installed_plugins(app, runner):
    names = runner.invoke("plugins", "--json").output
    assert '"Motto"' in names and "kennisbank-education" not in names


def test_without_marker_every_installed_plugin_loads(app):
    from kennisbank.plugins import EXTENSION_KEY

    assert "education" in app.extensions[EXTENSION_KEY].info


@pytest.mark.kennisbank_config(PUBLIC=False)
def test_config_marker_sets_settings(app, client, login):
    assert app.config["PUBLIC"] is False
    assert client.get("/api/v1/items").status_code == 401
    login("reader")
    assert client.get("/api/v1/items").status_code == 200


def test_each_role_has_a_user(reader, contributor, editor, admin, app):
    from kennisbank.content.registry import EXTENSION_KEY

    assert [u.role for u in (reader, contributor, editor, admin)] == [
        "reader", "contributor", "editor", "admin"]
    assert set(editor.sectors) == set(app.extensions[EXTENSION_KEY].sectors)


def test_login_as_a_role_or_a_user(client, login, make_user):
    assert client.get("/nl/account").status_code in (302, 401)
    user = login(make_user("contributor", email="someone@example.org"))
    assert user.email == "someone@example.org"
    assert client.get("/nl/account").status_code == 200


def test_api_token_writes_and_roles_are_checked(client, api_token, make_item):
    from kennisbank.testing import item_data

    reader = {"Authorization": f"Bearer {api_token('reader')}"}
    assert client.post("/api/v1/items", json=item_data(), headers=reader).status_code == 403
    editor = {"Authorization": f"Bearer {api_token('editor')}"}
    assert client.post("/api/v1/items", json=item_data(), headers=editor).status_code == 201
    with pytest.raises(ValueError, match="role must be one of"):
        api_token("mayor")


def test_make_app_builds_independent_apps(make_app, make_item):
    item = make_item()
    other = make_app(PUBLIC=True)
    assert other.test_client().get(f"/api/v1/items/{item.id}").status_code == 404


def test_validation_errors_in_each_language(app):
    from kennisbank.testing import item_data, validation_errors

    data = item_data(translations={})
    assert validation_errors(app, data, "en") != validation_errors(app, data, "nl")
    assert validation_errors(app, item_data(), "en") == {}
'''


@pytest.mark.skipif(os.environ.get("KENNISBANK_TEST_DB") == "postgres",
                    reason="the kit runs on its own SQLite databases")
def test_the_kits_fixtures_work_outside_the_repository(tmp_path: Path) -> None:
    (tmp_path / "test_kit.py").write_text(KIT_TESTS, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("KENNISBANK_")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_kit.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    passed = re.search(r"(\d+) passed", done.stdout)
    assert passed and int(passed[1]) == KIT_TESTS.count("\ndef test_"), done.stdout
