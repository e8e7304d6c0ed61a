"""The way in, in a real browser and in both languages: a stranger requests an account,
confirms the mailed link, an admin approves, the new colleague chooses a password, logs
in and writes to a contact person; and a visitor writes without an account.

Mail is read from the outbox table of the live site, as an operator would find it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.partners.models import ContactPerson, Message
from tests.browser.conftest import assert_accessible, log_in, screenshot
from tests.browser.site import Site

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long and new password 42"

#: What the pages say, per language.
TEXT = {
    "en": {"request": "Request an account", "send": "Send request", "check": "Check your email",
           "confirm": "Confirm", "sent": "Your request has been sent", "queue": "Access requests",
           "approve": "Approve and create the account", "password": "Password",
           "delivered": "Your message has been delivered", "write": "Send", "log_out": "Log out"},
    "nl": {"request": "Account aanvragen", "send": "Aanvraag versturen",
           "check": "Kijk in uw e-mail", "confirm": "Bevestigen",
           "sent": "Uw aanvraag is verstuurd", "queue": "Accountaanvragen",
           "approve": "Goedkeuren en account aanmaken", "password": "Wachtwoord",
           "delivered": "Uw bericht is bezorgd", "write": "Versturen", "log_out": "Uitloggen"},
}


def mailed_link(site: Site, to: str, marker: str) -> str:
    """The path of the link containing ``marker`` in the newest mail to ``to``."""
    with site.app.app_context():
        mail = db.session.scalars(db.select(MailMessage).where(MailMessage.to == to)
                                  .order_by(MailMessage.id.desc())).first()
        assert mail is not None, f"no mail to {to}"
        text = mail.text
    for url in re.findall(r"https?://\S+", text):
        if marker in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no {marker} link in: {text}")


def reachable_contact(site: Site) -> dict[str, Any]:
    """A demo contact person with an account, and the page that shows them."""
    with site.app.app_context():
        for contact in db.session.scalars(db.select(ContactPerson).order_by(ContactPerson.id)):
            if contact.reachable and contact.item is not None and \
                    contact.item.status == "published":
                return {"id": contact.id, "name": contact.name, "user_id": contact.user_id,
                        "path": f"/items/{contact.item_id}"}
    raise AssertionError("the demo data has no reachable contact person on a practice")


def messages_to(site: Site, user_id: int) -> list[tuple[str, int | None]]:
    with site.app.app_context():
        return [(m.subject, m.sender_id) for m in db.session.scalars(
            db.select(Message).where(Message.recipient_id == user_id).order_by(Message.id))]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_request_confirm_approve_set_password_log_in_and_contact(
        lang: str, page: Page, page_as: Callable[[str | None], Page], site: Site) -> None:
    words = TEXT[lang]
    email = f"ana-{lang}@sibiu.example"
    page.goto(f"/{lang}/login")
    page.get_by_role("main").get_by_role("link", name=words["request"]).click()
    expect(page.locator("main h1")).to_have_text(words["request"])
    page.fill("#name", f"Ana Popescu {lang}")
    page.fill("#email", email)
    page.select_option("#organisation", "new")
    page.fill("#new_organisation", f"Primăria Sibiu {lang}")
    page.select_option("#sector", "municipality")
    page.fill("#city", "Sibiu")
    page.fill("#function", "Policy adviser")
    page.fill("#reason", "We would like to learn from the bicycle streets.")
    page.select_option("#language", lang)
    assert_accessible(page)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.locator("main h1")).to_have_text(words["check"])

    page.goto(mailed_link(site, email, "/request-access/confirm/"))
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator("main h1")).to_have_text(words["sent"])

    admin = page_as("admin")
    admin.goto(f"/{lang}/")
    account_nav = admin.get_by_role("navigation", name=re.compile("Account"))
    account_nav.get_by_role("link", name=re.compile(words["queue"])).click()
    admin.get_by_role("link", name=f"Ana Popescu {lang}").click()
    admin.select_option("#role", "contributor")
    admin.select_option("#organisation", "new")
    screenshot(admin, f"access-review-{lang}")
    assert_accessible(admin)
    admin.get_by_role("button", name=words["approve"]).click()
    expect(admin.locator(".flash-success")).to_contain_text(f"Ana Popescu {lang}")

    page.goto(mailed_link(site, email, "/password/choose/"))
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("navigation", name=re.compile("Account")).get_by_role(
        "button", name=words["log_out"]).click()

    log_in(page, email, NEW_PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    contact = reachable_contact(site)
    page.goto(f"/{lang}{contact['path']}")
    page.locator(f"a[href='/{lang}/contact/{contact['id']}']").click()
    subject = f"Visit from Sibiu ({lang})"
    page.fill("#subject", subject)
    page.fill("#body", "Could we visit in May?")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    assert messages_to(site, contact["user_id"])[-1][0] == subject


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_anonymous_contact_is_delivered_after_confirmation(
        lang: str, page: Page, page_as: Callable[[str | None], Page], site: Site) -> None:
    words = TEXT[lang]
    email = f"jonas-{lang}@tartu.example"
    contact = reachable_contact(site)
    page.goto(f"/{lang}{contact['path']}")
    page.locator(f"a[href='/{lang}/contact/{contact['id']}']").click()
    page.fill("#name", "Jonas Tamm")
    page.fill("#email", email)
    page.fill("#sender_organisation", "Tartu City")
    subject = f"Courtyards and bicycle streets ({lang})"
    page.fill("#subject", subject)
    page.fill("#body", "How did residents react?")
    screenshot(page, f"access-contact-form-{lang}")
    assert_accessible(page)
    page.get_by_role("button", name=words["write"], exact=True).click()
    expect(page.locator("main h1")).to_have_text(words["check"])
    assert subject not in [s for s, _ in messages_to(site, contact["user_id"])]

    page.goto(mailed_link(site, email, "/contact/confirm/"))
    page.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator("main h1")).to_have_text(words["delivered"])
    assert (subject, None) in messages_to(site, contact["user_id"])
