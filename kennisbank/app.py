"""The application factory's work, kept out of ``__init__`` so importing the
package for ``hookimpl`` stays cheap for plugins."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for
from flask_babel import Babel
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from . import i18n
from .access import init_app as init_access
from .api import init_app as init_api
from .api.errors import MAX_ID
from .attachments import Attachment  # noqa: F401  (its table must exist before create_all)
from .auth import init_app as init_auth
from .auth.oidc import init_app as init_sso
from .brochures import init_app as init_brochures
from .config import instance_path_from_env, load_config
from .content.registry import EXTENSION_KEY as REGISTRY_KEY
from .content.registry import Registry
from .extensions import csrf, db
from .following import init_app as init_following
from .health import init_app as init_health
from .mail import init_app as init_mail
from .plugins import EXTENSION_KEY as PLUGINS_KEY
from .plugins import PluginError, Plugins, build_plugins
from .privacy import init_app as init_privacy
from .privacy.registry import plugin_personal_data
from .schema import ensure_schema
from .search import init_app as init_search
from .security import init_app as init_security
from .sitepages import init_app as init_sitepages
from .synonyms import views as synonym_pages
from .web import account as account_pages
from .web import admin as admin_pages
from .web import browse as browse_pages
from .web import editing as editing_pages
from .web import init_app as init_web
from .web import slots as template_slots
from .web import sso as sso_pages
from .web import workflow as workflow_pages


def build_app(config: dict[str, Any] | None) -> Flask:
    """See :func:`kennisbank.create_app`."""
    config = dict(config or {})
    instance = config.pop("INSTANCE", None) or instance_path_from_env()
    app = Flask(
        "kennisbank",
        instance_path=str(Path(instance).resolve()) if instance else None,
        instance_relative_config=True,
    )
    app.url_map.converters["int"] = IdConverter
    extra_plugins = config.pop("EXTRA_PLUGINS", ())
    load_config(app, config)

    plugins, registry = load_plugins(app.config["PLUGINS"], extra_plugins)
    app.extensions[PLUGINS_KEY] = plugins
    app.extensions[REGISTRY_KEY] = registry

    _init_database(app)
    _init_babel(app, plugins)
    csrf.init_app(app)
    i18n.init_app(app)
    init_auth(app)
    init_sso(app)
    init_security(app)
    init_web(app)
    editing_pages.init_app(app)
    browse_pages.init_app(app)
    account_pages.init_app(app)
    sso_pages.init_app(app)
    init_privacy(app)
    init_sitepages(app)
    admin_pages.init_app(app)
    workflow_pages.init_app(app)
    synonym_pages.init_app(app)
    init_access(app)
    init_api(app)
    init_search(app)
    init_health(app)
    init_mail(app)
    init_following(app)
    init_brochures(app)
    for plugin_name, blueprint in plugins.results("register_blueprints"):
        try:
            app.register_blueprint(blueprint)
        except (ValueError, AssertionError) as exc:
            raise PluginError(
                f"plugin {plugin_name!r}: blueprint could not be added: {exc}"
            ) from exc
    template_slots.init_app(app, plugins)
    plugin_personal_data(plugins)  # refuses a bad or taken name now, not at the first export

    @app.route("/")
    def root() -> Any:
        return redirect(url_for("web.home", lang=i18n.browser_language()))

    plugins.call("startup", app=app)
    return app


def load_plugins(enabled: list[str] | None, extra: Any = ()) -> tuple[Plugins, Registry]:
    """The plugins and the content registry they make, each plugin's
    ``content_types`` filled in; touches no instance folder or database, so
    ``kennisbank plugins`` can show them without creating anything."""
    plugins = build_plugins(enabled, extra)
    registry = Registry.from_plugins(plugins)
    for key, owner in registry.owners.items():
        kind, _, name = key.partition(":")
        if kind == "type" and owner in plugins.info:
            plugins.info[owner].content_types.append(name)
    return plugins, registry


class IdConverter(IntegerConverter):
    """``<int:...>`` in URLs: a number past the largest id the database holds names
    nothing, so 404 for every method, where PostgreSQL would fail with "integer out
    of range". (A ``max`` would make the rule not match, and another rule for the
    same path could answer 405 instead.)"""

    def to_python(self, value: str) -> Any:
        number = super().to_python(value)
        if isinstance(number, int) and number > MAX_ID:
            raise NotFound()
        return number


def _init_database(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _sqlite_pragmas(db.engine)
        elif db.engine.dialect.name == "postgresql":
            _postgres_utc(db.engine)
        ensure_schema(app)


def _sqlite_pragmas(engine: Engine) -> None:
    """WAL lets readers work while one writer writes; foreign keys are off by default."""

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    engine.dispose()


def _postgres_utc(engine: Engine) -> None:
    """Timestamps are stored without a zone and mean UTC, as on SQLite; PostgreSQL
    converts an aware value to the session's zone, so every session uses UTC."""

    @event.listens_for(engine, "connect")
    def set_timezone(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()

    engine.dispose()


def _init_babel(app: Flask, plugins: Any) -> None:
    """Core catalogs first, then each plugin's, so plugins can add their own msgids."""
    directories = [str(i18n.core_translations_dir())]
    domains = ["messages"]
    for _plugin, (directory, domain) in plugins.results("translation_dirs"):
        directories.append(os.fspath(directory))
        domains.append(domain)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(directories)
    app.config["BABEL_DOMAIN"] = ";".join(domains)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LANGUAGE"]
    # One Babel per app: a shared one caches the first app's domains and catalogs.
    Babel(app, locale_selector=i18n.select_locale)
