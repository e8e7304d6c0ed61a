"""Password reset by mail, a first password by mail, and ``users set-password``.

Through the public surfaces: the login page, the forgot page, the link in the
queued mail (the ``MailMessage`` outbox, and a real SMTP server once), the CLI.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kennisbank.auth import reset
from kennisbank.auth.links import PURPOSE_RESET, EmailLink
from kennisbank.extensions import db
from kennisbank.mail.models import MailMessage
from kennisbank.models import User
from tests.accountmail import events, link_in, outbox, shifted_clock
from tests.conftest import PASSWORD, login, make_app

NEW = "a brand new passphrase"


def post_login(client, email, password, **extra):
    return client.post("/en/login", data={"email": email, "password": password, **extra})


def ask_reset(client, email, lang="en", **environ):
    return client.post(f"/{lang}/password/forgot", data={"email": email},
                       environ_base=environ)


def reset_to(client, path, password=NEW, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_login_page_offers_a_reset_that_keeps_only_a_local_next(client, lang):
    html = client.get(f"/{lang}/login?next=/{lang}/account").get_data(as_text=True)
    label = {"en": "Forgot your password?", "nl": "Wachtwoord vergeten?"}[lang]
    assert f'<a href="/{lang}/password/forgot?next=/{lang}/account">{label}</a>' in html
    html = client.get(f"/{lang}/login?next=//evil.example").get_data(as_text=True)
    assert f'<a href="/{lang}/password/forgot">{label}</a>' in html
    forgot = client.get(f"/{lang}/password/forgot?next=https://evil.example/x")
    assert f'<a href="/{lang}/login">' in forgot.get_data(as_text=True)
    kept = client.get(f"/{lang}/password/forgot?next=/{lang}/browse").get_data(as_text=True)
    assert f'<a href="/{lang}/login?next=/{lang}/browse">' in kept


@pytest.mark.parametrize("lang,subject,heading", [
    ("en", "Choose a new password for Kennisbank", "Choose a new password"),
    ("nl", "Kies een nieuw wachtwoord voor de Kennisbank", "Kies een nieuw wachtwoord"),
])
def test_reset_by_mail_then_log_in_with_the_new_password(app, client, make_user, lang,
                                                         subject, heading):
    user = make_user("contributor", preferred_language=lang)
    answer = ask_reset(client, user.email.upper(), lang=lang)
    assert answer.status_code == 200
    [mail] = outbox(app, user.email)
    assert mail.lang == lang and mail.subject == subject
    assert user.name in mail.text and "60" in mail.text
    path = link_in(mail)
    assert path.startswith(f"/{lang}/password/reset/")
    page = client.get(path)
    assert page.status_code == 200 and heading in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    done = reset_to(client, path)
    assert done.status_code == 303 and done.location == f"/{lang}/login"
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 200
    assert post_login(app.test_client(), user.email, NEW).status_code == 303
    assert [e.details["how"] for e in events(app, "password_changed")] == ["reset"]


def test_the_link_works_once(app, client, make_user):
    user = make_user("reader")
    ask_reset(client, user.email)
    path = link_in(outbox(app)[0])
    assert reset_to(client, path).status_code == 303
    assert client.get(path).status_code == 404
    assert reset_to(client, path, password="yet another passphrase").status_code == 404
    assert post_login(app.test_client(), user.email, NEW).status_code == 303


def test_a_refused_password_does_not_use_up_the_link(app, client, make_user):
    user = make_user("reader")
    ask_reset(client, user.email)
    path = link_in(outbox(app)[0])
    weak = reset_to(client, path, password="short")
    assert weak.status_code == 200 and 'id="password-error"' in weak.get_data(as_text=True)
    differ = reset_to(client, path, password=NEW, confirm=NEW + "!")
    assert 'id="confirm-error"' in differ.get_data(as_text=True)
    assert reset_to(client, path).status_code == 303


def test_the_link_expires_within_the_hour(app, client, make_user, monkeypatch):
    clock = shifted_clock(monkeypatch)
    user = make_user("reader")
    ask_reset(client, user.email)
    path = link_in(outbox(app)[0])
    clock.shift(minutes=59)
    assert client.get(path).status_code == 200
    clock.shift(minutes=2)
    assert client.get(path).status_code == 404
    assert reset_to(client, path).status_code == 404
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 303


def test_the_lifetime_is_a_setting_of_at_most_an_hour(tmp_path, monkeypatch):
    from kennisbank.config import ConfigError

    with pytest.raises(ConfigError, match="PASSWORD_RESET_MINUTES"):
        make_app(tmp_path, PASSWORD_RESET_MINUTES=120)
    app = make_app(tmp_path, PASSWORD_RESET_MINUTES=15)
    clock = shifted_clock(monkeypatch)
    with app.app_context():
        db.session.add(User(email="s@example.org", name="S", role="reader"))
        db.session.commit()
    client = app.test_client()
    assert "15 minutes" in ask_reset(client, "s@example.org").get_data(as_text=True)
    path = link_in(outbox(app)[0])
    clock.shift(minutes=16)
    assert client.get(path).status_code == 404


def test_a_new_request_kills_the_older_link(app, client, make_user):
    user = make_user("reader")
    ask_reset(client, user.email)
    ask_reset(client, user.email)
    first, second = (link_in(mail) for mail in outbox(app))
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_a_password_change_kills_the_link(app, client, make_user):
    user = make_user("reader")
    ask_reset(client, user.email)
    path = link_in(outbox(app)[0])
    own = app.test_client()
    login(own, user)
    assert own.post("/en/account/password", data={
        "current_password": PASSWORD, "new_password": "changed the usual way",
        "confirm": "changed the usual way"}).status_code == 303
    assert client.get(path).status_code == 404


def test_the_token_is_not_in_the_database(app, client, make_user):
    user = make_user("reader")
    ask_reset(client, user.email)
    token = link_in(outbox(app)[0]).rsplit("/", 1)[1]
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(sa.select(EmailLink.__table__)).all()
    assert len(rows) == 1 and token not in repr(rows)


def test_same_answer_and_same_work_for_known_unknown_and_deactivated(app, make_user,
                                                                    monkeypatch):
    make_user("reader", email="known@example.org")
    make_user("reader", email="gone@example.org", active=False)
    rendered: list[str] = []
    real_queue = reset.queue_mail
    monkeypatch.setattr(reset, "queue_mail", lambda to, template, *a, **k:
                        rendered.append(template) or real_queue(to, template, *a, **k))
    pages = []
    for email in ("known@example.org", "nobody@example.org", "gone@example.org"):
        answer = ask_reset(app.test_client(), email)
        assert answer.status_code == 200
        pages.append(answer.get_data(as_text=True).replace(email, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]
    assert "If an active account uses this address" in pages[0]
    assert rendered == ["account/password_reset"] * 3, "every address costs the same rendering"
    assert [m.to for m in outbox(app)] == ["known@example.org"]
    assert [e.subject for e in events(app, "password_reset_requested")] == [
        "known@example.org", "nobody@example.org", "gone@example.org"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(EmailLink.id))) == 1


def test_a_deactivated_account_cannot_reset_its_way_in(app, client, make_user):
    user = make_user("reader")
    ask_reset(client, user.email)
    path = link_in(outbox(app)[0])
    admin = app.test_client()
    login(admin, make_user("admin"))
    assert admin.post(f"/en/admin/users/{user.id}/deactivate").status_code == 303
    assert client.get(path).status_code == 404
    assert reset_to(client, path).status_code == 404
    with app.app_context():
        link = db.session.execute(sa.select(EmailLink)).scalar_one()
        link.revoked_at = None  # even a link that escaped revocation leads nowhere
        db.session.commit()
    assert reset_to(client, path).status_code == 404
    ask_reset(client, user.email)
    assert len(outbox(app)) == 1
    assert post_login(app.test_client(), user.email, NEW).status_code == 200


def test_a_reset_ends_every_session_and_remember_me_cookie(app, make_user):
    user = make_user("reader")
    here, remembered = app.test_client(), app.test_client()
    post_login(here, user.email, PASSWORD)
    post_login(remembered, user.email, PASSWORD, remember="y")
    cookie = remembered.get_cookie("remember_token")
    assert cookie is not None
    returning = app.test_client()
    returning.set_cookie("remember_token", cookie.value)
    assert returning.get("/en/account").status_code == 200
    stranger = app.test_client()
    ask_reset(stranger, user.email)
    assert reset_to(stranger, link_in(outbox(app)[0])).status_code == 303
    assert here.get("/en/account").status_code == 401
    later = app.test_client()
    later.set_cookie("remember_token", cookie.value)
    assert later.get("/en/account").status_code == 401


def test_requests_are_throttled_per_typed_address_and_per_client(tmp_path):
    app = make_app(tmp_path, RESET_LIMIT_ACCOUNT="2 per hour", RESET_LIMIT_ADDRESS="4 per hour")
    client = app.test_client()
    codes = [ask_reset(client, "Target@example.org", REMOTE_ADDR=f"10.0.0.{n}").status_code
             for n in range(3)]
    assert codes == [200, 200, 429], "per typed address, whoever asks"
    spray = [ask_reset(client, f"p{n}@example.org", REMOTE_ADDR="192.0.2.9").status_code
             for n in range(5)]
    assert spray == [200] * 4 + [429], "per client address, whatever it types"
    blocked = ask_reset(client, "p9@example.org", REMOTE_ADDR="192.0.2.9")
    assert int(blocked.headers["Retry-After"]) > 0
    assert ask_reset(client, "other@example.org", REMOTE_ADDR="198.51.100.3").status_code == 200


def test_admin_sends_a_reset_link(app, make_user):
    user = make_user("editor", sectors=["education"], preferred_language="en")
    admin = make_user("admin")
    client = app.test_client()
    login(client, admin)
    page = client.get(f"/en/admin/users/{user.id}").get_data(as_text=True)
    assert "Send a password reset link" in page
    answer = client.post(f"/en/admin/users/{user.id}/reset-password")
    assert answer.status_code == 303
    [mail] = outbox(app, user.email)
    assert mail.subject == "Choose a new password for Kennisbank"
    [event] = events(app, "password_reset_requested")
    assert event.user_id == admin.id and event.subject == user.email
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 303, \
        "the old password works until the link is used"
    other = app.test_client()
    login(other, make_user("editor", sectors=["education"]))
    assert other.post(f"/en/admin/users/{user.id}/reset-password").status_code == 403
    assert len(outbox(app)) == 1


def test_a_first_password_link_logs_in(app, client, make_user):
    """The page an approved access request leads to (``send_set_password_link``)."""
    with app.test_request_context():
        user = User(email="new@example.org", name="Nieuw", role="reader",
                    preferred_language="nl")
        db.session.add(user)
        db.session.flush()
        url = reset.send_set_password_link(user)
        db.session.commit()
    [mail] = outbox(app, "new@example.org")
    assert mail.subject == "Kies uw wachtwoord voor de Kennisbank"
    path = link_in(mail)
    assert url.endswith(path) and path.startswith("/nl/password/choose/")
    assert "Kies uw wachtwoord" in client.get(path).get_data(as_text=True)
    assert client.get(path + "x").status_code == 404
    done = client.post(path + "?next=//evil.example", data={"password": NEW, "confirm": NEW})
    assert done.status_code == 303 and done.location == "/nl/"
    assert client.get("/nl/account").status_code == 200
    assert client.get(path).status_code == 404
    assert post_login(app.test_client(), "new@example.org", NEW).status_code == 303
    with app.app_context(), pytest.raises(ValueError):
        reset.send_set_password_link(db.session.get(User, 1), purpose="invitation")


def test_a_first_password_link_follows_a_local_next(app, client):
    with app.test_request_context():
        user = User(email="n2@example.org", name="N", role="reader", preferred_language="en")
        db.session.add(user)
        db.session.flush()
        reset.send_set_password_link(user)
        db.session.commit()
    path = link_in(outbox(app)[0])
    done = client.post(path + "?next=/en/account", data={"password": NEW, "confirm": NEW})
    assert done.location == "/en/account"


def test_reset_mail_reaches_a_real_smtp_server(app, client, make_user, smtp_server):
    user = make_user("reader", preferred_language="en")
    ask_reset(client, user.email)
    [received] = smtp_server.to(user.email)
    assert received.mail["Subject"] == "Choose a new password for Kennisbank"
    path = link_in(outbox(app)[0])
    assert path in received.part("plain") and path in received.part("html")
    assert outbox(app)[0].state == "sent"


# -- command line ------------------------------------------------------------------------


def test_cli_set_password_from_stdin_ends_sessions(app, runner, make_user):
    user = make_user("reader")
    session = app.test_client()
    post_login(session, user.email, PASSWORD)
    result = runner.invoke("users", "set-password", user.email.upper(), "--password-stdin",
                           input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert "sessions have ended" in result.output
    assert session.get("/en/account").status_code == 401
    assert post_login(app.test_client(), user.email, NEW).status_code == 303
    [event] = events(app, "password_changed")
    assert event.address == "cli" and event.details["how"] == "cli"


def test_cli_set_password_prompts_twice(app, runner, make_user):
    user = make_user("reader")
    differ = runner.invoke("users", "set-password", user.email,
                           input=f"{NEW}\nsomething else entirely\n{NEW}\n{NEW}\n")
    assert differ.exit_code == 0, differ.output
    assert "Repeat for confirmation" in differ.output and "do not match" in differ.output
    assert post_login(app.test_client(), user.email, NEW).status_code == 303


def test_cli_set_password_refusals(app, runner, make_user):
    user = make_user("reader")
    weak = runner.invoke("users", "set-password", user.email, "--password-stdin", input="short\n")
    assert weak.exit_code == 1 and "password refused" in weak.output
    unknown = runner.invoke("users", "set-password", "nobody@example.org", "--password-stdin",
                            input=NEW + "\n")
    assert unknown.exit_code == 1 and "no user" in unknown.output
    gone = make_user("reader", active=False)
    closed = runner.invoke("users", "set-password", gone.email, "--password-stdin",
                           input=NEW + "\n")
    assert closed.exit_code == 1 and "deactivated" in closed.output
    assert post_login(app.test_client(), user.email, PASSWORD).status_code == 303
    with app.app_context():
        assert db.session.get(User, user.id).session_version == 0
        assert reset.PURPOSE_RESET == PURPOSE_RESET


def test_base_url_decides_the_links_not_the_host_header(tmp_path):
    """A forged ``Host`` must not send someone's reset token to another site."""
    app = make_app(tmp_path, BASE_URL="https://kennisbank.example.org")
    with app.app_context():
        db.session.add(User(email="v@example.org", name="V", role="reader",
                            preferred_language="en"))
        db.session.commit()
    client = app.test_client()
    client.post("/en/password/forgot", data={"email": "v@example.org"},
                headers={"Host": "evil.example"})
    [mail] = outbox(app)
    assert "https://kennisbank.example.org/en/password/reset/" in mail.text
    assert "evil.example/en/password" not in mail.text + mail.html


def test_an_unknown_address_costs_the_same_work_as_a_known_one(tmp_path, monkeypatch):
    """What would make the answer's time tell a known address from an unknown one is
    work done for one and not the other: both render the same mail (the unknown one's
    is discarded unsent), digest a fresh token and write the same audit event, and
    both answer with the same page. Compared by the work done, not by a stopwatch."""
    from kennisbank.auth import audit

    app = make_app(tmp_path, RESET_LIMIT_ACCOUNT="1000 per hour",
                   RESET_LIMIT_ADDRESS="1000 per hour")
    with app.app_context():
        db.session.add(User(email="known@example.org", name="K", role="reader"))
        db.session.commit()
    work: list[tuple[str, str]] = []
    queue_mail, record = reset.queue_mail, audit.record

    def rendered(to, template, context, **kwargs):
        work.append(("mail", template))
        return queue_mail(to, template, context, **kwargs)

    def recorded(event, **kwargs):
        work.append(("audit", event))
        return record(event, **kwargs)

    monkeypatch.setattr(reset, "queue_mail", rendered)
    monkeypatch.setattr(audit, "record", recorded)
    client = app.test_client()
    answers = {}
    for email in ("known@example.org", "unknown@example.org"):
        work.clear()
        response = ask_reset(client, email)
        assert response.status_code == 200
        answers[email] = (list(work), response.get_data(as_text=True).replace(email, "EMAIL"))
    assert answers["known@example.org"][0] == [("mail", "account/password_reset"),
                                              ("audit", "password_reset_requested")]
    assert answers["unknown@example.org"] == answers["known@example.org"]
    with app.app_context():  # and only the known address's mail was kept
        assert [m.to for m in db.session.scalars(db.select(MailMessage))] == ["known@example.org"]
