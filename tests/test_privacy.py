"""Privacy: the statement, a person's data download, deleting one's account, purges."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kennisbank.auth.tokens import create_token
from kennisbank.extensions import db
from kennisbank.models import AuditEvent, Item, Organisation, Revision, User, utcnow
from kennisbank.partners.messages import send_message
from kennisbank.partners.models import Message
from kennisbank.privacy import (
    register_export,
    register_forget,
    register_purge,
    unregister_export,
    unregister_forget,
    unregister_purge,
)
from tests.conftest import PASSWORD, detached, login, make_app


def _get(app: Flask, model, ident):
    with app.app_context():
        found = db.session.get(model, ident)
        if found is not None:
            db.session.expunge(found)
        return found


# --- the statement -------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "heading", "rights"), [
    ("en", "What we store", "Your rights"), ("nl", "Wat we bewaren", "Uw rechten")])
def test_the_statement_has_a_default_text_in_each_language(client: FlaskClient, lang: str,
                                                           heading: str, rights: str) -> None:
    page = client.get(f"/{lang}/privacy")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"<h2>{heading}</h2>" in text and f"<h2>{rights}</h2>" in text
    assert "30" in text  # the retention period


@pytest.mark.parametrize("path", ["/{lang}/", "/{lang}/login", "/{lang}/search"])
def test_every_page_links_the_statement_in_its_footer(client: FlaskClient, path: str) -> None:
    for lang in ("nl", "en"):
        assert f'href="/{lang}/privacy"' in client.get(path.format(lang=lang)).get_data(
            as_text=True)


def test_forms_that_collect_personal_data_link_the_statement(app, client, make_user) -> None:
    assert 'class="privacy-note"' in client.get("/en/login").get_data(as_text=True)
    login(client, make_user("admin"))
    for path in ("/en/admin/users/new", "/en/account/delete"):
        page = client.get(path).get_data(as_text=True)
        assert 'class="privacy-note"' in page, path


def test_an_admin_replaces_the_statement_per_language(app, client, make_user) -> None:
    admin = make_user("admin")
    login(client, admin)
    response = client.post("/en/admin/privacy", data={
        "text_nl": "## Eigen verklaring\n\nBel **de gemeente**.<script>alert(1)</script>",
        "text_en": ""})
    assert response.status_code == 303
    dutch = client.get("/nl/privacy").get_data(as_text=True)
    assert "<h2>Eigen verklaring</h2>" in dutch and "<strong>de gemeente</strong>" in dutch
    assert "<script>" not in dutch and "Wat we bewaren" not in dutch
    assert "What we store" in client.get("/en/privacy").get_data(as_text=True)
    form = client.get("/en/admin/privacy").get_data(as_text=True)
    assert "Eigen verklaring" in form
    client.post("/en/admin/privacy", data={"text_nl": "", "text_en": ""})
    assert "Wat we bewaren" in client.get("/nl/privacy").get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent.event)).all()
    assert events.count("privacy_statement_changed") == 2


@pytest.mark.parametrize("role", [None, "reader", "editor"])
def test_only_admins_edit_the_statement(client, make_user, role) -> None:
    if role:
        login(client, make_user(role, sectors=["education"] if role == "editor" else None))
    assert client.get("/en/admin/privacy").status_code == (401 if role is None else 403)
    response = client.post("/en/admin/privacy", data={"text_nl": "x", "text_en": "y"})
    assert response.status_code == (401 if role is None else 403)


def test_a_statement_that_is_too_long_is_refused(client, make_user) -> None:
    login(client, make_user("admin"))
    page = client.post("/en/admin/privacy", data={"text_nl": "x" * 50_001, "text_en": ""})
    assert page.status_code == 200
    assert "Wat we bewaren" in client.get("/nl/privacy").get_data(as_text=True)


# --- the data download ---------------------------------------------------------------------

@pytest.fixture
def person(app: Flask, make_user, make_item) -> dict[str, int]:
    """A contributor with an organisation, a practice, messages both ways and a token."""
    with app.app_context():
        org = Organisation(name="Gemeente Sibiu")
        db.session.add(org)
        db.session.commit()
        org_id = org.id
    user = make_user("contributor", email="ioana@sibiu.example", organisation_id=org_id)
    other = make_user("reader", email="other.person@deventer.example")
    item = make_item(owner=user, status="draft", organisation=None)
    with app.test_request_context("/"):  # the mail copy links to the message
        me, them = db.session.get(User, user.id), db.session.get(User, other.id)
        send_message(me, them, "Vraag over fietsstraten", "Hoe begon u?")
        send_message(them, me, "Antwoord", "Met een proef.")
        create_token(me, "script")
        db.session.commit()
    return {"user": user.id, "other": other.id, "item": item.id, "org": org_id}


def test_the_download_holds_everything_about_the_person(app, client, person) -> None:
    user = _get(app, User, person["user"])
    login(client, user)
    client.get("/en/account")  # an audit-free page view; then one audit event:
    client.post("/en/account/password", data={"current_password": "wrong",
                                              "new_password": "x", "confirm": "x"})
    response = client.get("/en/account/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    sections = response.get_json()["sections"]
    assert sections["profile"]["email"] == "ioana@sibiu.example"
    assert sections["profile"]["organisation"] == "Gemeente Sibiu"
    assert [i["id"] for i in sections["items"]] == [person["item"]]
    assert sections["revisions"] and sections["revisions"][0]["item_id"] == person["item"]
    assert [m["body"] for m in sections["messages"]["sent"]] == ["Hoe begon u?"]
    assert [m["body"] for m in sections["messages"]["received"]] == ["Met een proef."]
    assert sections["api_tokens"][0]["name"] == "script"
    text = response.get_data(as_text=True)
    with app.app_context():
        token_hash = db.session.execute(db.text("SELECT token_hash FROM api_tokens")).scalar()
    assert token_hash not in text and "password_hash" not in text
    assert "other.person@deventer.example" not in text  # the other side's address


def test_the_download_needs_a_login(client) -> None:
    assert client.get("/en/account/data").status_code == 401


def test_other_parts_add_sections_to_the_download(app, client, make_user) -> None:
    register_export("test_section", lambda user: {"seen": user.email})
    try:
        login(client, make_user("reader", email="someone@example.org"))
        sections = client.get("/nl/account/data").get_json()["sections"]
    finally:
        unregister_export("test_section")
    assert sections["test_section"] == {"seen": "someone@example.org"}


# --- deleting one's account ----------------------------------------------------------------

def test_deleting_an_account_keeps_practices_and_sent_messages(app, client, person) -> None:
    user = _get(app, User, person["user"])
    login(client, user)
    assert "Delete my account" in client.get("/en/account/delete").get_data(as_text=True)
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 303
    assert _get(app, User, person["user"]) is None
    item = _get(app, Item, person["item"])
    assert item is not None and item.owner_id is None and item.organisation == "Gemeente Sibiu"
    with app.app_context():
        messages = db.session.scalars(db.select(Message)).all()
        assert [(m.body, m.sender_id) for m in messages] == [("Hoe begon u?", None)]
        assert db.session.scalar(db.select(db.func.count()).select_from(
            db.table("api_tokens"))) == 0
        assert db.session.scalar(db.select(db.func.count(Revision.id)).where(
            Revision.user_id.is_not(None))) == 0
        deleted = db.session.scalars(db.select(AuditEvent).where(
            AuditEvent.event == "account_deleted")).one()
        assert deleted.subject == f"user:{person['user']}" and deleted.user_id is None
    assert client.get("/en/account").status_code == 401  # the session ended
    other = _get(app, User, person["other"])
    login(client, other)
    inbox = client.get("/en/inbox").get_data(as_text=True)
    assert "Vraag over fietsstraten" in inbox and "Former user" in inbox


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "This is not your current password."),
    ("nl", "Dit is niet uw huidige wachtwoord.")])
def test_a_wrong_password_deletes_nothing(app, client, make_user, lang, message) -> None:
    user = make_user("reader")
    login(client, user)
    page = client.post(f"/{lang}/account/delete", data={"password": "not it at all"})
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert _get(app, User, user.id) is not None


def test_wrong_passwords_are_throttled(app, client, make_user) -> None:
    user = make_user("reader")
    login(client, user)
    codes = [client.post("/en/account/delete", data={"password": "wrong"}).status_code
             for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429
    assert _get(app, User, user.id) is not None


def test_an_account_without_password_confirms_with_its_address(app, client) -> None:
    with app.app_context():
        user = User(email="sso@deventer.example", name="SSO", password_hash=None)
        db.session.add(user)
        db.session.commit()
        detached(user)
    login(client, user)
    page = client.post("/en/account/delete", data={"email": "other@deventer.example"})
    assert page.status_code == 200 and _get(app, User, user.id) is not None
    assert client.post("/en/account/delete",
                       data={"email": "SSO@deventer.example"}).status_code == 303
    assert _get(app, User, user.id) is None


def test_the_last_admin_cannot_delete_their_account(app, client, make_user) -> None:
    admin = make_user("admin")
    login(client, admin)
    page = client.get("/en/account/delete").get_data(as_text=True)
    assert "You are the only administrator" in page
    response = client.post("/en/account/delete", data={"password": PASSWORD})
    assert response.status_code == 200 and _get(app, User, admin.id) is not None
    make_user("admin")
    assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 303
    assert _get(app, User, admin.id) is None


def test_deletion_needs_the_csrf_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        user = User(email="r@example.org", name="R", role="reader")
        from kennisbank.auth.passwords import hash_password
        user.password_hash = hash_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        detached(user)
    client = app.test_client()
    login(client, user)
    assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 400
    assert _get(app, User, user.id) is not None


# --- purges and the command line -----------------------------------------------------------

def test_purge_runs_every_registered_clean_up(app, runner) -> None:
    with app.app_context():
        db.session.add_all([
            AuditEvent(event="login", subject="old@example.org",
                       created_at=utcnow() - timedelta(days=400)),
            AuditEvent(event="login", subject="new@example.org",
                       created_at=utcnow() - timedelta(days=10)),
        ])
        db.session.commit()
    seen = []
    register_purge("test_requests", lambda now: seen.append(now) or 3)
    register_purge("test_kinds", lambda now: {"requests": 2, "messages": 0})
    try:
        result = runner.invoke("privacy", "purge")
    finally:
        unregister_purge("test_requests")
        unregister_purge("test_kinds")
    assert "test_kinds.requests: 2 removed" in result.output
    assert "test_kinds.messages: 0 removed" in result.output
    assert result.exit_code == 0, result.output
    assert "audit_events: 1 removed" in result.output
    assert "test_requests: 3 removed" in result.output and len(seen) == 1
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent.subject)).all() == ["new@example.org"]


def test_the_export_command_prints_a_persons_data(runner, make_user) -> None:
    make_user("reader", email="asked@example.org")
    result = runner.invoke("privacy", "export", "Asked@example.org")
    assert result.exit_code == 0
    assert json.loads(result.output)["sections"]["profile"]["email"] == "asked@example.org"
    assert runner.invoke("privacy", "export", "nobody@example.org").exit_code != 0


def test_deletion_runs_every_registered_forget(app, client, make_user) -> None:
    forgotten = []
    register_forget("test_mail", lambda user: forgotten.append(user.email))
    try:
        user = make_user("reader", email="gone@example.org")
        login(client, user)
        assert client.post("/en/account/delete", data={"password": PASSWORD}).status_code == 303
    finally:
        unregister_forget("test_mail")
    assert forgotten == ["gone@example.org"]
