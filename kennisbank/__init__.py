"""Kennisbank: a bilingual knowledge base of practices, extended by sector plugins.

Plugin authors need these names from here: ``hookimpl``, ``ContentType``,
``Field``, and for a new kind of field ``FieldKind`` with its ``Invalid``.
Everything else is the core's business and may change.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .content.kinds import FieldKind, Invalid
from .content.types import ContentType, Field
from .hookspecs import hookimpl

__all__ = ["ContentType", "Field", "FieldKind", "Invalid", "create_app", "hookimpl"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application.

    :param config: settings that override the defaults and ``KENNISBANK_*``
        variables; ``INSTANCE`` sets the data folder. ``EXTRA_PLUGINS`` (a list
        of plugin objects) registers plugins without installing them.
    """
    from .app import build_app

    return build_app(config)
