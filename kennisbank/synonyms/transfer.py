"""Synonym sets in the JSON Lines export and import, beside the items.

An export ends with one line per set::

    {"kind": "synonym_set", "nl": ["fietsstraat"], "en": ["bicycle street"], "note": ""}

Item lines never have a ``kind`` key (the item format refuses unknown keys),
so a line with one is a record of that kind and every item line stays as it
was: files written before synonym sets existed import unchanged, and an
export of an instance without sets is byte for byte what it was.

An import checks these lines with the same rules as the pages and the API
(:func:`.service.clean_set`), together with the items: one bad line of
either kind and nothing is imported. A set whose terms (ignoring case,
accents and order) already form a set updates that set instead of adding
another, so importing a file twice adds nothing the second time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from ..models import User
from . import service
from .service import CleanSet

LINE_KIND = "synonym_set"
KIND_KEY = "kind"


@dataclass
class SynonymCounts:
    """What an import did to the synonym list."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def is_record(data: Any) -> bool:
    """Whether a parsed line is a record of some kind (a synonym set), not an item."""
    return isinstance(data, dict) and KIND_KEY in data


def check_lines(parsed: list[tuple[int, Any]]
                ) -> tuple[list[CleanSet], dict[int, dict[str, str]]]:
    """The record lines among ``parsed``, checked: ``(clean sets, errors by line)``."""
    sets: list[CleanSet] = []
    errors: dict[int, dict[str, str]] = {}
    seen: dict[tuple[frozenset[str], frozenset[str]], int] = {}
    for number, data in parsed:
        if not is_record(data):
            continue
        kind = data[KIND_KEY]
        if kind != LINE_KIND:
            errors[number] = {KIND_KEY: _("Unknown kind of line \"%(kind)s\"; known: %(known)s.",
                                          kind=str(kind)[:50], known=LINE_KIND)}
            continue
        try:
            clean = service.clean_set({k: v for k, v in data.items() if k != KIND_KEY})
        except service.SynonymError as exc:
            errors[number] = exc.errors
            continue
        if clean.key() in seen:
            errors[number] = {"terms": _("Duplicate of line %(line)d.", line=seen[clean.key()])}
            continue
        seen[clean.key()] = number
        sets.append(clean)
    return sets, errors


def save_sets(sets: list[CleanSet], user: User | None) -> SynonymCounts:
    """Add each set, or bring the stored set with the same terms in line with it.

    The caller commits (with the items of the same file).
    """
    counts = SynonymCounts()
    stored = {service.clean_of(s).key(): s for s in service.find_sets()}
    for clean in sets:
        target = stored.get(clean.key())
        if target is None:
            stored[clean.key()] = service.add_clean(clean, user)
            counts.created += 1
        elif service.apply_clean(target, clean, user):
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def export_lines() -> Iterator[str]:
    """Every set as one JSON line (with its newline), oldest first."""
    for synonym_set in service.find_sets():
        record = {KIND_KEY: LINE_KIND, "nl": synonym_set.terms("nl"),
                  "en": synonym_set.terms("en"), "note": synonym_set.note or ""}
        yield json.dumps(record, ensure_ascii=False) + "\n"
