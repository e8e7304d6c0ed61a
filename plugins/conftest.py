"""Give the plugin tests the core's fixtures (``app``, ``client``, ``runner``, ``make_item``...).

pytest only sees a conftest's fixtures below its own folder, and the core's
live in ``tests/``; re-exporting them here lets each plugin's tests use them.
``pythonpath = ["."]`` in pyproject.toml makes ``tests`` importable.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from kennisbank.content.service import ValidationError, validate
from tests.conftest import *  # noqa: F403


def problems(app: Flask, data: dict[str, Any], lang: str) -> dict[str, str]:
    """The validation errors for ``data`` as a reader of ``lang`` gets them."""
    with app.test_request_context(f"/?lang={lang}"):
        try:
            validate(data)
        except ValidationError as exc:
            return exc.errors
    return {}
