"""The registry of field kinds: the built-in ones here, a plugin's through ``register_field_kinds``.

See :mod:`.base` for what a kind knows. The app's kinds (built-in plus the
enabled plugins') are on :class:`~kennisbank.content.registry.Registry`;
:func:`kind_of` answers for a field of the current app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import CHOICES, MAX_LENGTH, RANGE, FieldKind, Invalid, defined_kind, number_text
from .boolean import BooleanKind
from .choices import ChoiceKind, MultichoiceKind
from .country import CountryKind
from .dates import DateKind
from .numbers import DecimalKind, IntegerKind
from .text import EmailKind, KeywordKind, MarkdownKind, TextKind, UrlKind

if TYPE_CHECKING:
    from ..types import Field

#: The kinds every app has, in the order the documentation lists them.
BUILTIN_KINDS: tuple[FieldKind, ...] = (
    TextKind(), MarkdownKind(), KeywordKind(), ChoiceKind(), MultichoiceKind(), IntegerKind(),
    DecimalKind(), DateKind(), UrlKind(), EmailKind(), BooleanKind(), CountryKind(),
)


def kind_of(fld: Field) -> FieldKind:
    """The current app's kind of ``fld`` (every field's kind was checked at start-up)."""
    from ..registry import current_registry

    return current_registry().kind(fld.kind)


__all__ = [
    "BUILTIN_KINDS", "CHOICES", "MAX_LENGTH", "RANGE", "FieldKind", "Invalid", "defined_kind",
    "kind_of", "number_text",
]
