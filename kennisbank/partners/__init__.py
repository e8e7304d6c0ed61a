"""Connecting partners: organisations, partner cities, transfers of practices and contact.

* :mod:`.models`: organisation profiles, contact persons, transfer links, messages;
* :mod:`.cities` (GeoNames data) and :mod:`.comparable` (comparable cities);
* :mod:`.transfers`, :mod:`.organisations`, :mod:`.directory`, :mod:`.messages`
  with :mod:`.mail`: the rules, in one place for pages, API, CLI and demo;
* :mod:`.charts` and :mod:`.overview`: server-side SVG charts;
* :mod:`.hooks`: a built-in plugin feeding search (transfer counts, the
  ``like_city`` scope, the ``transfers`` sort) and following item deletions;
* :mod:`.cli`: ``kennisbank cities add|list``.

Pages live in :mod:`kennisbank.web.partners`, endpoints in :mod:`kennisbank.api.partners`.
Importing this package registers the tables, so it is imported before the
database is created.
"""

from __future__ import annotations

from .models import ContactPerson, Message, OrganisationProfile, TransferLink

__all__ = ["ContactPerson", "Message", "OrganisationProfile", "TransferLink"]
