"""The site's own pages: contact, accessibility statement and colophon, and the site's name.

Their texts are defaults in the catalogs (both languages) that an administrator
replaces per language, stored like the privacy statement in ``site_texts``.
The site's name and city are settings (``SITE_NAME``, ``SITE_CITY``), so another
city can run its own instance under its own wordmark.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

SETTINGS: dict[str, Any] = {
    # The name in the wordmark, the page titles and the default texts.
    "SITE_NAME": "Kennisbank",
    # The city (municipality) that runs the instance.
    "SITE_CITY": "Deventer",
    # The address the contact page and the accessibility statement name; None: default text.
    "CONTACT_EMAIL": None,
}


def site_name() -> str:
    return str(current_app.config.get("SITE_NAME") or SETTINGS["SITE_NAME"])


def site_city() -> str:
    return str(current_app.config.get("SITE_CITY") or SETTINGS["SITE_CITY"])


def init_app(app: Flask) -> None:
    from . import views

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)

    @app.context_processor
    def site_identity() -> dict[str, Any]:
        return {"site_name": site_name(), "site_city": site_city()}

    views.init_app(app)
