"""Single sign-on in a real browser, in both languages, against npm's oidc-provider.

The site runs with CSRF on, as in production, on a port chosen before the
provider starts, because the provider must know the site's fixed callback.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from kennisbank import create_app
from kennisbank.extensions import db
from kennisbank.models import User
from tests.browser.conftest import QuietHandler, assert_accessible, screenshot
from tests.servers import free_port
from tests.sso.provider import NODE, NODE_MISSING, OidcProvider

pytestmark = pytest.mark.browser


@dataclass
class SsoSite:
    app: Flask
    base_url: str
    provider: OidcProvider


@pytest.fixture(scope="module")
def sso_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SsoSite]:
    if NODE is None:
        pytest.skip(NODE_MISSING)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    provider = OidcProvider(f"{base_url}/sso/callback")
    provider.start()
    instance: Path = tmp_path_factory.mktemp("sso-site") / "instance"
    app = create_app({"INSTANCE": str(instance), "SECRET_KEY": "sso-browser-secret",
                      **provider.settings()})
    server = make_server("127.0.0.1", port, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="sso-site", daemon=True)
    thread.start()
    try:
        yield SsoSite(app, base_url, provider)
    finally:
        server.shutdown()
        thread.join()
        provider.stop()


def _at_provider(page: Page, site: SsoSite, login: str) -> None:
    """The provider's own login and consent pages, as a person fills them in."""
    expect(page).to_have_url(re.compile("^" + re.escape(site.provider.issuer)))
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


@pytest.mark.parametrize(("lang", "button", "logout", "welcome"), [
    ("en", "Log in with Deventer", "Log out", "You are logged in."),
    ("nl", "Inloggen met Deventer", "Uitloggen", "U bent ingelogd."),
])
def test_logging_in_with_the_button(browser: Browser, sso_site: SsoSite, lang: str,
                                    button: str, logout: str, welcome: str) -> None:
    context = browser.new_context(base_url=sso_site.base_url)
    page = context.new_page()
    page.goto(f"/{lang}/login")
    assert_accessible(page)
    page.get_by_role("link", name=button).click()
    _at_provider(page, sso_site, "anna" if lang == "en" else "bram")
    expect(page).to_have_url(f"{sso_site.base_url}/{lang}/")
    expect(page.get_by_text(welcome)).to_be_visible()
    expect(page.get_by_role("button", name=logout)).to_be_visible()
    screenshot(page, f"sso-logged-in-{lang}")
    context.close()


@pytest.mark.parametrize(("lang", "email_label", "submit"), [
    ("en", "Email address", "Log in"), ("nl", "E-mailadres", "Inloggen")])
def test_a_municipal_address_is_sent_to_the_provider(browser: Browser, sso_site: SsoSite,
                                                     lang: str, email_label: str,
                                                     submit: str) -> None:
    context = browser.new_context(base_url=sso_site.base_url)
    page = context.new_page()
    page.goto(f"/{lang}/login?next=/{lang}/search")
    page.get_by_label(email_label).fill("carla@deventer.example")
    page.get_by_role("button", name=submit, exact=True).click()
    _at_provider(page, sso_site, "carla" if lang == "en" else "dirk")
    expect(page).to_have_url(f"{sso_site.base_url}/{lang}/search")
    with sso_site.app.app_context():
        user = db.session.execute(db.select(User).where(
            User.email == ("carla@deventer.example" if lang == "en" else "dirk@deventer.example")
        )).scalar_one()
        assert user.role == "reader" and user.preferred_language == lang
    context.close()


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Logging in with Deventer was cancelled or refused."),
    ("nl", "Inloggen met Deventer is afgebroken of geweigerd."),
])
def test_cancelling_at_the_provider_comes_back_with_a_message(
        browser: Browser, sso_site: SsoSite, lang: str, message: str) -> None:
    context = browser.new_context(base_url=sso_site.base_url)
    page = context.new_page()
    page.goto(f"/{lang}/login/sso")
    page.get_by_role("link", name=re.compile("Cancel", re.I)).click()
    expect(page).to_have_url(f"{sso_site.base_url}/{lang}/login")
    expect(page.get_by_text(message)).to_be_visible()
    assert_accessible(page)
    context.close()
