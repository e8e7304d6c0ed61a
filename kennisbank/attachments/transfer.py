"""Attachments in export and import: files beside the JSON Lines.

``kennisbank export FILE --attachments DIR`` writes each item's files to
``DIR/<item folder>/<file name>``; ``kennisbank import FILE --attachments DIR``
reads them back for the items in FILE. The JSON Lines format is unchanged (its
validator accepts no extra keys), and the files stay ordinary files a person
can open. The item folder is the external id with every character other than
letters, digits, ``-`` and ``_`` percent-encoded, so no id can point outside
DIR. Importing checks every file (type from content, size) before anything
is imported; files already attached with the same name and bytes are left
alone, so importing twice changes nothing.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..content.service import commit, queue_index
from ..content.transfer import parse_lines
from ..extensions import db
from ..models import Item, User
from .storage import (
    UploadError,
    add_attachment,
    attachments_of,
    check_upload,
    clean_name,
    max_attachment_size,
    path_of,
    remove_attachment,
)

SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def folder_name(external_id: str) -> str:
    """The item's folder: its external id, percent-encoded beyond ``[A-Za-z0-9_-]``."""
    return "".join(
        ch if ch in SAFE else "".join(f"%{byte:02X}" for byte in ch.encode("utf-8"))
        for ch in external_id
    )


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2).ext`` and so on when a file of that name (any case) is taken."""
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}){dot}{extension}"
    taken.add(candidate.lower())
    return candidate


def export_attachments(items: Iterable[Item], directory: Path) -> int:
    """Copy every attachment of ``items`` into ``directory``; returns how many files.

    An item folder that is written holds exactly the item's current files:
    files left there by an earlier export are removed.
    """
    count = 0
    for item in items:
        attachments = attachments_of(item.id)
        if not attachments or not item.external_id:
            continue
        folder = directory / folder_name(item.external_id)
        folder.mkdir(parents=True, exist_ok=True)
        taken: set[str] = set()
        written: set[str] = set()
        for attachment in attachments:
            name = _unique(clean_name(attachment.original_name) or "attachment", taken)
            shutil.copyfile(path_of(attachment), folder / name)
            written.add(name)
            count += 1
        for stale in folder.iterdir():
            if stale.is_file() and stale.name not in written:
                stale.unlink()
    return count


@dataclass(frozen=True)
class StagedFile:
    external_id: str
    path: Path


@dataclass
class StagedAttachments:
    """The files found for an import, checked; ``errors`` lists each refused file."""

    files: list[StagedFile] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def save(self, user: User | None = None) -> tuple[int, int, int]:
        """Attach the files to their (now imported) items; ``(added, replaced, unchanged)``."""
        return _save(self.files, user)


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(max_attachment_size() + 1)


def stage_attachments(lines: Sequence[str | bytes], directory: Path) -> StagedAttachments:
    """Find and check the files of every item in ``lines`` (the JSON Lines to import)."""
    staged = StagedAttachments()
    parsed, _errors = parse_lines(lines)
    for _number, data in parsed:
        external_id = data.get("external_id") if isinstance(data, dict) else None
        if not isinstance(external_id, str) or not external_id:
            continue
        folder = directory / folder_name(external_id)
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.is_symlink() or not path.is_file():
                staged.errors.append(f"{path}: not a regular file")
                continue
            try:
                check_upload(path.name, _read(path))
            except UploadError as exc:
                staged.errors.append(f"{path}: {exc}")
                continue
            staged.files.append(StagedFile(external_id, path))
    return staged


def _save(files: list[StagedFile], user: User | None) -> tuple[int, int, int]:
    added = replaced = unchanged = 0
    ids = sorted({f.external_id for f in files})
    items = {
        item.external_id: item
        for item in db.session.execute(db.select(Item).where(Item.external_id.in_(ids))).scalars()
    }
    touched: set[int] = set()
    try:
        for staged in files:
            item = items[staged.external_id]
            content = _read(staged.path)
            upload = check_upload(staged.path.name, content)
            same = {a.original_name: a for a in attachments_of(item.id)}.get(upload.name)
            if same is not None:
                if same.size == len(content) and path_of(same).read_bytes() == content:
                    unchanged += 1
                    continue
                remove_attachment(same)
                replaced += 1
            else:
                added += 1
            add_attachment(item, upload, user)
            touched.add(item.id)
        for item_id in sorted(touched):
            queue_index(item_id, "index")
        commit()
    except Exception:
        db.session.rollback()
        raise
    return added, replaced, unchanged
