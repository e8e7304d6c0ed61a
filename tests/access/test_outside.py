"""Writing to a contact person without an account: the message waits for the sender to
confirm their address, then reaches the inbox and the recipient's mail; replies go out by
mail, and nobody sees the other's address unless they share it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from kennisbank.access.models import OutsideMessage
from kennisbank.auth.links import EmailLink
from kennisbank.extensions import db
from kennisbank.models import Organisation, User, utcnow
from kennisbank.partners.models import Message
from kennisbank.partners.organisations import add_contact
from tests.access.conftest import link_in, mails, page
from tests.conftest import login, make_app

SENDER = "jonas@tartu.example"
MESSAGE = {"name": "Jonas Tamm", "email": SENDER, "sender_organisation": "Tartu City",
           "subject": "Bicycle streets", "body": "How did residents react?\nThanks!",
           "website": ""}


def write(client, contact_id: int, lang: str = "en", **changes):
    return client.post(f"/{lang}/contact/{contact_id}", data={**MESSAGE, **changes})


def inbox_messages(app) -> list[Message]:
    with app.app_context():
        found = list(db.session.scalars(db.select(Message).order_by(Message.id)))
        for row in found:
            db.session.expunge(row)
        return found


def recipient_client(app, contact):
    client = app.test_client()
    with app.app_context():
        login(client, db.session.get(User, contact["recipient"]))
    return client


def confirm_path(app, email: str = SENDER) -> str:
    return link_in(mails(app, email)[-1], "/contact/confirm/")


@pytest.mark.parametrize(("lang", "label", "link"), [
    ("en", "Your organisation", "Send Marieke Jansen a message"),
    ("nl", "Uw organisatie", "Stuur Marieke Jansen een bericht"),
])
def test_visitors_find_the_form_on_practice_and_organisation_pages(client, contact, lang, label,
                                                                   link):
    for path, key in ((f"/{lang}/items/{contact['item']}", "item_contact"),
                      (f"/{lang}/organisations/{contact['org']}", "org_contact")):
        html = page(client, path)
        assert link in html and f'href="/{lang}/contact/{contact[key]}"' in html
        assert "marieke@deventer.example" not in html
        form = page(client, f"/{lang}/contact/{contact[key]}")
        assert label in form and 'name="website"' in form


@pytest.mark.parametrize(("lang", "subject"), [
    ("en", "Confirm your message to Marieke Jansen"),
    ("nl", "Bevestig uw bericht aan Marieke Jansen"),
])
def test_the_message_waits_for_confirmation_then_reaches_inbox_and_mail(app, client, contact,
                                                                        lang, subject):
    response = write(client, contact["item_contact"], lang=lang)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{lang}/contact/sent")
    [confirmation] = mails(app)
    assert (confirmation["to"], confirmation["subject"], confirmation["lang"]) == (
        SENDER, subject, lang)
    assert inbox_messages(app) == []
    recipient = recipient_client(app, contact)
    assert "Bicycle streets" not in page(recipient, "/en/inbox")

    path = confirm_path(app)
    assert client.get(path).status_code == 200 and inbox_messages(app) == []
    done = client.post(path)
    assert done.status_code == 200
    [message] = inbox_messages(app)
    assert (message.sender_id, message.recipient_id, message.item_id) == (
        None, contact["recipient"], contact["item"])
    inbox = page(recipient, "/en/inbox")
    assert "Bicycle streets" in inbox and "Jonas Tamm (Tartu City)" in inbox
    [notice] = mails(app, "marieke@deventer.example")
    assert notice["lang"] == "nl"  # the recipient's language, whatever the sender's
    assert "How did residents react?" in notice["text"]
    assert SENDER not in notice["text"] and SENDER not in notice["html"]
    shown = page(recipient, f"/en/inbox/{message.id}")
    assert "Jonas Tamm" in shown and SENDER not in shown
    assert client.post(path).status_code == 404  # single use


def test_a_shared_address_is_shown_to_the_recipient(app, client, contact):
    write(client, contact["org_contact"], share_email="y")
    client.post(confirm_path(app))
    [message] = inbox_messages(app)
    assert message.organisation_id == contact["org"]
    assert SENDER in page(recipient_client(app, contact), f"/en/inbox/{message.id}")
    assert SENDER in mails(app, "marieke@deventer.example")[0]["text"]


def test_one_confirmation_delivers_every_waiting_message_of_the_address(app, client, contact):
    write(client, contact["item_contact"], subject="First")
    write(client, contact["org_contact"], subject="Second")
    client.post(confirm_path(app))
    assert sorted(m.subject for m in inbox_messages(app)) == ["First", "Second"]


def test_replies_go_by_mail_with_the_address_hidden_unless_shared(app, client, contact):
    write(client, contact["item_contact"], lang="nl")
    client.post(confirm_path(app))
    [message] = inbox_messages(app)
    recipient = recipient_client(app, contact)
    form = page(recipient, f"/en/inbox/{message.id}")
    assert "Re: Bicycle streets" in form and "Share my email address with them" in form
    response = recipient.post(f"/en/inbox/{message.id}",
                              data={"subject": "Re: Bicycle streets", "body": "Very well."})
    assert response.status_code == 303
    [reply] = [m for m in mails(app, SENDER) if m["template"] == "access/outside_reply"]
    assert reply["lang"] == "nl" and "Very well." in reply["text"]
    assert "marieke@deventer.example" not in reply["text"] + reply["html"]
    assert "/nl/contact/" in reply["text"]  # a way to write again
    recipient.post(f"/en/inbox/{message.id}",
                   data={"subject": "Re: Bicycle streets", "body": "Call me.",
                         "share_email": "y"})
    shared = mails(app, SENDER)[-1]
    assert "marieke@deventer.example" in shared["text"]
    assert "Your replies by email" in page(recipient, f"/en/inbox/{message.id}")


def test_only_the_recipient_replies(app, client, contact, make_user):
    write(client, contact["item_contact"])
    client.post(confirm_path(app))
    [message] = inbox_messages(app)
    stranger = app.test_client()
    login(stranger, make_user("admin"))
    assert stranger.post(f"/en/inbox/{message.id}",
                         data={"subject": "x", "body": "y"}).status_code == 404
    assert [m["template"] for m in mails(app, SENDER)] == ["access/confirm_message"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"email": "nope"}, "Give an email address such as name@example.org."),
    ({"name": ""}, "This field is required."),
    ({"sender_organisation": ""}, "This field is required."),
    ({"body": "x" * 5001}, "Field cannot be longer than 5000 characters."),
])
def test_bad_input_is_explained_and_nothing_is_kept(app, client, contact, changes, message):
    response = write(client, contact["item_contact"], **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(OutsideMessage.id))) == 0
    assert mails(app) == []


def _contacts(app) -> tuple[int, int]:
    """A contact person with an account and one without."""
    with app.app_context():
        user = User(email="r@example.org", name="R", role="reader")
        org = Organisation(name="Org")
        db.session.add_all([user, org])
        db.session.flush()
        reachable = add_contact(name="R", user=user, organisation=org).id
        unreachable = add_contact(name="No account", email="x@example.org", organisation=org).id
        db.session.commit()
    return reachable, unreachable


def test_honeypot_throttle_and_unreachable_contacts(tmp_path):
    app = make_app(tmp_path, CONTACT_LIMIT_EMAIL="2 per hour")
    reachable, unreachable = _contacts(app)
    client = app.test_client()
    trapped = write(client, reachable, website="spam")
    assert trapped.status_code == 303 and trapped.headers["Location"].endswith("/en/contact/sent")
    assert mails(app) == []
    assert client.get(f"/en/contact/{unreachable}").status_code == 403
    assert write(client, reachable).status_code == 303
    assert write(client, reachable).status_code == 429  # the honeypot one counted too
    assert len(mails(app)) == 1


def test_the_contact_form_needs_a_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    contact_id, _ = _contacts(app)
    client = app.test_client()
    assert write(client, contact_id).status_code == 400
    html = page(client, f"/en/contact/{contact_id}")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post(f"/en/contact/{contact_id}",
                       data={**MESSAGE, "csrf_token": token}).status_code == 303


def test_an_expired_link_delivers_nothing(app, client, contact):
    write(client, contact["item_contact"])
    with app.app_context():
        link = db.session.scalars(db.select(EmailLink)).one()
        link.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert client.post(confirm_path(app)).status_code == 404
    assert inbox_messages(app) == []


def test_logged_in_people_still_write_from_their_account(app, contact, make_user):
    sender = app.test_client()
    login(sender, make_user("reader", email="colleague@example.org"))
    html = page(sender, f"/en/contact/{contact['item_contact']}")
    assert 'name="website"' not in html and 'name="subject"' in html
    assert sender.post(f"/en/contact/{contact['item_contact']}",
                       data={"subject": "Hello", "body": "From an account"}).status_code == 303
    [message] = inbox_messages(app)
    assert message.sender_id is not None


def test_on_a_private_site_visitors_log_in_first(tmp_path):
    app = make_app(tmp_path, PUBLIC=False)
    contact_id, _ = _contacts(app)
    client = app.test_client()
    response = client.get(f"/en/contact/{contact_id}")
    assert response.status_code == 302 and "/en/login" in response.headers["Location"]
    assert write(client, contact_id).status_code == 401
    assert mails(app) == []


def test_both_mails_travel_through_a_real_smtp_server(app, client, contact, smtp_server):
    write(client, contact["item_contact"], lang="nl")
    [confirmation] = smtp_server.to(SENDER)
    assert confirmation.mail["Subject"] == "Bevestig uw bericht aan Marieke Jansen"
    url = next(u for u in re.findall(r"https?://\S+", confirmation.part("plain"))
               if "/contact/confirm/" in u)
    assert client.post(re.sub(r"^https?://[^/]+", "", url)).status_code == 200
    [copy] = smtp_server.to("marieke@deventer.example")
    assert "How did residents react?" in copy.part("plain")
    assert SENDER not in copy.data.decode("utf-8", "replace")
