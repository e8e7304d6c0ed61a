"""Real-browser fixtures: the app served on 127.0.0.1, Debian's Chromium driven by Playwright.

One server and one browser serve the whole session; each test gets a fresh
browser context (cookies, storage) through pytest-playwright's ``page`` fixture,
whose relative URLs resolve against the live server (``page.goto("/nl/")``).

Chromium is the system one (``make system-deps`` installs Debian's package);
``playwright install`` is never needed. Without Chromium the tests here are
skipped with a message saying so; every other failure is a real failure.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from werkzeug.serving import make_server

from tests.browser.site import Site, build_site

CHROMIUM = shutil.which("chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

#: Root needs --no-sandbox; the rest keep Chromium from calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium, skip every test in this folder, saying why."""
    if CHROMIUM is not None:
        return
    here = Path(__file__).parent
    skip = pytest.mark.skip(
        reason="Chromium not found on PATH: run `make system-deps` (apt-get install chromium)"
    )
    for item in items:
        if here in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The production-like app (CSRF on) with the check data; see site.py."""
    return build_site(tmp_path_factory.mktemp("browser-site") / "instance")


@pytest.fixture(scope="session")
def live_server(site: Site) -> Iterator[str]:
    """Serve ``site.app`` from a thread on a free port; yields the base URL."""
    server = make_server("127.0.0.1", 0, site.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture(scope="session")
def base_url(live_server: str) -> str:
    """pytest-playwright gives every context this base URL."""
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """The system Chromium, headless, with the flags a root user on a closed network needs."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def refs(site: Site) -> dict[str, Any]:
    """Ids of the items the tests know by name (``refs["bilingual"]``)."""
    return site.refs


def screenshot(page: Page, name: str) -> Path:
    """Keep a full-page screenshot as a test artefact (test-artifacts/ is not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
