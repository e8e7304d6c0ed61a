"""Invitations: from the admin pages and the CLI, accepted through the mailed link."""

from __future__ import annotations

import pytest

from kennisbank.auth.invitations import Invitation
from kennisbank.extensions import db
from kennisbank.models import Organisation, User
from tests.accountmail import events, link_in, outbox, shifted_clock
from tests.conftest import login

NEW = "a brand new passphrase"


@pytest.fixture
def orgs(app):
    """Two organisations, in the education and culture sectors: ids by sector."""
    with app.app_context():
        school = Organisation(name="Saxion", sector="education", city="Deventer", country="NL")
        theatre = Organisation(name="Theater Sibiu", sector="culture", city="Sibiu",
                               country="RO")
        db.session.add_all([school, theatre])
        db.session.commit()
        return {"education": school.id, "culture": theatre.id}


def invite(client, email, lang="en", **fields):
    data = {"email": email, "role": "contributor", "organisation": "0", "language": "en",
            "name": "", **fields}
    return client.post(f"/{lang}/admin/invitations/new", data=data)


def accept(client, path, name="Ana Popescu", password=NEW, confirm=None):
    return client.post(path, data={"name": name, "password": password,
                                   "confirm": confirm or password})


def invitation(app, email):
    with app.app_context():
        found = db.session.execute(db.select(Invitation).where(Invitation.email == email)
                                   .order_by(Invitation.id.desc())).scalars().first()
        return found.state, found.role, found.organisation_id, found.user_id


@pytest.mark.parametrize("lang,subject,button", [
    ("en", "You are invited to Kennisbank", "Create my account"),
    ("nl", "U bent uitgenodigd voor de Kennisbank", "Mijn account aanmaken"),
])
def test_invitation_to_account_to_logged_in(app, make_user, orgs, lang, subject, button):
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin)
    sent = invite(client, "Ana@Example.org", lang=lang, language=lang, name="Ana",
                  role="editor", sectors=["culture"], organisation=str(orgs["culture"]))
    assert sent.status_code == 303 and sent.location == f"/{lang}/admin/invitations"
    [mail] = outbox(app, "ana@example.org")
    assert mail.lang == lang and mail.subject == subject
    assert admin.name in mail.text and "Theater Sibiu" in mail.text and "7" in mail.text
    assert {"en": "Editor", "nl": "Redacteur"}[lang] in mail.text
    path = link_in(mail)
    assert path.startswith(f"/{lang}/invitation/")

    person = app.test_client()
    page = person.get(path)
    assert page.status_code == 200 and button in page.get_data(as_text=True)
    assert 'value="Ana"' in page.get_data(as_text=True), "the inviter's name is proposed"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    done = accept(person, path)
    assert done.status_code == 303 and done.location == f"/{lang}/"
    assert person.get(f"/{lang}/account").status_code == 200
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == "ana@example.org")
                                  ).scalar_one()
        assert (user.name, user.role, user.sectors, user.organisation_id,
                user.preferred_language) == ("Ana Popescu", "editor", ["culture"],
                                             orgs["culture"], lang)
    assert invitation(app, "ana@example.org")[0] == "accepted"
    assert person.get(path).status_code == 404, "the link works once"
    listed = client.get(f"/{lang}/admin/invitations").get_data(as_text=True)
    assert {"en": "accepted", "nl": "aangenomen"}[lang] in listed
    assert [e.subject for e in events(app, "invitation_accepted")] == ["ana@example.org"]
    assert [e.user_id for e in events(app, "invitation_sent")] == [admin.id]


def test_states_resend_and_revoke(app, make_user, monkeypatch):
    clock = shifted_clock(monkeypatch)
    client = app.test_client()
    login(client, make_user("admin"))
    invite(client, "late@example.org")
    invite(client, "gone@example.org")
    late = db_id(app, "late@example.org")
    gone = db_id(app, "gone@example.org")
    first_link = link_in(outbox(app, "late@example.org")[0])
    assert client.post(f"/en/admin/invitations/{gone}/revoke").status_code == 303
    assert invitation(app, "gone@example.org")[0] == "revoked"
    assert [e.subject for e in events(app, "invitation_revoked")] == ["gone@example.org"]
    assert app.test_client().get(link_in(outbox(app, "gone@example.org")[0])).status_code == 404

    clock.shift(days=7, minutes=1)
    assert invitation(app, "late@example.org")[0] == "expired"
    page = client.get("/en/admin/invitations").get_data(as_text=True)
    assert "expired" in page and "revoked" in page
    assert app.test_client().get(first_link).status_code == 404

    assert client.post(f"/en/admin/invitations/{late}/resend").status_code == 303
    assert invitation(app, "late@example.org")[0] == "pending"
    second_link = link_in(outbox(app, "late@example.org")[1])
    assert second_link != first_link
    assert app.test_client().get(first_link).status_code == 404
    assert accept(app.test_client(), second_link).status_code == 303
    again = client.post(f"/en/admin/invitations/{late}/resend", follow_redirects=True)
    assert "was accepted or revoked" in again.get_data(as_text=True)
    assert len(outbox(app, "late@example.org")) == 2


def db_id(app, email):
    with app.app_context():
        return db.session.execute(db.select(Invitation.id).where(Invitation.email == email)
                                  ).scalar_one()


def test_resend_kills_the_old_link(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    invite(client, "x@example.org")
    client.post(f"/en/admin/invitations/{db_id(app, 'x@example.org')}/resend")
    old, new = (link_in(mail) for mail in outbox(app, "x@example.org"))
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_an_address_with_an_account_gets_a_clear_error(app, make_user):
    make_user("reader", email="taken@example.org")
    client = app.test_client()
    login(client, make_user("admin"))
    answer = invite(client, "Taken@example.org")
    assert answer.status_code == 200
    assert "An account with this email address exists already." in answer.get_data(as_text=True)
    nl = invite(client, "taken@example.org", lang="nl")
    assert "Er bestaat al een account met dit e-mailadres." in nl.get_data(as_text=True)
    assert outbox(app) == []


def test_bad_input_is_refused_and_nothing_is_sent(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    answer = invite(client, "not an address", role="editor", sectors=[])
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert 'id="email-error"' in html and "An editor needs at least one sector." in html
    assert invite(client, "a@example.org", role="overlord").status_code == 200
    assert invite(client, "a@example.org", organisation="999").status_code == 200
    assert outbox(app) == []


def test_editors_invite_readers_and_contributors_of_their_sectors_only(app, make_user, orgs):
    editor = make_user("editor", sectors=["education"])
    client = app.test_client()
    login(client, editor)
    form = client.get("/en/admin/invitations/new").get_data(as_text=True)
    assert "Saxion" in form and "Theater Sibiu" not in form
    assert 'value="admin"' not in form and 'value="editor"' not in form
    assert invite(client, "e1@example.org", role="admin",
                  organisation=str(orgs["education"])).status_code == 200
    assert invite(client, "e2@example.org", organisation=str(orgs["culture"])).status_code == 200
    assert invite(client, "e3@example.org").status_code == 200, "an organisation is needed"
    assert outbox(app) == []
    assert invite(client, "e4@example.org", role="reader",
                  organisation=str(orgs["education"])).status_code == 303
    assert [m.to for m in outbox(app)] == ["e4@example.org"]

    admin = app.test_client()
    login(admin, make_user("admin"))
    invite(admin, "culture@example.org", organisation=str(orgs["culture"]))
    listed = client.get("/en/admin/invitations").get_data(as_text=True)
    assert "e4@example.org" in listed and "culture@example.org" not in listed
    other = db_id(app, "culture@example.org")
    assert client.post(f"/en/admin/invitations/{other}/revoke").status_code == 404
    assert invitation(app, "culture@example.org")[0] == "pending"


@pytest.mark.parametrize("role,status", [(None, 401), ("reader", 403), ("contributor", 403)])
def test_others_may_not_invite(app, make_user, role, status):
    client = app.test_client()
    if role:
        login(client, make_user(role))
    assert client.get("/en/admin/invitations").status_code == status
    assert invite(client, "x@example.org").status_code == status
    assert outbox(app) == []


def test_a_deactivated_account_cannot_accept(app, make_user):
    """An invitation whose address got an account that was then closed opens nothing."""
    client = app.test_client()
    login(client, make_user("admin"))
    invite(client, "closed@example.org")
    path = link_in(outbox(app)[0])
    with app.app_context():
        db.session.add(User(email="closed@example.org", name="C", role="reader", active=False))
        db.session.commit()
    person = app.test_client()
    answer = accept(person, path)
    assert answer.status_code == 404
    assert "An account with this email address exists already." in answer.get_data(as_text=True)
    assert person.get("/en/account").status_code == 401
    with app.app_context():
        closed = db.session.execute(db.select(User).where(User.email == "closed@example.org")
                                    ).scalar_one()
        assert closed.password_hash is None and not closed.active


def test_a_pending_account_is_activated_by_accepting(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    invite(client, "pending@example.org", role="reader")
    with app.app_context():
        db.session.add(User(email="pending@example.org", name="P", role="contributor"))
        db.session.commit()
    person = app.test_client()
    assert accept(person, link_in(outbox(app)[0]), name="Pia").status_code == 303
    assert person.get("/en/account").status_code == 200
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == "pending@example.org")
                                  ).scalar_one()
        assert user.name == "Pia" and user.role == "reader" and user.password_hash


def test_accept_errors_keep_the_link_and_next_stays_local(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    invite(client, "n@example.org")
    path = link_in(outbox(app)[0])
    person = app.test_client()
    weak = accept(person, path, password="short")
    assert weak.status_code == 200 and 'id="password-error"' in weak.get_data(as_text=True)
    nameless = accept(person, path, name="   ")
    assert 'id="name-error"' in nameless.get_data(as_text=True)
    done = person.post(path + "?next=https://evil.example/",
                       data={"name": "N", "password": NEW, "confirm": NEW})
    assert done.status_code == 303 and done.location == "/en/"


def test_accepting_while_logged_in_as_someone_else_switches(app, make_user):
    client = app.test_client()
    login(client, make_user("admin"))
    invite(client, "switch@example.org")
    path = link_in(outbox(app)[0])
    other = app.test_client()
    login(other, make_user("reader"))
    accept(other, path)
    page = other.get("/en/account").get_data(as_text=True)
    assert "switch@example.org" in page


# -- command line ------------------------------------------------------------------------


def test_cli_invite(app, runner, orgs):
    app.config["BASE_URL"] = "https://kennisbank.example.org"
    result = runner.invoke("users", "invite", "Cli@Example.org", "--role", "editor",
                           "--sector", "education", "--organisation", "saxion",
                           "--name", "Cor", "--lang", "nl")
    assert result.exit_code == 0, result.output
    assert "Invited cli@example.org as editor" in result.output
    [mail] = outbox(app, "cli@example.org")
    assert mail.lang == "nl" and "https://kennisbank.example.org/nl/invitation/" in mail.text
    state, role, organisation, _user = invitation(app, "cli@example.org")
    assert (state, role, organisation) == ("pending", "editor", orgs["education"])
    [event] = events(app, "invitation_sent")
    assert event.address == "cli" and event.user_id is None
    listed = runner.invoke("users", "invitations")
    assert listed.exit_code == 0 and "cli@example.org" in listed.output
    assert "editor" in listed.output and "pending" in listed.output


def test_cli_invite_refusals(app, runner, make_user, orgs):
    make_user("reader", email="has@example.org")
    app.config["BASE_URL"] = "https://kennisbank.example.org"
    taken = runner.invoke("users", "invite", "has@example.org")
    assert taken.exit_code == 1 and "exists already" in taken.output
    org = runner.invoke("users", "invite", "x@example.org", "--organisation", "Nowhere")
    assert org.exit_code == 2 and "no organisation named" in org.output
    sector = runner.invoke("users", "invite", "x@example.org", "--sector", "space")
    assert sector.exit_code == 2 and "unknown sector" in sector.output
    del app.config["BASE_URL"]
    nobase = runner.invoke("users", "invite", "x@example.org")
    assert nobase.exit_code == 1 and "KENNISBANK_BASE_URL" in nobase.output
    assert outbox(app) == []
