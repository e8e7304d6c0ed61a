"""Security settings that hold for every response: headers, cookies, login throttling.

Headers are added in one ``after_request`` function, so pages, the API,
error pages and static files all get them, including responses of plugins.

* ``Content-Security-Policy``: scripts, styles and everything else only from
  this site, no inline scripts or styles, no plugins (``object-src 'none'``),
  no framing (``frame-ancestors 'none'``), forms only to this site. A
  deployment can replace it with the ``CONTENT_SECURITY_POLICY`` setting.
* ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (for browsers
  without CSP 3), ``Referrer-Policy``, ``Permissions-Policy`` and
  ``Cross-Origin-Opener-Policy``.
* ``Strict-Transport-Security`` when ``SECURE_COOKIES`` says the site is
  served over HTTPS, and ``Cache-Control: no-store`` on responses for a
  logged-in person, so shared caches never keep someone's drafts.

Cookies: the session and remember-me cookies are ``HttpOnly`` and
``SameSite=Lax`` (config defaults); ``SECURE_COOKIES=true``
(``KENNISBANK_SECURE_COOKIES``) adds ``Secure`` to both.

Throttling: failed logins are counted with Flask-Limiter per account and per
address; past the limit the answer is 429 with ``Retry-After``. The counters
must be shared by every process that serves the site, or each gunicorn worker
and machine grants the full budget again. ``RATELIMIT_STORAGE_URI`` chooses
where they live: ``memory://`` (one process: the default with SQLite, as for
``kennisbank serve``), ``database://`` (the app's own database, see
:mod:`kennisbank.ratelimit`: the default with any other database) or any
storage Flask-Limiter knows, such as ``redis://host:6379``.

Behind a reverse proxy every request seems to come from the proxy, which would
put all visitors in one throttle bucket and hide HTTPS: ``TRUSTED_PROXIES``
(the number of proxies in front, default 0) makes the app believe their
``X-Forwarded-For``/``-Proto``/``-Host`` headers, and only theirs.
"""

from __future__ import annotations

import hmac
import time

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse
from limits.strategies import RateLimiter
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import DEFAULT_CSP  # noqa: F401  (the default of CONTENT_SECURITY_POLICY)
from .ratelimit import default_storage_uri, storage_options

LIMITER_KEY = "kennisbank.limiter"
TOKEN_SCOPE = "api-token-address"
TOKEN_FAILED_FLAG = "token_failed"
#: Set by a view on ``g`` when a password check failed; the throttle counts those only.
FAILED_FLAG = "auth_failed"

STATIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Apply the cookie settings, add the headers and set up the login throttle."""
    if app.config["SECURE_COOKIES"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    # Registered before the limiter's own hook, so it runs after it (Flask runs them in reverse).
    app.after_request(_security_headers)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = default_storage_uri(app.config["DATABASE_URL"])
    app.before_request(_refuse_throttled_tokens)
    limiter = Limiter(key_func=get_remote_address, storage_options=storage_options(app))
    limiter.init_app(app)
    app.extensions[LIMITER_KEY] = limiter


def _security_headers(response: Response) -> Response:
    config = current_app.config
    headers = response.headers
    headers.setdefault("Content-Security-Policy", config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("Referrer-Policy", config["REFERRER_POLICY"])
    for name, value in STATIC_HEADERS.items():
        headers.setdefault(name, value)
    if config["SECURE_COOKIES"] or request.is_secure:
        headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(config['HSTS_MAX_AGE'])}; includeSubDomains"
        )
    if "Cache-Control" not in headers and getattr(current_user, "is_authenticated", False):
        headers["Cache-Control"] = "no-store"
    if response.status_code not in (429, 503):
        # Flask-Limiter adds it to every limited response; it means "wait" only on a refusal.
        headers.pop("Retry-After", None)
    return response


def mark_failed() -> None:
    """Count this request as a failed attempt against the throttle."""
    g.setdefault(FAILED_FLAG, True)


def _failed(_response: Response) -> bool:
    return bool(g.get(FAILED_FLAG))


def _account_key() -> str:
    """The account an attempt is aimed at: the email typed, or the logged-in person.

    The key is an HMAC of the address under the secret key, not the address:
    a shared storage (``database://``, Redis) keeps keys at rest, and people
    type their password into the email field now and then.
    """
    email = request.form.get("email")
    if email is None and getattr(current_user, "is_authenticated", False):
        email = current_user.email
    secret = current_app.config["SECRET_KEY"]
    digest = hmac.new(secret if isinstance(secret, bytes) else str(secret).encode(),
                      (email or "").strip().lower()[:254].encode(), "sha256")
    return "account:" + digest.hexdigest()[:32]


def _address_key() -> str:
    return "address:" + get_remote_address()


def _token_limit() -> tuple[RateLimiter, RateLimitItem, tuple[str, ...]]:
    limiter: Limiter = current_app.extensions[LIMITER_KEY]
    item = parse(str(current_app.config["TOKEN_LIMIT_ADDRESS"]))
    return limiter.limiter, item, (str(current_app.config["RATELIMIT_KEY_PREFIX"]),
                                   TOKEN_SCOPE, get_remote_address())


def token_failed() -> None:
    """Count a request with an unknown, revoked or expired API token against
    its address. Tokens are far too long to guess, but a refusal keeps a
    caller from trying (and from filling the logs), as for passwords."""
    if g.get(TOKEN_FAILED_FLAG):
        return  # the token may be read twice in one request (API writer, flask-login)
    g.setdefault(TOKEN_FAILED_FLAG, True)
    strategy, item, identifiers = _token_limit()
    strategy.hit(item, *identifiers)


def _refuse_throttled_tokens() -> None:
    """An address over its budget of failed tokens gets 429 for any token it sends."""
    if not request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    strategy, item, identifiers = _token_limit()
    if not strategy.test(item, *identifiers):
        reset = strategy.get_window_stats(item, *identifiers).reset_time
        raise TooManyRequests(retry_after=max(1, int(reset - time.time())))


def throttle_failures(app: Flask, *endpoints: str) -> None:
    """Limit failed password checks on ``endpoints`` per account and per address.

    The limits are shared between the endpoints (a login and a password change
    draw on one budget per account) and only failures count: a view calls
    :func:`mark_failed` when a password is wrong. Flask-Limiter applies route
    limits in the decorator, so this app's view functions are wrapped; the
    blueprint's functions stay untouched for other apps in the same process.
    """
    limiter: Limiter = app.extensions[LIMITER_KEY]
    per_account = limiter.shared_limit(
        lambda: str(app.config["LOGIN_LIMIT_ACCOUNT"]), scope="login-account",
        key_func=_account_key, methods=["POST"], deduct_when=_failed,
    )
    per_address = limiter.shared_limit(
        lambda: str(app.config["LOGIN_LIMIT_ADDRESS"]), scope="login-address",
        key_func=_address_key, methods=["POST"], deduct_when=_failed,
    )
    for endpoint in endpoints:
        app.view_functions[endpoint] = per_address(per_account(app.view_functions[endpoint]))


def throttle_posts(app: Flask, endpoint: str, *, scope: str, address_limit: str,
                   account_limit: str | None = None) -> None:
    """Limit every POST to ``endpoint``, not only failed ones: per client address and,
    with ``account_limit``, per typed email (or logged-in person, see ``_account_key``).

    For forms that send mail or try a link: each post costs someone a mail or
    is a guess. The limits are setting names, read on every request, so tests
    and operators can change them; each endpoint has its own budget (``scope``).
    """
    limiter: Limiter = app.extensions[LIMITER_KEY]
    view = app.view_functions[endpoint]
    view = limiter.shared_limit(
        lambda: str(app.config[address_limit]), scope=f"{scope}-address",
        key_func=_address_key, methods=["POST"],
    )(view)
    if account_limit is not None:
        view = limiter.shared_limit(
            lambda: str(app.config[account_limit]), scope=f"{scope}-account",
            key_func=_account_key, methods=["POST"],
        )(view)
    app.view_functions[endpoint] = view
