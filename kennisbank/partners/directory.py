"""The organisation directory: full-text search and facets over the organisations.

There are a few hundred organisations, not tens of thousands of practices, so
this does not need the item index and its outbox: every search reads all
organisations with one query and filters and counts facets in Python (well
under a millisecond for a few hundred rows). Words are matched the way
practices are: a small in-memory Whoosh index whose fields use the search
package's analyzers (:func:`kennisbank.search.analysis.analyzer_for`: Dutch
and English stemming, compounds, accent folding), queried with the same
forgiving query syntax (:func:`kennisbank.search.querytext.parse_user_query`).
That index is rebuilt only when an organisation or profile changes: it is
kept per app with a fingerprint of the rows it was built from.

Facets behave as on the search page: values of one facet are OR-ed, facets
AND-ed, and each facet's counts apply every filter but its own.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import select
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.index import Index
from whoosh.query import NullQuery

from ..config import LANGUAGES
from ..content.registry import current_registry
from ..content.vocab import THEMES, country_name
from ..extensions import db
from ..models import Organisation
from ..search.analysis import analyzer_for
from ..search.querytext import parse_user_query
from .cities import fold
from .models import OrganisationProfile

FACETS = ("sector", "country", "city", "offers", "seeks")
FIELDS = {**{f"name_{lang}": 3.0 for lang in LANGUAGES},
          **{f"text_{lang}": 1.0 for lang in LANGUAGES}}
EXTENSION_KEY = "kennisbank.partners.directory"
MAX_QUERY_LENGTH = 1000
_build_lock = threading.Lock()


@dataclass
class Entry:
    """One organisation with its facet values."""

    organisation: Organisation
    offers: list[str]
    seeks: list[str]
    values: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class DirectoryResult:
    total: int
    entries: list[Entry]
    facets: dict[str, list[tuple[str, int]]]


def entries() -> list[Entry]:
    rows = db.session.execute(
        select(Organisation, OrganisationProfile)
        .outerjoin(OrganisationProfile, OrganisationProfile.organisation_id == Organisation.id)
        .order_by(Organisation.id)
    )
    found = []
    for organisation, profile in rows:
        offers = list(profile.offers or []) if profile else []
        seeks = list(profile.seeks or []) if profile else []
        found.append(Entry(organisation, offers, seeks, {
            "sector": [organisation.sector] if organisation.sector else [],
            "country": [organisation.country] if organisation.country else [],
            "city": [organisation.city] if organisation.city else [],
            "offers": offers,
            "seeks": seeks,
        }))
    return found


def _fingerprint(found: list[Entry]) -> str:
    rows = [[e.organisation.id, e.organisation.name, e.organisation.description, e.values]
            for e in found]
    return hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()).hexdigest()


def _texts(entry: Entry, lang: str) -> str:
    """What a reader of ``lang`` may search an organisation by, besides its name."""
    registry = current_registry()
    org = entry.organisation
    parts = [
        (org.description or {}).get(lang, ""),
        org.city or "",
        country_name(org.country, lang),
        registry.sector_label(org.sector, lang) if org.sector else "",
        *(THEMES[code][lang] for code in entry.offers + entry.seeks if code in THEMES),
    ]
    return "\n".join(part for part in parts if part)


def _index(found: list[Entry]) -> Index:
    fingerprint = _fingerprint(found)
    cached = current_app.extensions.get(EXTENSION_KEY)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    with _build_lock:
        schema = Schema(id=ID(stored=True, unique=True), **{
            name: TEXT(analyzer=analyzer_for(name.rpartition("_")[2])) for name in FIELDS
        })
        ix = RamStorage().create_index(schema)
        writer = ix.writer()
        for entry in found:
            document: dict[str, str] = {"id": str(entry.organisation.id)}
            for lang in LANGUAGES:
                document[f"name_{lang}"] = entry.organisation.name
                document[f"text_{lang}"] = _texts(entry, lang)
            writer.add_document(**document)
        writer.commit()
        current_app.extensions[EXTENSION_KEY] = (fingerprint, ix)
    return ix


def _matches(found: list[Entry], text: str) -> dict[int, float] | None:
    """Organisation id -> score for ``text``; ``None`` when there is nothing to search for."""
    if not text.strip():
        return None
    ix = _index(found)
    query = parse_user_query(text[:MAX_QUERY_LENGTH], FIELDS, ix.schema)
    if query is NullQuery:
        return None
    with ix.searcher() as searcher:
        return {int(hit["id"]): hit.score for hit in searcher.search(query, limit=None)}


def _has(entry: Entry, name: str, wanted: tuple[str, ...]) -> bool:
    if name == "city":
        return any(fold(v) in {fold(w) for w in wanted} for v in entry.values["city"])
    return any(v in wanted for v in entry.values[name])


def search_directory(text: str, filters: dict[str, tuple[str, ...]]) -> DirectoryResult:
    """Organisations matching ``text`` (every word, as in search) and the filters.

    Without words they are listed by name; with words, best match first.
    """
    found = entries()
    scores = _matches(found, text)
    if scores is not None:
        found = [e for e in found if e.organisation.id in scores]
    active = {name: values for name, values in filters.items() if name in FACETS and values}
    result = [e for e in found if all(_has(e, n, v) for n, v in active.items())]
    facets: dict[str, list[tuple[str, int]]] = {}
    for name in FACETS:
        others = {n: v for n, v in active.items() if n != name}
        counts: dict[str, int] = {}
        for entry in found:
            if all(_has(entry, n, v) for n, v in others.items()):
                for value in dict.fromkeys(entry.values[name]):
                    counts[value] = counts.get(value, 0) + 1
        facets[name] = sorted(counts.items(), key=lambda pair: (-pair[1], fold(pair[0])))
    if scores is not None:
        result.sort(key=lambda e: (-scores[e.organisation.id], fold(e.organisation.name)))
    else:
        result.sort(key=lambda e: fold(e.organisation.name))
    return DirectoryResult(total=len(result), entries=result, facets=facets)


def facet_label(name: str, value: str, lang: str) -> str:
    """A facet value as the reader sees it."""
    if name == "sector":
        return current_registry().sector_label(value, lang)
    if name == "country":
        return country_name(value, lang) or value
    if name in ("offers", "seeks"):
        return current_registry().theme_label(value, lang)
    return value


def describe(entry: Entry, lang: str) -> dict[str, Any]:
    """Labels of an entry's values, for templates."""
    return {name: [facet_label(name, v, lang) for v in values]
            for name, values in entry.values.items()}
