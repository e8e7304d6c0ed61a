"""HTML pages, under a language prefix: ``/nl/...`` and ``/en/...``."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from . import filters

bp = Blueprint("web", __name__, url_prefix="/<any(nl, en):lang>")

from . import apidocs, feeds, pages  # noqa: E402,F401  (register their views on ``bp``)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    filters.init_app(app)
    app.register_error_handler(HTTPException, _http_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _http_error(error: HTTPException) -> Response:
    """Errors in the reader's language; JSON under ``/api``, a page elsewhere."""
    code = error.code or 500
    messages = {
        400: _("The request could not be understood."),
        401: _("Please log in to continue."),
        403: _("You do not have permission to do this."),
        404: _("This page does not exist, or you may not see it."),
        405: _("This method is not allowed here."),
        413: _("What you sent is too large."),
        415: _("This content type is not supported."),
        429: _("Too many attempts. Please wait a moment and try again."),
    }
    message = messages.get(code, _("Something went wrong on our side."))
    if _wants_json():
        response = jsonify({"error": message, "errors": {}})
    else:
        response = make_response(render_template("errors/error.html", code=code, message=message))
    response.status_code = code
    for header, value in error.get_headers():
        if header.lower() != "content-type":
            response.headers[header] = value
    return response
