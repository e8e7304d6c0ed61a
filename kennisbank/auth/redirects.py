"""Where a ``next`` parameter may send someone after logging in: only to this site.

Browsers are lenient: ``//evil.example``, ``/\\evil.example``, ``/\\t/evil``
and their percent-encoded forms all leave the site. Instead of listing the
bad forms, a target must be a plain absolute path: one ``/`` followed by
anything but another slash or backslash, with no whitespace or control
characters, and it must stay so after decoding.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

MAX_TARGET_LENGTH = 2000
_SAFE_PATH = re.compile(r"/(?![/\\])[^\s\\\x00-\x1f\x7f]*")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else ``None``.

    The whole target is checked as sent; its path is checked again after
    percent-decoding (three rounds, for double encoding), so an encoded
    ``//`` or backslash cannot slip through a server or proxy that decodes.
    """
    if not target or len(target) > MAX_TARGET_LENGTH or not _SAFE_PATH.fullmatch(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path
    for _round in range(3):
        path = unquote(path)
        if not _SAFE_PATH.fullmatch(path):
            return None
    return target
