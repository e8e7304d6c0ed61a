"""Privacy in a real browser, in both languages: download one's data, delete one's account."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.models import User
from tests.browser.conftest import assert_accessible, log_in, screenshot
from tests.browser.site import Site
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

WORDS = {
    "en": {"download": "Download everything stored about you (JSON)",
           "delete": "Delete your account", "password": "Your password",
           "confirm": "Delete my account", "done": "Your account has been deleted.",
           "wrong": "This is not your current password.", "login": "Log in"},
    "nl": {"download": "Alles downloaden wat over u is opgeslagen (JSON)",
           "delete": "Uw account verwijderen", "password": "Uw wachtwoord",
           "confirm": "Mijn account verwijderen", "done": "Uw account is verwijderd.",
           "wrong": "Dit is niet uw huidige wachtwoord.", "login": "Inloggen"},
}


def _person(site: Site, email: str) -> int:
    with site.app.app_context():
        user = User(email=email, name="Leaving Person", role="contributor",
                    password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        return user.id


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_downloading_ones_data_and_deleting_the_account(page: Page, site: Site,
                                                        lang: str) -> None:
    words = WORDS[lang]
    email = f"leaving-{lang}@example.org"
    user_id = _person(site, email)
    log_in(page, email)
    page.goto(f"/{lang}/account")
    with page.expect_download() as download:
        page.get_by_role("link", name=words["download"]).click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["sections"]["profile"]["email"] == email

    page.get_by_role("link", name=words["delete"]).click()
    assert_accessible(page)
    page.get_by_label(words["password"]).fill("not my password")
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_text(words["wrong"])).to_be_visible()
    page.get_by_label(words["password"]).fill(PASSWORD)
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.get_by_text(words["done"])).to_be_visible()
    # Logged out: the account navigation offers to log in again.
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name=words["login"], exact=True)).to_be_visible()
    screenshot(page, f"account-deleted-{lang}")
    with site.app.app_context():
        assert db.session.get(User, user_id) is None


@pytest.mark.parametrize(("lang", "heading"), [("en", "Privacy statement"),
                                               ("nl", "Privacyverklaring")])
def test_the_footer_leads_to_the_statement(page: Page, lang: str, heading: str) -> None:
    page.goto(f"/{lang}/")
    page.get_by_role("contentinfo").get_by_role("link", name=heading).click()
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    assert_accessible(page)
