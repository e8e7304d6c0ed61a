"""``/api/v1/synonyms``: the synonym list in the JSON API, for editors and administrators.

``GET /synonyms`` (``q`` filters on the terms, ``page``/``per_page``) and
``GET /synonyms/<id>`` answer a bearer token or a browser session;
``POST /synonyms``, ``PUT /synonyms/<id>`` and ``DELETE /synonyms/<id>`` need
a bearer token (:func:`kennisbank.api.errors.writer`), as every write does.
Bodies are ``{"nl": [...], "en": [...], "note": ...}``, checked by the one
validation path (:func:`.service.clean_set`); a ``PUT`` replaces the whole
set. Errors have the API's shape; the OpenAPI description is
:mod:`kennisbank.api.synonym_specs`.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..api import bp
from ..api.errors import ApiError, checked_lang, json_object, unauthorized, whole_number_arg, writer
from ..api.items import MAX_PAGE, iso
from ..auth.policy import can
from ..extensions import db
from ..models import User
from . import service
from .models import SynonymSet

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500
MAX_FILTER_LENGTH = 200


def set_json(synonym_set: SynonymSet) -> dict[str, Any]:
    """A set as the API shows it: the input's three keys, then what the server keeps."""
    editor = synonym_set.updated_by
    return {
        "id": synonym_set.id,
        "nl": synonym_set.terms("nl"),
        "en": synonym_set.terms("en"),
        "note": synonym_set.note or "",
        "created_at": iso(synonym_set.created_at),
        "updated_at": iso(synonym_set.updated_at),
        "updated_by": {"id": editor.id, "name": editor.name} if editor is not None else None,
        "links": {"self": url_for("api.get_synonym_set", set_id=synonym_set.id,
                                  _external=True)},
    }


def _reader() -> None:
    """Reads: a token or a session of someone who keeps the list."""
    checked_lang()
    if not current_user.is_authenticated:
        raise unauthorized()
    _allowed(current_user)


def _allowed(user: User) -> None:
    if not can(user, "manage_synonyms"):
        raise ApiError(403, _("Only editors and administrators may see and change the "
                              "synonym list."))


def _editor() -> User:
    """Writes: a bearer token of someone who keeps the list."""
    checked_lang()
    user = writer()
    _allowed(user)
    return user


def _find(set_id: int) -> SynonymSet:
    found = service.get_set(set_id)
    if found is None:
        raise ApiError(404, _("There is no synonym set with this id."))
    return found


def _invalid(error: service.SynonymError) -> ApiError:
    db.session.rollback()
    return ApiError(422, _("The synonym set is not valid; see the errors per field."),
                    error.errors)


@bp.get("/synonyms")
def list_synonym_sets() -> Response:
    """Every set, oldest first, or those with a term containing ``q``; and the list's version."""
    _reader()
    text = str(request.args.get("q", ""))[:MAX_FILTER_LENGTH]
    page = whole_number_arg("page", 1, MAX_PAGE)
    per_page = whole_number_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    version = service.version()
    found = service.find_sets(text)
    return jsonify({
        "total": len(found), "page": page, "per_page": per_page, "version": version,
        "synonym_sets": [set_json(s) for s in found[(page - 1) * per_page: page * per_page]],
    })


@bp.get("/synonyms/<int:set_id>")
def get_synonym_set(set_id: int) -> Response:
    _reader()
    return jsonify(set_json(_find(set_id)))


@bp.post("/synonyms")
def create_synonym_set() -> Response:
    user = _editor()
    body = json_object()
    try:
        created = service.create_set(body, user)
    except service.SynonymError as error:
        raise _invalid(error) from None
    db.session.commit()
    response = jsonify(set_json(created))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_synonym_set", set_id=created.id,
                                           _external=True)
    return response


@bp.put("/synonyms/<int:set_id>")
def update_synonym_set(set_id: int) -> Response:
    """Replace the set's terms and note (keys left out mean: none)."""
    user = _editor()
    synonym_set = _find(set_id)
    body = json_object()
    try:
        service.update_set(synonym_set, body, user)
    except service.SynonymError as error:
        raise _invalid(error) from None
    db.session.commit()
    return jsonify(set_json(synonym_set))


@bp.delete("/synonyms/<int:set_id>")
def delete_synonym_set(set_id: int) -> Response:
    _editor()
    service.delete_set(_find(set_id))
    db.session.commit()
    return Response(status=204)
