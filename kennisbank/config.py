"""Configuration defaults and how they are overridden.

Every default runs on one machine with no services: SQLite and a Whoosh index in
the instance folder. Each setting can be overridden with an environment variable
``KENNISBANK_<NAME>`` (Flask's ``from_prefixed_env``, which also parses JSON
values such as ``false`` or ``10``), or with the mapping given to ``create_app``.
"""

from __future__ import annotations

import copy
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

ENV_PREFIX = "KENNISBANK"
SECRET_KEY_FILE = "secret_key"
LANGUAGES = ("nl", "en")
#: Words accepted for on/off settings besides JSON's ``true`` and ``false``.
BOOLEAN_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


class ConfigError(ValueError):
    """A setting that cannot work; the message names the setting to fix."""


@dataclass(frozen=True)
class Setting:
    """One setting: its name (``KENNISBANK_<name>`` in the environment), default and meaning.

    ``internal`` marks the plumbing of Flask and its extensions that an operator
    rarely changes; every other setting is in README.md's configuration tables
    (``tests/test_config_table.py`` checks both ways, and the defaults given there).
    """

    name: str
    default: Any
    description: str
    internal: bool = False


#: The Content-Security-Policy: the site's own scripts, styles and images only, none inline.
DEFAULT_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: Every setting, the one place its default comes from. ``None`` means "worked
#: out when the app starts" or "off"; the description says which.
SETTINGS: tuple[Setting, ...] = (
    # The instance and its data
    Setting("INSTANCE", None, "data folder: database, search index, secret key "
            "(read from the environment before the app exists)"),
    Setting("DATABASE_URL", None, "SQLAlchemy URL; None: a SQLite file in the instance folder"),
    Setting("SECRET_KEY", None, "signs sessions and CSRF tokens; None: generated once and "
            "kept in the instance folder (SQLite only)"),
    Setting("PLUGINS", None, "comma list of the installed plugins to enable; None: all"),
    Setting("DEFAULT_LANGUAGE", "nl", "language when the browser states no preference"),
    Setting("PUBLIC", True, "false: only logged-in users can read"),
    # None: migrate on start for SQLite (one machine), never for other databases,
    # where ``kennisbank db upgrade`` is a deployment step (see kennisbank.schema).
    Setting("AUTO_MIGRATE", None, "bring the schema to the newest migration on start; "
            "None: yes for SQLite, no otherwise"),
    Setting("SQLALCHEMY_ENGINE_OPTIONS", {}, "options for SQLAlchemy's create_engine"),
    Setting("BASE_URL", None, "the site's address, the start of every link in mail"),
    # Search
    Setting("SEARCH_BACKEND", "whoosh", "whoosh or postgres"),
    Setting("SEARCH_PATH", None, "where the Whoosh index lives; None: instance/search"),
    Setting("SEARCH_DATABASE_URL", None, "a read replica for PostgreSQL searches; None: the "
            "app's database"),
    Setting("SEARCH_CACHE_SIZE", 256, "recent results kept per process by the PostgreSQL "
            "search backend (0: none)"),
    Setting("SEARCH_EXACT_LIMIT", 2_000, "matches the PostgreSQL backend counts and ranks "
            "exactly; a larger result set is estimated from a sample (0: always exact)"),
    Setting("SEARCH_INLINE_DRAIN", True, "apply the search outbox in the request that saved; "
            "false when `kennisbank index-worker` runs"),
    Setting("LEXICON_DICTD_DIR", "/usr/share/dictd", "where FreeDict's dictd files are"),
    # Sizes
    Setting("MAX_CONTENT_LENGTH", 16 * 1024 * 1024, "largest request body of any kind, in bytes"),
    Setting("MAX_TITLE_LENGTH", 200, "longest title, in characters"),
    Setting("MAX_SUMMARY_LENGTH", 1000, "longest summary, in characters"),
    Setting("MAX_TEXT_LENGTH", 100_000, "longest body or Markdown field, in characters"),
    Setting("MAX_ATTACHMENT_SIZE", 20 * 1024 * 1024, "largest upload, in bytes"),
    Setting("API_MAX_BODY", 4 * 1024 * 1024, "largest API body for one item, in bytes"),
    Setting("API_MAX_IMPORT_BODY", 16 * 1024 * 1024, "largest API import body, in bytes"),
    # Security
    Setting("SECURE_COOKIES", False, "mark session and remember-me cookies Secure (HTTPS)"),
    Setting("CONTENT_SECURITY_POLICY", DEFAULT_CSP, "the Content-Security-Policy header"),
    Setting("REFERRER_POLICY", "strict-origin-when-cross-origin", "the Referrer-Policy header"),
    Setting("HSTS_MAX_AGE", 31_536_000, "Strict-Transport-Security max-age, over HTTPS"),
    Setting("TRUSTED_PROXIES", 0, "reverse proxies whose X-Forwarded-For is trusted"),
    Setting("RATELIMIT_STORAGE_URI", None, "where failures are counted; None: memory:// with "
            "SQLite, database:// otherwise (kennisbank.ratelimit)"),
    Setting("LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes", "failed logins per account"),
    Setting("LOGIN_LIMIT_ADDRESS", "20 per 15 minutes", "failed logins per client address"),
    Setting("TOKEN_LIMIT_ADDRESS", "30 per 15 minutes", "unknown API tokens per address"),
    Setting("RESET_LIMIT_ACCOUNT", "3 per hour", "password-reset requests per typed address"),
    Setting("RESET_LIMIT_ADDRESS", "10 per hour", "password-reset requests per client address"),
    Setting("ACCOUNT_FORM_LIMIT_ADDRESS", "30 per 15 minutes", "posts of the account forms "
            "(link pages, invitations, profile) per client address"),
    Setting("RATELIMIT_STRATEGY", "moving-window", "Flask-Limiter's strategy", internal=True),
    Setting("RATELIMIT_HEADERS_ENABLED", True, "Flask-Limiter's Retry-After headers",
            internal=True),
    Setting("RATELIMIT_KEY_PREFIX", "kennisbank", "Flask-Limiter's key prefix", internal=True),
    Setting("SESSION_COOKIE_HTTPONLY", True, "Flask's session cookie", internal=True),
    Setting("SESSION_COOKIE_SAMESITE", "Lax", "Flask's session cookie", internal=True),
    Setting("SESSION_COOKIE_SECURE", False, "set by SECURE_COOKIES", internal=True),
    Setting("REMEMBER_COOKIE_HTTPONLY", True, "flask-login's remember-me cookie", internal=True),
    Setting("REMEMBER_COOKIE_SAMESITE", "Lax", "flask-login's remember-me cookie", internal=True),
    Setting("REMEMBER_COOKIE_DURATION", timedelta(days=14), "how long 'remember me' lasts",
            internal=True),
    Setting("WTF_CSRF_TIME_LIMIT", None, "CSRF tokens last as long as the session",
            internal=True),
    # Links mailed to people
    Setting("PASSWORD_RESET_MINUTES", 60, "minutes a password-reset link works (1 to 60)"),
    Setting("INVITATION_DAYS", 7, "days an invitation link works (1 to 60)"),
    Setting("SET_PASSWORD_DAYS", 7, "days the link to choose a first password works (1 to 60)"),
    Setting("EMAIL_CHANGE_HOURS", 24, "hours the link confirming a new address works"),
    # Access requests and messages from outside
    Setting("ACCESS_CONFIRM_HOURS", 72, "hours a link confirming an access request or a "
            "visitor's message works"),
    Setting("ACCESS_DECLINE_DAYS", 90, "days a declined address cannot ask again"),
    Setting("ACCESS_LIMIT_ADDRESS", "5 per hour", "access requests per client address"),
    Setting("ACCESS_LIMIT_EMAIL", "3 per hour", "access requests per e-mail address"),
    Setting("ACCESS_LINK_LIMIT_ADDRESS", "30 per 15 minutes", "posts to the confirmation "
            "pages per client address"),
    Setting("CONTACT_LIMIT_ADDRESS", "10 per hour", "visitors' messages per client address"),
    Setting("CONTACT_LIMIT_EMAIL", "5 per hour", "visitors' messages per e-mail address"),
    Setting("MESSAGES_PER_HOUR", 20, "messages one user may send per hour"),
    # Privacy
    Setting("RETENTION_DAYS", 30, "days unconfirmed requests and messages are kept"),
    Setting("AUDIT_RETENTION_DAYS", 365, "days the security log is kept"),
    Setting("PRIVACY_CONTACT", None, "whom the privacy statement names for questions"),
    # The site's identity (kennisbank.sitepages)
    Setting("SITE_NAME", "Kennisbank", "the name in the wordmark, page titles and default texts"),
    Setting("SITE_CITY", "Deventer", "the municipality that runs the instance"),
    Setting("CONTACT_EMAIL", None, "the address the contact page and the accessibility "
            "statement name; None: they point to the administrators"),
    # Outgoing mail (kennisbank.mail): no MAIL_SERVER, no sending; mail waits in the outbox.
    Setting("MAIL_SERVER", None, "SMTP server; None: mail waits in the outbox"),
    Setting("MAIL_PORT", 25, "SMTP port"),
    Setting("MAIL_USE_TLS", False, "STARTTLS"),
    Setting("MAIL_USE_SSL", False, "SMTP over TLS"),
    Setting("MAIL_USERNAME", None, "SMTP login"),
    Setting("MAIL_PASSWORD", None, "SMTP password"),
    Setting("MAIL_SENDER", "kennisbank@localhost", "the From address"),
    Setting("MAIL_SENDER_NAME", "Kennisbank", "the From name"),
    Setting("MAIL_TIMEOUT", 10, "seconds per SMTP network operation"),
    Setting("MAIL_SEND_AFTER_COMMIT", True, "send right after the commit, in a thread; false "
            "when only `kennisbank index-worker` or `kennisbank mail send-pending` send"),
    Setting("MAIL_SEND_IN_REQUEST", False, "send before the commit call returns (tests)"),
    Setting("MAIL_MAX_ATTEMPTS", 10, "attempts before a message fails"),
    Setting("MAIL_RETRY_DELAY", 60, "seconds before the first retry (doubling, at most 4 hours)"),
    Setting("MAIL_RETENTION_DAYS", 30, "days sent and failed mail stays in the outbox"),
    # Single sign-on (kennisbank.auth.oidc): no SSO_ISSUER, no single sign-on.
    Setting("SSO_ISSUER", None, "the OpenID provider's issuer URL; None: no single sign-on"),
    Setting("SSO_CLIENT_ID", None, "the client's id at the provider"),
    Setting("SSO_CLIENT_SECRET", None, "the client's secret at the provider"),
    Setting("SSO_REDIRECT_URI", None, "the redirect URI registered at the provider"),
    Setting("SSO_DOMAINS", [], "e-mail domains that log in there (empty: any)"),
    Setting("SSO_DEFAULT_ROLE", "reader", "role of an account made at a first login"),
    Setting("SSO_NAME", None, "the provider's name on the login page; None: the issuer's host"),
    Setting("SSO_LABEL", None, "the login button's text, one or per language"),
    Setting("SSO_TIMEOUT", 10, "seconds to wait for the provider"),
)

DEFAULTS: dict[str, Any] = {setting.name: setting.default for setting in SETTINGS}


def instance_path_from_env() -> str | None:
    """The instance folder must be known before the Flask object exists."""
    value = os.environ.get(f"{ENV_PREFIX}_INSTANCE")
    return str(Path(value).resolve()) if value else None


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Apply defaults, then the environment, then explicit overrides."""
    app.config.from_mapping(copy.deepcopy(DEFAULTS))
    app.config.from_prefixed_env(ENV_PREFIX)
    _environment_booleans(app)
    if overrides:
        app.config.from_mapping(overrides)
    _check_booleans(app)
    if app.config["DEFAULT_LANGUAGE"] not in LANGUAGES:
        raise ConfigError(
            f"KENNISBANK_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, "
            f"not {app.config['DEFAULT_LANGUAGE']!r}"
        )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        db_file = Path(app.instance_path) / "kennisbank.sqlite"
        app.config["DATABASE_URL"] = f"sqlite:///{db_file}"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    app.config["PLUGINS"] = _plugin_list(app.config["PLUGINS"])


def _environment_booleans(app: Flask) -> None:
    """``from_prefixed_env`` parses JSON, so ``False`` or ``no`` would stay a string,
    and a non-empty string is true: ``KENNISBANK_PUBLIC=False`` would open the site."""
    prefix = f"{ENV_PREFIX}_"
    for name, raw in os.environ.items():
        key = name.removeprefix(prefix)
        if name.startswith(prefix) and "__" not in key and raw.strip().lower() in BOOLEAN_WORDS:
            app.config[key] = BOOLEAN_WORDS[raw.strip().lower()]


def _check_booleans(app: Flask) -> None:
    for key, default in DEFAULTS.items():
        value = app.config[key]
        if isinstance(default, bool) and not isinstance(value, bool):
            if value not in (0, 1):
                raise ConfigError(f"{ENV_PREFIX}_{key} must be true or false, not {value!r}")
            app.config[key] = bool(value)


def enabled_plugins_from_env() -> list[str] | None:
    """``KENNISBANK_PLUGINS`` read as ``load_config`` reads it, without an app
    (``kennisbank plugins`` must not create an instance to answer)."""
    raw = os.environ.get(f"{ENV_PREFIX}_PLUGINS")
    try:
        value = json.loads(raw) if raw is not None else None
    except ValueError:
        value = raw
    return _plugin_list(value)


def _plugin_list(value: Any) -> list[str] | None:
    """``None`` means every installed plugin; a comma list names the enabled ones."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [str(name) for name in value]


def _instance_secret_key(app: Flask) -> str:
    """The key kept in the instance folder; generated there only on SQLite.

    A generated key belongs to one machine. SQLite is one machine, so the key
    is generated once and kept. Any other database is there to be shared by
    several app servers, and each would generate a key of its own: a session
    or form signed by one would be refused by the next behind the load
    balancer (people logged out at random, forms failing their CSRF check,
    "fixed" with sticky sessions or by switching the check off), and the key
    would be no managed secret: not rotated, not in the backups. So start-up
    refuses unless the key is configured, or an operator placed the same key
    file on every server.
    """
    instance = Path(app.instance_path)
    url = str(app.config["DATABASE_URL"])
    if url.partition(":")[0].startswith("sqlite") or (instance / SECRET_KEY_FILE).exists():
        return _persistent_secret_key(instance)
    raise ConfigError(
        f"{ENV_PREFIX}_SECRET_KEY is not set. With a database other than SQLite, every app "
        "server must sign sessions and forms with the same key: set "
        f"{ENV_PREFIX}_SECRET_KEY to one long random value on every server (for example the "
        "output of `python -c 'import secrets; print(secrets.token_hex(32))'`), or put that "
        f"value in {instance / SECRET_KEY_FILE} on each."
    )


def _persistent_secret_key(instance: Path) -> str:
    """Generate the key once and keep it, so sessions survive a restart.

    The file is created with mode 0600: the key signs sessions and CSRF tokens.
    Several workers may start at once, so the key is written to a private
    temporary file first and then linked into place, which succeeds for exactly
    one of them; the others read the complete key the winner wrote.
    """
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        fd, tmp_name = tempfile.mkstemp(prefix=".secret_key-", dir=instance)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(32))
            os.link(tmp_name, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp_name)
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise ConfigError(f"the secret key file {path} is empty; delete it to generate a new key")
    return key
