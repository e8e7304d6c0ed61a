"""Imports every endpoint module so they register on the blueprint."""

from __future__ import annotations

from . import meta  # noqa: F401
from .bulk import import_jsonl  # noqa: F401
from .items import list_items  # noqa: F401
from .openapi import openapi  # noqa: F401
from .revisions import item_revisions  # noqa: F401
from .search import search_items  # noqa: F401
from .synonym_specs import describe as describe_synonyms  # noqa: F401  (the synonym endpoints too)
