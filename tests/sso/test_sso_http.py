"""Single sign-on through HTTP against a real OpenID provider (npm's oidc-provider).

The site runs in the test client; the provider is a Node.js process on
loopback that the site reaches for discovery, keys, tokens and userinfo,
and whose login and consent pages the test fills in like a browser would.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey

from kennisbank.auth.sso_accounts import SsoLink
from kennisbank.config import ConfigError
from kennisbank.extensions import db
from kennisbank.models import AuditEvent, User
from tests.conftest import PASSWORD, make_app
from tests.servers import free_port
from tests.sso.conftest import sso_login
from tests.sso.provider import CLIENT_ID, OidcProvider, walk_provider


def _user(app: Flask, email: str) -> User | None:
    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email)).scalar_one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


def _logged_in_as(client: FlaskClient, lang: str = "en") -> str | None:
    page = client.get(f"/{lang}/account")
    if page.status_code != 200:
        return None
    return page.get_data(as_text=True)


def _links(app: Flask) -> list[tuple[int, str, str]]:
    with app.app_context():
        return [(link.user_id, link.issuer, link.subject)
                for link in db.session.scalars(db.select(SsoLink))]


def _page_after(client: FlaskClient, response) -> str:
    """The page a redirect leads to, with its flash message."""
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_new_person_gets_an_account_with_the_default_role(
        sso_app: Flask, sso_client: FlaskClient, provider: OidcProvider) -> None:
    response = sso_login(sso_client, provider, "anna")
    assert response.status_code == 303
    assert urlsplit(response.headers["Location"]).path == "/en/"
    account = _logged_in_as(sso_client)
    assert account is not None and "Anna de Vries" in account
    user = _user(sso_app, "anna@deventer.example")
    assert user is not None and user.role == "reader" and user.password_hash is None
    assert _links(sso_app) == [(user.id, provider.issuer, "anna")]
    with sso_app.app_context():
        events = [e.event for e in db.session.scalars(db.select(AuditEvent))]
    assert events == ["user_created", "sso_linked", "login"]


def test_the_default_role_is_a_setting(tmp_path: Path, provider: OidcProvider) -> None:
    app = make_app(tmp_path, **provider.settings(SSO_DEFAULT_ROLE="contributor"))
    sso_login(app.test_client(), provider, "anna")
    user = _user(app, "anna@deventer.example")
    assert user is not None and user.role == "contributor"


def test_an_existing_local_account_is_linked_by_verified_email(
        sso_app: Flask, sso_client: FlaskClient, provider: OidcProvider, make_user) -> None:
    local = make_user("editor", email="bram@deventer.example", sectors=["education"])
    response = sso_login(sso_client, provider, "bram")
    assert response.status_code == 303
    assert _links(sso_app) == [(local.id, provider.issuer, "bram")]
    user = _user(sso_app, "bram@deventer.example")
    assert user is not None and user.role == "editor" and user.password_hash is not None
    with sso_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_a_linked_account_is_found_after_its_address_changed(
        sso_app: Flask, provider: OidcProvider) -> None:
    sso_login(sso_app.test_client(), provider, "carla")
    with sso_app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        user.email = "c.jansen@deventer.example"
        db.session.commit()
        user_id = user.id
    second = sso_app.test_client()
    assert sso_login(second, provider, "carla").status_code == 303
    assert "c.jansen@deventer.example" in (_logged_in_as(second) or "")
    with sso_app.app_context():
        assert db.session.scalars(db.select(User.id)).all() == [user_id]


def test_local_password_login_still_works_for_other_domains(
        sso_client: FlaskClient, make_user) -> None:
    make_user("contributor", email="someone@partner.example")
    response = sso_client.post("/en/login", data={"email": "someone@partner.example",
                                                  "password": PASSWORD})
    assert response.status_code == 303
    assert _logged_in_as(sso_client) is not None


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_login_form_sends_a_configured_domain_to_the_provider(
        sso_client: FlaskClient, lang: str) -> None:
    response = sso_client.post(f"/{lang}/login?next=/{lang}/search",
                               data={"email": "Anna@Deventer.example", "password": ""})
    assert response.status_code == 303
    target = urlsplit(response.headers["Location"])
    assert target.path == f"/{lang}/login/sso"
    assert parse_qs(target.query) == {"next": [f"/{lang}/search"]}


@pytest.mark.parametrize(("lang", "words"), [("en", "Log in with Deventer"),
                                             ("nl", "Inloggen met Deventer")])
def test_the_login_page_offers_the_provider(sso_client: FlaskClient, lang: str,
                                            words: str) -> None:
    page = sso_client.get(f"/{lang}/login").get_data(as_text=True)
    assert words in page and f'href="/{lang}/login/sso"' in page


def test_the_button_label_is_a_setting_per_language(tmp_path: Path,
                                                    provider: OidcProvider) -> None:
    label = {"nl": "Inloggen met uw Deventer-account", "en": "Log in with your Deventer account"}
    client = make_app(tmp_path, **provider.settings(SSO_LABEL=label)).test_client()
    assert label["nl"] in client.get("/nl/login").get_data(as_text=True)
    assert label["en"] in client.get("/en/login").get_data(as_text=True)


def test_next_is_followed_only_within_the_site(sso_app: Flask, provider: OidcProvider) -> None:
    inside = sso_login(sso_app.test_client(), provider, "anna", next="/en/search?q=fiets")
    assert inside.headers["Location"] == "/en/search?q=fiets"
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = sso_login(sso_app.test_client(), provider, "anna", next=target)
        assert urlsplit(response.headers["Location"]).path == "/en/", target
        assert "evil" not in response.headers["Location"]


def test_the_login_form_may_be_sent_on_to_the_provider(sso_client: FlaskClient,
                                                      provider: OidcProvider) -> None:
    policy = sso_client.get("/en/login").headers["Content-Security-Policy"]
    form_action = next(d for d in policy.split("; ") if d.startswith("form-action"))
    assert form_action == f"form-action 'self' {provider.issuer}"


def test_the_redirect_uri_is_the_setting_whatever_the_host(sso_client: FlaskClient,
                                                           provider: OidcProvider) -> None:
    start = sso_client.get("/en/login/sso", headers={"Host": "evil.example"})
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == [provider.redirect_uri]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["state"] and query["nonce"] and query["client_id"] == [CLIENT_ID]


def _with(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "This login attempt has expired or was not started on this site"),
    ("nl", "Deze inlogpoging is verlopen of niet op deze site begonnen"),
])
def test_a_state_that_is_not_ours_is_refused(sso_app: Flask, provider: OidcProvider,
                                             lang: str, message: str) -> None:
    client = sso_app.test_client()
    response = sso_login(client, provider, "anna", lang=lang,
                         tamper=lambda url: _with(url, state="forged-state"))
    assert urlsplit(response.headers["Location"]).path == f"/{lang}/login"
    assert message in _page_after(client, response)
    assert _logged_in_as(client) is None
    assert _user(sso_app, "anna@deventer.example") is None


def test_a_callback_without_a_started_login_is_refused(sso_client: FlaskClient) -> None:
    response = sso_client.get("/sso/callback?code=abc&state=def",
                              headers={"Accept-Language": "en"})
    assert response.status_code == 303
    assert "This login attempt has expired" in _page_after(sso_client, response)


def test_a_tampered_code_is_refused(sso_app: Flask, provider: OidcProvider) -> None:
    client = sso_app.test_client()
    response = sso_login(client, provider, "anna", tamper=lambda url: _with(url, code="x" * 43))
    assert "could not be verified" in _page_after(client, response)
    assert _logged_in_as(client) is None


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Logging in with Deventer was cancelled or refused"),
    ("nl", "Inloggen met Deventer is afgebroken of geweigerd"),
])
def test_cancelling_at_the_provider_is_said_plainly(sso_app: Flask, provider: OidcProvider,
                                                    lang: str, message: str) -> None:
    client = sso_app.test_client()
    response = sso_login(client, provider, "anna", lang=lang, cancel=True)
    assert message in _page_after(client, response)
    assert _logged_in_as(client) is None


def test_a_deactivated_account_cannot_log_in(sso_app: Flask, provider: OidcProvider,
                                             make_user) -> None:
    make_user("reader", email="dirk@deventer.example", active=False)
    client = sso_app.test_client()
    response = sso_login(client, provider, "dirk")
    assert "This account cannot log in" in _page_after(client, response)
    assert _logged_in_as(client) is None
    assert _links(sso_app) == []


def test_an_account_deactivated_after_linking_cannot_log_in(
        sso_app: Flask, provider: OidcProvider) -> None:
    sso_login(sso_app.test_client(), provider, "anna")
    with sso_app.app_context():
        db.session.execute(db.update(User).values(active=False))
        db.session.commit()
    client = sso_app.test_client()
    response = sso_login(client, provider, "anna")
    assert "This account cannot log in" in _page_after(client, response)
    assert _logged_in_as(client) is None


def test_a_refused_address_cannot_get_an_account(sso_app: Flask, provider: OidcProvider) -> None:
    from kennisbank.auth.sso_accounts import register_refusal, unregister_refusal

    register_refusal("test-declined", lambda email: email == "anna@deventer.example")
    try:
        client = sso_app.test_client()
        response = sso_login(client, provider, "anna")
        assert "This account cannot log in" in _page_after(client, response)
    finally:
        unregister_refusal("test-declined")
    assert _user(sso_app, "anna@deventer.example") is None


def test_an_unverified_address_is_refused(sso_app: Flask, provider: OidcProvider) -> None:
    client = sso_app.test_client()
    response = sso_login(client, provider, "unverified")
    assert "has not confirmed your email address" in _page_after(client, response)
    assert _user(sso_app, "eva@deventer.example") is None


def test_an_address_outside_the_domains_is_refused(sso_app: Flask,
                                                   provider: OidcProvider) -> None:
    client = sso_app.test_client()
    response = sso_login(client, provider, "outsider")
    assert "does not log in with Deventer" in _page_after(client, response)
    assert _user(sso_app, "olga@elsewhere.example") is None


@pytest.mark.parametrize(("lang", "message"), [
    ("en", "Deventer cannot be reached at the moment"),
    ("nl", "Deventer is op dit moment niet bereikbaar"),
])
def test_a_provider_that_is_down_gives_a_message(tmp_path: Path, provider: OidcProvider,
                                                 lang: str, message: str) -> None:
    down = f"http://127.0.0.1:{free_port()}"
    app = make_app(tmp_path, **provider.settings(SSO_ISSUER=down, SSO_TIMEOUT=2))
    client = app.test_client()
    response = client.get(f"/{lang}/login/sso")
    assert urlsplit(response.headers["Location"]).path == f"/{lang}/login"
    assert message in _page_after(client, response)


def test_without_settings_there_is_no_single_sign_on(tmp_path: Path) -> None:
    client = make_app(tmp_path / "plain").test_client()
    assert client.get("/en/login/sso").status_code == 404
    assert client.get("/sso/callback").status_code == 404
    assert "login/sso" not in client.get("/en/login").get_data(as_text=True)


@pytest.mark.parametrize(("settings", "named"), [
    ({"SSO_CLIENT_ID": ""}, "KENNISBANK_SSO_CLIENT_ID"),
    ({"SSO_REDIRECT_URI": "https://kb.example.org/elsewhere"}, "KENNISBANK_SSO_REDIRECT_URI"),
    ({"SSO_ISSUER": "http://idp.example.org"}, "KENNISBANK_SSO_ISSUER"),
    ({"SSO_DEFAULT_ROLE": "admin"}, "KENNISBANK_SSO_DEFAULT_ROLE"),
    ({"SSO_LABEL": {"de": "Anmelden"}}, "KENNISBANK_SSO_LABEL"),
])
def test_bad_settings_stop_the_start_naming_the_setting(tmp_path: Path, settings: dict,
                                                        named: str) -> None:
    base = {"SSO_ISSUER": "https://idp.example.org", "SSO_CLIENT_ID": "kb",
            "SSO_CLIENT_SECRET": "s", "SSO_REDIRECT_URI": "https://kb.example.org/sso/callback"}
    with pytest.raises(ConfigError, match=named):
        make_app(tmp_path, **{**base, **settings})


def _through_provider(client: FlaskClient, provider: OidcProvider) -> str:
    """Start and pass the provider; the callback path the browser would go to next."""
    start = client.get("/en/login/sso")
    back = walk_provider(start.headers["Location"], "anna", redirect_uri=provider.redirect_uri)
    return back.removeprefix("http://localhost")


def test_an_id_token_signed_with_another_key_is_refused(sso_app: Flask,
                                                        provider: OidcProvider) -> None:
    client = sso_app.test_client()
    callback = _through_provider(client, provider)
    published = requests.get(f"{provider.issuer}/jwks", timeout=10).json()["keys"][0]
    impostor = RSAKey.generate_key(2048, parameters={"kid": published["kid"],
                                                     "alg": published.get("alg", "RS256")})
    sso = sso_app.extensions["kennisbank.sso"]
    sso.client.server_metadata["jwks"] = {"keys": [impostor.as_dict(private=False)]}
    try:
        response = client.get(callback)
    finally:
        sso.client.server_metadata.pop("jwks", None)
    assert "could not be verified" in _page_after(client, response)
    assert _user(sso_app, "anna@deventer.example") is None


def test_an_id_token_for_another_nonce_is_refused(sso_app: Flask,
                                                  provider: OidcProvider) -> None:
    client = sso_app.test_client()
    callback = _through_provider(client, provider)
    with client.session_transaction() as session:
        key = next(k for k in session if k.startswith("_state_sso_"))
        state = dict(session[key])
        state["data"] = {**state["data"], "nonce": "not-the-nonce-sent"}
        session[key] = state
    response = client.get(callback)
    assert "could not be verified" in _page_after(client, response)
    assert _user(sso_app, "anna@deventer.example") is None
