"""The way in for people without an account: access requests, and messages to
contact persons from outside, each confirmed by a link mailed to the sender.

``init_app`` registers the pages and the template helpers, and throttles
the confirmation pages (the settings ``RETENTION_DAYS``, ``ACCESS_*`` and
``CONTACT_LIMIT_*`` are in :mod:`kennisbank.config`). :func:`purge_expired`
forgets what was never confirmed; the privacy purge and ``kennisbank access
purge`` call it, and :mod:`.privacy` gives the privacy feature a person's data.
"""

from __future__ import annotations

from flask import Flask

from ..security import throttle_posts
from .retention import purge_expired

__all__ = ["init_app", "purge_expired"]


def init_app(app: Flask) -> None:
    from ..auth.sso_accounts import register_refusal
    from ..privacy import register_export, register_forget, register_purge
    from . import privacy, retention, service, views

    app.register_blueprint(views.bp)
    app.context_processor(views.template_helpers)
    register_export("access", privacy.export_for)
    register_forget("access", privacy.forget)
    register_purge("access", retention.purge_expired)
    # A declined requester does not get an account through single sign-on either.
    register_refusal("declined_access", lambda email: service.recently_declined(email, digest=""))
    for endpoint in views.LINK_PAGES:
        throttle_posts(app, endpoint, scope=endpoint.replace(".", "-"),
                       address_limit="ACCESS_LINK_LIMIT_ADDRESS")
