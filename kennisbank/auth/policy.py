"""Who may do what: the one permission policy for pages, API, search, feeds and CLI.

The ``permission_allowed`` hook is asked first; the first plugin returning
``True`` or ``False`` decides; a plugin that raises refuses (it is a veto
hook: fail closed, the log names the plugin). Otherwise the role rules below apply:

* anonymous visitors and readers: read published items (anonymous visitors
  only while ``PUBLIC`` is on);
* contributor: also create items (as drafts), edit, submit and delete their
  own drafts, see their own items and their history whatever the status, and
  withdraw their own submission back to draft;
* editor: also everything on items of their sectors, whatever the status:
  edit, submit, publish, archive, return, delete, history;
* admin: everything, including user management.

``withdraw`` is the author's own step, for admins and editors too: an editor
who wants an item changed returns it with a comment (``return``), so an
author always learns why.

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

What someone may *see* is decided by permission labels
(:mod:`kennisbank.auth.labels`): the role rules above for ``view`` are the
core's labels, plugins add their own, and :func:`visibility` turns the
labels a person holds into the filter that lists, search, feeds, counts,
exports and related items apply inside their queries. ``can(user, "view",
item)`` applies the same labels to one item, so the page of an item and the
lists it appears in always agree. A ``permission_allowed`` answer for
``view`` still decides that one item (its page and API entry) but reaches
no list: to hide items everywhere, give them labels.

:func:`refusal` turns a "no" into the HTTP status every page and endpoint
uses: 401 when nobody is logged in, 404 when the item may not even be seen
(its existence is not revealed), 403 when it may be seen but not acted on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app
from sqlalchemy import ColumnElement, exists, false, true

from ..models import Item, ItemLabel, User
from ..plugins import HookError, current_plugins
from .labels import PUBLIC, item_labels, user_labels

ACTIONS = (
    "view", "create", "edit", "submit", "publish", "archive", "return", "withdraw", "delete",
    "view_history", "manage_users", "import", "export", "manage_tokens",
    "edit_organisation", "contact", "manage_synonyms", "invite", "review_access",
)
ITEM_ACTIONS = frozenset(ACTIONS) - {"create", "manage_users", "import", "export", "manage_tokens",
                                     "edit_organisation", "contact", "manage_synonyms",
                                     "invite", "review_access"}
#: Actions an owner may take on their own item while it is a draft.
OWNER_ACTIONS = frozenset({"edit", "submit", "delete"})
#: Actions an owner may take on their own item whatever its status (whether a
#: step fits the status is the workflow's business): an author never loses
#: sight of what happened to their item.
OWNER_ANY_STATUS = frozenset({"view_history", "withdraw"})


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


def may_read_collection(user: Any) -> bool:
    """Whether ``user`` may read published content at all (with ``PUBLIC`` off,
    anonymous visitors may not): the gate of every list, search and feed.

    Asks the plugins' ``view`` answer for a stand-in published item, then the
    role rules with the core's labels: a plugin's *item* labels decide per
    item (and a failing labels plugin hides its items, not the whole site).
    """
    probe = Item(status="published", sector="", translations=[])
    person = _user(user)
    try:
        decided = current_plugins().call_first("permission_allowed", user=person,
                                               action="view", item=probe)
    except HookError:
        return False
    if decided is not None:
        return bool(decided)
    seen = visibility(person)
    return seen.everything or PUBLIC in seen.labels


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
    if action == "withdraw":
        return user is not None and item is not None and user.role != "reader" and _owns(user, item)
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
    if action in OWNER_ANY_STATUS:
        return _owns(user, item)
    if action in OWNER_ACTIONS:
        return _owns(user, item) and item.status == "draft"
    return False


@dataclass(frozen=True)
class Visibility:
    """Which items someone may see, in a form SQL and both search indexes apply.

    ``everything`` (admins), else the items carrying at least one of
    ``labels`` (the permission labels the person holds, see
    :mod:`kennisbank.auth.labels`). The default holds ``public`` only: what
    a reader sees.
    """

    labels: frozenset[str] = frozenset({PUBLIC})
    everything: bool = False

    def sql(self, item_id: Any = Item.id) -> ColumnElement[bool]:
        """A WHERE clause on :class:`Item` (or on any column holding item ids)
        that keeps only visible items, through the stored ``item_labels``."""
        if self.everything:
            return true()
        if not self.labels:
            return false()
        return exists().where(ItemLabel.item_id == item_id,
                              ItemLabel.label.in_(sorted(self.labels)))

    def sql_array(self, labels: Any) -> ColumnElement[bool]:
        """The same rule on a ``text[]`` column of labels (the PostgreSQL search
        rows: one overlap test, served by their GIN index)."""
        if self.everything:
            return true()
        if not self.labels:
            return false()
        return labels.overlap(sorted(self.labels))

    def permits(self, labels: Iterable[str]) -> bool:
        """Whether an item carrying ``labels`` is visible."""
        return self.everything or not self.labels.isdisjoint(labels)

    def allows(self, item: Item) -> bool:
        """The same rule in Python, for one item (its labels computed now)."""
        return self.everything or self.permits(item_labels(item))


#: What every reader may see: items labelled ``public``. The search vocabulary
#: (corrections, suggestions), the lexicon and the comparison of cities are
#: drawn from these, whoever asks.
PUBLIC_VISIBILITY = Visibility()


def visibility(user: Any) -> Visibility:
    """The items ``user`` may see in lists, search, feeds and related items."""
    person = _user(user)
    if person is not None and person.role == "admin":
        return Visibility(everything=True)
    return Visibility(labels=user_labels(person, public=bool(current_app.config["PUBLIC"])))
