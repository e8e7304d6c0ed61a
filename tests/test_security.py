"""Security hardening: headers, cookies, CSRF, login throttling, XSS, and no secrets at rest."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kennisbank import ContentType, Field, hookimpl
from kennisbank.auth import accounts
from kennisbank.content.service import commit, save_item
from kennisbank.content.validation import ValidationError
from kennisbank.extensions import db
from kennisbank.models import AuditEvent, Item, User
from kennisbank.security import DEFAULT_CSP
from tests.conftest import PASSWORD, item_data, login, make_app


def post_login(client, email, password, **environ):
    return client.post("/en/login", data={"email": email, "password": password},
                       environ_base=environ)


# -- headers and cookies ---------------------------------------------------------------


def assert_security_headers(response):
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_security_headers_on_every_kind_of_response(app, client, make_item, make_user):
    item = make_item()
    responses = {
        "page": client.get(f"/en/items/{item.id}"),
        "redirect": client.get("/"),
        "api": client.get("/api/v1/content-types"),
        "api error": client.get("/api/v1/items/999999/revisions"),
        "error page": client.get("/en/no-such-page"),
        "static": client.get("/static/kennisbank.css"),
        "method not allowed": client.get("/en/logout"),
    }
    assert [r.status_code for r in responses.values()] == [200, 302, 200, 401, 404, 200, 405]
    for response in responses.values():
        assert_security_headers(response)
    assert "Strict-Transport-Security" not in responses["page"].headers


def test_pages_for_logged_in_people_are_not_cached(client, make_user):
    login(client, make_user("reader"))
    assert client.get("/en/account").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, make_user):
    user = make_user("reader")
    post_login(client, user.email, PASSWORD)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure


def test_secure_cookies_setting(tmp_path):
    app = make_app(tmp_path, SECURE_COOKIES=True)
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        db.session.add(User(email="s@example.org", name="S", role="reader",
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
    client = app.test_client()
    response = client.post("/en/login", base_url="https://localhost",
                           data={"email": "s@example.org", "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_csp_can_be_replaced_by_configuration(tmp_path):
    app = make_app(tmp_path, CONTENT_SECURITY_POLICY="default-src 'none'")
    assert app.test_client().get("/en/").headers["Content-Security-Policy"] == "default-src 'none'"
    assert "unsafe" not in DEFAULT_CSP


# -- CSRF ------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        for email, role, sectors in [("ed@example.org", "editor", ["municipality"]),
                                     ("admin@example.org", "admin", []),
                                     ("r@example.org", "reader", [])]:
            db.session.add(User(email=email, name=role, role=role, sectors=sectors,
                                password_hash=hash_password(PASSWORD)))
        item = save_item(item_data(status="review"), user=None)
        commit()
        app.config["TEST_ITEM_ID"] = item.id
    return app


def token_on(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def test_login_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/en/login", data={"email": "ed@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/en/account").status_code == 401
    token = token_on(client, "/en/login")
    response = client.post("/en/login", data={"email": "ed@example.org", "password": PASSWORD,
                                              "csrf_token": token})
    assert response.status_code == 303


def _logged_in(app, email):
    client = app.test_client()
    token = token_on(client, "/en/login")
    assert client.post("/en/login", data={"email": email, "password": PASSWORD,
                                          "csrf_token": token}).status_code == 303
    return client


def test_state_changing_posts_without_csrf_token_change_nothing(csrf_app):
    item_id = csrf_app.config["TEST_ITEM_ID"]
    editor = _logged_in(csrf_app, "ed@example.org")
    admin = _logged_in(csrf_app, "admin@example.org")
    with csrf_app.app_context():
        reader_id = accounts.find_user("r@example.org").id
    refused = [
        editor.post(f"/en/items/{item_id}/publish"),
        editor.post(f"/en/items/{item_id}/return", data={"comment": "x"}),
        editor.post("/en/account/tokens", data={"name": "x"}),
        editor.post("/en/account/password", data={
            "current_password": PASSWORD, "new_password": "another long one",
            "confirm": "another long one"}),
        admin.post(f"/en/admin/users/{reader_id}/deactivate"),
        admin.post(f"/en/admin/users/{reader_id}", data={"role": "admin"}),
        admin.post("/en/logout"),
    ]
    assert [r.status_code for r in refused] == [400] * len(refused)
    with csrf_app.app_context():
        assert db.session.get(Item, item_id).status == "review"
        reader = accounts.find_user("r@example.org")
        assert reader.active and reader.role == "reader"
        assert accounts.find_user("ed@example.org").tokens == []
        assert accounts.authenticate("ed@example.org", PASSWORD) is not None
    assert admin.get("/en/account").status_code == 200
    token = token_on(editor, f"/en/items/{item_id}")
    assert editor.post(f"/en/items/{item_id}/publish",
                       data={"csrf_token": token}).status_code == 303


# -- login throttling ------------------------------------------------------------------


def test_failed_logins_are_throttled_per_account(tmp_path):
    app = make_app(tmp_path, LOGIN_LIMIT_ACCOUNT="3 per hour", LOGIN_LIMIT_ADDRESS="100 per hour")
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        for email in ("victim@example.org", "bystander@example.org"):
            db.session.add(User(email=email, name="x", role="reader",
                                password_hash=hash_password(PASSWORD)))
        db.session.commit()
    client = app.test_client()
    answers = [post_login(client, "victim@example.org", f"guess-{n}").status_code
               for n in range(3)]
    assert answers == [200, 200, 200]
    blocked = post_login(client, "Victim@example.org", PASSWORD, REMOTE_ADDR="10.9.9.9")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    assert_security_headers(blocked)
    assert post_login(client, "bystander@example.org", PASSWORD).status_code == 303


def test_failed_logins_are_throttled_per_address(tmp_path):
    app = make_app(tmp_path, LOGIN_LIMIT_ACCOUNT="100 per hour", LOGIN_LIMIT_ADDRESS="4 per hour")
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        db.session.add(User(email="real@example.org", name="x", role="reader",
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
    attacker = app.test_client()
    sprayed = [post_login(attacker, f"user{n}@example.org", PASSWORD,
                          REMOTE_ADDR="192.0.2.7").status_code for n in range(4)]
    assert sprayed == [200] * 4
    blocked = post_login(attacker, "real@example.org", PASSWORD, REMOTE_ADDR="192.0.2.7")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    other = app.test_client()
    assert post_login(other, "real@example.org", PASSWORD,
                      REMOTE_ADDR="198.51.100.1").status_code == 303


def test_successful_logins_are_not_throttled(tmp_path):
    app = make_app(tmp_path, LOGIN_LIMIT_ACCOUNT="2 per hour", LOGIN_LIMIT_ADDRESS="2 per hour")
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        db.session.add(User(email="ok@example.org", name="x", role="reader",
                            password_hash=hash_password(PASSWORD)))
        db.session.commit()
    for _ in range(4):
        client = app.test_client()
        assert post_login(client, "ok@example.org", PASSWORD).status_code == 303


def test_wrong_current_password_on_password_change_counts_too(tmp_path):
    app = make_app(tmp_path, LOGIN_LIMIT_ACCOUNT="2 per hour")
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        user = User(email="p@example.org", name="x", role="reader",
                    password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
    client = app.test_client()
    login(client, user)
    data = {"current_password": "wrong one here", "new_password": "new long secret!",
            "confirm": "new long secret!"}
    assert [client.post("/en/account/password", data=data).status_code
            for _ in range(3)] == [200, 200, 429]


# -- XSS ------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)>",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](javascript:alert(1))",
    '"><script>alert(1)</script>',
    "<iframe src=\"https://evil.example\"></iframe>",
    "[x](JaVaScRiPt:alert(1))",
    "<a href='&#106;avascript:alert(1)'>y</a>",
]
ALL = " ".join(PAYLOADS)


class ProbeType:
    """A content type with one field of every text-like kind, shared and translatable."""

    __name__ = "xss_probe"

    @hookimpl
    def register_content_types(self):
        return [ContentType(name="probe", label={"nl": "Proef", "en": "Probe"}, fields=[
            Field("note", "text", label={"nl": "Notitie", "en": "Note"}),
            Field("code", "keyword", label={"nl": "Code", "en": "Code"}),
            Field("site", "url", label={"nl": "Site", "en": "Site"}),
            Field("contact", "email", label={"nl": "Contact", "en": "Contact"}),
            Field("story", "markdown", label={"nl": "Verhaal", "en": "Story"},
                  translatable=True),
            Field("motto", "text", label={"nl": "Motto", "en": "Motto"}, translatable=True),
        ])]


class DangerFinder(HTMLParser):
    """Collects scripts, event handlers and script-capable URLs in real markup."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
    BAD_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        # The site's own wordmark is inline SVG; its handlers and URLs are still checked.
        wordmark = tag == "svg" and dict(attrs).get("class") == "wordmark"
        if tag in self.BAD_TAGS and not wordmark:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            squashed = re.sub(r"[\s\x00-\x1f]", "", (value or "")).lower()
            if name in self.URL_ATTRIBUTES and squashed.startswith(
                    ("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")


def dangers(html):
    finder = DangerFinder()
    finder.feed(html)
    return finder.found


def test_danger_finder_finds_what_it_looks_for():
    assert dangers('<p onclick="x">a</p><a href=" java\tscript:x">b</a><script></script>') == [
        "p onclick=", "a href= java\tscript:x", "<script>"]
    assert dangers("<p>&lt;script&gt;alert(1)&lt;/script&gt; javascript:</p>") == []


def probe_data(**overrides):
    text = {"title": ALL[:190], "summary": ALL, "body": ALL, "story": ALL, "motto": ALL[:900]}
    data = item_data(
        type="probe", city="<script>alert(1)</script>", organisation='"><svg onload=alert(1)>',
        tags=["<script>x</script>", "javascript:alert(1)"],
        fields={"note": ALL[:900], "code": "<svg/onload=alert(1)>",
                "site": "https://example.org/?q=\"><script>alert(1)</script>",
                "contact": "a@example.org"},
        translations={"nl": text, "en": text},
    )
    data.update(overrides)
    return data


def test_xss_in_every_text_field_kind_never_reaches_pages(tmp_path):
    app = make_app(tmp_path, EXTRA_PLUGINS=[ProbeType()])
    with app.app_context():
        from kennisbank.auth.passwords import hash_password

        admin = User(email="a@example.org", name='<script>alert("name")</script>',
                     role="admin", password_hash=hash_password(PASSWORD))
        db.session.add(admin)
        db.session.flush()
        item = save_item(probe_data(), user=admin)
        changed = probe_data()
        changed["translations"] = {**changed["translations"],
                                   "en": {**changed["translations"]["en"], "summary": "changed"}}
        save_item(changed, user=admin, item=item)
        commit()
        item_id = item.id
        db.session.refresh(admin)
        db.session.expunge(admin)
    visitor, editor = app.test_client(), app.test_client()
    login(editor, admin)
    pages = {
        "item (visitor)": visitor.get(f"/en/items/{item_id}"),
        "item (nl, visitor)": visitor.get(f"/nl/items/{item_id}"),
        "home": visitor.get("/en/"),
        "item (admin, with workflow)": editor.get(f"/en/items/{item_id}"),
        "history": editor.get(f"/en/items/{item_id}/history"),
        "archive form": editor.get(f"/en/items/{item_id}/archive"),
        "users": editor.get("/en/admin/users"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        html = response.get_data(as_text=True)
        assert dangers(html) == [], name
    assert "&lt;script&gt;" in pages["item (visitor)"].get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:x",
    " javascript:alert(1)", "//evil.example/x",
])
def test_url_fields_accept_only_web_addresses(tmp_path, url):
    app = make_app(tmp_path, EXTRA_PLUGINS=[ProbeType()])
    with app.app_context(), pytest.raises(ValidationError) as caught:
        save_item(probe_data(fields={"site": url}), user=None)
    assert "fields.site" in caught.value.errors


# -- secrets at rest ---------------------------------------------------------------------


def test_no_plain_password_or_token_in_database_or_logs(tmp_path, caplog, runner_for):
    caplog.set_level(logging.DEBUG)
    app = make_app(tmp_path)
    runner = runner_for(app)
    first = "first secret phrase 1"
    wrong = "wrong guess phrase 2"
    changed = "second secret phrase 3"
    result = runner.invoke("users", "create", "owner@example.org", "--name", "Owner",
                           "--password-stdin", input=first + "\n")
    assert result.exit_code == 0, result.output
    cli_token = runner.invoke("tokens", "create", "owner@example.org").output.split()[-1]
    client = app.test_client()
    assert post_login(client, "owner@example.org", wrong).status_code == 200
    assert post_login(client, "owner@example.org", first).status_code == 303
    page = client.post("/en/account/tokens", data={"name": "web"}).get_data(as_text=True)
    web_token = re.search(r'id="new-token" type="text" readonly value="([^"]+)"', page).group(1)
    assert client.post("/en/account/password", data={
        "current_password": first, "new_password": changed, "confirm": changed,
    }).status_code == 303
    client.get("/api/v1/items/1/revisions", headers={"Authorization": f"Bearer {web_token}"})
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent)).scalars().all()
        db.session.remove()
        db.engine.dispose()
    secrets = [first, wrong, changed, cli_token, web_token]
    files = Path(app.instance_path).glob("kennisbank.sqlite*")
    stored = b"".join(path.read_bytes() for path in files)
    assert len(stored) > 0
    logs = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in secrets:
        assert secret.encode() not in stored, secret
        assert secret not in logs, secret
    assert "login_failed" in caplog.text


@pytest.fixture
def runner_for():
    from tests.conftest import Runner

    return Runner


def test_trusted_proxy_addresses_are_used_for_throttling_and_audit(tmp_path):
    app = make_app(tmp_path, TRUSTED_PROXIES=1, LOGIN_LIMIT_ADDRESS="2 per hour",
                   LOGIN_LIMIT_ACCOUNT="100 per hour")
    client = app.test_client()

    def attempt(address):
        return client.post("/en/login", data={"email": "x@example.org", "password": "nope"},
                           headers={"X-Forwarded-For": address}).status_code

    assert [attempt("203.0.113.5"), attempt("203.0.113.5"), attempt("203.0.113.5")] == [
        200, 200, 429]
    assert attempt("203.0.113.77") == 200
    with app.app_context():
        addresses = db.session.execute(db.select(AuditEvent.address)).scalars().all()
        assert addresses == ["203.0.113.5", "203.0.113.5", "203.0.113.77"]
