"""Real-browser fixtures: the app served on 127.0.0.1, Debian's Chromium driven by Playwright.

One server and one browser serve the whole session. Tests that change state get
a fresh browser context through pytest-playwright's ``page`` fixture (or
``page_as(role)`` for a logged-in one), whose relative URLs resolve against the
live server (``page.goto("/nl/")``); the page checks, which only read, reuse one
page per role (:class:`RolePages`) to stay fast.

Chromium is the system one (``make system-deps`` installs Debian's package);
``playwright install`` is never needed. Without Chromium the tests here are
skipped with a message saying so; every other failure is a real failure.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.browser.site import Site, build_site
from tests.conftest import PASSWORD

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

LoginState = Callable[[str], dict[str, Any]]

#: axe-core (bundled by axe-playwright-python) limited to the WCAG 2.1 A and AA rules.
AXE = Axe()
WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


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


class QuietHandler(WSGIRequestHandler):
    """No access log: failures should show the test's report, not every request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The production-like app (CSRF on) with the check data; see site.py."""
    return build_site(tmp_path_factory.mktemp("browser-site") / "instance")


@pytest.fixture(scope="session")
def live_server(site: Site) -> Iterator[str]:
    """Serve ``site.app`` from a thread on a free port; yields the base URL."""
    server = make_server("127.0.0.1", 0, site.app, threaded=True, request_handler=QuietHandler)
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


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would (English labels)."""
    page.goto("/en/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def login_state(browser: Browser, base_url: str, site: Site) -> LoginState:
    """``login_state(role)``: the cookies of a session logged in as the site's ``role``.

    Each role logs in through the form once per test session; contexts made with
    this state start logged in.
    """
    states: dict[str, dict[str, Any]] = {}

    def state(role: str) -> dict[str, Any]:
        if role not in states:
            context = browser.new_context(base_url=base_url)
            page = context.new_page()
            log_in(page, site.email(role))
            assert page.get_by_role("button", name="Log out").is_visible(), (
                f"logging in as {role} failed: {page.url}"
            )
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return state


@pytest.fixture
def page_as(page: Page, new_context: Callable[..., BrowserContext],
            login_state: LoginState) -> Callable[[str | None], Page]:
    """``page_as(role)``: a fresh page logged in as ``role``, or ``page`` for ``None``."""

    def open_page(role: str | None) -> Page:
        if role is None:
            return page
        return new_context(storage_state=login_state(role)).new_page()

    return open_page


class RolePages:
    """One page per role (``None`` = anonymous), kept open for a module's read-only checks.

    Each page records the console errors it shows (script errors, resources
    that failed, Content-Security-Policy refusals) as ``(message, url)`` in
    :attr:`errors`, emptied each time a page is handed out.
    """

    def __init__(self, browser: Browser, base_url: str, login_state: LoginState,
                 **options: Any) -> None:
        self.browser, self.base_url, self.login_state = browser, base_url, login_state
        self.options = options
        self.pages: dict[str | None, Page] = {}
        self.errors: list[tuple[str, str]] = []

    def __call__(self, role: str | None) -> Page:
        if role not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url,
                storage_state=self.login_state(role) if role else None,
                **self.options,
            )
            page = context.new_page()
            page.on("console", self._console)
            page.on("pageerror", lambda error: self.errors.append((str(error), page.url)))
            self.pages[role] = page
        self.errors.clear()
        return self.pages[role]

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if not url.endswith("/favicon.ico"):
            self.errors.append((message.text, url))

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


@pytest.fixture(scope="module")
def role_pages(browser: Browser, base_url: str, login_state: LoginState) -> Iterator[RolePages]:
    """Desktop-sized pages per role for the read-only page checks."""
    pages = RolePages(browser, base_url, login_state, viewport={"width": 1280, "height": 800})
    yield pages
    pages.close()


def assert_accessible(page: Page) -> None:
    """axe finds no WCAG 2.1 A/AA violation on the page as it is now; the report says where."""
    results = AXE.run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, results.generate_report()


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Keep a screenshot as a test artefact (test-artifacts/ is not committed).

    JPEG, because encoding a long page as PNG costs as much as the axe run.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.jpg"
    page.screenshot(path=str(path), full_page=full_page, type="jpeg", quality=80)
    return path
