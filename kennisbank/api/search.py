"""``GET /api/v1/search`` and ``GET /api/v1/items/<id>/related``.

Both answer as the caller may see the collection (browser session or
``Authorization: Bearer``). Bad parameters are a 400 with the usual JSON
error; an index that cannot be read is a 503, never a 500.
"""

from __future__ import annotations

from flask import Response, abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.policy import can, may_read_collection
from ..config import LANGUAGES
from ..extensions import db
from ..models import Item
from ..search.backend import SearchUnavailable
from ..search.service import BadSearchRequest, parse_params, related, search
from . import api_lang, bp, json_error
from .errors import read_args

RELATED_LIMIT = 5


def _unavailable() -> Response:
    message = _("Search is temporarily unavailable. Please try again in a minute.")
    response = json_error(503, message)
    response.headers["Retry-After"] = "30"
    return response


def _published_readable() -> bool:
    return may_read_collection(current_user)


@bp.get("/search")
def search_items() -> Response:
    """Full-text search with facets; see the module docstring of ``search.service``."""
    if not _published_readable():
        abort(401)
    try:
        params = parse_params(request.args)
    except BadSearchRequest as exc:
        return json_error(400, _("Some search parameters are not valid."), exc.errors)
    try:
        page = search(params, current_user, api_lang())
    except SearchUnavailable:
        return _unavailable()
    return jsonify(page.to_json())


@bp.get("/items/<int:item_id>/related")
def related_items(item_id: int) -> Response:
    """Visible items like this one, never the item itself."""
    read_args(lambda args: args.choice("lang", LANGUAGES), lenient=True)
    found = db.session.get(Item, item_id)
    if found is None or not can(current_user, "view", found):
        if found is not None and found.status == "published" and not current_user.is_authenticated:
            abort(401)
        abort(404)
    try:
        results = related(found, current_user, api_lang(), RELATED_LIMIT)
    except SearchUnavailable:
        return _unavailable()
    return jsonify({"results": results})
