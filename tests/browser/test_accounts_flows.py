"""Accounts by mail in a real browser, in both languages: an invitation leads to a
password and a logged-in person; a forgotten password is reset and the new one logs in.

The site has no mail server, so mail waits in the outbox; the test reads the link
from there, as a person would from their mailbox.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.models import User
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.site import Site
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

NEW = "river bridge lantern nine"

#: The words of each language the flows look for.
WORDS: dict[str, dict[str, str]] = {
    "en": {"email": "Email address", "name": "Your name", "optional": "Name (optional)",
           "language": "Language of the invitation", "send": "Send invitation",
           "accept": "Create my account", "password": "New password",
           "repeat": "Repeat the new password",
           "welcome": "Welcome! Your account has been created.",
           "forgot": "Forgot your password?", "link": "Send the link",
           "check": "Check your email", "save": "Save password",
           "changed": "Your password has been changed. Log in with your new password.",
           "login_password": "Password", "login": "Log in", "logged_in": "You are logged in.",
           "pending": "pending", "account": "Account"},
    "nl": {"email": "E-mailadres", "name": "Uw naam", "optional": "Naam (niet verplicht)",
           "language": "Taal van de uitnodiging", "send": "Uitnodiging sturen",
           "accept": "Mijn account aanmaken", "password": "Nieuw wachtwoord",
           "repeat": "Herhaal het nieuwe wachtwoord",
           "welcome": "Welkom! Uw account is aangemaakt.",
           "forgot": "Wachtwoord vergeten?", "link": "Link sturen",
           "check": "Kijk in uw e-mail", "save": "Wachtwoord opslaan",
           "changed": "Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord.",
           "login_password": "Wachtwoord", "login": "Inloggen", "logged_in": "U bent ingelogd.",
           "pending": "openstaand", "account": "Account"},
}


def mailed_link(site: Site, to: str) -> str:
    """The site path in the newest mail to ``to``."""
    with site.app.app_context():
        mail = db.session.execute(
            db.select(MailMessage).where(MailMessage.to == to).order_by(MailMessage.id.desc())
        ).scalars().first()
        assert mail is not None, f"no mail to {to}"
        match = re.search(r"https?://[^/\s]+(/(?:nl|en)/[^\s]+)", mail.text)
        assert match, mail.text
        return match.group(1)


def account_menu(page: Page, lang: str) -> Any:
    return page.get_by_role("navigation", name=WORDS[lang]["account"])


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_invitation_set_password_logged_in(page_as: Any, page: Page, site: Site,
                                           lang: str) -> None:
    words = WORDS[lang]
    email = f"invited-{lang}@example.org"
    admin = page_as("admin")
    admin.goto(f"/{lang}/admin/invitations/new")
    admin.get_by_label(words["email"], exact=True).fill(email)
    admin.get_by_label(words["optional"]).fill("Ioana Invited")
    admin.get_by_label(words["language"]).select_option(lang)
    admin.get_by_role("button", name=words["send"]).click()
    expect(admin).to_have_url(re.compile(f"/{lang}/admin/invitations$"))
    row = admin.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text(words["pending"])

    path = mailed_link(site, email)
    assert path.startswith(f"/{lang}/invitation/")
    page.goto(path)
    expect(page.get_by_label(words["name"])).to_have_value("Ioana Invited")
    assert_accessible(page)
    page.get_by_label(words["password"], exact=True).fill(NEW)
    page.get_by_label(words["repeat"]).fill(NEW)
    page.get_by_role("button", name=words["accept"]).click()
    expect(page.get_by_text(words["welcome"])).to_be_visible()
    expect(account_menu(page, lang)).to_contain_text("Ioana Invited")
    screenshot(page, f"invitation-accepted-{lang}")


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_password_reset_then_log_in(page: Page, site: Site, lang: str) -> None:
    words = WORDS[lang]
    email = f"forgetful-{lang}@example.org"
    with site.app.app_context():
        db.session.add(User(email=email, name=f"Forgetful {lang}", role="reader",
                            preferred_language=lang, password_hash=hash_password(PASSWORD)))
        db.session.commit()
    page.goto(f"/{lang}/login")
    page.get_by_role("link", name=words["forgot"]).click()
    page.get_by_label(words["email"]).fill(email)
    page.get_by_role("button", name=words["link"]).click()
    expect(page.get_by_role("heading", name=words["check"])).to_be_visible()
    assert_accessible(page)

    page.goto(mailed_link(site, email))
    assert_accessible(page)
    page.get_by_label(words["password"], exact=True).fill(NEW)
    page.get_by_label(words["repeat"]).fill(NEW)
    page.get_by_role("button", name=words["save"]).click()
    expect(page.get_by_text(words["changed"])).to_be_visible()
    expect(page).to_have_url(re.compile(f"/{lang}/login"))

    page.get_by_label(words["email"]).fill(email)
    page.get_by_label(words["login_password"], exact=True).fill(NEW)
    page.get_by_role("button", name=words["login"]).click()
    expect(page.get_by_text(words["logged_in"])).to_be_visible()
    expect(account_menu(page, lang)).to_contain_text(f"Forgetful {lang}")
    screenshot(page, f"password-reset-logged-in-{lang}")
