"""The partner features' part in search and in the item lifecycle, through the plugin hooks.

* ``index_document``: each practice's number of transfer links goes into its
  search document, as the facet ``transferred`` (``true``/``false``, shown as
  "Transferred at least once") and as ``transfers`` (the number, which is no
  facet of its own but the key of the "most transferred" sort).
* ``startup``: adds to the search service the ``like_city`` parameter
  ("practices from cities like Deventer": the comparable cities' names as a
  city filter) and the ``transfers`` sort.
* ``item_saved`` and ``item_deleted``: the practices on the other side of a
  link are reindexed, because whether a link counts depends on both sides
  being published; a deleted practice takes its links and contact persons along.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, or_, update
from sqlalchemy.orm import object_session

from ..content.service import SEARCH_EXTENSION_KEY, queue_index
from ..extensions import db
from ..hookspecs import hookimpl
from ..models import Item
from ..search.service import Scope
from .comparable import comparable_names
from .models import ContactPerson, Message, TransferLink
from .transfers import linked_item_ids, transfer_count

TRANSFERRED = "transferred"
TRANSFERS = "transfers"


@hookimpl
def register_facets() -> list[dict[str, Any]]:
    return [{"name": TRANSFERRED,
             "label": {"nl": "Minstens één keer overgenomen", "en": "Transferred at least once"}}]


@hookimpl
def index_document(item: Item, document: dict[str, Any]) -> None:
    # The outbox and a rebuild index with sessions of their own: ask the item's.
    session = object_session(item) or db.session
    count = transfer_count(session, item.id)
    facets = document.setdefault("facets", {})
    facets[TRANSFERRED] = ["true" if count else "false"]
    facets[TRANSFERS] = [str(count)]


@hookimpl
def item_saved(item: Item) -> None:
    for other in sorted(linked_item_ids(db.session, item.id)):
        queue_index(other, "index")


@hookimpl
def item_deleted(item: Item) -> None:
    for other in sorted(linked_item_ids(db.session, item.id)):
        queue_index(other, "index")
    db.session.execute(delete(TransferLink).where(
        or_(TransferLink.from_item_id == item.id, TransferLink.to_item_id == item.id)))
    db.session.execute(delete(ContactPerson).where(ContactPerson.item_id == item.id))
    db.session.execute(update(Message).where(Message.item_id == item.id).values(item_id=None))


@hookimpl
def startup(app: Flask) -> None:
    search = app.extensions.get(SEARCH_EXTENSION_KEY)
    if search is None:
        return
    search.add_scope(Scope(
        name="like_city", facet="city",
        label={"nl": "Uit steden zoals", "en": "From cities like"},
        expand=comparable_names,
    ))
    search.add_sort(TRANSFERS, {"nl": "vaakst overgenomen", "en": "most transferred"})

