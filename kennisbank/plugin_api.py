"""What hooks hand to plugins, as read-only types a plugin may rely on.

Hooks about items (``validate_item``, ``index_document``, ``item_saved``,
``item_published``, ``item_deleted``, ``permission_allowed``,
``render_item_fields``) receive an object satisfying :class:`ItemView`; the
core passes its own item, but only what these protocols name is the
contract: other attributes may change, and changing an item from a hook is
not supported (the save it belongs to has already been validated).
Annotate hook arguments with these types and a type checker (mypy,
pyright) tells you when you rely on more::

    from kennisbank import hookimpl
    from kennisbank.plugin_api import ItemView


    @hookimpl
    def validate_item(item: ItemView) -> dict[str, str] | None:
        if item.type == "exchange" and not item.fields.get("partner_institution"):
            return {"fields.partner_institution": "..."}
        return None
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

__all__ = ["ItemView", "TranslationView", "UserView"]


@runtime_checkable
class TranslationView(Protocol):
    """One language of an item: its texts and its translatable fields."""

    @property
    def lang(self) -> str:
        """``nl`` or ``en``."""

    @property
    def title(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def body(self) -> str:
        """Markdown, as the author wrote it."""

    @property
    def fields(self) -> Mapping[str, Any]:
        """The type's translatable fields in this language, by field name."""


@runtime_checkable
class ItemView(Protocol):
    """A practice as hooks see it: read it, never change it.

    ``id`` is ``None`` while a new item is validated. Shared (non-translatable)
    fields of the item's content type are in ``fields``, translatable ones in
    each translation's ``fields``; both use the names of the type's ``Field``s.
    """

    @property
    def id(self) -> int | None: ...

    @property
    def type(self) -> str:
        """The content type's name (``practice``, ``exchange``...): check it first."""

    @property
    def status(self) -> str:
        """``draft``, ``review``, ``published`` or ``archived``."""

    @property
    def sector(self) -> str: ...

    @property
    def themes(self) -> Sequence[str]:
        """SDG codes, ``sdg1`` to ``sdg17``."""

    @property
    def tags(self) -> Sequence[str]: ...

    @property
    def city(self) -> str | None: ...

    @property
    def country(self) -> str | None:
        """ISO 3166 alpha-2, upper case."""

    @property
    def organisation(self) -> str | None: ...

    @property
    def start_date(self) -> date | None: ...

    @property
    def end_date(self) -> date | None: ...

    @property
    def fields(self) -> Mapping[str, Any]: ...

    @property
    def external_id(self) -> str | None: ...

    @property
    def owner_id(self) -> int | None: ...

    @property
    def created_at(self) -> datetime | None: ...

    @property
    def updated_at(self) -> datetime | None: ...

    @property
    def published_at(self) -> datetime | None: ...

    @property
    def translations(self) -> Sequence[TranslationView]: ...

    def translation(self, lang: str) -> TranslationView | None:
        """The translation in ``lang``, or ``None``."""

    def best_translation(self, lang: str) -> TranslationView:
        """The translation in ``lang``, else the first one the item has."""


@runtime_checkable
class UserView(Protocol):
    """The person a hook is asked about (``permission_allowed``); ``None`` when anonymous."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str:
        """``reader``, ``contributor``, ``editor`` or ``admin``."""

    @property
    def sectors(self) -> Sequence[str]:
        """The sectors an editor edits."""

    @property
    def preferred_language(self) -> str: ...


if TYPE_CHECKING:
    from .models import Item, ItemTranslation, User

    # Checked by mypy (``make lint``): the core's models keep satisfying the contract.
    def _item_is_a_view(item: Item) -> ItemView:
        return item

    def _translation_is_a_view(translation: ItemTranslation) -> TranslationView:
        return translation

    def _user_is_a_view(user: User) -> UserView:
        return user
