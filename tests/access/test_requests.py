"""Requesting an account through the public pages, in both languages: confirmation by a
single-use link, the queue, approval and decline, and what a stranger can learn from it."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest

from kennisbank.access.models import AccessRequest
from kennisbank.auth.links import PURPOSE_SET_PASSWORD, EmailLink, peek_link
from kennisbank.extensions import db
from kennisbank.models import AuditEvent, Organisation, User, utcnow
from tests.access.conftest import link_in, mails, page, request_form, token_of
from tests.conftest import PASSWORD, login, make_app


def requests_in(app, state: str | None = None) -> list[AccessRequest]:
    with app.app_context():
        query = db.select(AccessRequest).order_by(AccessRequest.id)
        if state is not None:
            query = query.where(AccessRequest.state == state)
        found = list(db.session.scalars(query))
        for row in found:
            db.session.expunge(row)
        return found


def client_from(app, address: str):
    """A test client whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def submit(client, lang: str = "en", **changes):
    return client.post(f"/{lang}/request-access", data=request_form(**changes))


def confirm(app, client, email: str = "ana@sibiu.example") -> str:
    """Follow the confirmation link of the newest mail to ``email``; returns its path."""
    path = link_in(mails(app, email)[-1], "/request-access/confirm/")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    return path


# -- the form and where it is linked from ----------------------------------------------


@pytest.mark.parametrize(("lang", "heading", "label"), [
    ("en", "Request an account", "Why would you like an account?"),
    ("nl", "Account aanvragen", "Waarom wilt u een account?"),
])
def test_the_form_is_public_in_both_languages(client, lang, heading, label):
    html = page(client, f"/{lang}/request-access")
    assert f"<h1>{heading}</h1>" in html
    assert label in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html  # the honeypot


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_login_about_and_contact_blocks_link_to_it(client, contact, lang):
    target = f'href="/{lang}/request-access"'
    assert target in page(client, f"/{lang}/login")
    assert target in page(client, f"/{lang}/about")
    assert target in page(client, f"/{lang}/items/{contact['item']}")
    assert target in page(client, f"/{lang}/organisations/{contact['org']}")


# -- confirmation -----------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "subject"), [
    ("en", "Confirm your request for a Kennisbank account"),
    ("nl", "Bevestig uw aanvraag voor een account op de Kennisbank"),
])
def test_nothing_reaches_reviewers_before_the_address_is_confirmed(app, client, make_user,
                                                                   lang, subject):
    admin = make_user("admin")
    response = submit(client, lang=lang, language=lang)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{lang}/request-access/sent")
    [sent] = mails(app)
    assert sent["to"] == "ana@sibiu.example" and sent["lang"] == lang
    assert sent["subject"] == subject
    assert [r.state for r in requests_in(app)] == ["unconfirmed"]

    reviewer = app.test_client()
    login(reviewer, admin)
    assert "Ana Popescu" not in page(reviewer, "/en/admin/access-requests")
    assert "waiting" not in page(reviewer, "/en/")

    path = confirm(app, client)
    assert path.startswith(f"/{lang}/request-access/confirm/")
    assert [r.state for r in requests_in(app)] == ["pending"]
    assert "Ana Popescu" in page(reviewer, "/en/admin/access-requests")
    assert '<span class="badge">1 waiting</span>' in page(reviewer, "/en/")
    assert [m["template"] for m in mails(app, admin.email)] == ["access/request_waiting"]


def test_the_link_works_once_and_a_get_does_not_use_it(app, client):
    submit(client)
    path = link_in(mails(app)[-1], "/request-access/confirm/")
    for _ in range(3):  # mail scanners fetch links; only the POST counts
        assert client.get(path).status_code == 200
    assert client.post(path).status_code == 200
    again = client.post(path)
    assert again.status_code == 404
    assert "This link no longer works" in again.get_data(as_text=True)
    assert client.get(path).status_code == 404


def test_the_link_expires(app, client):
    submit(client)
    path = link_in(mails(app)[-1], "/request-access/confirm/")
    with app.app_context():
        link = db.session.scalars(db.select(EmailLink)).one()
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.post(path).status_code == 404
    assert [r.state for r in requests_in(app)] == ["unconfirmed"]


def test_only_the_digest_of_the_token_is_stored(app, client):
    submit(client)
    token = token_of(link_in(mails(app)[-1], "/request-access/confirm/"))
    assert len(token) >= 40
    with app.app_context():
        link = db.session.scalars(db.select(EmailLink)).one()
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        stored = [str(v) for v in (link.token_hash, link.payload, link.email)]
        assert not any(token in value for value in stored)


def test_a_guessed_or_mangled_token_does_nothing(app, client):
    submit(client)
    token = token_of(link_in(mails(app)[-1], "/request-access/confirm/"))
    for bad in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 500, "..%2f"):
        assert client.post(f"/en/request-access/confirm/{bad}").status_code == 404
    assert [r.state for r in requests_in(app)] == ["unconfirmed"]


# -- the same answer for everyone ---------------------------------------------------------


def _answer(client, email: str) -> tuple[int, str, str]:
    response = submit(client, email=email)
    location = response.headers.get("Location", "")
    return response.status_code, location, client.get(location).get_data(as_text=True)


def test_no_enumeration_new_existing_and_declined_addresses_look_alike(app, make_user):
    make_user("reader", email="known@example.org")
    admin = make_user("admin")
    # Declined from another client address, so only the e-mail address is known as declined.
    declined_client = client_from(app, "192.0.2.1")
    submit(declined_client, email="declined@example.org")
    confirm(app, declined_client, "declined@example.org")
    [pending] = requests_in(app, "pending")
    reviewer = app.test_client()
    login(reviewer, admin)
    assert reviewer.post(f"/en/admin/access-requests/{pending.id}/decline",
                         data={"reason": "Not a partner city."}).status_code == 303

    answers = {email: _answer(app.test_client(), email)
               for email in ("new@example.org", "known@example.org", "declined@example.org")}
    assert len(set(answers.values())) == 1, answers

    known = mails(app, "known@example.org")
    assert [m["template"] for m in known] == ["access/account_exists"]
    assert link_in(known[0], "/password/reset/")
    assert len(mails(app, "declined@example.org")) == 2  # confirmation and decline, no more
    emails = [r.email for r in requests_in(app)]
    assert emails.count("declined@example.org") == 1 and "known@example.org" not in emails
    assert "new@example.org" in emails
    with app.app_context():  # the declined address's stand-in work left nothing behind
        assert db.session.scalar(db.select(db.func.count(EmailLink.id))
                                 .where(EmailLink.email.like("%.invalid"))) == 0
    assert not [m for m in mails(app) if m["to"].endswith(".invalid")]


def test_a_declined_client_address_cannot_fill_the_queue(app, make_user):
    admin = make_user("admin")
    client = app.test_client()
    submit(client, email="first@example.org")
    confirm(app, client, "first@example.org")
    [pending] = requests_in(app, "pending")
    reviewer = app.test_client()
    login(reviewer, admin)
    reviewer.post(f"/en/admin/access-requests/{pending.id}/decline", data={"reason": "Spam."})
    before = len(mails(app))
    for n in range(2):
        assert submit(client, email=f"other{n}@example.org").status_code == 303
    assert len(mails(app)) == before
    assert [r.email for r in requests_in(app)] == ["first@example.org"]


def test_the_decline_period_ends(app, make_user):
    admin = make_user("admin")
    client = app.test_client()
    submit(client)
    confirm(app, client)
    [pending] = requests_in(app, "pending")
    reviewer = app.test_client()
    login(reviewer, admin)
    reviewer.post(f"/en/admin/access-requests/{pending.id}/decline", data={"reason": "Later."})
    with app.app_context():
        row = db.session.get(AccessRequest, pending.id)
        row.decided_at = utcnow() - timedelta(days=app.config["ACCESS_DECLINE_DAYS"] + 1)
        db.session.commit()
    submit(client)
    assert [r.state for r in requests_in(app)] == ["declined", "unconfirmed"]


def test_the_honeypot_gets_the_same_answer_and_leaves_nothing(app, client):
    response = submit(client, website="http://spam.example")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/request-access/sent")
    assert requests_in(app) == [] and mails(app) == []


# -- throttling and CSRF -------------------------------------------------------------------


def test_requests_are_throttled_per_email_address(tmp_path):
    app = make_app(tmp_path, ACCESS_LIMIT_EMAIL="2 per hour")
    for _ in range(2):
        assert submit(app.test_client(), email="same@example.org").status_code == 303
    refused = submit(app.test_client(), email="same@example.org")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3601
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert len(mails(app)) == 2


def test_requests_are_throttled_per_client_address(tmp_path):
    app = make_app(tmp_path, ACCESS_LIMIT_ADDRESS="3 per hour")
    client = app.test_client()
    codes = [submit(client, lang="nl", email=f"p{n}@example.org").status_code for n in range(4)]
    assert codes == [303, 303, 303, 429]
    assert "Te veel pogingen" in submit(client, lang="nl").get_data(as_text=True)
    other = client_from(app, "192.0.2.7")
    assert submit(other, email="p9@example.org").status_code == 303


def test_the_forms_need_a_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert submit(client).status_code == 400
    assert requests_in(app) == [] and mails(app) == []
    html = page(client, "/en/request-access")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    assert client.post("/en/request-access",
                       data={**request_form(), "csrf_token": token}).status_code == 303
    path = link_in(mails(app)[-1], "/request-access/confirm/")
    assert client.post(path).status_code == 400  # the confirmation POST too
    assert [r.state for r in requests_in(app)] == ["unconfirmed"]


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "This field is required."),
    ({"email": "not an address"}, "Give an email address such as name@example.org."),
    ({"organisation": "", "new_organisation": ""}, "Choose your organisation, or name it"),
    ({"organisation": "999999"}, "Choose an organisation from the list."),
    ({"sector": "space"}, "Choose a sector from the list."),
    ({"reason": "x" * 2001}, "Field cannot be longer than 2000 characters."),
])
def test_bad_input_is_explained_and_nothing_is_kept(app, client, changes, message):
    response = submit(client, **changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert requests_in(app) == [] and mails(app) == []


def test_every_problem_is_shown_at_once(app, client):
    html = submit(client, name="", organisation="", new_organisation="").get_data(as_text=True)
    assert "This field is required." in html and "Choose your organisation, or name it" in html


def test_bad_input_is_explained_in_dutch(app, client):
    html = submit(client, lang="nl", email="geen adres").get_data(as_text=True)
    assert "Geef een e-mailadres zoals naam@example.org." in html


# -- the queue and decisions -------------------------------------------------------------


def _pending(app, client, organisation_id=None, sector="municipality", email="ana@sibiu.example",
             **changes):
    if organisation_id is not None:
        changes.update(organisation=str(organisation_id), new_organisation="")
    submit(client, email=email, sector=sector, **changes)
    confirm(app, client, email)
    return requests_in(app, "pending")[-1]


def test_editors_see_and_decide_only_their_sectors_requests(app, make_user, organisation):
    school = organisation("Saxion", sector="education")
    education = _pending(app, app.test_client(), organisation_id=school, email="e@example.org")
    municipal = _pending(app, app.test_client(), sector="municipality", email="m@example.org")
    editor = app.test_client()
    login(editor, make_user("editor", sectors=["education"]))
    queue = page(editor, "/en/admin/access-requests")
    assert education.name in queue and f"/admin/access-requests/{education.id}" in queue
    assert f"/admin/access-requests/{municipal.id}" not in queue
    assert '<span class="badge">1 waiting</span>' in queue
    assert editor.get(f"/en/admin/access-requests/{municipal.id}").status_code == 404
    assert editor.post(f"/en/admin/access-requests/{municipal.id}/decline",
                       data={"reason": "No."}).status_code == 404
    assert [r.state for r in requests_in(app)] == ["pending", "pending"]

    admin = app.test_client()
    login(admin, make_user("admin"))
    assert '<span class="badge">2 waiting</span>' in page(admin, "/en/admin/access-requests")
    for role in ("reader", "contributor"):
        reader = app.test_client()
        login(reader, make_user(role))
        assert reader.get("/en/admin/access-requests").status_code == 403
        assert "badge" not in page(reader, "/en/")
    assert app.test_client().get("/en/admin/access-requests").status_code == 302


def test_editors_grant_at_most_contributor(app, make_user, organisation):
    school = organisation("Saxion", sector="education")
    pending = _pending(app, app.test_client(), organisation_id=school)
    editor = app.test_client()
    login(editor, make_user("editor", sectors=["education"]))
    refused = editor.post(f"/en/admin/access-requests/{pending.id}/approve",
                          data={"role": "admin", "organisation": str(school)})
    assert refused.status_code == 422
    assert "You may grant at most the role of contributor." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == pending.email)) is None
    assert editor.post(f"/en/admin/access-requests/{pending.id}/approve",
                       data={"role": "contributor", "organisation": str(school)}
                       ).status_code == 303
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == pending.email))
        assert (user.role, user.organisation_id) == ("contributor", school)


@pytest.mark.parametrize(("lang", "subject", "text"), [
    ("en", "Your Kennisbank account is ready", "Choose your password with this link"),
    ("nl", "Uw account op de Kennisbank staat klaar", "Kies uw wachtwoord met deze link"),
])
def test_approval_creates_the_account_and_mails_a_password_link(app, make_user, lang, subject,
                                                                 text):
    client = app.test_client()
    pending = _pending(app, client, language=lang)
    admin_user = make_user("admin")
    admin = app.test_client()
    login(admin, admin_user)
    html = page(admin, f"/en/admin/access-requests/{pending.id}")
    assert "Create “Primăria Sibiu”" in html and pending.reason in html
    response = admin.post(f"/en/admin/access-requests/{pending.id}/approve",
                          data={"role": "editor", "sectors": ["municipality"],
                                "organisation": "new"})
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "ana@sibiu.example"))
        assert (user.role, user.sectors, user.preferred_language) == (
            "editor", ["municipality"], lang)
        assert user.password_hash is None
        org = db.session.get(Organisation, user.organisation_id)
        assert (org.name, org.sector, org.city) == ("Primăria Sibiu", "municipality", "Sibiu")
        events = db.session.scalars(db.select(AuditEvent.event).order_by(AuditEvent.id)).all()
        assert "user_created" in events and "access_approved" in events
    approved = mails(app, "ana@sibiu.example")[-1]
    assert approved["subject"] == subject and text in approved["text"]
    token = token_of(link_in(approved, "password"))
    with app.app_context():
        assert peek_link(PURPOSE_SET_PASSWORD, token) is not None
    assert client.post("/en/login", data={"email": "ana@sibiu.example",
                                          "password": PASSWORD}).status_code == 200
    assert [r.state for r in requests_in(app)] == ["approved"]
    assert "badge" not in page(admin, "/en/")


@pytest.mark.parametrize(("lang", "subject"), [
    ("en", "Your request for a Kennisbank account"),
    ("nl", "Uw aanvraag voor een account op de Kennisbank"),
])
def test_a_declined_requester_is_told_why_and_cannot_log_in(app, make_user, lang, subject):
    client = app.test_client()
    pending = _pending(app, client, language=lang)
    admin = app.test_client()
    login(admin, make_user("admin"))
    empty = admin.post(f"/en/admin/access-requests/{pending.id}/decline", data={"reason": " "})
    assert empty.status_code == 422
    assert admin.post(f"/en/admin/access-requests/{pending.id}/decline",
                      data={"reason": "Only partner cities."}).status_code == 303
    declined = mails(app, "ana@sibiu.example")[-1]
    assert declined["subject"] == subject and "Only partner cities." in declined["text"]
    assert declined["lang"] == lang
    for password in (PASSWORD, "", "Only partner cities."):
        response = client.post("/en/login", data={"email": "ana@sibiu.example",
                                                  "password": password})
        assert response.status_code == 200
    assert client.get("/en/account").status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == pending.email)) is None
    assert admin.post(f"/en/admin/access-requests/{pending.id}/approve",
                      data={"role": "reader", "organisation": ""}).status_code == 404


def test_a_newer_confirmed_request_replaces_the_waiting_one(app):
    client = app.test_client()
    _pending(app, client, city="Sibiu")
    _pending(app, client, city="Cluj")
    assert [r.city for r in requests_in(app)] == ["Cluj"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_please_log_in_page_offers_an_account_too(tmp_path, lang):
    app = make_app(tmp_path, PUBLIC=False)
    response = app.test_client().post(f"/{lang}/contact/1")
    assert response.status_code == 401
    assert f'href="/{lang}/request-access"' in response.get_data(as_text=True)


def test_no_enumeration_by_the_work_an_answer_costs(tmp_path, monkeypatch):
    """New, existing and declined addresses cost the same work, so the answer's time
    does not tell them apart: each issues one single-use link (its token digested and
    stored) and renders one mail, and all get the same page. Counted, not timed."""
    from kennisbank.access import accounts, service

    app = make_app(tmp_path, ACCESS_LIMIT_ADDRESS="1000 per hour",
                   ACCESS_LIMIT_EMAIL="1000 per hour")
    with app.app_context():
        db.session.add(User(email="known@example.org", name="Known", role="reader"))
        db.session.add(AccessRequest(name="D", email="declined@example.org", state="declined",
                                     decided_at=utcnow()))
        db.session.commit()
    work: list[str] = []

    def counted(module, name: str, kind: str) -> None:
        original = getattr(module, name)

        def spy(*args, **kwargs):
            work.append(kind)
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)

    counted(service, "issue_link", "link")
    counted(accounts, "issue_link", "link")
    counted(service, "queue_mail", "mail")
    client = app.test_client()
    answers = {}
    for email in ("new@example.org", "known@example.org", "declined@example.org"):
        work.clear()
        response = submit(client, email=email)
        assert response.status_code == 303
        answers[email] = (sorted(work), response.location)
    assert answers["new@example.org"] == (["link", "mail"], answers["new@example.org"][1])
    assert answers["known@example.org"] == answers["new@example.org"]
    assert answers["declined@example.org"] == answers["new@example.org"]


def test_confirmation_pages_are_private_and_throttled(tmp_path):
    app = make_app(tmp_path, ACCESS_LINK_LIMIT_ADDRESS="3 per hour")
    client = app.test_client()
    submit(client)
    path = link_in(mails(app)[-1], "/request-access/confirm/")
    shown = client.get(path)
    assert shown.headers["Referrer-Policy"] == "no-referrer"
    assert shown.headers["Cache-Control"] == "no-store"
    guesses = [client.post(f"/en/request-access/confirm/guess{n}").status_code for n in range(3)]
    assert guesses == [404, 404, 404]
    assert client.post(path).status_code == 429  # the real link waits too
    assert [r.state for r in requests_in(app)] == ["unconfirmed"]


def test_a_declined_requester_is_refused_single_sign_on_and_the_data_download_has_requests(
        tmp_path):
    """The access feature takes part in single sign-on's refusals and in the privacy
    registries (``kennisbank.access.init_app``)."""
    from kennisbank.auth.sso_accounts import refused
    from kennisbank.privacy import export_sections

    app = make_app(tmp_path)
    with app.app_context():
        user = User(email="member@example.org", name="Member", role="reader")
        db.session.add_all([
            user,
            AccessRequest(name="D", email="declined@example.org", state="declined",
                          decided_at=utcnow()),
            AccessRequest(name="Old", email="long-ago@example.org", state="declined",
                          decided_at=utcnow() - timedelta(days=400)),
        ])
        db.session.commit()
        assert refused("declined@example.org")
        assert not refused("long-ago@example.org")
        assert not refused("someone@example.org")
        sections = export_sections(user)
        assert "access" in sections and "mail" in sections
