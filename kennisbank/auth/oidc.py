"""Single sign-on with OpenID Connect, through Authlib.

Settings (each also ``KENNISBANK_<NAME>``); single sign-on is on when
``SSO_ISSUER`` is set:

* ``SSO_ISSUER``: the provider's issuer URL; its configuration is discovered at
  ``<issuer>/.well-known/openid-configuration`` and must name the same issuer.
* ``SSO_CLIENT_ID``, ``SSO_CLIENT_SECRET``: this site as the provider's client.
* ``SSO_REDIRECT_URI``: the callback registered at the provider,
  ``https://<site>/sso/callback``. It is a setting, never built from the
  request, so a forged ``Host`` header cannot send codes elsewhere.
* ``SSO_DOMAINS``: e-mail domains whose people log in there (comma list or JSON
  list). The login form sends them to the provider, and only addresses in them
  can get or be linked to an account through it. Empty: any domain.
* ``SSO_DEFAULT_ROLE``: the role of an account made at the first login
  (``reader`` unless set; ``contributor`` is the other choice).
* ``SSO_NAME``: the provider's name on the login page (default: the issuer's
  host); ``SSO_LABEL``: the button's text, one text or ``{"nl": ..., "en": ...}``.
* ``SSO_TIMEOUT``: seconds to wait for the provider (default 10).

The flow is the authorization-code flow with PKCE (S256); Authlib makes and
checks ``state`` (kept in the signed session) and ``nonce``, verifies the ID
token's signature against the provider's JWKS and its ``iss``, ``aud``,
``exp`` and ``nonce``. The e-mail address may come from the ID token or, as
many providers do for the code flow, from the userinfo endpoint, whose
``sub`` must then be the ID token's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app

from ..config import DEFAULT_CSP, LANGUAGES, ConfigError
from .sso_accounts import Policy, SsoRefused, email_domain

CALLBACK_PATH = "/sso/callback"
EXTENSION_KEY = "kennisbank.sso"
#: Roles an account made by SSO may get: more needs an administrator's decision.
NEW_ACCOUNT_ROLES = ("reader", "contributor")

class SingleSignOn:
    """The configured provider: Authlib's client plus what the settings allow."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.issuer = str(config["SSO_ISSUER"]).rstrip("/")
        self.redirect_uri = str(config["SSO_REDIRECT_URI"])
        self.domains = frozenset(_domains(config["SSO_DOMAINS"]))
        self.default_role = str(config["SSO_DEFAULT_ROLE"])
        self.name = str(config["SSO_NAME"] or urlsplit(self.issuer).hostname or self.issuer)
        self.labels = _labels(config["SSO_LABEL"])
        oauth = OAuth(app)
        self.client = oauth.register(
            "sso",
            client_id=str(config["SSO_CLIENT_ID"]),
            client_secret=str(config["SSO_CLIENT_SECRET"]),
            server_metadata_url=f"{self.issuer}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                           "default_timeout": float(config["SSO_TIMEOUT"])},
        )

    @property
    def policy(self) -> Policy:
        return Policy(issuer=self.issuer, domains=self.domains, default_role=self.default_role)

    def label(self, lang: str) -> str | None:
        """The button text set for ``lang``; ``None``: the page's own words."""
        return self.labels.get(lang)

    def handles(self, email: str) -> bool:
        """Whether people with this address log in at the provider."""
        return bool(self.domains) and email_domain(email) in self.domains

    def metadata(self) -> dict[str, Any]:
        """The discovered configuration; refused when it names another issuer (OIDC
        Discovery 4.3), since the ID token's ``iss`` is checked against it."""
        metadata = self.client.load_server_metadata()
        if str(metadata.get("issuer", "")).rstrip("/") != self.issuer:
            self.client.server_metadata = {}
            raise SsoRefused("token")
        return metadata


def init_app(app: Flask) -> None:
    """Check the settings and register the provider, when ``SSO_ISSUER`` is set."""
    if not app.config["SSO_ISSUER"]:
        return
    _check_settings(app.config)
    app.extensions[EXTENSION_KEY] = SingleSignOn(app)
    policy = app.config.get("CONTENT_SECURITY_POLICY") or DEFAULT_CSP
    app.config["CONTENT_SECURITY_POLICY"] = allow_form_action(policy, _origin(app.config))


def _origin(config: Any) -> str:
    issuer = urlsplit(str(config["SSO_ISSUER"]))
    return f"{issuer.scheme}://{issuer.netloc}"


def allow_form_action(policy: str, origin: str) -> str:
    """``policy`` with ``origin`` allowed in ``form-action``.

    The login form sends a municipal address on to the provider with a
    redirect, and browsers apply ``form-action`` to every redirect after a
    form's submission: without the provider's origin there, Chromium stops
    at the login page. (A provider whose authorization endpoint is on another
    host than its issuer needs that host in ``CONTENT_SECURITY_POLICY``.)
    """
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    for index, directive in enumerate(directives):
        name, _, sources = directive.partition(" ")
        if name == "form-action":
            if origin not in sources.split():
                directives[index] = f"{directive} {origin}"
            return "; ".join(directives)
    return policy


def current_sso() -> SingleSignOn | None:
    """The provider of the running app, or ``None`` when single sign-on is off."""
    return current_app.extensions.get(EXTENSION_KEY)


def _check_settings(config: Any) -> None:
    for key in ("SSO_CLIENT_ID", "SSO_CLIENT_SECRET", "SSO_REDIRECT_URI"):
        if not config.get(key):
            raise ConfigError(f"KENNISBANK_{key} must be set when KENNISBANK_SSO_ISSUER is")
    issuer = urlsplit(str(config["SSO_ISSUER"]))
    if issuer.scheme not in ("https", "http") or not issuer.hostname or issuer.query:
        raise ConfigError("KENNISBANK_SSO_ISSUER must be an https URL without a query")
    if issuer.scheme == "http" and not _loopback(issuer.hostname):
        raise ConfigError("KENNISBANK_SSO_ISSUER must use https (http only on this machine)")
    redirect = urlsplit(str(config["SSO_REDIRECT_URI"]))
    if (redirect.scheme not in ("https", "http") or not redirect.hostname
            or not redirect.path.endswith(CALLBACK_PATH) or redirect.query):
        raise ConfigError(f"KENNISBANK_SSO_REDIRECT_URI must be this site's address followed "
                          f"by {CALLBACK_PATH}, such as https://kennisbank.example.org"
                          f"{CALLBACK_PATH}")
    if config["SSO_DEFAULT_ROLE"] not in NEW_ACCOUNT_ROLES:
        raise ConfigError("KENNISBANK_SSO_DEFAULT_ROLE must be one of "
                          f"{', '.join(NEW_ACCOUNT_ROLES)}, not {config['SSO_DEFAULT_ROLE']!r}")
    _labels(config["SSO_LABEL"])


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def _domains(value: Any) -> list[str]:
    """``SSO_DOMAINS`` as a list of lower-case domains: a list or a comma list."""
    if isinstance(value, str):  # the environment's JSON lists arrive parsed already
        value = value.split(",")
    return [str(domain).strip().lower().lstrip("@") for domain in value or []
            if str(domain).strip()]


def _labels(value: Any) -> dict[str, str]:
    """``SSO_LABEL``: one text for both languages, or a text per language."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        return dict.fromkeys(LANGUAGES, value)
    if isinstance(value, dict) and set(value) <= set(LANGUAGES):
        return {lang: str(text) for lang, text in value.items() if text}
    raise ConfigError('KENNISBANK_SSO_LABEL must be a text or {"nl": "...", "en": "..."}')
