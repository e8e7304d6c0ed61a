"""``GET /api/v1/items/<id>/revisions``: an item's history, for those who may edit it.

Refusals: 401 without a token or session (before the item is even looked
up, so anonymous callers learn nothing about which ids exist), 404 when the
item may not be seen, 403 when it may be seen but not edited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Response, abort, jsonify
from flask_login import current_user
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from .. import revisions
from ..auth.policy import require
from ..content.registry import current_registry
from ..extensions import db
from ..models import Item
from . import api_lang, bp


def _iso(value: datetime) -> str:
    """SQLite drops the time zone; stored times are UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat().replace("+00:00", "Z")


@bp.get("/items/<int:item_id>/revisions")
def item_revisions(item_id: int) -> Response:
    """Newest first; each with who, when, why, the changed fields, the attachments
    added and removed, and the full snapshot."""
    if not current_user.is_authenticated:
        raise Unauthorized(www_authenticate=WWWAuthenticate("bearer", {"realm": "kennisbank"}))
    item = db.session.get(Item, item_id)
    if item is None or current_registry().type(item.type) is None:
        abort(404)
    require(current_user, "view_history", item)
    lang = api_lang()
    return jsonify({
        "item_id": item.id,
        "revisions": [_revision(entry) for entry in revisions.history(item, lang)],
    })


def _revision(entry: revisions.HistoryEntry) -> dict[str, Any]:
    revision = entry.revision
    return {
        "id": revision.id,
        "created_at": _iso(revision.created_at),
        "action": revision.action,
        "action_label": entry.label,
        "comment": revision.comment,
        "user": {"id": revision.user.id, "name": revision.user.name} if revision.user else None,
        "current": entry.is_current,
        "restorable": entry.restorable,
        "changes": [
            {"field": c.key, "label": c.label, "lang": c.lang, "old": c.old, "new": c.new}
            for c in entry.changes
        ],
        "files": {"added": entry.files_added, "removed": entry.files_removed},
        "snapshot": revision.snapshot,
    }
