"""``ContentType`` and ``Field``: how a plugin describes the content it adds.

These two dataclasses are the whole schema language. The same definitions drive
validation (forms, API, import), the search index, the API's schema document and
the generated edit forms, so a plugin declares a field once and gets the rest.
What a field's values are is its kind's business (:mod:`kennisbank.content.kinds`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .kinds import BUILTIN_KINDS, defined_kind
from .labels import Labels, label_in

#: The built-in kinds' names; plugins add kinds with ``register_field_kinds``.
FIELD_KINDS = tuple(kind.name for kind in BUILTIN_KINDS)
#: Names an item has of its own; a type's field may not shadow them.
RESERVED_NAMES = frozenset(
    {
        "id", "type", "status", "sector", "themes", "tags", "city", "country",
        "organisation", "start_date", "end_date", "fields", "translations",
        "external_id", "title", "summary", "body", "owner", "lang", "languages",
    }
)


@dataclass(frozen=True)
class Field:
    """One field of a content type.

    ``kind`` names a field kind (:mod:`kennisbank.content.kinds`): a built-in
    one (``FIELD_KINDS``) or one a plugin registers with ``register_field_kinds``.
    ``translatable`` fields hold one value per language (stored with the
    translation); others one value for the item.
    ``searchable`` puts the value's search text (as its kind gives it; never an
    ``email`` field's: contact details stay out of search) into the full-text
    index; ``facet`` makes the field a search facet. ``choices`` maps each
    stored code to its labels.
    """

    name: str
    kind: str
    label: Labels = field(default_factory=dict)
    required: bool = False
    translatable: bool = False
    searchable: bool = False
    facet: bool = False
    help: Labels = field(default_factory=dict)
    choices: Mapping[str, Labels] | None = None
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or self.name in RESERVED_NAMES:
            raise ValueError(f"field name {self.name!r} is not allowed")
        # Refuse options that would be ignored or break later, so a plugin author
        # learns at start-up, not from a reader's error page.
        try:
            kind = defined_kind(self.kind)
        except ValueError as exc:
            raise ValueError(f"field {self.name!r}: {exc}") from None
        kind.check_field(self)

    def choice_label(self, code: str, lang: str) -> str:
        """The label of one of this field's choices, or the code itself."""
        if not self.choices or code not in self.choices:
            return code
        return label_in(self.choices[code], lang, code)

    def describe(self, lang: str | None = None) -> dict[str, Any]:
        """A JSON-ready description, for the API and client-side forms."""
        return {
            "name": self.name,
            "kind": self.kind,
            "label": dict(self.label) if lang is None else label_in(self.label, lang, self.name),
            "required": self.required,
            "translatable": self.translatable,
            "searchable": self.searchable,
            "facet": self.facet,
            "help": dict(self.help) if lang is None else label_in(self.help, lang),
            "choices": (
                None
                if self.choices is None
                else [
                    {
                        "value": code,
                        "label": dict(labels) if lang is None else label_in(labels, lang),
                    }
                    for code, labels in self.choices.items()
                ]
            ),
        }


@dataclass(frozen=True)
class ContentType:
    """A kind of content a sector contributes, such as an exchange or a trade mission.

    ``sector`` is the default sector of new items of this type (``None``: any).
    """

    name: str
    label: Labels
    fields: list[Field] = field(default_factory=list)
    sector: str | None = None
    description: Labels = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"content type name {self.name!r} must be an identifier")
        names = [f.name for f in self.fields]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(
                f"content type {self.name!r}: duplicate fields {', '.join(sorted(duplicates))}"
            )

    def field(self, name: str) -> Field | None:
        """The field called ``name``, or ``None``."""
        return next((f for f in self.fields if f.name == name), None)

    @property
    def shared_fields(self) -> list[Field]:
        """Fields with one value for the whole item."""
        return [f for f in self.fields if not f.translatable]

    @property
    def translatable_fields(self) -> list[Field]:
        """Fields with one value per language."""
        return [f for f in self.fields if f.translatable]

    def describe(self, lang: str | None = None) -> dict[str, Any]:
        """A JSON-ready description, for the API and client-side forms."""
        return {
            "name": self.name,
            "label": dict(self.label) if lang is None else label_in(self.label, lang, self.name),
            "sector": self.sector,
            "description": (
                dict(self.description) if lang is None else label_in(self.description, lang)
            ),
            "fields": [f.describe(lang) for f in self.fields],
        }
