"""The synonym list: sets of equivalent terms in Dutch and English that search applies.

Editors and administrators maintain it; the query side reads it. One module per concern:

* :mod:`.models`: the ``synonym_sets`` table and the ``synonym_state`` change counter;
* :mod:`.service`: the one validation path (pages, API, import, CLI), the changes,
  and what search reads: :func:`.service.all_sets`, :func:`.service.version`
  and :func:`.service.snapshot`;
* :mod:`.views`: the admin pages under ``/<lang>/admin/synonyms``;
* :mod:`.api`: ``/api/v1/synonyms`` (described by :mod:`kennisbank.api.synonym_specs`);
* :mod:`.transfer`: synonym sets as lines of the JSON Lines export and import;
* :mod:`.cli`: ``kennisbank synonyms list|add|delete``.

Importing this package registers the tables (``kennisbank.schema`` imports
:mod:`.models` with the other model modules).
"""

from __future__ import annotations

from .models import SynonymSet, SynonymState

__all__ = ["SynonymSet", "SynonymState"]
