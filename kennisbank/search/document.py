"""An item as a search document: what any search backend indexes.

The document is a plain dict, the same for every backend, built here once so
that the Whoosh backend (and a later PostgreSQL one) index exactly the same
thing and plugins enrich it through one hook, ``index_document``:

``id``, ``external_id``, ``type``, ``status``, ``sector``, ``owner_id``,
``city``, ``country``, ``start_date`` (a date or None), ``languages``,
``stamp`` (the item's ``updated_at``, to detect an outdated index entry),
``text`` (``{lang: {field: plain text}}``: title, summary, body and every
searchable field's search text as its kind gives it, Markdown reduced to its
words so snippets show no markup),
``extra_text`` and ``keywords`` (lists of strings, for plugins),
``facets`` (``{facet: [values]}``, a field's as its kind gives them),
``labels`` (the item's permission labels, :mod:`kennisbank.auth.labels`: set
after the plugins' hooks, which cannot change who sees the item).
"""

from __future__ import annotations

from typing import Any

from ..auth.labels import item_labels
from ..config import LANGUAGES
from ..content.registry import Registry
from ..content.types import ContentType, Field
from ..markup import text_of
from ..models import Item
from ..plugins import HookFailure, current_plugins
from .schema import searchable_fields


def item_stamp(item: Item) -> str:
    """A value that changes whenever the item is saved with a change."""
    return item.updated_at.isoformat() if item.updated_at else ""


def facet_value(value: Any) -> list[str]:
    """A field value as facet strings: lists give one value each, booleans
    ``true``/``false``, empty values none."""
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, list | tuple | set):
        return [v for item in value for v in facet_value(item)]
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _field_facets(registry: Registry, fld: Field, value: Any) -> list[str]:
    """A field's facet codes, as its kind gives them."""
    return [] if _is_blank(value) else registry.kind(fld.kind).facet_values(value, fld)


def _texts(item: Item, ctype: ContentType | None, names: list[str],
           registry: Registry) -> dict[str, dict[str, str]]:
    """Per language the plain text of every searchable field the item has.

    Shared (non-translatable) searchable fields count for every language the
    item is written in, analysed by each language's analyzer.
    """
    texts: dict[str, dict[str, str]] = {}
    for translation in item.translations:
        if translation.lang not in LANGUAGES:
            continue
        fields = {
            "title": translation.title or "",
            "summary": text_of(translation.summary),
            "body": text_of(translation.body),
        }
        if ctype is not None:
            for fld in ctype.fields:
                if fld.name not in names:
                    continue
                source = translation.fields if fld.translatable else item.fields
                value = (source or {}).get(fld.name)
                if _is_blank(value):
                    continue
                text = registry.kind(fld.kind).search_text(value, fld, translation.lang)
                if text:
                    fields[fld.name] = text
        texts[translation.lang] = fields
    return texts


def _facets(item: Item, ctype: ContentType | None, registry: Registry) -> dict[str, list[str]]:
    facets: dict[str, list[str]] = {
        "type": [item.type],
        "sector": facet_value(item.sector),
        "theme": facet_value(list(item.themes or [])),
        "tag": facet_value(list(item.tags or [])),
        "country": facet_value(item.country),
        "city": facet_value(item.city),
        "language": [lang for lang in item.languages if lang in LANGUAGES],
        "year": [str(item.start_date.year)] if item.start_date else [],
    }
    for name in registry.facet_fields():
        fld = ctype.field(name) if ctype is not None else None
        values: list[str] = []
        if fld is not None and fld.translatable:
            for translation in item.translations:
                values += _field_facets(registry, fld, (translation.fields or {}).get(name))
        elif fld is not None:
            values = _field_facets(registry, fld, (item.fields or {}).get(name))
        else:
            values = facet_value((item.fields or {}).get(name))
        facets.setdefault(name, [])
        facets[name] += [v for v in values if v not in facets[name]]
    return facets


def build_document(item: Item, registry: Registry,
                   failures: list[HookFailure] | None = None) -> dict[str, Any]:
    """The search document of ``item``, after the plugins' ``index_document`` hooks.

    A plugin that raises there is logged, named, and added to ``failures``;
    the document keeps what the core and the other plugins put in, so the
    item is still indexed as it is now (its status above all: an old entry
    left standing could show a withdrawn item), and the index's caller
    records the failure for a retry (:mod:`.outbox`).
    """
    ctype = registry.types.get(item.type)
    document: dict[str, Any] = {
        "id": item.id,
        "external_id": item.external_id,
        "type": item.type,
        "status": item.status,
        "sector": item.sector,
        "owner_id": item.owner_id,
        "city": item.city,
        "country": item.country,
        "start_date": item.start_date,
        "languages": [lang for lang in item.languages if lang in LANGUAGES],
        "stamp": item_stamp(item),
        "text": _texts(item, ctype, searchable_fields(registry), registry),
        "extra_text": [],
        "keywords": list(item.tags or []),
        "facets": _facets(item, ctype, registry),
    }
    current_plugins().contain("index_document", failures, item=item, document=document)
    document["labels"] = sorted(item_labels(item, failures))
    return document
