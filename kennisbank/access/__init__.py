"""The way in for people without an account: access requests, and messages to
contact persons from outside, each confirmed by a link mailed to the sender.

``init_app`` sets the defaults of the settings (``RETENTION_DAYS``,
``ACCESS_*``, ``CONTACT_LIMIT_*``), registers the pages and the template
helpers. :func:`purge_expired` forgets what was never confirmed; the privacy
purge and ``kennisbank access purge`` call it.
"""

from __future__ import annotations

from flask import Flask

from .retention import purge_expired

__all__ = ["init_app", "purge_expired"]


def init_app(app: Flask) -> None:
    from . import outside, service, views

    for settings in (service.SETTINGS, outside.SETTINGS):
        for key, value in settings.items():
            app.config.setdefault(key, value)
    app.register_blueprint(views.bp)
    app.context_processor(views.template_helpers)
