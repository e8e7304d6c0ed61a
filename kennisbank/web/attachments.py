"""Serving attachments, and listing them on the item page.

A download is a download: ``Content-Disposition: attachment`` with the name
encoded (RFC 6266 / 5987) so no quote, line break or slash in a user's file
name can change the header, ``nosniff`` so the browser keeps the type that
was checked at upload, and a sandboxing CSP in case it is ever shown inline.
Who may not see the item gets a 404 for its files, as for the item.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

from flask import abort, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..attachments.models import Attachment
from ..attachments.sniff import kind_of
from ..attachments.storage import attachments_of, format_size, path_of
from ..auth.policy import can
from ..extensions import db
from ..models import Item

UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._ ()-]")


def content_disposition(name: str) -> str:
    """``attachment`` with an ASCII fallback name and the exact name in ``filename*``."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = UNSAFE_ASCII.sub("_", fallback).strip(" .") or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(item_id: int, attachment_id: int) -> Response:
    """The file, to whoever may see its item; 404 for everyone else."""
    item = db.session.get(Item, item_id)
    if item is None or not can(current_user, "view", item):
        abort(404)
    attachment = db.session.execute(
        db.select(Attachment).where(Attachment.id == attachment_id,
                                    Attachment.item_id == item_id)
    ).scalar_one_or_none()
    if attachment is None:
        abort(404)
    path = path_of(attachment)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=attachment.media_type, as_attachment=True,
                         download_name=attachment.stored_name, conditional=True, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(attachment.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def attachment_rows(item: Item) -> list[dict[str, Any]]:
    """What the item page lists per attachment: name, link, type and size for people."""
    rows = []
    for attachment in attachments_of(item.id):
        kind = kind_of(attachment.media_type)
        rows.append({
            "attachment": attachment,
            "name": attachment.original_name,
            "url": url_for("editing.attachment", item_id=item.id, attachment_id=attachment.id),
            "type": str(kind.label) if kind is not None else attachment.media_type,
            "size": format_size(attachment.size),
        })
    return rows


def template_helpers() -> dict[str, Any]:
    return {"attachment_rows": attachment_rows}
