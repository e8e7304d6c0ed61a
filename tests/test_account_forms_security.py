"""Every new account form refuses a post without its CSRF token and changes nothing;
the link pages are throttled, so tokens cannot be tried in bulk."""

from __future__ import annotations

import re
from datetime import timedelta

from kennisbank.auth.invitations import Invitation, invite
from kennisbank.auth.links import (
    PURPOSE_EMAIL_CHANGE,
    PURPOSE_RESET,
    PURPOSE_SET_PASSWORD,
    issue_link,
)
from kennisbank.auth.passwords import hash_password
from kennisbank.extensions import db
from kennisbank.models import User
from tests.accountmail import events, outbox
from tests.conftest import PASSWORD, make_app

HOUR = timedelta(hours=1)


def csrf_token(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def test_new_account_forms_refuse_posts_without_a_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.test_request_context():
        admin = User(email="admin@example.org", name="Admin", role="admin",
                     password_hash=hash_password(PASSWORD))
        person = User(email="p@example.org", name="P", role="reader",
                      password_hash=hash_password(PASSWORD))
        fresh = User(email="fresh@example.org", name="F", role="reader")
        db.session.add_all([admin, person, fresh])
        db.session.flush()
        tokens = {
            "reset": issue_link(PURPOSE_RESET, user=person, ttl=HOUR),
            "choose": issue_link(PURPOSE_SET_PASSWORD, user=fresh, ttl=HOUR),
            "email": issue_link(PURPOSE_EMAIL_CHANGE, user=person, email="n@example.org",
                                payload={"email": "n@example.org"},
                                ttl=HOUR),
        }
        invitation = invite(email="inv@example.org", role="reader", by=admin)
        db.session.commit()
        ids = {"admin": admin.id, "person": person.id, "invitation": invitation.id}
    invitation_token = outbox(app, "inv@example.org")[0].text.split("/invitation/")[1].split()[0]

    logged_in = app.test_client()
    token = csrf_token(logged_in, "/en/login")
    assert logged_in.post("/en/login", data={"email": "admin@example.org", "password": PASSWORD,
                                             "csrf_token": token}).status_code == 303
    anonymous = app.test_client()
    new_password = {"password": "a fine new passphrase", "confirm": "a fine new passphrase"}
    refused = [
        anonymous.post("/en/password/forgot", data={"email": "p@example.org"}),
        anonymous.post(f"/en/password/reset/{tokens['reset']}", data=new_password),
        anonymous.post(f"/en/password/choose/{tokens['choose']}", data=new_password),
        anonymous.post(f"/en/invitation/{invitation_token}", data={"name": "I", **new_password}),
        anonymous.post(f"/en/account/email/confirm/{tokens['email']}"),
        logged_in.post("/en/account/profile", data={"name": "Hacked", "language": "en"}),
        logged_in.post("/en/account/email", data={"new_email": "evil@example.org",
                                                  "current_password": PASSWORD}),
        logged_in.post(f"/en/admin/users/{ids['person']}", data={
            "name": "Hacked", "email": "evil@example.org", "role": "reader",
            "organisation": "0"}),
        logged_in.post(f"/en/admin/users/{ids['person']}/reset-password"),
        logged_in.post("/en/admin/invitations/new", data={
            "email": "evil@example.org", "role": "admin", "organisation": "0",
            "language": "en"}),
        logged_in.post(f"/en/admin/invitations/{ids['invitation']}/resend"),
        logged_in.post(f"/en/admin/invitations/{ids['invitation']}/revoke"),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)
    with app.app_context():
        names = {u.email: u.name for u in db.session.execute(db.select(User)).scalars()}
        assert names == {"admin@example.org": "Admin", "p@example.org": "P",
                         "fresh@example.org": "F"}
        assert db.session.get(User, ids["person"]).password_hash is not None
        assert db.session.get(Invitation, ids["invitation"]).state == "pending"
    assert len(outbox(app)) == 1, "only the invitation made above"
    assert events(app, "password_changed") == []

    form = csrf_token(anonymous, f"/en/password/reset/{tokens['reset']}")
    done = anonymous.post(f"/en/password/reset/{tokens['reset']}",
                          data={**new_password, "csrf_token": form})
    assert done.status_code == 303
    form = csrf_token(anonymous, f"/en/account/email/confirm/{tokens['email']}")
    assert anonymous.post(f"/en/account/email/confirm/{tokens['email']}",
                          data={"csrf_token": form}).status_code == 303


def test_guessing_link_tokens_is_throttled(tmp_path):
    app = make_app(tmp_path, ACCOUNT_FORM_LIMIT_ADDRESS="5 per hour")
    guesser = app.test_client()
    answers = [guesser.post(f"/en/password/reset/guess{n}", data={"password": "x"},
                            environ_base={"REMOTE_ADDR": "192.0.2.50"}).status_code
               for n in range(6)]
    assert answers == [404] * 5 + [429]
    for path in ("/en/invitation/guess", "/en/password/choose/guess",
                 "/en/account/email/confirm/guess"):
        codes = [guesser.post(path, environ_base={"REMOTE_ADDR": "192.0.2.51"}).status_code
                 for _ in range(6)]
        assert codes[-1] == 429, path
    other = app.test_client()
    assert other.post("/en/password/reset/guess", data={"password": "x"},
                      environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 404
