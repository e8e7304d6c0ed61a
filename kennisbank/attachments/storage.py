"""Attachments on disk and in the database: checking, storing, removing.

Files live in ``<instance>/attachments/`` under a random name chosen here; the
name the user gave is kept only as data (cleaned, for display and download).
Disk and database must agree even when a transaction fails, so file changes
follow the session: a file written in a transaction that rolls back is
deleted, and a removed attachment's file is deleted only once the removal is
committed.
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Item, User
from .extract import extract_text
from .models import Attachment
from .sniff import FileKind, detect

FOLDER = "attachments"
MAX_NAME_LENGTH = 200
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z]{3,4}$")
#: ``session.info`` keys: files to delete after a commit, files to delete after a rollback.
UNLINK_ON_COMMIT = "kennisbank.attachments.unlink"
UNLINK_ON_ROLLBACK = "kennisbank.attachments.written"


class UploadError(ValueError):
    """An upload that cannot be accepted; the message is for the person who sent it."""


@dataclass(frozen=True)
class Upload:
    """A checked upload: a clean display name, its detected type and its bytes."""

    name: str
    kind: FileKind
    data: bytes


def max_attachment_size() -> int:
    """Bytes per file (``MAX_ATTACHMENT_SIZE``, 20 MB unless configured)."""
    return int(current_app.config["MAX_ATTACHMENT_SIZE"])


def attachments_dir() -> Path:
    return Path(current_app.instance_path) / FOLDER


def check_upload(filename: str, data: bytes) -> Upload:
    """Accept ``data`` if its content is an allowed type within the size limit.

    :raises UploadError: empty, too large, or not an allowed type.
    """
    shown = clean_name(filename) or _("the file")
    if not data:
        raise UploadError(_("%(name)s is empty.", name=shown))
    limit = max_attachment_size()
    if len(data) > limit:
        raise UploadError(
            _("%(name)s is too large: files may be at most %(limit)s.",
              name=shown, limit=format_size(limit))
        )
    kind = detect(data)
    if kind is None:
        raise UploadError(
            _("%(name)s is not a file type that can be attached. "
              "Allowed are PDF, Word (DOCX), OpenDocument text (ODT), PNG, JPEG and WebP.",
              name=shown)
        )
    return Upload(safe_name(filename, kind), kind, data)


def clean_name(filename: str | None) -> str:
    """The last path part of ``filename`` without control, format or separator characters."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(ch) in ("Zl", "Zp") else ch
        for ch in name
        if unicodedata.category(ch)[0] != "C"
    )
    return " ".join(name.split()).strip(". ")


def safe_name(filename: str | None, kind: FileKind) -> str:
    """A display name with the detected type's extension (``x.pdf`` holding a PNG: ``x.png``)."""
    name = clean_name(filename)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    if f".{extension.lower()}" in kind.extensions:
        suffix = f".{extension}"
    else:
        if not (extension.isalnum() and len(extension) <= 5):
            stem = name
        suffix = kind.extension
    stem = stem.strip(". ")[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ") or "attachment"
    return stem + suffix


def format_size(size: int) -> str:
    """A file size for people, in the page's language (Babel)."""
    from babel.units import format_unit
    from flask_babel import get_locale

    locale = str(get_locale() or "en")
    if size < 1024:
        return format_unit(size, "digital-byte", length="short", locale=locale)
    if size < 1024 * 1024:
        return format_unit(size / 1024, "digital-kilobyte", length="short", locale=locale,
                           format="#,##0")
    return format_unit(size / (1024 * 1024), "digital-megabyte", length="short", locale=locale,
                       format="#,##0.#")


def attachments_of(item_id: int | None) -> list[Attachment]:
    """An item's attachments, oldest first."""
    if item_id is None:
        return []
    query = db.select(Attachment).where(Attachment.item_id == item_id).order_by(Attachment.id)
    return list(db.session.execute(query).scalars())


def path_of(attachment: Attachment) -> Path:
    """Where the attachment's bytes are; refuses any stored name this module did not make."""
    if not STORED_NAME.match(attachment.stored_name):
        raise ValueError(f"unexpected stored name {attachment.stored_name!r}")
    return attachments_dir() / attachment.stored_name


def add_attachment(item: Item, upload: Upload, user: User | None) -> Attachment:
    """Store the file and add its row to the session (the item must have an id)."""
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}{upload.kind.extension}"
    path = folder / stored
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    _pending(UNLINK_ON_ROLLBACK).append(path)
    with os.fdopen(fd, "wb") as handle:
        handle.write(upload.data)
    attachment = Attachment(
        item_id=item.id,
        original_name=upload.name,
        stored_name=stored,
        media_type=upload.kind.media_type,
        size=len(upload.data),
        text=extract_text(upload.kind, upload.data),
        uploaded_by=user.id if user is not None else None,
    )
    db.session.add(attachment)
    return attachment


def remove_attachment(attachment: Attachment) -> None:
    """Delete the row now and the file once the deletion is committed."""
    _pending(UNLINK_ON_COMMIT).append(path_of(attachment))
    db.session.delete(attachment)


def remove_attachments_of(item_id: int | None) -> None:
    for attachment in attachments_of(item_id):
        remove_attachment(attachment)


def _pending(key: str) -> list[Path]:
    return db.session.info.setdefault(key, [])


def _unlink(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(UNLINK_ON_ROLLBACK, None)
    _unlink(session.info.pop(UNLINK_ON_COMMIT, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    if session.in_transaction():
        return
    session.info.pop(UNLINK_ON_COMMIT, None)
    _unlink(session.info.pop(UNLINK_ON_ROLLBACK, []))
