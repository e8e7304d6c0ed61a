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


@bp.after_request
def no_store(response: Response) -> Response:
    """API answers depend on who asks; shared caches must not keep them."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def arg(name: str, default: Any = None) -> Any:
    return request.args.get(name, default)
