"""Following searches: the Atom feed made visible, and e-mail digests of new practices.

A person follows a search (the search page, a sector, a city, the home page)
or an organisation from the "Follow this search" box (:mod:`.views`), chooses
daily or weekly, and manages what they follow on their account page. Digests
(:mod:`.digests`) run the search as that person and go through the mail outbox
with a one-click unsubscribe link and ``List-Unsubscribe`` headers.
"""

from __future__ import annotations

from flask import Flask

from .models import FollowedSearch

__all__ = ["FollowedSearch", "init_app"]


def init_app(app: Flask) -> None:
    """The pages and the privacy registries (download and account deletion)."""
    from ..privacy import register_export, register_forget
    from . import privacy, views

    views.init_app(app)
    register_export("followed_searches", privacy.export_follows)
    register_forget("followed_searches", privacy.forget_follows)
