"""Single sign-on pages: off to the provider, and back at the fixed callback.

``/<lang>/login/sso`` remembers the page language and the ``next`` target
(already checked by :func:`~kennisbank.auth.redirects.safe_next`) in the
session and sends the browser to the provider. The provider sends it back to
``/sso/callback``, which has no language in its path because it must be the one
fixed address registered at the provider. Every failure (provider down,
access denied, a state that is not ours, a token that does not verify, an
account that may not log in) ends on the login page with a message in the
reader's language, never with an error page.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from ..auth import audit
from ..auth.oidc import SingleSignOn, current_sso
from ..auth.redirects import safe_next
from ..auth.sso_accounts import SsoRefused, account_for
from ..config import LANGUAGES
from ..extensions import db
from ..i18n import current_language

bp = Blueprint("sso", __name__)
#: What the start page leaves in the session for the callback: language and target.
PENDING_KEY = "sso_pending"

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def sso_helpers() -> dict[str, Any]:
        return {"sso_button": sso_button}


def sso_button(lang: str) -> str | None:
    """The login page's button text, or ``None`` when single sign-on is off."""
    sso = current_sso()
    if sso is None:
        return None
    return sso.label(lang) or _("Log in with %(provider)s", provider=sso.name)


def _provider() -> SingleSignOn:
    sso = current_sso()
    if sso is None:
        abort(404)
    return sso


@bp.get("/<any(nl, en):lang>/login/sso")
def start() -> Response:
    """Send the browser to the provider, with PKCE, state and nonce."""
    sso = _provider()
    lang = current_language()
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("web.home", lang=lang), 303)
    try:
        sso.metadata()
        response = sso.client.authorize_redirect(sso.redirect_uri, ui_locales=lang)
    except requests.RequestException as exc:
        log.warning("single sign-on: provider %s not reachable: %s", sso.issuer, exc)
        return _refused("unavailable", lang, sso)
    except (SsoRefused, OAuthError, ValueError, KeyError, RuntimeError) as exc:
        log.warning("single sign-on: provider %s misconfigured: %r", sso.issuer, exc)
        return _refused("unavailable", lang, sso)
    session[PENDING_KEY] = {"lang": lang, "next": target}
    response.status_code = 303
    return response


@bp.get("/sso/callback")
def callback() -> Response:
    """The provider's answer: verify it, find or make the account, log in."""
    sso = _provider()
    pending = session.pop(PENDING_KEY, None) or {}
    lang = pending.get("lang") if pending.get("lang") in LANGUAGES else current_language()
    if not pending:
        return _refused("state", lang, sso)
    with force_locale(lang):
        try:
            claims = _verified_claims(sso)
            user = account_for(claims, sso.policy, lang=lang)
        except SsoRefused as refusal:
            db.session.rollback()
            return _refused(refusal.reason, lang, sso)
        session.clear()  # a fresh session for the logged-in person, as for a password login
        login_user(user, remember=False)
        audit.record("login", user=user, subject=user.email, method="sso")
        db.session.commit()
        flash(_("You are logged in."), "success")
    return redirect(safe_next(pending.get("next")) or url_for("web.home", lang=lang), 303)


def _verified_claims(sso: SingleSignOn) -> dict[str, Any]:
    """The ID token's claims after Authlib's checks, completed from userinfo.

    :raises SsoRefused: for every way the answer can be wrong or missing.
    """
    try:
        sso.metadata()
        token = sso.client.authorize_access_token()
    except MismatchingStateError as exc:
        raise SsoRefused("state") from exc
    except OAuthError as exc:
        reason = "denied" if exc.error in ("access_denied", "login_required",
                                           "consent_required", "interaction_required") else "token"
        log.info("single sign-on refused by %s: %s", sso.issuer, exc)
        raise SsoRefused(reason) from exc
    except requests.RequestException as exc:
        log.warning("single sign-on: provider %s not reachable: %s", sso.issuer, exc)
        raise SsoRefused("unavailable") from exc
    except (JoseError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        log.warning("single sign-on: ID token from %s refused: %r", sso.issuer, exc)
        raise SsoRefused("token") from exc
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise SsoRefused("token")
    if "email" not in claims:
        claims.update(_userinfo(sso, token, claims["sub"]))
    return claims


def _userinfo(sso: SingleSignOn, token: dict[str, Any], subject: str) -> dict[str, Any]:
    """E-mail and name from the userinfo endpoint, for the same ``sub`` only."""
    try:
        info = dict(sso.client.userinfo(token=token))
    except requests.RequestException as exc:
        raise SsoRefused("unavailable") from exc
    except (OAuthError, ValueError, KeyError, TypeError) as exc:
        raise SsoRefused("token") from exc
    if info.get("sub") != subject:
        raise SsoRefused("token")
    return {key: info[key] for key in ("email", "email_verified", "name") if key in info}


def _refused(reason: str, lang: str, sso: SingleSignOn) -> Response:
    """Back to the login page with the reason, in the reader's language."""
    with force_locale(lang):
        flash(_message(reason, sso.name), "error")
        return redirect(url_for("account.login", lang=lang), 303)


def _message(reason: str, provider: str) -> str:
    messages = {
        "unavailable": _("%(provider)s cannot be reached at the moment. Please try again "
                         "later.", provider=provider),
        "denied": _("Logging in with %(provider)s was cancelled or refused. You are not "
                    "logged in.", provider=provider),
        "state": _("This login attempt has expired or was not started on this site. Please "
                   "start again."),
        "token": _("The answer from %(provider)s could not be verified. You are not logged "
                   "in.", provider=provider),
        "unverified": _("%(provider)s has not confirmed your email address, so it cannot be "
                        "used to log in here.", provider=provider),
        "domain": _("Your email address does not log in with %(provider)s on this site. "
                    "Log in with your password instead.", provider=provider),
        "inactive": _("This account cannot log in. Ask an administrator if you think this "
                      "is wrong."),
    }
    return messages[reason]
