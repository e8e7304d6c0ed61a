"""The site's own pages: contact, accessibility statement and colophon, and the site's name.

Their texts are defaults in the catalogs (both languages) that an administrator
replaces per language, stored like the privacy statement in ``site_texts``.
The site's name and city are settings (``SITE_NAME``, ``SITE_CITY`` in
:data:`kennisbank.config.SETTINGS`), so another
city can run its own instance under its own wordmark.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app


def site_name() -> str:
    return str(current_app.config["SITE_NAME"])


def site_city() -> str:
    return str(current_app.config["SITE_CITY"])


def init_app(app: Flask) -> None:
    from . import views

    @app.context_processor
    def site_identity() -> dict[str, Any]:
        return {"site_name": site_name(), "site_city": site_city()}

    views.init_app(app)
