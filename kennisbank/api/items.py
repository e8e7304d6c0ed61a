"""``/api/v1/items``: list, read, create, change and delete items; workflow steps.

Reads answer as the caller may see the collection (bearer token or browser
session); an item the caller may not see is a 404, as if it did not exist.
Writes need a bearer token (see :func:`.errors.writer`) and go through the
same service as the web forms: the body is held to the published schema
(:mod:`.schemas`), then validated by :func:`kennisbank.content.service.validate`,
saved with a revision, and indexed. Status changes are workflow steps
(``POST /items/<id>/transitions``), never a side effect of an edit.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import workflow
from ..auth.policy import can, may_read_collection, refusal, visibility
from ..config import LANGUAGES
from ..content.registry import current_registry
from ..content.service import (
    commit,
    delete_item,
    item_to_data,
    preview_item,
    save_item,
    validate,
)
from ..content.types import label_in
from ..content.validation import ValidationError
from ..content.vocab import country_name
from ..extensions import db
from ..models import STATUSES, Item, User
from . import api_lang, bp
from .errors import (
    ApiError,
    checked_lang,
    choice_arg,
    json_object,
    unauthorized,
    whole_number_arg,
    writer,
)
from .schemas import TRANSITION_STEPS, check_item, check_transition

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 10_000


def iso(value: datetime | None) -> str | None:
    """RFC 3339 in UTC; SQLite drops the zone, and stored times are UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def links(item: Item) -> dict[str, Any]:
    return {
        "self": url_for("api.get_item", item_id=item.id, _external=True),
        "html": {
            code: url_for("web.item", lang=code, item_id=item.id, _external=True)
            for code in LANGUAGES
        },
    }


def item_summary(item: Item, lang: str) -> dict[str, Any]:
    """What a list shows: the item in the caller's language (or the one it has)."""
    text = item.best_translation(lang)
    return {
        "id": item.id,
        "external_id": item.external_id,
        "type": item.type,
        "status": item.status,
        "sector": item.sector,
        "lang": text.lang,
        "languages": item.languages,
        "title": text.title,
        "summary": text.summary,
        "updated_at": iso(item.updated_at),
        "published_at": iso(item.published_at),
        "links": links(item),
    }


def item_json(item: Item, lang: str) -> dict[str, Any]:
    """Everything: the import format (both translations), timestamps, labels in ``lang``, links."""
    registry = current_registry()
    ctype = registry.types[item.type]
    data = item_to_data(item)
    return {
        **item_summary(item, lang),
        **data,
        "created_at": iso(item.created_at),
        "labels": {
            "type": registry.type_label(item.type, lang),
            "status": workflow.status_label(item.status),
            "sector": registry.sector_label(item.sector, lang),
            "country": country_name(item.country, lang) or None,
            "themes": {code: registry.theme_label(code, lang) for code in data["themes"]},
            "fields": {fld.name: label_in(fld.label, lang, fld.name) for fld in ctype.fields},
        },
    }


def _readable_at_all() -> bool:
    """Whether this caller may read published content at all (``PUBLIC`` off: log in)."""
    return may_read_collection(current_user)


def find_item(item_id: int, user: Any, action: str) -> Item:
    """The item, if ``user`` may do ``action`` on it: else 401, 404 (not visible) or 403."""
    item = db.session.get(Item, item_id)
    if item is None or current_registry().type(item.type) is None:
        raise ApiError(404, _("There is no item with this id, or you may not see it."))
    status = refusal(user, action, item)
    if status == 401:
        raise unauthorized()
    if status == 404:
        raise ApiError(404, _("There is no item with this id, or you may not see it."))
    if status == 403:
        raise ApiError(403, _("You do not have permission to do this."))
    return item


def list_filters() -> list[Any]:
    """``sector``, ``type`` and ``status`` parameters as SQL conditions (shared with export)."""
    registry = current_registry()
    conditions: list[Any] = [Item.type.in_(sorted(registry.types))]
    for name, column, choices in (
        ("sector", Item.sector, list(registry.sectors)),
        ("type", Item.type, list(registry.types)),
        ("status", Item.status, list(STATUSES)),
    ):
        value = choice_arg(name, choices)
        if value is not None:
            conditions.append(column == value)
    return conditions


@bp.get("/items")
def list_items() -> Response:
    """Items the caller may see, most recently changed first, a page at a time."""
    checked_lang()
    if not _readable_at_all():
        raise unauthorized()
    conditions = [visibility(current_user).sql(), *list_filters()]
    page = whole_number_arg("page", 1, MAX_PAGE)
    per_page = whole_number_arg("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    total = db.session.scalar(select(func.count(Item.id)).where(*conditions)) or 0
    items = db.session.scalars(
        select(Item).where(*conditions)
        .order_by(Item.updated_at.desc(), Item.id.desc())
        .offset((page - 1) * per_page).limit(per_page)
    ).all()
    lang = api_lang()
    return jsonify({
        "total": total,
        "page": page,
        "per_page": per_page,
        "pages": max(1, -(-total // per_page)),
        "items": [item_summary(item, lang) for item in items],
    })


@bp.get("/items/<int:item_id>")
def get_item(item_id: int) -> Response:
    checked_lang()
    item = find_item(item_id, current_user, "view")
    return jsonify(item_json(item, api_lang()))


def _invalid(errors: dict[str, str]) -> ApiError:
    return ApiError(422, _("The item is not valid; see the errors per field."), errors)


def _check_external_id(external_id: str | None, item: Item | None) -> None:
    """409 when another item already has this ``external_id``."""
    if not external_id:
        return
    other = db.session.scalar(select(Item).where(Item.external_id == external_id))
    if other is not None and other is not item:
        message = _("Another item already has this external_id.")
        raise ApiError(409, message, {"external_id": message})


def _save(data: dict[str, Any], clean: dict[str, Any], user: User, item: Item | None) -> Item:
    """Save and commit; a concurrent request taking the same external_id is a 409."""
    try:
        saved = save_item(data, user=user, item=item, clean=clean)
        commit()
    except IntegrityError:
        db.session.rollback()
        message = _("Another item already has this external_id.")
        raise ApiError(409, message, {"external_id": message}) from None
    return saved


@bp.post("/items")
def create_item() -> Response:
    """A new item owned by the caller; a draft unless the caller may take it further."""
    checked_lang()
    user = writer()
    if not can(user, "create"):
        raise ApiError(403, _("You do not have permission to do this."))
    data = json_object()
    try:
        check_item(data)
        clean = validate(data)
    except ValidationError as exc:
        raise _invalid(exc.errors) from None
    _check_external_id(clean.get("external_id"), None)
    step = workflow.required_action(None, clean["status"])
    if step is not None:
        # The new item as it would stand just before that step: the caller's draft.
        probe = preview_item({**clean, "status": "draft"})
        probe.owner_id = user.id
        if not can(user, step, probe):
            message = _("You may only create drafts here; submit or publish them afterwards.")
            raise ApiError(403, message, {"status": message})
    item = _save(data, clean, user, None)
    response = jsonify(item_json(item, api_lang()))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_item", item_id=item.id, _external=True)
    return response


def merge(current: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``current`` with ``patch`` applied: ``fields`` per field, ``translations`` per
    language and within a language per key; ``null`` removes a value (or a language)."""
    merged = dict(current)
    for key, value in patch.items():
        if key == "fields":
            merged["fields"] = _merge_values(current.get("fields") or {}, value)
        elif key == "translations":
            texts = {lang: dict(text) for lang, text in (current.get("translations") or {}).items()}
            for lang, text in value.items():
                if text is None:
                    texts.pop(lang, None)
                else:
                    texts[lang] = _merge_values(texts.get(lang, {}), text)
            merged["translations"] = texts
        else:
            merged[key] = value
    return merged


def _merge_values(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = dict(old)
    for key, value in new.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


@bp.patch("/items/<int:item_id>")
def update_item(item_id: int) -> Response:
    """Change only what the body names; the result is validated as a whole."""
    checked_lang()
    user = writer()
    item = find_item(item_id, user, "edit")
    patch = json_object()
    ctype = current_registry().types[item.type]
    try:
        check_item(patch, ctype=ctype, patch=True)
    except ValidationError as exc:
        raise _invalid(exc.errors) from None
    if patch.get("status", item.status) != item.status:
        message = _("Change the status with POST /api/v1/items/%(id)d/transitions.", id=item.id)
        raise _invalid({"status": message})
    merged = merge(item_to_data(item), patch)
    try:
        clean = validate(merged, item_id=item.id)
    except ValidationError as exc:
        raise _invalid(exc.errors) from None
    _check_external_id(clean.get("external_id"), item)
    if clean["sector"] != item.sector:
        probe = Item(sector=clean["sector"], status=item.status, owner_id=item.owner_id,
                     translations=[])
        if not can(user, "edit", probe):
            message = _("You may not move the item to this sector.")
            raise ApiError(403, message, {"sector": message})
    _save(merged, clean, user, item)
    return jsonify(item_json(item, api_lang()))


@bp.delete("/items/<int:item_id>")
def remove_item(item_id: int) -> Response:
    user = writer()
    item = find_item(item_id, user, "delete")
    delete_item(item)
    commit()
    return Response(status=204)


@bp.post("/items/<int:item_id>/transitions")
def transition(item_id: int) -> Response:
    """``{"to": status, "comment": ...}``: the workflow step that leads to ``to``."""
    checked_lang()
    user = writer()
    item = find_item(item_id, user, "view")
    body = json_object()
    try:
        check_transition(body)
    except ValidationError as exc:
        raise ApiError(422, _("The request is not valid; see the errors per field."),
                       exc.errors) from None
    step = TRANSITION_STEPS[body["to"]]
    if step == "return" and not can(user, "return", item) and can(user, "withdraw", item):
        step = "withdraw"  # the author takes their own submission back
    find_item(item_id, user, step)
    try:
        workflow.apply(item, step, user=user, comment=body.get("comment") or "")
    except workflow.TransitionError as exc:
        db.session.rollback()
        if exc.field is None:
            raise ApiError(409, exc.message, {"to": exc.message}) from None
        raise ApiError(422, exc.message, {exc.field: exc.message}) from None
    except ValidationError as exc:
        db.session.rollback()
        raise ApiError(
            422, _("The item is not complete enough for this step; see the errors per field."),
            exc.errors,
        ) from None
    commit()
    return jsonify(item_json(item, api_lang()))
