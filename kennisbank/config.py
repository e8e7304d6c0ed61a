"""Configuration defaults and how they are overridden.

Every default runs on one machine with no services: SQLite and a Whoosh index in
the instance folder. Each setting can be overridden with an environment variable
``KENNISBANK_<NAME>`` (Flask's ``from_prefixed_env``, which also parses JSON
values such as ``false`` or ``10``), or with the mapping given to ``create_app``.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
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


DEFAULTS: dict[str, Any] = {
    "DEFAULT_LANGUAGE": "nl",
    "PUBLIC": True,
    "PLUGINS": None,
    "DATABASE_URL": None,
    "SEARCH_BACKEND": "whoosh",
    # A read replica for searches (PostgreSQL search backend only); None: the app's database.
    "SEARCH_DATABASE_URL": None,
    # Recent results kept per process by the PostgreSQL search backend (0: none).
    "SEARCH_CACHE_SIZE": 256,
    # Matches the PostgreSQL search backend counts and ranks exactly; a larger
    # result set is estimated from a sample (0: always exact, however slow).
    "SEARCH_EXACT_LIMIT": 2_000,
    # Where FreeDict's dictd files are (Debian's dict-freedict-nld-eng and -eng-nld).
    "LEXICON_DICTD_DIR": "/usr/share/dictd",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    "MAX_TITLE_LENGTH": 200,
    "MAX_SUMMARY_LENGTH": 1000,
    "MAX_TEXT_LENGTH": 100_000,
    "SQLALCHEMY_ENGINE_OPTIONS": {},
    # None: migrate on start for SQLite (one machine), never for other databases,
    # where ``kennisbank db upgrade`` is a deployment step (see kennisbank.schema).
    "AUTO_MIGRATE": None,
    "WTF_CSRF_TIME_LIMIT": None,
    # Outgoing mail (kennisbank.mail): no MAIL_SERVER, no sending; mail waits in the outbox.
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "kennisbank@localhost",
    "MAIL_SENDER_NAME": "Kennisbank",
    "MAIL_TIMEOUT": 10,
    # Send in the process that committed, right after the commit (in a thread of
    # its own, so responses never wait for the mail server); false when only
    # `kennisbank index-worker` or `kennisbank mail send-pending` send.
    "MAIL_SEND_AFTER_COMMIT": True,
    # Send before the commit call returns, in the request (tests; timing then
    # depends on the mail server).
    "MAIL_SEND_IN_REQUEST": False,
    # Attempts before a message fails, and the first wait (doubling, at most 4 hours).
    "MAIL_MAX_ATTEMPTS": 10,
    "MAIL_RETRY_DELAY": 60,
    # Days sent and failed mail stays in the outbox before the privacy purge removes it.
    "MAIL_RETENTION_DAYS": 30,
}


def instance_path_from_env() -> str | None:
    """The instance folder must be known before the Flask object exists."""
    value = os.environ.get(f"{ENV_PREFIX}_INSTANCE")
    return str(Path(value).resolve()) if value else None


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Apply defaults, then the environment, then explicit overrides."""
    app.config.from_mapping(DEFAULTS)
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
