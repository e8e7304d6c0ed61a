"""Messages: stored, shown in the recipient's inbox only, and mailed when a server is set."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default

import pytest

from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.models import Organisation, User
from kennisbank.partners.models import Message
from kennisbank.partners.organisations import add_contact
from tests.conftest import PASSWORD, login, make_app


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: greets, accepts every command, keeps each DATA."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-test")
                self.reply("250 8BITMIME")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((recipients, data))  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_server() -> Iterator[socketserver.ThreadingTCPServer]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _setup(app, make_user) -> dict[str, int]:
    """An organisation whose contact person has an account, a sender and a bystander."""
    recipient = make_user("reader", email="contact@example.org", preferred_language="en")
    sender = make_user("contributor", email="sender@example.org")
    other = make_user("reader", email="other@example.org")
    with app.app_context():
        org = Organisation(name="Stad Leuven", sector="municipality", city="Leuven", country="BE")
        db.session.add(org)
        db.session.flush()
        contact = add_contact(name="Pieter Claes", email="pieter@leuven.example",
                              user=db.session.get(User, recipient.id), organisation=org)
        db.session.commit()
        return {"org": org.id, "contact": contact.id, "recipient": recipient.id,
                "sender": sender.id, "other": other.id}


def _user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _send(client, contact_id, subject="Circulation plan", body="Can we visit in May?"):
    return client.post(f"/en/contact/{contact_id}", data={"subject": subject, "body": body})


def test_a_message_reaches_the_recipients_inbox_and_no_one_elses(app, make_user):
    ids = _setup(app, make_user)
    sender, recipient, other = (app.test_client() for _ in range(3))
    login(sender, _user(app, ids["sender"]))
    login(recipient, _user(app, ids["recipient"]))
    login(other, _user(app, ids["other"]))
    assert _send(sender, ids["contact"]).status_code == 303
    with app.app_context():
        [stored] = db.session.scalars(db.select(Message)).all()
        assert (stored.sender_id, stored.recipient_id) == (ids["sender"], ids["recipient"])
        assert stored.organisation_id == ids["org"] and stored.read_at is None
        assert stored.emailed_at is None  # no MAIL_SERVER: inbox only
        message_id = stored.id
    inbox = recipient.get("/en/inbox").get_data(as_text=True)
    assert "Circulation plan" in inbox and "(1 unread)" in inbox
    assert "Circulation plan" not in other.get("/en/inbox").get_data(as_text=True)
    assert other.get(f"/en/inbox/{message_id}").status_code == 404
    assert "Circulation plan" in sender.get("/en/inbox").get_data(as_text=True)
    shown = recipient.get(f"/en/inbox/{message_id}").get_data(as_text=True)
    assert "Can we visit in May?" in shown and "Stad Leuven" in shown
    assert "(1 unread)" not in recipient.get("/en/inbox").get_data(as_text=True)
    reply = recipient.post(f"/en/inbox/{message_id}",
                           data={"subject": "Re: Circulation plan", "body": "Yes, welcome."})
    assert reply.status_code == 303
    assert "Re: Circulation plan" in sender.get("/en/inbox").get_data(as_text=True)
    assert sender.post(f"/en/inbox/{message_id}", data={"subject": "x", "body": "y"}
                       ).status_code == 403


def test_only_logged_in_people_write_and_only_to_people_with_an_account(app, client, make_user):
    ids = _setup(app, make_user)
    assert client.get(f"/en/contact/{ids['contact']}").status_code == 302
    assert _send(client, ids["contact"]).status_code == 401
    with app.app_context():
        org = db.session.get(Organisation, ids["org"])
        without = add_contact(name="No Account", email="x@example.org", organisation=org)
        db.session.commit()
        without_id = without.id
    login(client, _user(app, ids["sender"]))
    assert client.get(f"/en/contact/{without_id}").status_code == 403
    login(client, _user(app, ids["recipient"]))
    assert client.get(f"/en/contact/{ids['contact']}").status_code == 403  # oneself
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Message.id))) == 0


def test_empty_messages_and_too_many_messages_are_refused(tmp_path):
    app = make_app(tmp_path, MESSAGES_PER_HOUR=2)
    ids = _setup(app, _factory(app))
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    empty = _send(client, ids["contact"], subject="", body=" ")
    assert empty.status_code == 200 and "This field is required." in empty.get_data(as_text=True)
    assert _send(client, ids["contact"]).status_code == 303
    assert _send(client, ids["contact"]).status_code == 303
    third = _send(client, ids["contact"])
    assert "many messages in the last hour" in third.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Message.id))) == 2


def _factory(app):
    """``make_user`` for an app made inside a test."""

    def make(role, *, email, **extra):
        with app.app_context():
            user = User(email=email, name=email.split("@")[0], role=role, sectors=[],
                        password_hash=hash_password(PASSWORD), **extra)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


def test_a_configured_mail_server_gets_a_copy(tmp_path, smtp_server):
    host, port = smtp_server.server_address
    app = make_app(tmp_path, MAIL_SERVER=host, MAIL_PORT=port, MAIL_SENDER="kb@example.org")
    ids = _setup(app, _factory(app))
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    assert _send(client, ids["contact"]).status_code == 303
    [(recipients, data)] = smtp_server.received
    assert recipients == ["contact@example.org"]
    mail = message_from_bytes(data, policy=default)
    assert mail["Subject"] == "[Kennisbank] Circulation plan"
    assert "kb@example.org" in mail["From"]
    text = mail.get_content()
    assert "Can we visit in May?" in text and "Stad Leuven" in text
    with app.app_context():
        [stored] = db.session.scalars(db.select(Message)).all()
        assert stored.emailed_at is not None
        assert f"/en/inbox/{stored.id}" in text
        assert "sender@example.org" not in text
    injected = _send(client, ids["contact"], subject="Hello\r\nBcc: victim@example.org")
    assert injected.status_code == 303
    recipients, data = smtp_server.received[1]
    assert recipients == ["contact@example.org"]
    assert message_from_bytes(data, policy=default)["Subject"] == (
        "[Kennisbank] Hello Bcc: victim@example.org")


def test_a_failing_mail_server_does_not_lose_the_message(tmp_path, monkeypatch):
    sent = []

    class Refusing:
        def __init__(self, *args, **kwargs):
            sent.append(args)
            raise ConnectionRefusedError("no server here")

    monkeypatch.setattr("smtplib.SMTP", Refusing)
    app = make_app(tmp_path, MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    ids = _setup(app, _factory(app))
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    assert _send(client, ids["contact"]).status_code == 303
    assert sent == [("127.0.0.1", 9)]
    with app.app_context():
        [stored] = db.session.scalars(db.select(Message)).all()
        assert stored.emailed_at is None
    login(client, _user(app, ids["recipient"]))
    assert "Circulation plan" in client.get("/en/inbox").get_data(as_text=True)
