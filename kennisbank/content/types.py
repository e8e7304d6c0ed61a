"""``ContentType`` and ``Field``: how a plugin describes the content it adds.

These two dataclasses are the whole schema language. The same definitions drive
validation (forms, API, import), the search index, the API's schema document and
the generated edit forms, so a plugin declares a field once and gets the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FIELD_KINDS = (
    "text",
    "markdown",
    "keyword",
    "choice",
    "multichoice",
    "integer",
    "decimal",
    "date",
    "url",
    "email",
    "boolean",
    "country",
)
TEXT_KINDS = frozenset({"text", "markdown", "keyword", "url", "email"})
#: Names an item has of its own; a type's field may not shadow them.
RESERVED_NAMES = frozenset(
    {
        "id", "type", "status", "sector", "themes", "tags", "city", "country",
        "organisation", "start_date", "end_date", "fields", "translations",
        "external_id", "title", "summary", "body", "owner", "lang", "languages",
    }
)
Labels = Mapping[str, str]


def label_in(labels: Labels | None, lang: str, default: str = "") -> str:
    """A ``{lang: text}`` label in ``lang``, falling back to any language present."""
    if not labels:
        return default
    if lang in labels:
        return labels[lang]
    for other in ("en", "nl"):
        if other in labels:
            return labels[other]
    return next(iter(labels.values()), default)


@dataclass(frozen=True)
class Field:
    """One field of a content type.

    ``kind`` is one of ``FIELD_KINDS``. ``translatable`` fields hold one value per
    language (stored with the translation); others one value for the item.
    ``searchable`` text goes into the full-text index (never an ``email`` field's:
    contact details stay out of search); ``facet`` makes the field
    a search facet. ``choices`` maps each stored code to its labels.
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
        if self.kind not in FIELD_KINDS:
            raise ValueError(
                f"field {self.name!r}: unknown kind {self.kind!r}; "
                f"use one of {', '.join(FIELD_KINDS)}"
            )
        if not self.name.isidentifier() or self.name in RESERVED_NAMES:
            raise ValueError(f"field name {self.name!r} is not allowed")
        self._check_options()

    def _check_options(self) -> None:
        """Refuse options that would be ignored or break later, so a plugin author
        learns at start-up, not from a reader's error page."""
        prefix = f"field {self.name!r}:"
        if self.kind in ("choice", "multichoice"):
            if not isinstance(self.choices, Mapping) or not self.choices:
                raise ValueError(f"{prefix} a {self.kind} field needs choices: "
                                 "{code: {'nl': label, 'en': label}}")
            for code, labels in self.choices.items():
                if not isinstance(code, str) or not code or not isinstance(labels, Mapping):
                    raise ValueError(f"{prefix} choice {code!r} needs a code and a label mapping")
        elif self.choices is not None:
            raise ValueError(f"{prefix} only choice and multichoice fields have choices")
        if (self.min_value is not None or self.max_value is not None) and self.kind not in (
            "integer", "decimal"
        ):
            raise ValueError(f"{prefix} only integer and decimal fields have min/max values")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(f"{prefix} min_value is above max_value")
        if self.max_length is not None and (self.kind not in TEXT_KINDS or self.max_length < 1):
            raise ValueError(f"{prefix} max_length must be positive, on a text field")

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
