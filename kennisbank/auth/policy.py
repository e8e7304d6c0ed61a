"""Who may do what: the one permission policy for pages, API, search, feeds and CLI.

The ``permission_allowed`` hook is asked first; the first plugin returning
``True`` or ``False`` decides. Otherwise the role rules below apply:

* reader: read published items (anonymous visitors too while ``PUBLIC`` is on);
* contributor: also create items (as drafts), edit and submit their own drafts,
  and see their own unpublished items;
* editor: also edit, publish, archive, return and delete items of their sectors,
  and see those items whatever their status;
* admin: everything, including user management.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, false, or_, true

from ..models import Item, User
from ..plugins import hook

ACTIONS = (
    "view", "create", "edit", "submit", "publish", "archive", "return", "delete",
    "view_history", "manage_users", "import", "export",
)
ITEM_ACTIONS = frozenset(ACTIONS) - {"create", "manage_users", "import", "export"}


def _user(user: Any) -> User | None:
    """flask-login's anonymous user and ``None`` both mean: nobody logged in."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if getattr(user, "active", False) else None


def can(user: Any, action: str, item: Item | None = None) -> bool:
    """Whether ``user`` may do ``action`` (on ``item``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    person = _user(user)
    decided = hook().permission_allowed(user=person, action=action, item=item)
    if decided is not None:
        return bool(decided)
    return _role_allows(person, action, item)


def _edits_sector(user: User, sector: str | None) -> bool:
    return user.role == "editor" and sector is not None and sector in (user.sectors or [])


def _role_allows(user: User | None, action: str, item: Item | None) -> bool:
    if user is not None and user.role == "admin":
        return True
    if action in ITEM_ACTIONS and item is None:
        return False
    if action == "view":
        if item.status == "published":
            return user is not None or bool(current_app.config["PUBLIC"])
        return user is not None and (
            _owns(user, item) or _edits_sector(user, item.sector)
        )
    if user is None or user.role == "reader":
        return False
    if action == "create":
        return True
    if action in ("import", "export", "manage_users"):
        return action != "manage_users" and user.role == "editor"
    sector_editor = _edits_sector(user, item.sector)
    if action in ("edit", "view_history", "submit", "delete"):
        return sector_editor or (_owns(user, item) and item.status == "draft")
    # publish, archive, return
    return sector_editor


def _owns(user: User, item: Item) -> bool:
    return item.owner_id is not None and item.owner_id == user.id


@dataclass(frozen=True)
class Visibility:
    """Which items someone may see, in a form both SQL and the search index can use.

    ``everything`` (admins), else published items (when ``published``) plus
    any item owned by ``owner_id`` plus any item of ``sectors``.
    """

    everything: bool = False
    published: bool = True
    owner_id: int | None = None
    sectors: frozenset[str] = field(default_factory=frozenset)

    def sql(self) -> ColumnElement[bool]:
        """A WHERE clause on :class:`Item` that keeps only visible items."""
        if self.everything:
            return true()
        clauses: list[ColumnElement[bool]] = []
        if self.published:
            clauses.append(Item.status == "published")
        if self.owner_id is not None:
            clauses.append(Item.owner_id == self.owner_id)
        if self.sectors:
            clauses.append(Item.sector.in_(sorted(self.sectors)))
        return or_(*clauses) if clauses else false()

    def allows(self, item: Item) -> bool:
        """The same rule in Python, for one item."""
        return (
            self.everything
            or (self.published and item.status == "published")
            or (self.owner_id is not None and item.owner_id == self.owner_id)
            or item.sector in self.sectors
        )


def visibility(user: Any) -> Visibility:
    """The items ``user`` may see in lists, search, feeds and related items."""
    person = _user(user)
    if person is None:
        return Visibility(published=bool(current_app.config["PUBLIC"]))
    if person.role == "admin":
        return Visibility(everything=True)
    if person.role == "reader":
        return Visibility()
    sectors = frozenset(person.sectors or []) if person.role == "editor" else frozenset()
    return Visibility(owner_id=person.id, sectors=sectors)
