"""Endpoints that describe the platform: content types, sectors and themes."""

from __future__ import annotations

from flask import Response, jsonify

from ..content.registry import current_registry
from ..content.types import label_in
from ..content.vocab import THEMES
from . import api_lang, bp


@bp.get("/content-types")
def content_types() -> Response:
    """Every registered type with its fields, plus sectors and themes: enough to build a form."""
    lang = api_lang()
    registry = current_registry()
    return jsonify({
        "content_types": [ctype.describe(lang) for ctype in registry.types.values()],
        "sectors": [
            {"value": code, "label": label_in(labels, lang, code)}
            for code, labels in registry.sectors.items()
        ],
        "themes": [
            {"value": code, "label": label_in(labels, lang, code)}
            for code, labels in THEMES.items()
        ],
    })
