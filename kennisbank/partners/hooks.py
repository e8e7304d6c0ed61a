"""The partner features as a built-in plugin: everything reaches the app through public hooks.

Listed in :data:`kennisbank.plugins.BUILTIN_PLUGINS`, so ``kennisbank
plugins`` shows it as built in; nothing in the app factory, the command line
or the API's routes names it.

* ``index_document``: each practice's number of transfer links goes into its
  search document, as the facet ``transferred`` (``true``/``false``, shown as
  "Transferred at least once") and as ``transfers`` (the number, which is no
  facet of its own but the key of the "most transferred" sort).
* ``register_search_scopes``: the ``like_city`` parameter ("practices from
  cities like Deventer": the comparable cities' names as a city filter);
  ``register_search_sorts``: the ``transfers`` sort.
* ``register_blueprints``, ``register_api_blueprints`` with ``extra_openapi``,
  ``register_commands``, ``register_template_includes`` and
  ``extra_template_vars``: the pages, the API endpoints and their
  description, ``kennisbank cities``, and the partner parts of the main
  navigation, the home page and item pages.
* ``item_saved`` and ``item_deleted``: the practices on the other side of a
  link are reindexed, because whether a link counts depends on both sides
  being published; a deleted practice takes its links and contact persons along.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Blueprint
from sqlalchemy import delete, or_, update
from sqlalchemy.orm import object_session

from ..content.service import queue_index
from ..extensions import db
from ..hookspecs import hookimpl
from ..models import Item
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
def register_search_scopes() -> list[dict[str, Any]]:
    return [{"name": "like_city", "facet": "city",
             "label": {"nl": "Uit steden zoals", "en": "From cities like"},
             "expand": comparable_names}]


@hookimpl
def register_search_sorts() -> list[dict[str, Any]]:
    return [{"name": TRANSFERS, "label": {"nl": "vaakst overgenomen", "en": "most transferred"}}]


@hookimpl
def register_blueprints() -> list[Blueprint]:
    from ..web.partners import blueprint

    return [blueprint()]


@hookimpl
def register_api_blueprints() -> list[Blueprint]:
    from ..api.partners import bp

    return [bp]


@hookimpl
def extra_openapi() -> dict[str, dict[str, Any]]:
    from ..api.partner_specs import describe

    return describe()


@hookimpl
def register_commands(cli: click.Group) -> None:
    from .cli import cities

    cli.add_command(cities)


@hookimpl
def register_personal_data() -> list[dict[str, Any]]:
    from .privacy import contact_entries, messages

    return [{"name": "messages", "export": messages},
            {"name": "contact_entries", "export": contact_entries}]


@hookimpl
def register_template_includes() -> list[dict[str, str]]:
    return [{"slot": "main_nav", "template": "partners/_nav.html"},
            {"slot": "home", "template": "partners/_home.html"},
            {"slot": "item", "template": "partners/_item_links.html"}]


@hookimpl
def extra_template_vars() -> dict[str, Any]:
    from ..web.partners.helpers import template_helpers

    return template_helpers()
