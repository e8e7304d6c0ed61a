"""Recognise an upload's type from its bytes, never from its name.

A name ending in ``.pdf`` says nothing about what a file is; browsers and
viewers trust content, so the platform does too. Only the types below are
accepted; everything else (executables, HTML, scripts, archives) is refused.
Office formats are zip files and are told apart by their required entries.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
#: A zip with more entries than this is not a document a person wrote.
MAX_ZIP_ENTRIES = 5000


@dataclass(frozen=True)
class FileKind:
    """An accepted file type: its media type, usual extensions and a readable label."""

    media_type: str
    extensions: tuple[str, ...]
    label: object

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileKind("application/pdf", (".pdf",), _l("PDF document"))
DOCX = FileKind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
    _l("Word document"),
)
ODT = FileKind("application/vnd.oasis.opendocument.text", (".odt",), _l("OpenDocument text"))
PNG = FileKind("image/png", (".png",), _l("PNG image"))
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg", ".jpe"), _l("JPEG image"))
WEBP = FileKind("image/webp", (".webp",), _l("WebP image"))
KINDS = {kind.media_type: kind for kind in (PDF, DOCX, ODT, PNG, JPEG, WEBP)}


def detect(data: bytes) -> FileKind | None:
    """The accepted type ``data`` is, or ``None`` when it is none of them."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return None


def _office_kind(data: bytes) -> FileKind | None:
    """DOCX has ``[Content_Types].xml`` and ``word/``; ODT starts with its ``mimetype`` entry."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return None
            names = {info.filename for info in infos}
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    if entry.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return ODT
                return None
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError):
        return None
    return None


def kind_of(media_type: str) -> FileKind | None:
    """The accepted type with this media type (for stored attachments)."""
    return KINDS.get(media_type)
