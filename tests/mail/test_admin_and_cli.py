"""What admins and operators see: the outbox page (admins only, retry with CSRF)
and ``kennisbank mail status``; without SMTP settings the app runs and says so."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.mail import queue_mail
from kennisbank.mail.models import MailMessage
from kennisbank.models import User
from tests.conftest import PASSWORD, Runner, detached, login, make_app
from tests.mail_server import MailServer

CONTEXT = {"subject": "Hello", "body": "Secret link https://kb.example/reset/TOKEN123",
           "link": "https://kb.example/en/inbox/1", "sender": "Anna", "about": ""}


def _queue(app: Flask, *addresses: str) -> None:
    for address in addresses:
        with app.app_context():
            queue_mail(address, "message", {**CONTEXT, "subject": f"For {address}"}, lang="en")
            db.session.commit()


def _state(app: Flask, address: str) -> str:
    with app.app_context():
        return db.session.scalar(db.select(MailMessage.state).where(MailMessage.to == address))


def test_the_page_shows_each_state_with_the_reason(app: Flask, smtp_server: MailServer,
                                                    make_user) -> None:
    smtp_server.refuse("nobody@example.org")
    _queue(app, "nobody@example.org", "anna@example.org")
    smtp_server.stop()
    _queue(app, "later@example.org")
    client = app.test_client()
    login(client, make_user("admin"))
    page = client.get("/en/admin/mail").get_data(as_text=True)
    assert "Mail is not configured" not in page
    for text in ("Failed (1)", "Sent (1)", "Waiting (1)", "For nobody@example.org",
                 "The mail server refused this message.", "550 5.1.1 No such user here",
                 "cannot connect to 127.0.0.1", "Retry now"):
        assert text in page, text
    assert "TOKEN123" not in page  # the mail's text may hold a link meant for the recipient
    failed = client.get("/en/admin/mail?state=failed").get_data(as_text=True)
    assert "For nobody@example.org" in failed and "For anna@example.org" not in failed
    dutch = client.get("/nl/admin/mail").get_data(as_text=True)
    assert "De mailserver heeft dit bericht geweigerd." in dutch and "Mislukt (1)" in dutch
    assert client.get("/en/admin/mail?state=nonsense&page=x").status_code == 200


def test_retry_now_sends_a_failed_message(app: Flask, smtp_server: MailServer,
                                          make_user) -> None:
    smtp_server.refuse("nobody@example.org")
    _queue(app, "nobody@example.org")
    assert _state(app, "nobody@example.org") == "failed"
    smtp_server.refusals.clear()  # the mailbox was created
    client = app.test_client()
    login(client, make_user("admin"))
    with app.app_context():
        message_id = db.session.scalar(db.select(MailMessage.id))
    answer = client.post(f"/en/admin/mail/{message_id}/retry")
    assert answer.status_code == 303
    assert "has been sent" in client.get(answer.location).get_data(as_text=True)
    assert _state(app, "nobody@example.org") == "sent"
    assert len(smtp_server.to("nobody@example.org")) == 1
    again = client.post(f"/en/admin/mail/{message_id}/retry")  # a sent one is not resent
    assert "Only a failed message" in client.get(again.location).get_data(as_text=True)
    assert len(smtp_server.received) == 1
    assert client.post("/en/admin/mail/999/retry").status_code == 404


def test_only_admins_see_the_outbox(app: Flask, make_user) -> None:
    _queue(app, "anna@example.org")
    client = app.test_client()
    assert client.get("/en/admin/mail").status_code == 302  # to the login page
    assert client.post("/en/admin/mail/1/retry").status_code == 401
    for role in ("reader", "contributor", "editor"):
        login(client, make_user(role))
        assert client.get("/en/admin/mail").status_code == 403
        assert client.post("/en/admin/mail/1/retry").status_code == 403
    login(client, make_user("admin"))
    users = client.get("/en/admin/users").get_data(as_text=True)
    assert 'href="/en/admin/mail"' in users


def test_retry_needs_the_csrf_token(tmp_path: Path, mail_server: MailServer, make_user) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, **mail_server.settings())
    mail_server.refuse("nobody@example.org")
    _queue(app, "nobody@example.org")
    mail_server.refusals.clear()
    with app.app_context():
        admin = User(email="admin@example.org", name="Admin", role="admin", sectors=[],
                     password_hash=hash_password(PASSWORD))
        db.session.add(admin)
        db.session.commit()
        admin = detached(admin)
    client = app.test_client()
    login(client, admin)
    with app.app_context():
        message_id = db.session.scalar(db.select(MailMessage.id))
    assert client.post(f"/en/admin/mail/{message_id}/retry").status_code == 400
    assert _state(app, "nobody@example.org") == "failed"
    page = client.get("/en/admin/mail").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(f"/en/admin/mail/{message_id}/retry", data={"csrf_token": token})
    assert answer.status_code == 303
    assert _state(app, "nobody@example.org") == "sent"


def test_without_smtp_settings_the_app_runs_and_mail_waits(app: Flask, runner: Runner,
                                                           make_user) -> None:
    _queue(app, "anna@example.org", "jan@example.nl")
    client = app.test_client()
    login(client, make_user("admin"))
    for lang, notice in (("en", "Mail is not configured: messages wait in the outbox until "
                                "MAIL_SERVER is set."),
                         ("nl", "E-mail is niet ingesteld")):
        page = client.get(f"/{lang}/admin/mail")
        assert page.status_code == 200 and notice in page.get_data(as_text=True)
    status = runner.invoke("mail", "status")
    assert status.exit_code == 0
    assert "Mail is not configured" in status.output
    assert re.search(r"^pending +2$", status.output, re.MULTILINE)
    assert "Oldest pending:" in status.output
    send = runner.invoke("mail", "send-pending")
    assert send.exit_code == 1
    assert "mail is not configured: 2 message(s) wait" in send.output
    assert _state(app, "anna@example.org") == "pending"


def test_status_names_the_server_and_the_last_errors(app: Flask, smtp_server: MailServer,
                                                     runner: Runner) -> None:
    smtp_server.refuse("nobody@example.org")
    _queue(app, "nobody@example.org", "anna@example.org")
    status = runner.invoke("mail", "status")
    assert f"Mail server: 127.0.0.1:{smtp_server.port}" in status.output
    assert re.search(r"^sent +1$", status.output, re.MULTILINE)
    assert re.search(r"^failed +1$", status.output, re.MULTILINE)
    assert "(failed): RCPT TO refused: 550 5.1.1 No such user here" in status.output
    assert "Oldest pending" not in status.output
