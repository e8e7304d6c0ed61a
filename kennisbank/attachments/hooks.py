"""Attachments as a built-in plugin: their text is searched with the item.

Registered in ``BUILTIN_PLUGINS``, so it uses the same hooks any plugin would.
"""

from __future__ import annotations

from typing import Any

from ..hookspecs import hookimpl
from ..models import Item
from .storage import attachments_of, remove_attachments_of


@hookimpl
def index_document(item: Item, document: dict[str, Any]) -> None:
    """Add each attachment's text to ``extra_text`` and its name to ``attachments``.

    ``attachment_texts`` maps each name to its text, so search can tell which
    file a hit came from ("found in: brochure.pdf").
    """
    names = document.setdefault("attachments", [])
    for attachment in attachments_of(item.id):
        names.append(attachment.original_name)
        if attachment.text:
            document.setdefault("extra_text", []).append(attachment.text)
            document.setdefault("attachment_texts", {})[attachment.original_name] = attachment.text


@hookimpl
def item_deleted(item: Item) -> None:
    """The item's files go with it, once the deletion is committed."""
    remove_attachments_of(item.id)
