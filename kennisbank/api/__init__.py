"""JSON API v1 under ``/api/v1``: no language prefix; ``lang`` picks labels.

Callers authenticate with ``Authorization: Bearer <token>`` (or a browser
session). The API is exempt from CSRF because a bearer token is not sent by a
browser on its own; session-authenticated writes are refused (see
:func:`require_token_for_writes`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def json_error(status: int, message: str, errors: dict[str, str] | None = None) -> Response:
    """The API's one error shape: ``{"error": ..., "errors": {field: message}}``."""
    response = jsonify({"error": message, "errors": errors or {}})
    response.status_code = status
    return response


def api_lang() -> str:
    """The API's language: ``lang``, else ``Accept-Language``, else English
    (:func:`kennisbank.i18n.api_language`; errors are in it too)."""
    from ..i18n import current_language

    return current_language()


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the endpoints on ``bp``)

    csrf.exempt(bp)
    app.register_blueprint(bp)
    _register_plugin_endpoints(app)


def _register_plugin_endpoints(app: Flask) -> None:
    """Mount each plugin's ``register_api_blueprints`` under ``/api/v1``, nested in ``api``.

    Registered with the name prefix ``api``, a plugin's blueprint is a child of
    the core's for Flask (``request.blueprints`` ends in ``api``), so the core's
    error handler, cache header and id check apply to its endpoints as they do
    to the core's own; ``bp`` itself stays untouched, as several apps share it.
    """
    from ..plugins import EXTENSION_KEY, PluginError

    for plugin_name, blueprint in app.extensions[EXTENSION_KEY].results(
            "register_api_blueprints"):
        if not isinstance(blueprint, Blueprint):
            raise PluginError(f"plugin {plugin_name!r}: register_api_blueprints returned "
                              f"{blueprint!r}, not a flask.Blueprint")
        csrf.exempt(blueprint)
        try:
            app.register_blueprint(blueprint, name_prefix=bp.name,
                                   url_prefix=f"{bp.url_prefix}{blueprint.url_prefix or ''}")
        except (ValueError, AssertionError) as exc:
            raise PluginError(
                f"plugin {plugin_name!r}: API blueprint could not be added: {exc}"
            ) from exc


@bp.after_request
def no_store(response: Response) -> Response:
    """API answers depend on who asks; shared caches must not keep them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def arg(name: str, default: Any = None) -> Any:
    return request.args.get(name, default)
