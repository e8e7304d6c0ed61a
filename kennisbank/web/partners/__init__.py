"""Partner pages: organisations, cities, transfer links, contact and inbox, the overview.

All under the language prefix, in the ``partners`` blueprint:

==========================================  =====================================
``/organisations``                          directory with search and facets
``/organisations/new``                      a new organisation (editors, admins)
``/organisations/<id>``                     profile, practices, people
``/organisations/<id>/edit``                profile form (maintainers, members)
``/organisations/<id>/people``              contact persons and members
``/cities``, ``/cities/<id>``               cities and a city page
``/items/<id>/transfers/new``               record a transfer link
``/items/<id>/transfers/<link>/delete``     remove one (POST)
``/items/<id>/people``                      a practice's contact persons
``/people/<id>/delete``                     remove a contact person (POST)
``/contact/<contact id>``                   write to a contact person
``/inbox``, ``/inbox/<id>``                 messages received and sent, one message
``/overview``                               charts
==========================================  =====================================

Item pages show transfer links and contact persons through the include
``partners/_item_links.html`` and the template helpers of :mod:`.helpers`,
all added by :mod:`kennisbank.partners.hooks` through the plugin hooks.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ...auth.policy import may_read_collection

bp = Blueprint("partners", __name__, url_prefix="/<any(nl, en):lang>")


def require_readable() -> None:
    """Pages about the collection are as public as the collection (``PUBLIC``)."""
    if not may_read_collection(current_user):
        abort(401)


def blueprint() -> Blueprint:
    """The ``partners`` blueprint with every page's view registered on it."""
    from . import cities, messages, organisations, overview, people, transfers  # noqa: F401

    return bp
