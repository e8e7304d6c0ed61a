"""Messages: stored, shown in the recipient's inbox only, with a mail copy through the outbox."""

from __future__ import annotations

import re

from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.models import Organisation, User
from kennisbank.partners.models import Message
from kennisbank.partners.organisations import add_contact
from tests.conftest import PASSWORD, login, make_app
from tests.mail_server import MailServer


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
        [copy] = db.session.scalars(db.select(MailMessage)).all()  # no MAIL_SERVER: waits
        assert (copy.to, copy.state, copy.lang) == ("contact@example.org", "pending", "en")
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
    assert other.post(f"/en/inbox/{message_id}", data={"subject": "x", "body": "y"}
                      ).status_code == 404


def test_confirmation_and_sent_list_name_the_same_recipient(app, make_user):
    """The contact person's record may carry another name than the account it reaches."""
    ids = _setup(app, make_user)
    sender = app.test_client()
    login(sender, _user(app, ids["sender"]))
    form = sender.get(f"/en/contact/{ids['contact']}").get_data(as_text=True)
    assert "through the Kennisbank account of Test Reader" in form
    answer = sender.post(f"/en/contact/{ids['contact']}",
                         data={"subject": "Circulation plan", "body": "Can we visit?"},
                         follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert "Your message is sent to Test Reader." in html
    assert "Pieter Claes." not in html
    inbox = sender.get("/en/inbox").get_data(as_text=True)
    assert "<td>Test Reader</td>" in inbox


def test_a_conversation_shows_the_thread_with_times_and_goes_on_both_ways(app, make_user):
    ids = _setup(app, make_user)
    sender, recipient = app.test_client(), app.test_client()
    login(sender, _user(app, ids["sender"]))
    login(recipient, _user(app, ids["recipient"]))
    _send(sender, ids["contact"], body="Can we visit in May?")
    _send(sender, ids["contact"], subject="Another thing", body="Unrelated, about nothing.")
    with app.app_context():
        first = db.session.scalars(db.select(Message).order_by(Message.id)).first().id
        # The second message is about the same organisation: the same conversation.
        db.session.execute(db.update(Message).where(Message.id != first)
                           .values(organisation_id=None))
        db.session.commit()
    answer = recipient.post(f"/en/inbox/{first}",
                            data={"subject": "Re: Circulation plan", "body": "Yes, welcome."})
    assert answer.status_code == 303 and "#message-" in answer.location
    assert "(1 unread)" in sender.get("/en/inbox").get_data(as_text=True)
    page = sender.get(answer.location.split("#")[0]).get_data(as_text=True)
    assert "Your conversation with Test Reader" in page
    assert page.index("Can we visit in May?") < page.index("Yes, welcome.")
    assert "Unrelated, about nothing." not in page  # about nothing: another conversation
    assert re.search(r"\d{1,2}:\d{2} UTC", page)  # dates with a time
    assert "(1 unread)" not in sender.get("/en/inbox").get_data(as_text=True)
    more = sender.post(answer.location.split("#")[0],
                       data={"subject": "Re: Circulation plan", "body": "See you then."})
    assert more.status_code == 303
    dutch = recipient.get(more.location.split("#")[0].replace("/en/", "/nl/"))
    text = dutch.get_data(as_text=True)
    assert "Uw gesprek met Test Contributor" in text and "See you then." in text
    assert re.search(r"\d{1,2}:\d{2} UTC", text)
    with app.app_context():
        replies = db.session.scalars(db.select(Message).order_by(Message.id)).all()[-2:]
        assert [m.organisation_id for m in replies] == [ids["org"], ids["org"]]
        assert replies[1].reply_to_id == replies[0].id


def test_people_write_only_to_people_with_an_account(app, client, make_user):
    """Visitors get the form for people without an account (tests/access/test_outside.py)."""
    ids = _setup(app, make_user)
    visitor_form = client.get(f"/en/contact/{ids['contact']}")
    assert visitor_form.status_code == 200 and 'name="sender_organisation"' in \
        visitor_form.get_data(as_text=True)
    assert _send(client, ids["contact"]).status_code == 200  # name and address are missing
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


def test_a_configured_mail_server_gets_a_copy(tmp_path, mail_server: MailServer):
    app = make_app(tmp_path, **mail_server.settings())
    ids = _setup(app, _factory(app))
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    assert _send(client, ids["contact"]).status_code == 303
    [received] = mail_server.received
    assert received.rcpt_tos == ["contact@example.org"]
    mail = received.mail
    assert mail["Subject"] == "[Kennisbank] Circulation plan"
    assert "kennisbank@deventer.example" in mail["From"]
    text = received.part("plain")
    assert "Can we visit in May?" in text and "Stad Leuven" in text
    with app.app_context():
        [stored] = db.session.scalars(db.select(Message)).all()
        assert f"/en/inbox/{stored.id}" in text
        assert "sender@example.org" not in text
        assert db.session.scalar(db.select(MailMessage.state)) == "sent"
    injected = _send(client, ids["contact"], subject="Hello\r\nBcc: victim@example.org")
    assert injected.status_code == 303
    assert mail_server.received[1].rcpt_tos == ["contact@example.org"]
    assert mail_server.received[1].mail["Subject"] == (
        "[Kennisbank] Hello Bcc: victim@example.org")


def test_a_message_to_a_dutch_reader_is_mailed_in_dutch(tmp_path, mail_server: MailServer):
    app = make_app(tmp_path, **mail_server.settings())
    ids = _setup(app, _factory(app))
    with app.app_context():
        db.session.get(User, ids["recipient"]).preferred_language = "nl"
        db.session.commit()
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    assert _send(client, ids["contact"]).status_code == 303  # written on an English page
    [received] = mail_server.received
    assert "stuurde u een bericht op Kennisbank over Stad Leuven" in received.part("plain")
    assert "/nl/inbox/" in received.part("html")


def test_a_failing_mail_server_does_not_lose_the_message(tmp_path, mail_server: MailServer):
    mail_server.stop()
    app = make_app(tmp_path, **mail_server.settings())
    ids = _setup(app, _factory(app))
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    assert _send(client, ids["contact"]).status_code == 303
    with app.app_context():
        [copy] = db.session.scalars(db.select(MailMessage)).all()
        assert (copy.state, copy.attempts) == ("pending", 1)
        assert "cannot connect" in copy.last_error
    login(client, _user(app, ids["recipient"]))
    assert "Circulation plan" in client.get("/en/inbox").get_data(as_text=True)


def test_a_message_that_is_not_stored_is_not_mailed(tmp_path, mail_server: MailServer):
    app = make_app(tmp_path, MESSAGES_PER_HOUR=1, **mail_server.settings())
    ids = _setup(app, _factory(app))
    client = app.test_client()
    login(client, _user(app, ids["sender"]))
    assert _send(client, ids["contact"]).status_code == 303
    assert _send(client, ids["contact"]).status_code == 200  # over the hourly limit
    assert len(mail_server.received) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(MailMessage.id))) == 1
