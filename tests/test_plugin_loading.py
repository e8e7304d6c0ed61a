"""Loading plugins: installed distributions found by entry point, the enable list, bad plugins.

The sample distributions under ``tests/fixtures`` are installed for real with
pip into temporary folders, which are then put on ``sys.path``: exactly what
happens when an administrator runs ``pip install kennisbank-sample``.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from kennisbank import ContentType, hookimpl
from kennisbank.content.registry import current_registry
from kennisbank.content.service import commit, save_item
from kennisbank.plugins import PluginError
from tests.conftest import Runner, item_data, make_app

FIXTURES = Path(__file__).parent / "fixtures"


def pip_install(distribution: str, workdir: Path) -> Path:
    """Install a fixture distribution into its own folder; returns that folder.

    The source is copied first so pip's in-tree build leaves the checkout clean.
    """
    source = workdir / "src" / distribution
    shutil.copytree(FIXTURES / distribution, source)
    target = workdir / "site" / distribution
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
         "--no-build-isolation", "--disable-pip-version-check", "--target", str(target),
         str(source)],
        check=True,
        capture_output=True,
    )
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each fixture distribution, installed once for this module."""
    workdir = tmp_path_factory.mktemp("plugins")
    names = ("kennisbank_sample", "kennisbank_broken", "kennisbank_twin")
    return {name: pip_install(name, workdir) for name in names}


@pytest.fixture
def on_path(installed: dict[str, Path], monkeypatch: pytest.MonkeyPatch):
    """Make installed distributions visible, as if installed into the environment."""
    monkeypatch.delenv("KENNISBANK_PLUGINS", raising=False)

    def add(*names: str) -> None:
        for name in names:
            monkeypatch.syspath_prepend(str(installed[name]))
        importlib.invalidate_caches()

    return add


def test_installed_plugin_is_picked_up_with_no_change_to_the_core(tmp_path, on_path) -> None:
    on_path("kennisbank_sample")
    app = make_app(tmp_path)
    with app.app_context():
        assert "study_visit" in current_registry().types
        assert "host" in current_registry().facet_fields()
        item = save_item(
            item_data(type="study_visit", sector=None, fields={"visitors": 12, "host": "Saxion"}),
            user=None,
        )
        commit()
        item_id, sector = item.id, item.sector
    assert sector == "education"
    page = app.test_client().get(f"/en/items/{item_id}").get_data(as_text=True)
    assert "Study visit" in page and "Visitors" in page and "Saxion" in page
    assert Runner(app).invoke("sample-hello").output.strip() == "hello from kennisbank-sample"


def test_plugins_command_lists_distribution_version_and_types(tmp_path, on_path) -> None:
    on_path("kennisbank_sample")
    runner = Runner(make_app(tmp_path))
    result = runner.invoke("plugins")
    assert result.exit_code == 0
    header, *rows = result.output.splitlines()
    assert header.split() == ["Plugin", "Distribution", "Version", "Content", "types"]
    line = next(row for row in rows if row.startswith("sample "))
    assert line.split() == ["sample", "kennisbank-sample", "1.2.3", "study_visit"]
    listed = json.loads(runner.invoke("plugins", "--json").output)
    sample = next(row for row in listed if row["name"] == "sample")
    assert sample["distribution"] == "kennisbank-sample"
    assert sample["version"] == "1.2.3"
    assert sample["content_types"] == ["study_visit"]
    assert all(not row["builtin"] for row in listed)


def test_plugins_variable_limits_the_enabled_set(tmp_path, on_path, monkeypatch) -> None:
    on_path("kennisbank_sample", "kennisbank_broken")
    monkeypatch.setenv("KENNISBANK_PLUGINS", "sample")
    app = make_app(tmp_path)  # the broken plugin is installed but not enabled
    rows = Runner(app).invoke("plugins").output.splitlines()[1:]  # under the header
    names = [line.split()[0] for line in rows]
    assert names == ["sample"]
    monkeypatch.setenv("KENNISBANK_PLUGINS", "broken")
    with pytest.raises(PluginError, match="broken"):
        make_app(tmp_path / "second")


def test_plugin_whose_import_fails_stops_the_start_naming_it(tmp_path, on_path) -> None:
    on_path("kennisbank_sample", "kennisbank_broken")
    with pytest.raises(PluginError) as failure:
        make_app(tmp_path)
    message = str(failure.value)
    assert "'broken'" in message and "kennisbank-broken" in message
    assert "missing-dependency" in message


def test_failing_plugin_gives_a_clean_cli_error(tmp_path, on_path, monkeypatch) -> None:
    from click.testing import CliRunner

    from kennisbank.cli import build_cli

    on_path("kennisbank_broken")
    monkeypatch.setenv("KENNISBANK_INSTANCE", str(tmp_path / "instance"))
    result = CliRunner().invoke(build_cli(), ["plugins"])
    assert result.exit_code == 1
    assert "Error: plugin 'broken' (distribution kennisbank-broken) could not be loaded" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_two_distributions_with_one_plugin_name_fail_naming_both(tmp_path, on_path) -> None:
    on_path("kennisbank_sample", "kennisbank_twin")
    with pytest.raises(PluginError) as failure:
        make_app(tmp_path)
    message = str(failure.value)
    assert "'sample'" in message
    assert "kennisbank-sample" in message and "kennisbank-twin" in message


def test_unknown_name_in_plugins_variable_fails_clearly(tmp_path, on_path, monkeypatch) -> None:
    on_path("kennisbank_sample")
    monkeypatch.setenv("KENNISBANK_PLUGINS", "sample, smaple")
    with pytest.raises(PluginError, match=r"not installed: smaple \(installed: .*sample"):
        make_app(tmp_path)


# Plugins given as objects: ``PLUGINS=[]`` keeps installed plugins out of these tests.


def module_plugin(name: str, **functions: object) -> types.ModuleType:
    """A plugin module built on the fly, like a one-file plugin."""
    module = types.ModuleType(name)
    for attribute, function in functions.items():
        setattr(module, attribute, function)
    return module


def test_misspelt_hook_name_fails_at_start_naming_the_plugin(tmp_path) -> None:
    @hookimpl
    def register_content_type() -> list[ContentType]:
        return []

    plugin = module_plugin("kennisbank_typo", register_content_type=register_content_type)
    with pytest.raises(PluginError, match=r"kennisbank_typo.*register_content_type"):
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[plugin])


def test_hook_with_a_misspelt_argument_fails_naming_the_plugin(tmp_path) -> None:
    @hookimpl
    def item_saved(item: object, is_new: bool) -> None:
        """``is_new`` is not an argument of ``item_saved``."""

    plugin = module_plugin("kennisbank_badargs", item_saved=item_saved)
    with pytest.raises(PluginError, match=r"(?s)kennisbank_badargs.*is_new"):
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[plugin])


def _registering(name: str, type_name: str) -> types.ModuleType:
    @hookimpl
    def register_content_types() -> list[ContentType]:
        return [ContentType(name=type_name, label={"nl": type_name, "en": type_name})]

    return module_plugin(name, register_content_types=register_content_types)


def test_two_plugins_registering_one_type_name_fail_naming_both(tmp_path) -> None:
    first = _registering("kennisbank_first", "twin")
    second = _registering("kennisbank_second", "twin")
    with pytest.raises(PluginError) as failure:
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[first, second])
    message = str(failure.value)
    assert "'twin'" in message
    assert "kennisbank_first" in message and "kennisbank_second" in message


def test_plugin_cannot_take_over_a_core_type(tmp_path) -> None:
    usurper = _registering("kennisbank_usurper", "practice")
    with pytest.raises(PluginError, match=r"type 'practice' is registered by both") as failure:
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[usurper])
    assert "'kennisbank.content.practice'" in str(failure.value)
    assert "'kennisbank_usurper'" in str(failure.value)


def test_installed_plugin_clashing_with_a_registered_object_names_both(tmp_path, on_path) -> None:
    on_path("kennisbank_sample")
    clash = _registering("kennisbank_clash", "study_visit")
    with pytest.raises(PluginError) as failure:
        make_app(tmp_path, PLUGINS=["sample"], EXTRA_PLUGINS=[clash])
    assert "'sample'" in str(failure.value) and "kennisbank_clash" in str(failure.value)


def test_plugin_returning_something_else_than_a_content_type_is_named(tmp_path) -> None:
    @hookimpl
    def register_content_types() -> list[object]:
        return [{"name": "not-a-type"}]

    plugin = module_plugin("kennisbank_sloppy", register_content_types=register_content_types)
    with pytest.raises(PluginError, match=r"kennisbank_sloppy.*expected kennisbank.ContentType"):
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[plugin])


def test_plugin_raising_in_a_hook_at_start_is_named(tmp_path) -> None:
    @hookimpl
    def register_sectors() -> list[dict[str, object]]:
        raise KeyError("label")

    plugin = module_plugin("kennisbank_crashing", register_sectors=register_sectors)
    with pytest.raises(PluginError, match=r"kennisbank_crashing.*register_sectors"):
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[plugin])


def test_blueprint_taking_a_core_name_is_refused_naming_the_plugin(tmp_path) -> None:
    from flask import Blueprint

    @hookimpl
    def register_blueprints() -> list[Blueprint]:
        return [Blueprint("web", __name__, url_prefix="/elsewhere")]

    plugin = module_plugin("kennisbank_squatter", register_blueprints=register_blueprints)
    with pytest.raises(PluginError, match=r"kennisbank_squatter.*blueprint"):
        make_app(tmp_path, PLUGINS=[], EXTRA_PLUGINS=[plugin])


def test_plugins_are_not_shared_between_apps(tmp_path) -> None:
    plugin = _registering("kennisbank_only_here", "only_here")
    with_plugin = make_app(tmp_path / "a", PLUGINS=[], EXTRA_PLUGINS=[plugin])
    without = make_app(tmp_path / "b", PLUGINS=[])
    with with_plugin.app_context():
        assert "only_here" in current_registry().types
    with without.app_context():
        assert "only_here" not in current_registry().types
