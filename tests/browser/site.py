"""The site the browser, accessibility and HTML-validity checks look at, and its page list.

Both the real-browser tests (tests/browser) and the HTML validator
(tests/test_html_validity.py) check the same pages on the same data, so a page
is added to every check by adding one :class:`Page` line to :data:`PAGES`.

The data is the demo set (it needs the five sector plugins), so the checks see
realistic pages: long texts, every content type, enough results to page through.
A few items with known languages, a draft and three users are added on top,
because the tests need an item in both languages, items that exist in only one
(the fallback notice), and people to log in as.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from kennisbank import create_app, workflow
from kennisbank.access.models import AccessRequest, OutsideMessage, OutsideReply
from kennisbank.attachments.storage import add_attachment, check_upload
from kennisbank.auth.passwords import hash_password
from kennisbank.config import LANGUAGES
from kennisbank.content.service import commit, save_item
from kennisbank.demo import load_demo
from kennisbank.extensions import db
from kennisbank.mail import queue_mail
from kennisbank.models import Item, User, utcnow
from kennisbank.partners.models import Message
from tests.conftest import PASSWORD, item_data


@dataclass(frozen=True)
class Page:
    """A page every check visits in both languages.

    ``path`` is formatted with ``lang`` and the names in :attr:`Site.refs`, e.g.
    ``"/{lang}/items/{bilingual}"``; ``user`` is a role in :data:`USERS` to be logged
    in as, or ``None`` for an anonymous visitor.
    """

    name: str
    path: str
    status: int = 200
    user: str | None = None

    def url(self, lang: str, refs: dict[str, Any]) -> str:
        return self.path.format(lang=lang, **refs)


#: One line per page; every page is checked by axe (in Chromium) and the Nu HTML checker.
PAGES: tuple[Page, ...] = (
    Page("home", "/{lang}/"),
    Page("item-bilingual", "/{lang}/items/{bilingual}"),
    Page("item-dutch-only", "/{lang}/items/{dutch_only}"),
    Page("item-english-only", "/{lang}/items/{english_only}"),
    Page("item-exchange", "/{lang}/items/{exchange}"),
    Page("item-trade-mission", "/{lang}/items/{trade_mission}"),
    Page("item-cultural-exchange", "/{lang}/items/{cultural_exchange}"),
    Page("item-development-project", "/{lang}/items/{development_project}"),
    Page("item-policy-practice", "/{lang}/items/{policy_practice}"),
    Page("not-found", "/{lang}/items/999999", status=404),
    Page("search-query", "/{lang}/search?q=city"),
    Page("search-filtered", "/{lang}/search?sector=municipality&theme=sdg11"),
    Page("browse", "/{lang}/browse"),
    Page("browse-sector", "/{lang}/sectors/education"),
    Page("browse-type", "/{lang}/types/practice"),
    Page("about", "/{lang}/about"),
    Page("api-docs", "/{lang}/api"),
    Page("login", "/{lang}/login"),
    Page("forgot-password", "/{lang}/password/forgot"),
    Page("my-items", "/{lang}/my-items", user="contributor"),
    Page("new-item-choose-type", "/{lang}/items/new", user="contributor"),
    Page("new-item-form", "/{lang}/items/new?type=practice", user="contributor"),
    Page("new-item-form-exchange", "/{lang}/items/new?type=exchange", user="contributor"),
    Page("edit-item-form", "/{lang}/items/{draft}/edit", user="contributor"),
    Page("item-draft-as-owner", "/{lang}/items/{draft}", user="contributor"),
    Page("item-as-editor", "/{lang}/items/{bilingual}", user="editor"),
    Page("workflow-submit", "/{lang}/items/{draft}/submit", user="contributor"),
    Page("history", "/{lang}/items/{bilingual}/history", user="editor"),
    Page("account", "/{lang}/account", user="contributor"),
    Page("account-password", "/{lang}/account/password", user="contributor"),
    Page("account-tokens", "/{lang}/account/tokens", user="contributor"),
    Page("account-profile", "/{lang}/account/profile", user="contributor"),
    Page("account-email", "/{lang}/account/email", user="contributor"),
    Page("admin-users", "/{lang}/admin/users", user="admin"),
    Page("admin-new-user", "/{lang}/admin/users/new", user="admin"),
    Page("admin-edit-user", "/{lang}/admin/users/{contributor_id}", user="admin"),
    Page("admin-mail", "/{lang}/admin/mail", user="admin"),
    Page("admin-invitations", "/{lang}/admin/invitations", user="admin"),
    Page("admin-new-invitation", "/{lang}/admin/invitations/new", user="admin"),
    Page("editor-new-invitation", "/{lang}/admin/invitations/new", user="editor"),
    Page("organisations", "/{lang}/organisations?sector=education&q=university"),
    Page("organisation", "/{lang}/organisations/1"),
    Page("organisation-edit", "/{lang}/organisations/1/edit", user="admin"),
    Page("organisation-people", "/{lang}/organisations/1/people", user="admin"),
    Page("cities", "/{lang}/cities"),
    Page("city", "/{lang}/cities/1"),
    Page("overview", "/{lang}/overview"),
    Page("search-like-city", "/{lang}/search?like_city=Deventer&sort=transfers"),
    Page("transfer-form", "/{lang}/items/{bilingual}/transfers/new", user="editor"),
    Page("contact-form", "/{lang}/contact/1", user="contributor"),
    Page("inbox", "/{lang}/inbox", user="contributor"),
    Page("request-access", "/{lang}/request-access"),
    Page("request-access-sent", "/{lang}/request-access/sent"),
    Page("contact-form-visitor", "/{lang}/contact/1"),
    Page("access-queue", "/{lang}/admin/access-requests", user="admin"),
    Page("access-review", "/{lang}/admin/access-requests/{access_request}", user="admin"),
    Page("contact-sent", "/{lang}/contact/sent"),
    Page("message-from-outside", "/{lang}/inbox/{outside_message}", user="contributor"),
    Page("privacy", "/{lang}/privacy"),
    Page("review-queue", "/{lang}/review", user="editor"),
    Page("item-in-review-as-owner", "/{lang}/items/{in_review}", user="contributor"),
    Page("item-in-review-as-editor", "/{lang}/items/{in_review}", user="editor"),
    Page("edit-in-review-locked", "/{lang}/items/{in_review}/edit", status=403,
         user="contributor"),
    Page("history-as-owner", "/{lang}/items/{in_review}/history", user="contributor"),
    Page("workflow-return", "/{lang}/items/{in_review}/return", user="editor"),
    Page("conversation", "/{lang}/inbox/{conversation}", user="contributor"),
    Page("account-delete", "/{lang}/account/delete", user="contributor"),
    Page("admin-privacy", "/{lang}/admin/privacy", user="admin"),
    Page("contact", "/{lang}/contact"),
    Page("accessibility", "/{lang}/accessibility"),
    Page("colophon", "/{lang}/colophon"),
    Page("admin-texts", "/{lang}/admin/texts", user="admin"),
    Page("admin-text-edit", "/{lang}/admin/texts/accessibility", user="admin"),
    Page("forbidden", "/{lang}/admin/users", status=403, user="contributor"),
    Page("search-follow-form", "/{lang}/search?q=city", user="contributor"),
    Page("account-following", "/{lang}/account", user="editor"),
    Page("follow-unsubscribe", "/{lang}/follow/stop/{unsubscribe_token}"),
    Page("follow-unsubscribe-invalid", "/{lang}/follow/stop/not-a-token", status=404),
    Page("brochure-basket-empty", "/{lang}/basket", user="contributor"),
)

#: One content type of each sector plugin; a demo item of each is checked.
PLUGIN_TYPES = ("exchange", "trade_mission", "cultural_exchange", "development_project",
                "policy_practice")

#: The people the checks log in as: role -> (email, sectors); all use :data:`PASSWORD`.
USERS: dict[str, tuple[str, list[str]]] = {
    "admin": ("check-admin@example.org", []),
    "editor": ("check-editor@example.org", ["municipality", "education"]),
    "contributor": ("check-contributor@example.org", []),
}

#: Every (page, language) pair, with readable ids, for ``pytest.mark.parametrize``.
PAGE_CASES = [(page, lang) for page in PAGES for lang in LANGUAGES]
PAGE_IDS = [f"{page.name}-{lang}" for page, lang in PAGE_CASES]

#: A 1x1 PNG image, attached to the bilingual item.
PNG_PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
BILINGUAL = item_data(external_id="check-bilingual")
DUTCH_ONLY = item_data(
    external_id="check-dutch-only",
    sector="education",
    city="Deventer",
    themes=["sdg4"],
    tags=["taal", "nieuwkomers"],
    translations={"nl": {
        "title": "Taalcafé in de bibliotheek",
        "summary": "Elke week oefenen nieuwkomers Nederlands met vrijwilligers.",
        "body": "Vrijwilligers van de bibliotheek voeren **gesprekken** in eenvoudig Nederlands.",
    }},
)
DRAFT = item_data(
    external_id="check-draft",
    status="draft",
    sector="ngo",
    city="Sibiu",
    country="RO",
    translations={"en": {
        "title": "Repair café network",
        "summary": "Volunteers repair household appliances with their owners.",
        "body": "A draft that its author has not yet submitted for review.",
    }},
)
ENGLISH_ONLY = item_data(
    external_id="check-english-only",
    sector="culture",
    city="Tartu",
    country="EE",
    themes=["sdg11", "sdg17"],
    tags=["festival"],
    translations={"en": {
        "title": "Open courtyards festival",
        "summary": "Residents open their courtyards to neighbours for one weekend.",
        "body": "Once a year, residents of the old town open their **courtyards**.",
    }},
)


#: The contributor's item that waits in the editor's review queue (municipality).
IN_REVIEW = item_data(
    external_id="check-in-review",
    status="draft",
    translations={"en": {
        "title": "Neighbourhood budgets",
        "summary": "Residents decide how to spend part of the district budget.",
        "body": "Submitted for review by its author.",
    }},
)


@dataclass
class Site:
    """The app and the ids of the items the tests know by name."""

    app: Flask
    refs: dict[str, Any]

    def email(self, role: str) -> str:
        return USERS[role][0]


def build_site(instance: Path) -> Site:
    """A production-like app (CSRF on) on ``instance``, filled with the check data."""
    app = create_app({"INSTANCE": str(instance), "SECRET_KEY": "browser-check-secret"})
    with app.app_context():
        load_demo()
        users = {role: _user(role, email, sectors) for role, (email, sectors) in USERS.items()}
        refs = {
            "bilingual": _attach(_save(BILINGUAL), "fietsstraten-kaart.png", PNG_PIXEL),
            "dutch_only": _save(DUTCH_ONLY),
            "english_only": _save(ENGLISH_ONLY),
            "draft": _save(DRAFT, owner=users["contributor"]),
            "in_review": _submitted(IN_REVIEW, users["contributor"]),
            "contributor_id": users["contributor"].id,
            "access_request": _access_request(),
            "outside_message": _outside_message(users["contributor"]),
            "conversation": _conversation(users["contributor"], users["editor"]),
            "unsubscribe_token": _followed(users["editor"]),
        }
        refs.update({name: _first_published(name) for name in PLUGIN_TYPES})
        _outbox()
    return Site(app=app, refs=refs)


def _followed(user: User) -> str:
    """The editor follows two searches (the account page lists them); the token of
    the first one's unsubscribe link."""
    from kennisbank.following.digests import unsubscribe_token
    from kennisbank.following.models import FollowedSearch

    rows = [FollowedSearch(user_id=user.id, query="q=fietsen&sector=municipality",
                           frequency="weekly"),
            FollowedSearch(user_id=user.id, query="", frequency="daily")]
    db.session.add_all(rows)
    db.session.commit()
    return unsubscribe_token(rows[0])


def _outbox() -> None:
    """Mail in the outbox (no server is configured), one of it failed, for the admin page."""
    context = {"subject": "Fietsstraten", "body": "Mogen we in mei langskomen?",
               "link": "https://kennisbank.example/nl/inbox/1", "sender": "Check Editor",
               "about": ""}
    queue_mail("check-contributor@example.org", "message", context, lang="nl")
    failed = queue_mail("nobody@example.org", "message", context, lang="en")
    failed.state, failed.failure, failed.attempts = "failed", "refused", 1
    failed.last_error = "RCPT TO refused: 550 5.1.1 No such user here"
    db.session.commit()


def _user(role: str, email: str, sectors: list[str]) -> User:
    user = User(email=email, name=f"Check {role.title()}", role=role, sectors=sectors,
                password_hash=hash_password(PASSWORD))
    db.session.add(user)
    db.session.commit()
    return user


def _access_request() -> int:
    """A confirmed request for an account, so the queue and the review page have one."""
    request = AccessRequest(
        name="Ana Popescu", email="ana@sibiu.example", organisation_name="Primăria Sibiu",
        sector="municipality", city="Sibiu", function="Policy adviser", language="en",
        reason="We would like to learn from the bicycle streets.\nAnd from the courtyards.",
        state="pending", confirmed_at=utcnow(),
    )
    db.session.add(request)
    db.session.commit()
    return request.id


def _outside_message(recipient: User) -> int:
    """A confirmed message from someone without an account, with one reply, in the inbox."""
    message = Message(recipient=recipient, subject="Courtyards in Tartu",
                      body="How did residents react?\nThanks!")
    outside = OutsideMessage(name="Jonas Tamm", email="jonas@tartu.example",
                             sender_organisation="Tartu City", share_email=True,
                             subject=message.subject, body=message.body, language="en",
                             confirmed_at=utcnow(), message=message)
    outside.replies.append(OutsideReply(sender=recipient, subject="Re: Courtyards in Tartu",
                                        body="Very well.", shared_email=False))
    db.session.add(outside)
    db.session.commit()
    return message.id


def _submitted(data: dict[str, Any], author: User) -> int:
    """An author's draft, submitted for review through the workflow with a note."""
    item = save_item(data, user=author, action="create")
    workflow.apply(item, "submit", user=author, comment="Ready for review.")
    commit()
    return item.id


def _conversation(one: User, other: User) -> int:
    """Three messages between two people about the bilingual check item; the first's id."""
    item = db.session.execute(
        db.select(Item).where(Item.external_id == "check-bilingual")).scalar_one()
    first = Message(sender=other, recipient=one, subject="Bicycle streets",
                    body="Can we visit in May?", item=item)
    answer = Message(sender=one, recipient=other, subject="Re: Bicycle streets",
                     body="Yes, welcome.\nBring bikes.", item=item)
    last = Message(sender=other, recipient=one, subject="Re: Bicycle streets",
                   body="See you then.", item=item)
    db.session.add_all([first, answer, last])
    db.session.commit()
    return first.id


def _first_published(type_name: str) -> int:
    """A published demo item of a sector plugin's type (its page shows the plugin's fields)."""
    return db.session.execute(
        db.select(Item.id).where(Item.type == type_name, Item.status == "published")
        .order_by(Item.id).limit(1)
    ).scalar_one()


def _attach(item_id: int, name: str, data: bytes) -> int:
    """Attach a file, so the item page shows its attachment list."""
    add_attachment(db.session.get(Item, item_id), check_upload(name, data), user=None)
    commit()
    return item_id


def _save(data: dict[str, Any], owner: User | None = None) -> int:
    item = save_item(data, user=owner)
    commit()
    return item.id
