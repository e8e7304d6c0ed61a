"""Term pairs from the vocabularies the app already has in both languages.

Sector names, the SDG themes, content-type labels, field labels and choice
labels are written by people in Dutch and English; country names come from
Babel's CLDR data. Each label pair is a translation of the domain's own
vocabulary (``Gemeente`` / ``Municipality``, ``Klimaatactie`` / ``Climate
action``): exactly what a general dictionary lacks. Labels longer than a
short phrase are kept out of the look-up (no query reads like a sentence)
but still serve as parallel texts for the learned lexicon.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...content.registry import Registry
from ...content.types import Labels
from ...content.vocab import THEMES, countries
from .terms import Entry

#: Labels are curated, but not written as dictionary entries: a little below 1.
WEIGHT = 0.9


def label_pairs(registry: Registry) -> Iterator[tuple[str, str]]:
    """Every (Dutch, English) label pair of the app's vocabularies."""
    labels: list[Labels | None] = [*registry.sectors.values(), *THEMES.values(),
                                   *registry.facets.values()]
    for ctype in registry.types.values():
        labels.append(ctype.label)
        for fld in ctype.fields:
            labels.append(fld.label)
            labels += list((fld.choices or {}).values())
    for label in labels:
        pair = _pair(label)
        if pair is not None:
            yield pair
    english = dict(countries("en"))
    for code, name in countries("nl"):
        if code in english and name != english[code]:
            yield name, english[code]


def _pair(label: Any) -> tuple[str, str] | None:
    if not isinstance(label, dict):
        return None
    nl, en = str(label.get("nl") or "").strip(), str(label.get("en") or "").strip()
    if not nl or not en or nl.lower() == en.lower():
        return None
    return nl, en


def vocabulary_entries(registry: Registry) -> list[Entry]:
    """The label pairs as lexicon entries (one per distinct pair)."""
    return [Entry(nl=nl, en=en, weight=WEIGHT, origin="vocabulary")
            for nl, en in dict.fromkeys(label_pairs(registry))]
