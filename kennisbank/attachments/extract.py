"""Text extraction from attachments, so search finds a practice by its report.

Uploads are untrusted, so every reader here is bounded: a PDF is read page by
page up to a limit, and the XML inside DOCX/ODT files is read only up to a size
limit (a zip bomb inflates to nothing more than that) and refused when it
declares a DTD (the only door to entity expansion; office XML never needs one).
Extraction never fails an upload: a file whose text cannot be read is kept,
just without text.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree

from .sniff import DOCX, ODT, PDF, FileKind

#: Characters of text kept per attachment; more adds little to search.
MAX_TEXT = 500_000
MAX_PDF_PAGES = 500
#: Uncompressed bytes read from one XML entry of an office file.
MAX_XML_BYTES = 30 * 1024 * 1024

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

Walker = Callable[[ElementTree.Element, list[str]], None]
log = logging.getLogger(__name__)


def extract_text(kind: FileKind, data: bytes) -> str:
    """The readable text of an upload, or ``""`` (images, unreadable files)."""
    try:
        if kind is PDF:
            text = _pdf_text(data)
        elif kind is DOCX:
            text = _xml_text(data, "word/document.xml", _docx_walk)
        elif kind is ODT:
            text = _xml_text(data, "content.xml", _odt_walk)
        else:
            return ""
    except Exception as exc:  # a broken file keeps its place, without text
        log.info("no text extracted from a %s upload: %s", kind.media_type, exc)
        return ""
    return _tidy(text)[:MAX_TEXT]


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\x00", "").splitlines())
    return "\n".join(line for line in lines if line)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    parts: list[str] = []
    size = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES or size > MAX_TEXT:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return "\n".join(parts)


def _xml_text(data: bytes, entry: str, walk: Walker) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(entry) as handle:
        xml = handle.read(MAX_XML_BYTES + 1)
    if len(xml) > MAX_XML_BYTES or b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        return ""
    # Safe: bounded in size and refused above when it declares a DTD or entities.
    root = ElementTree.fromstring(xml)  # nosec B314
    parts: list[str] = []
    walk(root, parts)
    return "".join(parts)


def _docx_walk(element: ElementTree.Element, parts: list[str]) -> None:
    """Text runs of ``word/document.xml``, a line per paragraph."""
    for node in element.iter():
        if node.tag == f"{W}t" and node.text:
            parts.append(node.text)
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node.tag in (f"{W}br", f"{W}p"):
            parts.append("\n")


def _odt_walk(element: ElementTree.Element, parts: list[str]) -> None:
    """Text of ``content.xml``: nested spans in order, a line per paragraph or heading."""
    if element.text:
        parts.append(element.text)
    for child in element:
        if child.tag == f"{TEXT}s":
            parts.append(" ")
        elif child.tag == f"{TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{TEXT}line-break":
            parts.append("\n")
        else:
            _odt_walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if element.tag in (f"{TEXT}p", f"{TEXT}h"):
        parts.append("\n")
