"""Logging in and out, passwords, API tokens, remember-me, and user management."""

from __future__ import annotations

import pytest

from kennisbank.auth import accounts
from kennisbank.extensions import db
from kennisbank.models import ApiToken, AuditEvent, User
from tests.conftest import PASSWORD, login


def post_login(client, email, password, *, remember=False, next_url=None):
    url = "/en/login" + (f"?next={next_url}" if next_url is not None else "")
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post(url, data=data)


def events(app, name):
    with app.app_context():
        return db.session.execute(
            db.select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)
        ).scalars().all()


def test_login_page_is_an_accessible_form(client):
    html = client.get("/en/login").get_data(as_text=True)
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    assert 'name="remember"' in html and 'type="email"' in html


def test_login_logs_in_and_follows_a_local_next(client, make_user, make_item):
    user = make_user("contributor")
    draft = make_item(owner=user, status="draft")
    response = post_login(client, user.email.upper(), PASSWORD, next_url=f"/en/items/{draft.id}")
    assert response.status_code == 303
    assert response.location == f"/en/items/{draft.id}"
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "http://evil.example/x", "/\\evil.example",
    "\\\\evil", "javascript:alert(1)", "%2F%2Fevil", "/%2F%2Fevil.example", "/%2f%5cevil",
    "/%252F%252Fevil", "/\t/evil.example", " //evil.example", "/ /evil.example",
    "%09//evil.example", "/%09/evil.example", "https:evil.example", "\x00/evil",
])
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user("reader")
    response = client.post("/en/login", query_string={"next": target},
                           data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    assert response.location == "/en/"


def test_next_is_honoured_when_already_logged_in_only_if_local(client, make_user):
    login(client, make_user("reader"))
    assert client.get("/en/login?next=/en/account").location == "/en/account"
    assert client.get("/en/login?next=//evil.example").location == "/en/"


def test_login_errors_do_not_reveal_whether_the_email_exists(app, client, make_user,
                                                            monkeypatch):
    """Unknown email, wrong password and deactivated account: same page, same work."""
    make_user("reader", email="known@example.org")
    make_user("reader", email="gone@example.org", active=False)
    checked = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password",
                        lambda stored, given: checked.append(stored) or real(stored, given))
    pages = []
    for email, password in [("nobody@example.org", PASSWORD), ("known@example.org", "wrong-pass-1"),
                            ("gone@example.org", PASSWORD)]:
        response = post_login(client, email, password)
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True).replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]
    assert "The email address or password is incorrect" in pages[0]
    assert len(checked) == 3 and all(stored.startswith("scrypt:") for stored in checked)
    assert client.get("/en/account").status_code == 401
    assert [e.subject for e in events(app, "login_failed")] == [
        "nobody@example.org", "known@example.org", "gone@example.org"]


def test_empty_login_form_shows_errors_next_to_the_fields(client):
    html = client.post("/en/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'id="email-error"' in html and 'aria-describedby="email-error"' in html
    assert 'id="password-error"' in html and 'aria-invalid="true"' in html


def test_logout_is_a_post_and_is_audited(app, client, make_user):
    user = make_user("reader")
    post_login(client, user.email, PASSWORD)
    assert client.get("/en/logout").status_code == 405
    assert client.get("/en/account").status_code == 200
    response = client.post("/en/logout")
    assert response.status_code == 303
    assert client.get("/en/account").status_code == 401
    assert [e.user_id for e in events(app, "login")] == [user.id]
    assert [e.user_id for e in events(app, "logout")] == [user.id]


def test_header_shows_login_or_the_person_with_a_logout_form(client, make_user):
    html = client.get("/en/").get_data(as_text=True)
    assert 'href="/en/login?next=/en/"' in html
    admin = make_user("admin")
    login(client, admin)
    html = client.get("/en/").get_data(as_text=True)
    assert admin.name in html and 'action="/en/logout"' in html
    assert 'href="/en/account"' in html and 'href="/en/admin/users"' in html
    assert 'href="/en/account/tokens"' in html


def test_password_change(app, make_user):
    user = make_user("contributor")
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        post_login(client, user.email, PASSWORD)
    wrong = here.post("/en/account/password", data={
        "current_password": "not-my-password", "new_password": "a new long secret",
        "confirm": "a new long secret"})
    assert "This is not your current password." in wrong.get_data(as_text=True)
    weak = here.post("/en/account/password", data={
        "current_password": PASSWORD, "new_password": "short", "confirm": "short"})
    assert 'id="new_password-error"' in weak.get_data(as_text=True)
    response = here.post("/en/account/password", data={
        "current_password": PASSWORD, "new_password": "a new long secret",
        "confirm": "a new long secret"})
    assert response.status_code == 303
    assert here.get("/en/account").status_code == 200
    assert elsewhere.get("/en/account").status_code == 401
    fresh = app.test_client()
    assert post_login(fresh, user.email, PASSWORD).status_code == 200
    assert post_login(fresh, user.email, "a new long secret").status_code == 303
    assert len(events(app, "password_changed")) == 1


def test_token_page_shows_a_new_token_once_and_it_works(app, client, make_user, make_item):
    editor = make_user("editor", sectors=["municipality"])
    item = make_item(owner=editor, status="draft")
    login(client, editor)
    created = client.post("/en/account/tokens", data={"name": "my script"})
    html = created.get_data(as_text=True)
    token = html.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert token.startswith("kb_") and created.headers["Cache-Control"] == "no-store"
    listing = client.get("/en/account/tokens").get_data(as_text=True)
    assert token not in listing and token[:10] in listing and "my script" in listing
    api = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}
    assert api.get(f"/api/v1/items/{item.id}/revisions", headers=auth).status_code == 200
    with app.app_context():
        token_id = db.session.execute(db.select(ApiToken.id)).scalar_one()
    assert client.post(f"/en/account/tokens/{token_id}/revoke").status_code == 303
    assert api.get(f"/api/v1/items/{item.id}/revisions", headers=auth).status_code == 401
    assert [e.subject for e in events(app, "token_created")] == [token[:10]]
    assert [e.subject for e in events(app, "token_revoked")] == [token[:10]]


def test_nobody_revokes_someone_elses_token(app, client, make_user):
    owner, other = make_user("reader"), make_user("reader")
    with app.app_context():
        accounts.issue_token(db.session.get(User, owner.id), "x")
        db.session.commit()
        token_id = db.session.execute(db.select(ApiToken.id)).scalar_one()
    login(client, other)
    assert client.post(f"/en/account/tokens/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_remember_me_cookie_logs_in_until_deactivation(app, make_user):
    user = make_user("reader")
    browser = app.test_client()
    post_login(browser, user.email, PASSWORD, remember=True)
    remember = browser.get_cookie("remember_token")
    assert remember is not None and remember.http_only and remember.same_site == "Lax"
    returning = app.test_client()
    returning.set_cookie("remember_token", remember.value)
    assert returning.get("/en/account").status_code == 200
    with app.app_context():
        accounts.deactivate(db.session.get(User, user.id))
        accounts.reactivate(db.session.get(User, user.id))
        db.session.commit()
    later = app.test_client()
    later.set_cookie("remember_token", remember.value)
    assert later.get("/en/account").status_code == 401


def test_deactivation_stops_sessions_and_tokens_at_once(app, make_user, make_item):
    admin = make_user("admin")
    editor = make_user("editor", sectors=["municipality"])
    item = make_item(owner=editor, status="draft")
    with app.app_context():
        token = accounts.issue_token(db.session.get(User, editor.id), "sync")
        db.session.commit()
    session_client, api = app.test_client(), app.test_client()
    post_login(session_client, editor.email, PASSWORD)
    auth = {"Authorization": f"Bearer {token}"}
    assert session_client.get("/en/account").status_code == 200
    assert api.get(f"/api/v1/items/{item.id}/revisions", headers=auth).status_code == 200

    admin_client = app.test_client()
    login(admin_client, admin)
    assert admin_client.post(f"/en/admin/users/{editor.id}/deactivate").status_code == 303

    assert session_client.get("/en/account").status_code == 401
    assert api.get(f"/api/v1/items/{item.id}/revisions", headers=auth).status_code == 401
    assert post_login(app.test_client(), editor.email, PASSWORD).status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(ApiToken.revoked_at)).scalar_one() is not None
    assert [e.subject for e in events(app, "user_deactivated")] == [editor.email]


def test_admin_creates_users_and_changes_roles(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    form = {"name": "Anna", "email": "Anna@Example.org", "role": "editor",
            "sectors": ["education"], "language": "en", "password": "blue harbour window seven"}
    assert client.post("/en/admin/users/new", data=form).status_code == 303
    with app.app_context():
        anna = db.session.execute(
            db.select(User).where(User.email == "anna@example.org")).scalar_one()
        assert (anna.role, anna.sectors, anna.preferred_language) == ("editor", ["education"], "en")
        anna_id = anna.id
    again = client.post("/en/admin/users/new", data=form).get_data(as_text=True)
    assert "exists already" in again and 'id="email-error"' in again

    details = {"name": "Anna", "email": "anna@example.org", "organisation": "0"}
    no_sector = client.post(f"/en/admin/users/{anna_id}", data={**details, "role": "editor"})
    assert "An editor needs at least one sector." in no_sector.get_data(as_text=True)
    response = client.post(f"/en/admin/users/{anna_id}",
                           data={**details, "role": "contributor"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, anna_id).role == "contributor"
    [change] = events(app, "role_changed")
    assert change.user_id == admin.id
    assert change.details["old_role"] == "editor" and change.details["new_role"] == "contributor"


def test_admin_cannot_lock_themselves_out(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    client.post(f"/en/admin/users/{admin.id}/deactivate")
    client.post(f"/en/admin/users/{admin.id}", data={
        "role": "reader", "name": admin.name, "email": admin.email, "organisation": "0"})
    with app.app_context():
        me = db.session.get(User, admin.id)
        assert me.active and me.role == "admin"


def test_cli_set_role_deactivate_and_revoke(app, runner, make_user):
    user = make_user("contributor", email="cli@example.org")
    result = runner.invoke("users", "set-role", "cli@example.org", "editor", "--sector", "culture")
    assert result.exit_code == 0 and "editor" in result.output
    result = runner.invoke("tokens", "create", "cli@example.org", "--name", "nightly")
    token = result.output.strip().splitlines()[-1]
    listing = runner.invoke("tokens", "list", "cli@example.org").output
    assert token[:10] in listing and token not in listing
    assert runner.invoke("tokens", "revoke", token[:10]).exit_code == 0
    assert app.test_client().get(
        "/api/v1/items/1/revisions", headers={"Authorization": f"Bearer {token}"}
    ).status_code == 401
    assert runner.invoke("users", "deactivate", "cli@example.org").exit_code == 0
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert (stored.role, stored.sectors, stored.active) == ("editor", ["culture"], False)
        assert stored.session_version == 1
    assert events(app, "user_deactivated")[0].address == "cli"


def test_cli_refuses_bad_role_changes(runner, make_user):
    make_user("reader", email="r@example.org")
    result = runner.invoke("users", "set-role", "r@example.org", "editor")
    assert result.exit_code != 0 and "at least one sector" in result.output
    assert runner.invoke("users", "set-role", "r@example.org", "reader",
                         "--sector", "culture").exit_code != 0
    assert runner.invoke("users", "deactivate", "nobody@example.org").exit_code != 0


def test_a_password_typed_as_email_is_not_audited(app, client):
    post_login(client, "my secret sentence", "x")
    post_login(client, "someone@example.org", "x")
    assert [e.subject for e in events(app, "login_failed")] == ["", "someone@example.org"]
