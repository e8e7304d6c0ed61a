"""A person's own settings (name, language, message copies, e-mail address) and an
admin's edits of someone's account; every change in the audit log."""

from __future__ import annotations

import re

import pytest

from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.models import Organisation, User
from kennisbank.partners.organisations import add_contact
from tests.accountmail import events, link_in, outbox, shifted_clock
from tests.conftest import PASSWORD, login


def user_row(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


@pytest.mark.parametrize("lang,saved", [("en", "Your settings have been saved."),
                                        ("nl", "Uw instellingen zijn opgeslagen.")])
def test_profile_changes_name_language_and_copies(app, make_user, lang, saved):
    user = make_user("reader", preferred_language=lang)
    client = app.test_client()
    login(client, user)
    form = client.get(f"/{lang}/account/profile").get_data(as_text=True)
    assert f'value="{user.name}"' in form and "checked" in form, "copies are on by default"
    other = "en" if lang == "nl" else "nl"
    answer = client.post(f"/{lang}/account/profile",
                         data={"name": "  Ana   Popescu ", "language": other})
    assert answer.status_code == 303 and answer.location == f"/{other}/account"
    changed = user_row(app, user.id)
    assert (changed.name, changed.preferred_language, changed.notify_messages) == (
        "Ana Popescu", other, False)
    [event] = events(app, "profile_changed")
    assert event.user_id == user.id and sorted(event.details["fields"]) == [
        "name", "notify_messages", "preferred_language"]
    page = client.get(answer.location, follow_redirects=True).get_data(as_text=True)
    assert {"en": "Your settings have been saved.",
            "nl": "Uw instellingen zijn opgeslagen."}[other] in page, "said in the new language"
    assert saved not in page


def test_profile_refuses_bad_input(app, make_user):
    user = make_user("reader")
    client = app.test_client()
    login(client, user)
    empty = client.post("/en/account/profile", data={"name": " ", "language": "en",
                                                     "notify_messages": "y"})
    assert empty.status_code == 200 and 'id="name-error"' in empty.get_data(as_text=True)
    klingon = client.post("/en/account/profile", data={"name": "X", "language": "tlh"})
    assert klingon.status_code == 200 and 'id="language-error"' in klingon.get_data(as_text=True)
    assert user_row(app, user.id).name == user.name
    assert events(app, "profile_changed") == []
    assert app.test_client().get("/en/account/profile").status_code == 401


def test_message_copies_follow_the_setting(app, make_user):
    recipient = make_user("reader", email="contact@example.org")
    sender = make_user("contributor")
    with app.app_context():
        org = Organisation(name="Stad Leuven", sector="municipality", city="Leuven",
                           country="BE")
        db.session.add(org)
        db.session.flush()
        contact = add_contact(name="P", email="p@leuven.example", organisation=org,
                              user=db.session.get(User, recipient.id))
        db.session.commit()
        contact_id = contact.id
    own = app.test_client()
    login(own, recipient)
    own.post("/en/account/profile", data={"name": "R", "language": "en"})
    writer = app.test_client()
    login(writer, sender)
    assert writer.post(f"/en/contact/{contact_id}",
                       data={"subject": "Visit", "body": "May?"}).status_code == 303
    assert outbox(app, "contact@example.org") == []
    own.post("/en/account/profile", data={"name": "R", "language": "en", "notify_messages": "y"})
    writer.post(f"/en/contact/{contact_id}", data={"subject": "Visit 2", "body": "June?"})
    assert [m.template for m in outbox(app, "contact@example.org")] == ["message"]


@pytest.mark.parametrize("lang,subject,told", [
    ("en", "Confirm your new email address for Kennisbank",
     "Your Kennisbank account has a new email address"),
    ("nl", "Bevestig uw nieuwe e-mailadres voor de Kennisbank",
     "Uw Kennisbank-account heeft een nieuw e-mailadres"),
])
def test_email_changes_only_when_the_new_address_confirms(app, make_user, lang, subject, told):
    user = make_user("reader", email="old@example.org", preferred_language=lang)
    client = app.test_client()
    login(client, user)
    asked = client.post(f"/{lang}/account/email",
                        data={"new_email": "New@Example.org", "current_password": PASSWORD})
    assert asked.status_code == 303
    assert user_row(app, user.id).email == "old@example.org", "nothing changes yet"
    [mail] = outbox(app)
    assert mail.to == "new@example.org" and mail.subject == subject and mail.lang == lang
    assert "old@example.org" in mail.text
    path = link_in(mail)
    page = app.test_client().get(path)
    assert page.status_code == 200 and "new@example.org" in page.get_data(as_text=True)
    assert user_row(app, user.id).email == "old@example.org", "showing the page changes nothing"
    done = client.post(path)
    assert done.status_code == 303 and done.location == f"/{lang}/account"
    assert user_row(app, user.id).email == "new@example.org"
    [notice] = outbox(app, "old@example.org")
    assert notice.subject == told and "new@example.org" in notice.text
    assert client.post(path).status_code == 404, "the link works once"
    assert client.post("/en/login", data={"email": "new@example.org",
                                          "password": PASSWORD}).status_code in (303, 302)
    assert [e.event for e in events(app, "email_change_requested")] == ["email_change_requested"]
    [changed] = events(app, "email_changed")
    assert changed.subject == "old@example.org" and changed.details["new_email"] == \
        "new@example.org"


def test_email_change_needs_the_current_password(app, make_user):
    user = make_user("reader")
    client = app.test_client()
    login(client, user)
    wrong = client.post("/en/account/email", data={"new_email": "n@example.org",
                                                   "current_password": "not it at all"})
    assert "This is not your current password." in wrong.get_data(as_text=True)
    same = client.post("/en/account/email", data={"new_email": user.email,
                                                  "current_password": PASSWORD})
    assert "This is your current email address." in same.get_data(as_text=True)
    bad = client.post("/en/account/email", data={"new_email": "no-at-sign",
                                                 "current_password": PASSWORD})
    assert 'id="new_email-error"' in bad.get_data(as_text=True)
    assert outbox(app) == []


def test_email_change_does_not_reveal_other_accounts(app, make_user):
    make_user("reader", email="taken@example.org")
    user = make_user("reader")
    client = app.test_client()
    login(client, user)
    answers = []
    for address in ("taken@example.org", "free@example.org"):
        answer = client.post("/en/account/email", data={"new_email": address,
                                                        "current_password": PASSWORD},
                             follow_redirects=True)
        page = answer.get_data(as_text=True).replace(address, "ADDRESS")
        # CSRF tokens carry a timestamp: two answers a second apart differ only there.
        answers.append(re.sub(r'name="csrf_token" value="[^"]*"', "CSRF", page))
    assert answers[0] == answers[1]
    assert [m.to for m in outbox(app)] == ["free@example.org"]


def test_email_link_expires_and_a_taken_address_is_refused_on_confirmation(app, make_user,
                                                                          monkeypatch):
    clock = shifted_clock(monkeypatch)
    user = make_user("reader", preferred_language="en")
    client = app.test_client()
    login(client, user)
    client.post("/en/account/email", data={"new_email": "later@example.org",
                                           "current_password": PASSWORD})
    path = link_in(outbox(app)[0])
    clock.shift(hours=25)
    assert client.post(path).status_code == 404
    clock.shift(hours=-25)
    client.post("/en/account/email", data={"new_email": "later@example.org",
                                           "current_password": PASSWORD})
    fresh = link_in(outbox(app)[1])
    assert client.get(path).status_code == 404, "the newer link replaced it"
    make_user("reader", email="later@example.org")
    refused = client.post(fresh)
    assert refused.status_code == 404
    assert "exists already" in refused.get_data(as_text=True)
    assert user_row(app, user.id).email == user.email


# -- admins ------------------------------------------------------------------------------


@pytest.fixture
def org_id(app):
    with app.app_context():
        org = Organisation(name="Saxion", sector="education")
        db.session.add(org)
        db.session.commit()
        return org.id


def test_admin_edits_name_email_role_sectors_and_organisation(app, make_user, org_id):
    admin = make_user("admin")
    user = make_user("reader", email="before@example.org", preferred_language="en")
    client = app.test_client()
    login(client, admin)
    form = client.get(f"/en/admin/users/{user.id}").get_data(as_text=True)
    assert 'value="before@example.org"' in form and "Saxion" in form
    answer = client.post(f"/en/admin/users/{user.id}", data={
        "name": "Nieuwe Naam", "email": "after@example.org", "role": "editor",
        "sectors": ["education"], "organisation": str(org_id)})
    assert answer.status_code == 303
    changed = user_row(app, user.id)
    assert (changed.name, changed.email, changed.role, changed.sectors,
            changed.organisation_id) == ("Nieuwe Naam", "after@example.org", "editor",
                                         ["education"], org_id)
    [notice] = outbox(app, "before@example.org")
    assert "An administrator changed" in notice.text and "after@example.org" in notice.text
    for name in ("profile_changed", "email_changed", "role_changed", "organisation_changed"):
        assert [e.user_id for e in events(app, name)] == [admin.id], name


def test_admin_edit_refuses_bad_input_and_changes_nothing(app, make_user):
    admin = make_user("admin")
    make_user("reader", email="taken@example.org")
    user = make_user("reader")
    client = app.test_client()
    login(client, admin)
    answer = client.post(f"/en/admin/users/{user.id}", data={
        "name": "Changed", "email": "taken@example.org", "role": "reader", "organisation": "0"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "exists already" in html
    assert user_row(app, user.id).name == user.name
    own = client.post(f"/en/admin/users/{admin.id}", data={
        "name": "A", "email": admin.email, "role": "reader", "organisation": "0"})
    assert "You cannot change your own role." in own.get_data(as_text=True)
    assert client.post(f"/en/admin/users/{user.id}", data={
        "name": "X", "email": "x@example.org", "role": "reader",
        "organisation": "12345"}).status_code == 200
    assert outbox(app) == []
    with app.app_context():
        assert db.session.query(MailMessage).count() == 0


def test_only_admins_edit_accounts(app, make_user):
    user = make_user("reader")
    editor = app.test_client()
    login(editor, make_user("editor", sectors=["education"]))
    assert editor.post(f"/en/admin/users/{user.id}", data={
        "name": "X", "email": "x@example.org", "role": "reader",
        "organisation": "0"}).status_code == 403
    assert user_row(app, user.id).name == user.name
