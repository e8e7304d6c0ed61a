"""Who may do what: the one permission policy for pages, API, search, feeds and CLI.

The ``permission_allowed`` hook is asked first; the first plugin returning
``True`` or ``False`` decides; a plugin that raises refuses (it is a veto
hook: fail closed, the log names the plugin). Otherwise the role rules below apply:

* anonymous visitors and readers: read published items (anonymous visitors
  only while ``PUBLIC`` is on);
* contributor: also create items (as drafts), edit, submit and delete their
  own drafts, see their own unpublished items and their history;
* editor: also everything on items of their sectors, whatever the status:
  edit, submit, publish, archive, return, delete, history;
* admin: everything, including user management.

Every logged-in person may manage their own API tokens, see contact details
and send messages (``contact``). Editors and admins maintain organisations;
members of an organisation (``User.organisation_id``) edit its profile
(``edit_organisation``, with the organisation as ``item``; without one it asks
whether someone may maintain every organisation). Editors and admins also
keep the search synonym list (``manage_synonyms``), invite people
(``invite``: whom an editor may invite is :mod:`kennisbank.auth.invitations`'
business) and review access requests (``review_access``: editors only those
of their sectors, see :mod:`kennisbank.access.service`). Whether a workflow
step fits the item's *status* (publish a draft, archive a published item) is
the workflow's business (:mod:`kennisbank.workflow`); this module answers
who may do it at all.

:func:`refusal` turns a "no" into the HTTP status every page and endpoint
uses: 401 when nobody is logged in, 404 when the item may not even be seen
(its existence is not revealed), 403 when it may be seen but not acted on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app
from sqlalchemy import ColumnElement, false, or_, true

from ..models import Item, User
from ..plugins import HookError, current_plugins

ACTIONS = (
    "view", "create", "edit", "submit", "publish", "archive", "return", "delete",
    "view_history", "manage_users", "import", "export", "manage_tokens",
    "edit_organisation", "contact", "manage_synonyms", "invite", "review_access",
)
ITEM_ACTIONS = frozenset(ACTIONS) - {"create", "manage_users", "import", "export", "manage_tokens",
                                     "edit_organisation", "contact", "manage_synonyms",
                                     "invite", "review_access"}
#: Actions an owner may take on their own item while it is a draft.
OWNER_ACTIONS = frozenset({"edit", "view_history", "submit", "delete"})


def _user(user: Any) -> User | None:
    """flask-login's anonymous user, ``None`` and deactivated users all mean: nobody."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if getattr(user, "active", False) else None


def can(user: Any, action: str, item: Item | None = None) -> bool:
    """Whether ``user`` may do ``action`` (on ``item``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    person = _user(user)
    try:
        decided = current_plugins().call_first("permission_allowed", user=person,
                                               action=action, item=item)
    except HookError:
        return False  # a failing plugin refuses (it is logged, named): fail closed
    if decided is not None:
        return bool(decided)
    return _role_allows(person, action, item)


def refusal(user: Any, action: str, item: Item | None = None) -> int | None:
    """``None`` when allowed, else the HTTP status to refuse with (401, 403 or 404)."""
    if can(user, action, item):
        return None
    person = _user(user)
    if action == "view":
        published = item is not None and item.status == "published"
        return 401 if person is None and published else 404
    if person is None:
        return 401
    if item is not None and not can(user, "view", item):
        return 404
    return 403


def require(user: Any, action: str, item: Item | None = None) -> None:
    """Abort the request with :func:`refusal`'s status unless ``user`` may do ``action``."""
    status = refusal(user, action, item)
    if status is not None:
        abort(status)


def _edits_sector(user: User, sector: str | None) -> bool:
    return user.role == "editor" and sector is not None and sector in (user.sectors or [])


def _owns(user: User, item: Item) -> bool:
    return item.owner_id is not None and item.owner_id == user.id


def _role_allows(user: User | None, action: str, item: Item | None) -> bool:
    if user is not None and user.role == "admin":
        return True
    if action in ITEM_ACTIONS and item is None:
        return False
    if action == "view":
        return visibility(user).allows(item)
    if user is None:
        return False
    if action in ("manage_tokens", "contact"):
        return True
    if action == "edit_organisation":
        member = item is not None and user.organisation_id == item.id
        return user.role == "editor" or member
    if user.role == "reader" or action == "manage_users":
        return False
    if action == "create":
        return True
    if action in ("import", "export", "manage_synonyms", "invite", "review_access"):
        return user.role == "editor"
    if _edits_sector(user, item.sector):
        return True
    if action in OWNER_ACTIONS:
        return _owns(user, item) and item.status == "draft"
    return False


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

    def sql(self, status: Any = Item.status, owner_id: Any = Item.owner_id,
            sector: Any = Item.sector) -> ColumnElement[bool]:
        """A WHERE clause that keeps only visible items: on :class:`Item`, or
        on any table with the three columns (the PostgreSQL search rows)."""
        if self.everything:
            return true()
        clauses: list[ColumnElement[bool]] = []
        if self.published:
            clauses.append(status == "published")
        if self.owner_id is not None:
            clauses.append(owner_id == self.owner_id)
        if self.sectors:
            clauses.append(sector.in_(sorted(self.sectors)))
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
