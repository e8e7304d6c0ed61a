"""Permission labels: who may see an item, as data every query can filter on.

Modelled on CKAN's permission labels. An item carries labels, a person holds
labels; a person may see an item when they share at least one (admins see
everything). The core's labels say what the role rules of
:mod:`kennisbank.auth.policy` say:

* ``public``: carried by a published item; held by every reader and
  logged-in person and, while ``PUBLIC`` is on, by anonymous visitors;
* ``owner:<user id>``: carried by the owner's items; held by that person
  when they are a contributor or an editor;
* ``sector:<code>``: carried by the sector's items; held by its editors.

Plugins change them through two hooks (:mod:`kennisbank.hookspecs`):
``item_permission_labels`` decides an item's labels (the first plugin that
answers, starting from the core's), ``user_permission_labels`` grants a
person more labels (every plugin's are added). A plugin that keeps a
sector's items to that sector's members takes ``public`` off those items,
puts ``member:<sector>`` on them and grants ``member:<sector>`` to members.

The labels are stored twice, always computed by :func:`item_labels`: with the
item (``item_labels``, rewritten in every flush that changes an item or one
of its translations, see :func:`_store_labels`) and in its search document.
So lists, counts, feeds, exports, search, facet counts and related items all
filter on the same data (:class:`kennisbank.auth.policy.Visibility`). The
vocabulary behind corrections and suggestions, and the lexicon's learned
term pairs, come from items labelled ``public`` only: a word of an item
that some reader may not see never reaches anyone through "did you mean".

A plugin's rule may change (a new version, another setting) while labels
stay stored: ``kennisbank check-index`` finds the items whose stored labels
differ from what the rule now says and repairs them; ``kennisbank reindex``
recomputes every item's labels. The search index records the label rules it
was built with (:func:`labels_signature`), so a plugin added, removed or
upgraded makes ``check-index`` ask for a reindex.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import (
    String,
    Subquery,
    cast,
    delete,
    event,
    except_,
    insert,
    inspect,
    literal,
    select,
    text,
    union,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import Item, ItemLabel, ItemTranslation, User
from ..plugins import HookError, HookFailure, current_plugins

PUBLIC = "public"
#: Bump when the core's labels change: indexes built before are then outdated.
LABELS_VERSION = "1"
MAX_LABEL_LENGTH = 100


class LabelError(ValueError):
    """A plugin returned labels that cannot be stored."""


def owner_label(user_id: int) -> str:
    return f"owner:{user_id}"


def sector_label(code: str) -> str:
    return f"sector:{code}"


def core_item_labels(status: str | None, owner_id: int | None, sector: str | None) -> list[str]:
    """The labels the core gives an item with these values (before any plugin)."""
    labels = [PUBLIC] if status == "published" else []
    if owner_id is not None:
        labels.append(owner_label(owner_id))
    if sector:
        labels.append(sector_label(sector))
    return labels


def _owner_id(item: Item) -> int | None:
    """The owner's id; an item not yet flushed may know its owner by relationship only."""
    if item.owner_id is not None or inspect(item).persistent:
        return item.owner_id
    owner = item.__dict__.get("owner")
    return owner.id if owner is not None else None


def _clean(labels: Iterable[Any]) -> frozenset[str]:
    if isinstance(labels, str | bytes):
        raise LabelError(f"permission labels must be a list of strings, not {labels!r}")
    found = set()
    for label in labels:
        text = str(label).strip()
        if not text:
            continue
        if len(text) > MAX_LABEL_LENGTH:
            raise LabelError(f"permission label {text[:40]!r}... is longer than "
                             f"{MAX_LABEL_LENGTH} characters")
        found.add(text)
    return frozenset(found)


def item_labels(item: Item, failures: list[HookFailure] | None = None) -> frozenset[str]:
    """The labels ``item`` carries: the core's, or the first plugin's answer.

    A plugin that raises fails closed: the item keeps its owner and sector
    labels but not ``public``, so its author and editors still find it and
    readers do not. The failure is logged with the plugin named and added to
    ``failures`` (the indexer's list, so the outbox retries the item once
    the plugin is fixed).
    """
    labels = core_item_labels(item.status, _owner_id(item), item.sector)
    try:
        answer = current_plugins().call_first("item_permission_labels", item=item,
                                              labels=list(labels))
    except HookError as exc:
        if failures is not None:
            failures.append(exc.failure)
        return _clean(label for label in labels if label != PUBLIC)
    return _clean(labels if answer is None else answer)


def user_labels(user: User | None, *, public: bool) -> frozenset[str]:
    """The labels ``user`` holds (``None``: an anonymous visitor, holding
    ``public`` only when ``public`` is true): the core's and every plugin's.
    Admins need none: they see everything (see ``policy.visibility``)."""
    labels: list[str] = []
    if user is None:
        labels += [PUBLIC] if public else []
    else:
        labels.append(PUBLIC)
        if user.role in ("contributor", "editor") and user.id is not None:
            labels.append(owner_label(user.id))
        if user.role == "editor":
            labels += [sector_label(code) for code in user.sectors or []]
    # Contained: a failing plugin's labels are simply not granted (fail closed).
    for granted in current_plugins().contain("user_permission_labels", user=user,
                                             labels=list(labels)):
        labels += list(granted or ())
    return _clean(labels)


def labels_signature() -> str:
    """The label rules an index is built with: the core's version and each plugin
    deciding item labels, with its version. Part of both backends' schema
    signature, so an index built under other rules is reported as outdated."""
    plugins = current_plugins()
    deciders = sorted(
        f"{impl.plugin_name}={getattr(plugins.info.get(impl.plugin_name), 'version', '?')}"
        for impl in plugins.hook.item_permission_labels.get_hookimpls()
    )
    described = json.dumps([LABELS_VERSION, deciders])
    return hashlib.sha256(described.encode("utf-8")).hexdigest()[:16]


def stored_labels(session: Session, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The labels stored for these items (an item without any is left out)."""
    found: dict[int, set[str]] = {}
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), 500):
        rows = session.execute(select(ItemLabel.item_id, ItemLabel.label)
                               .where(ItemLabel.item_id.in_(wanted[start:start + 500])))
        for item_id, label in rows:
            found.setdefault(item_id, set()).add(label)
    return {item_id: frozenset(labels) for item_id, labels in found.items()}


def write_labels(session: Session, items: Iterable[Item]) -> None:
    """Store the labels of ``items`` (flushed items: they have ids) afresh."""
    rows = {item.id: item_labels(item) for item in items}
    if not rows:
        return
    connection = session.connection()
    connection.execute(delete(ItemLabel.__table__).where(
        ItemLabel.__table__.c.item_id.in_(sorted(rows))))
    values = [{"item_id": item_id, "label": label}
              for item_id, labels in rows.items() for label in sorted(labels)]
    if values:
        # A label a concurrent save of the same item stored meanwhile is the same row.
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        connection.execute(dialect.insert(ItemLabel.__table__).on_conflict_do_nothing(), values)


def plugins_decide() -> bool:
    """Whether a plugin decides item labels; else they are the core's, which SQL
    can compute for a whole collection at once (:func:`core_label_rows`)."""
    return current_plugins().implemented("item_permission_labels")


def core_label_rows() -> Subquery:
    """``(item_id, label)`` of every item's core labels, as one query."""
    public = select(Item.id.label("item_id"), literal(PUBLIC, String).label("label")) \
        .where(Item.status == "published")
    owner = select(Item.id, literal("owner:", String) + cast(Item.owner_id, String)) \
        .where(Item.owner_id.is_not(None))
    sector = select(Item.id, literal("sector:", String) + Item.sector) \
        .where(Item.sector.is_not(None), Item.sector != "")
    return union_all(public, owner, sector).subquery()


def core_outdated(session: Session) -> list[int]:
    """Items whose stored labels are not their core labels (no plugin deciding)."""
    expected = core_label_rows()
    wanted = select(expected.c.item_id, expected.c.label)
    stored = select(ItemLabel.item_id, ItemLabel.label)
    missing = except_(wanted, stored).subquery()
    extra = except_(stored, wanted).subquery()
    return sorted(session.scalars(union(select(missing.c.item_id), select(extra.c.item_id))))


def write_core_labels(session: Session) -> None:
    """Store every item's core labels afresh, in two statements. On PostgreSQL
    saves wait meanwhile (table lock): a label written by a save committing
    between the two would otherwise be inserted twice."""
    expected = core_label_rows()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE item_labels IN EXCLUSIVE MODE"))
    session.execute(delete(ItemLabel))
    session.execute(insert(ItemLabel).from_select(
        ["item_id", "label"], select(expected.c.item_id, expected.c.label)))


def outdated(session: Session, items: list[Item]) -> list[Item]:
    """Those of ``items`` whose stored labels differ from what the rules say now."""
    stored = stored_labels(session, [item.id for item in items])
    return [item for item in items if stored.get(item.id, frozenset()) != item_labels(item)]


@event.listens_for(Session, "after_flush")
def _store_labels(session: Session, _context: Any) -> None:
    """Rewrite the labels of every item this flush wrote (or whose translations
    it wrote): after the flush, so new items have their ids and owners."""
    changed: dict[int, Item] = {}
    for obj in chain(session.new, session.dirty):
        item = obj.item if isinstance(obj, ItemTranslation) else obj
        if isinstance(item, Item) and item.id is not None and item not in session.deleted:
            changed[item.id] = item
    if changed:
        write_labels(session, changed.values())
