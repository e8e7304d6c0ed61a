"""A plain (non-editable) install of the core works, with its catalogs, templates and demo.

The wheel is built from a copy of the checkout, so build artefacts never land in
the working tree and a stale ``build/`` folder cannot hide a missing file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
SKIPPED = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "instance", "__pycache__",
    ".pytest_cache", ".ruff_cache", "test-artifacts", "node_modules", "*.mo",
)
APP_SCRIPT = """
import sys
import kennisbank
from kennisbank import create_app

response = create_app().test_client().get("/nl/")
print(kennisbank.__file__)
print(response.status_code)
sys.stdout.write(response.get_data(as_text=True))
"""

pytestmark = pytest.mark.slow


def pip(*arguments: str, cwd: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", *arguments, "--quiet", "--disable-pip-version-check"],
        check=True, capture_output=True, cwd=cwd, timeout=300,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=SKIPPED)
    pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), str(source),
        cwd=work)
    (built,) = (work / "dist").glob("kennisbank-*.whl")
    return built


def test_wheel_carries_compiled_catalogs_templates_static_files_and_demo(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "kennisbank/translations/nl/LC_MESSAGES/messages.mo",
        "kennisbank/translations/en/LC_MESSAGES/messages.mo",
        "kennisbank/templates/base.html",
        "kennisbank/templates/home.html",
        "kennisbank/templates/item.html",
        "kennisbank/templates/errors/error.html",
        "kennisbank/static/kennisbank.css",
        "kennisbank/demo/items.jsonl",
        "kennisbank/demo/cities.json",
        "kennisbank/demo/organisations.json",
    }
    assert expected <= names, sorted(expected - names)
    assert not [name for name in names if name.startswith(("tests/", "plugins/"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "kennisbank = kennisbank.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def dutch(msgid: str) -> str:
    with (ROOT / "translations" / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        message = read_po(handle).get(msgid)
    assert message is not None and message.string, f"nl catalog lacks {msgid!r}"
    return message.string


def test_installed_wheel_serves_a_translated_dutch_page(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    pip("install", "--no-deps", "--target", str(target), str(wheel), cwd=tmp_path)
    environment = {
        **os.environ,
        "PYTHONPATH": str(target),
        "KENNISBANK_INSTANCE": str(tmp_path / "instance"),
        "KENNISBANK_PLUGINS": "[]",  # the core alone
    }
    result = subprocess.run(
        [sys.executable, "-c", APP_SCRIPT],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    module, status, page = result.stdout.split("\n", 2)
    assert Path(module).is_relative_to(target)  # the installed copy, not the checkout
    assert status == "200"
    assert '<html lang="nl">' in page
    assert dutch("Recent practices") in page and "Recent practices" not in page


PLUGIN_SCRIPT = """
from kennisbank import create_app
from kennisbank.content.service import ValidationError, validate
import kennisbank_education

app = create_app()
exchange = {"type": "exchange", "status": "published", "sector": "education",
            "fields": {"education_level": "hbo", "participants": 12},
            "translations": {"nl": {"title": "Uitwisseling"}}}
with app.test_request_context("/nl/"):
    try:
        validate(exchange)
    except ValidationError as exc:
        print(kennisbank_education.__file__)
        print(exc.errors["fields.partner_institution"])
"""


def test_installed_core_and_plugin_wheels_give_the_plugins_dutch_messages(
    wheel: Path, tmp_path: Path
) -> None:
    """``pip install .`` of the core plus a plugin: the plugin is found through its entry
    point and its own catalog, compiled into its wheel, speaks Dutch."""
    source = tmp_path / "education"
    shutil.copytree(ROOT / "plugins" / "education", source, ignore=SKIPPED)
    pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(source),
        cwd=tmp_path)
    (plugin_wheel,) = (tmp_path / "dist").glob("kennisbank_education-*.whl")
    assert any(name.endswith("nl/LC_MESSAGES/kennisbank_education.mo")
               for name in zipfile.ZipFile(plugin_wheel).namelist())
    target = tmp_path / "site"
    pip("install", "--no-deps", "--target", str(target), str(wheel), str(plugin_wheel),
        cwd=tmp_path)
    environment = {
        **os.environ,
        "PYTHONPATH": str(target),
        "KENNISBANK_INSTANCE": str(tmp_path / "instance"),
        "KENNISBANK_PLUGINS": "education",
    }
    result = subprocess.run(
        [sys.executable, "-c", PLUGIN_SCRIPT],
        capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    module, message = result.stdout.strip().split("\n")
    assert Path(module).is_relative_to(target)  # the installed plugin, not the checkout
    catalog = ROOT / "plugins/education/kennisbank_education/translations/nl/LC_MESSAGES"
    with (catalog / "kennisbank_education.po").open("rb") as handle:
        expected = read_po(handle).get(
            "Name the partner institution before publishing the exchange."
        ).string
    assert message == expected
